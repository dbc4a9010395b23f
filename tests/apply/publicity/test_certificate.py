"""资格证明: the holder's printable certificate with a QR code, and the public check."""

from __future__ import annotations

import base64
import io
import re
from datetime import date

from PIL import Image
from sqlalchemy import select

from app.apply.publicity.models import QualificationCertificate
from app.extensions import db
from tests.conftest import page_text
from tests.factories import create_resident
from tests.staff.review import Desk, submit_application, walk_to_final_review


def qualified(app, places, staff, today):
    resident, application = submit_application(app, places.gantang, name="张小明")
    walk_to_final_review(app, staff, application, today)
    city = Desk(app, staff.city)
    assert city.act(application, "approve").status_code == 303  # 结果公示 09-10 to 09-17
    today.set(date(2026, 9, 18))
    assert city.act(application, "issue_certificate").status_code == 303
    return resident, db.session.scalar(select(QualificationCertificate))


def test_the_holder_prints_a_certificate_with_a_verification_qr_code(app, places, staff, today):
    resident, certificate = qualified(app, places, staff, today)
    assert (certificate.issued_on, certificate.valid_until) == (
        date(2026, 9, 18),
        date(2029, 9, 18),
    )
    html = page_text(resident.get("/certificate"))
    assert certificate.number in html and "张小明" in html and "有效期至" in html
    verify_url = f"http://localhost/certificate/verify/{certificate.token}"
    assert verify_url in html
    match = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert match, "the QR code is drawn on the server"
    image = Image.open(io.BytesIO(base64.b64decode(match.group(1))))
    assert image.format == "PNG" and image.size[0] == image.size[1] >= 150
    assert "查看和打印资格证明" in page_text(resident.get("/apply/status"))

    stranger = Desk(app, create_resident(real_name="王五"))
    assert stranger.get("/certificate").status_code == 404


def test_the_public_check_shows_masked_data_and_validity(app, client, places, staff, today):
    resident, certificate = qualified(app, places, staff, today)
    full_id = app.extensions["pii_vault"].decrypt(resident.user.id_number_encrypted)
    path = f"/certificate/verify/{certificate.token}"

    today.set(date(2029, 9, 18))
    page = client.get(path)
    html = page_text(page)
    assert page.status_code == 200 and "该资格证明有效" in html
    assert "张*明" in html and resident.user.id_number_masked in html
    assert "张小明" not in html and full_id not in html and resident.user.phone not in html
    assert page.headers["Referrer-Policy"] == "no-referrer"

    today.set(date(2029, 9, 19))
    assert "该资格证明已失效" in page_text(client.get(path))

    missing = client.get("/certificate/verify/not-a-real-token")
    assert missing.status_code == 404 and "未找到该资格证明" in page_text(missing)
