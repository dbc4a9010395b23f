"""Drive a renewal as the tenant's screens would, through the test client."""

from __future__ import annotations

import io
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.clock import utcnow
from app.extensions import db
from app.handoff.models import FaceVerification
from app.handoff.purposes import RENEWAL_SIGN
from app.renewal.contract import COMMITMENT_TEXT
from app.renewal.models import Renewal
from tests.conftest import page_text, post
from tests.handoff.samples import face_jpeg

HX = {"HX-Request": "true"}


def jpeg() -> bytes:
    """A real photo (an ID card photo stands in for it): the astronaut portrait."""
    return face_jpeg()


def latest_renewal() -> Renewal:
    found = db.session.scalar(select(Renewal).order_by(Renewal.id.desc()).limit(1))
    assert found is not None
    return found


def apply(client: FlaskClient, *, policy: str = "old") -> Renewal:
    """policy → declaration → confirm → both ID sides; not yet submitted."""
    response = post(client, "/renewal/policy", {"policy": policy})
    assert response.status_code == 303, page_text(response)
    renewal = latest_renewal()
    assert post(client, f"/renewal/{renewal.id}/declaration", {"agreed": "y"}).status_code == 303
    assert post(client, f"/renewal/{renewal.id}/confirm").status_code == 303
    for side in ("id_front", "id_back"):
        response = upload(client, renewal.id, side, jpeg())
        assert response.status_code == 303, page_text(response)
    return renewal


def upload(client: FlaskClient, renewal_id: int, side: str, data: bytes, name: str = "id.jpg"):
    return post(
        client, f"/renewal/{renewal_id}/materials/{side}", {"file": (io.BytesIO(data), name)}
    )


def submit(client: FlaskClient, renewal_id: int):
    return post(client, f"/renewal/{renewal_id}/submit")


def age(renewal_id: int, **fields_seconds: int) -> None:
    """Move stored timestamps back in time (instead of sleeping through a countdown)."""
    renewal = db.session.get(Renewal, renewal_id)
    for field, seconds in fields_seconds.items():
        setattr(renewal, field, getattr(renewal, field) - timedelta(seconds=seconds))
    db.session.commit()


def through_commitment(client: FlaskClient, renewal_id: int) -> None:
    """合同签署 → 确认续约信息 → 阅读承诺书 (countdown aged) → paste the commitment."""
    assert post(client, f"/renewal/{renewal_id}/sign").status_code == 303
    assert post(client, f"/renewal/{renewal_id}/sign/confirm").status_code == 303
    assert client.get(f"/renewal/{renewal_id}/sign/commitment").status_code == 200
    age(renewal_id, commitment_shown_at=11)
    response = post(client, f"/renewal/{renewal_id}/sign/commitment", {"agreed": "y"})
    assert response.status_code == 303, page_text(response)
    response = post(client, f"/renewal/{renewal_id}/sign/copy", {"text": COMMITMENT_TEXT})
    assert response.status_code == 303, page_text(response)


def passed_face(renewal: Renewal) -> FaceVerification:
    """A passed face check recorded directly, where the face step itself is not under test."""
    verification = FaceVerification(
        user_id=renewal.tenant_id,
        purpose=RENEWAL_SIGN,
        object_id=renewal.id,
        passed=True,
        score=5.0,
        reason="检测到一张清晰的人脸",
        provider="local",
        provider_reference="local-test0001",
        image_sha256="0" * 64,
        created_at=utcnow(),
    )
    db.session.add(verification)
    db.session.commit()
    return verification


def signature_png() -> str:
    """A drawn signature as the canvas sends it: a PNG data URL."""
    import base64

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 220), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(40, 150), (200, 60), (360, 170), (560, 80)], fill="black", width=6)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
