"""Helpers to walk an application through the wizard with the test client."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.apply.models import Application
from app.extensions import db
from app.handoff.models import FaceVerification
from app.handoff.purposes import APPLY_IDENTITY
from app.housing.models import District, Street
from tests.conftest import login, post
from tests.factories import PASSWORD, create_resident, valid_id_number

APPLICANT = {
    "phone": "13800000001", "marital_status": "married", "hukou": "center_urban", "hukou_years": "8",
    "employment_status": "employed", "employer": "九江某公司", "monthly_income": "3500",
    "address": "浔阳区甘棠南路1号", "housing_situation": "renting",
    "remarried": "no", "relatives_any": "no",
}  # fmt: skip


def jpeg_bytes(size: tuple[int, int] = (400, 300), *, exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {2: (29.0, 42.0, 0.0)}  # GPSInfo
        image.save(out, format="JPEG", exif=data)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def verify_face(user_id: int, application_id: int) -> None:
    """A passed face check for this application, as the handoff area records it."""
    db.session.add(
        FaceVerification(
            user_id=user_id, purpose=APPLY_IDENTITY, object_id=application_id,
            passed=True, score=0.9, reason="通过", provider="test", provider_reference="t-1",
            image_sha256="0" * 64,
        )
    )  # fmt: skip
    db.session.commit()


class Wizard:
    def __init__(self, client, user) -> None:
        self.client = client
        self.user = user

    @property
    def application(self) -> Application:
        db.session.expire_all()
        return db.session.scalar(
            select(Application)
            .where(Application.applicant_id == self.user.id)
            .order_by(Application.id.desc())
        )

    def version(self) -> str:
        return str(self.application.version)

    def post(self, path: str, data: dict | None = None, **kwargs):
        payload = {"version": self.version(), **(data or {})}
        return post(self.client, path, payload, **kwargs)

    def start(self):
        return post(self.client, "/apply/start")

    def consent(self):
        return post(
            self.client,
            "/apply/consent",
            {"action": "agree", "scopes": ["identity", "face", "finances"]},
        )

    def region(self):
        street = db.session.scalar(select(Street))
        self.post("/apply/region", {"street_id": str(street.id)})
        return self.post("/apply/region/confirm")

    def verify_identity(self) -> None:
        verify_face(self.user.id, self.application.id)

    def category(self, category: str = "low_middle_income"):
        return self.post(
            "/apply/category",
            {"guarantee_mode": "physical", "category": category, "action": "next"},
        )

    def add_member(self, name: str, relation: str, birth: str = "19880808", serial: str = "551"):
        return self.post(
            "/apply/members/add",
            {"name": name, "id_number": valid_id_number(birth, serial), "relation": relation,
             "employment_status": "employed", "employer": "", "address": ""},
        )  # fmt: skip

    def members(self, **overrides):
        return self.post("/apply/members", {**APPLICANT, **overrides, "action": "next"})

    def sign(self):
        return self.post(
            "/apply/signature",
            {"photo": (io.BytesIO(jpeg_bytes()), "sign.jpg")},
            content_type="multipart/form-data",
        )

    def upload(self, key: str, data: bytes, name: str = "photo.jpg"):
        return self.post(
            f"/apply/materials/{key}/upload",
            {"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    def upload_all_required(self) -> None:
        from app.apply.materials import required_materials

        application = self.application
        for item in required_materials(application.category, application.data):
            response = self.upload(item.key, jpeg_bytes())
            assert response.status_code in (200, 303), item.key


@pytest.fixture
def region() -> Street:
    district = District(code="360403", name="浔阳区")
    street = Street(code="360403001", name="甘棠街道", district=district)
    db.session.add(street)
    db.session.commit()
    return street


@pytest.fixture
def wizard(client, region) -> Wizard:
    user = create_resident(real_name="张小明")
    login(client, user.phone, PASSWORD)
    return Wizard(client, user)


def walk_to_materials(wizard: Wizard) -> None:
    assert wizard.start().status_code == 303
    assert wizard.consent().headers["Location"] == "/apply/region"
    assert wizard.region().headers["Location"] == "/apply/identity"
    wizard.verify_identity()
    assert wizard.post("/apply/identity").headers["Location"] == "/apply/category"
    assert wizard.category().headers["Location"] == "/apply/members"
    assert wizard.add_member("王小二", "spouse").status_code == 303
    assert wizard.members().headers["Location"] == "/apply/assets"
    assert wizard.sign().status_code == 303
    assert (
        wizard.post("/apply/assets", {"action": "next"}).headers["Location"] == "/apply/materials"
    )
