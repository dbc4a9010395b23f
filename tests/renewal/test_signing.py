"""合同签订: the contract, the commitment with its server-side countdown, the pasted text,
the face check on the phone (QR handoff, real local face provider), the drawn signature,
the signed PDF, and everything refused on the way."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from app.core.clock import utcnow
from app.extensions import db
from app.handoff.models import FaceVerification, HandoffToken
from app.renewal.contract import COMMITMENT_TEXT
from app.renewal.models import Renewal, RenewalStatus
from app.storage import storage
from tests.conftest import page_text, post
from tests.factories import create_tenant
from tests.handoff import flow as handoff
from tests.handoff.samples import face_jpeg, gradient_png
from tests.renewal.conftest import signed_in
from tests.renewal.flow import (
    HX,
    age,
    apply,
    passed_face,
    signature_png,
    submit,
    through_commitment,
)


def approve(renewal: Renewal) -> None:
    from app.auth.roles import Role
    from app.renewal.services import review
    from tests.factories import create_staff

    review(renewal, create_staff(Role.LEASE_MANAGER), approve=True)


@pytest.fixture
def approved(client: FlaskClient) -> Renewal:
    renewal = apply(client)
    assert submit(client, renewal.id).status_code == 303
    db.session.refresh(renewal)
    approve(renewal)
    return renewal


def pdf_text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def test_signing_waits_for_approval(client: FlaskClient) -> None:
    renewal = apply(client)
    submit(client, renewal.id)
    response = client.get(f"/renewal/{renewal.id}/sign")
    assert response.status_code == 303 and response.location.endswith(f"/renewal/{renewal.id}")
    assert post(client, f"/renewal/{renewal.id}/sign").status_code == 303
    db.session.refresh(renewal)
    assert renewal.sign_started_at is None


def test_contract_is_generated_from_the_lease(client: FlaskClient, approved: Renewal, lease):
    page = page_text(client.get(f"/renewal/{approved.id}/sign"))
    for text in ("公共租赁住房租赁合同（续签）", "合同签署", lease.contract_number, "李华"):
        assert text in page
    assert f"{approved.new_end_date:%Y年%m月%d日}" in page
    assert post(client, f"/renewal/{approved.id}/sign").status_code == 303
    db.session.refresh(approved)
    (unsigned,) = approved.documents
    assert unsigned.kind == "unsigned" and unsigned.version == 1
    response = client.get(f"/renewal/{approved.id}/documents/{unsigned.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.get_data())
    assert "李华" in text and "待签署" in text and lease.contract_number in text


def test_steps_cannot_be_skipped_by_url(client: FlaskClient, approved: Renewal) -> None:
    rid = approved.id
    for path in ("sign/confirm", "sign/commitment", "sign/copy", "sign/face"):
        response = client.get(f"/renewal/{rid}/{path}")
        assert response.status_code == 303 and response.location.endswith(f"/{rid}/sign"), path
    copy = post(client, f"/renewal/{rid}/sign/copy", {"text": COMMITMENT_TEXT})
    assert copy.location.endswith(f"/{rid}/sign")
    db.session.refresh(approved)
    assert approved.commitment_confirmed_at is None
    post(client, f"/renewal/{rid}/sign")
    assert client.get(f"/renewal/{rid}/sign/copy").location.endswith("/sign/confirm")


def test_the_countdown_is_enforced_by_the_server(client: FlaskClient, approved) -> None:
    rid = approved.id
    post(client, f"/renewal/{rid}/sign")
    post(client, f"/renewal/{rid}/sign/confirm")
    page = page_text(client.get(f"/renewal/{rid}/sign/commitment"))
    assert 'data-countdown="10"' in page and "我已阅知" in page
    db.session.refresh(approved)
    shown = approved.commitment_shown_at
    assert shown is not None

    early = post(client, f"/renewal/{rid}/sign/commitment", {"agreed": "y"})
    assert early.status_code == 200 and "还需" in page_text(early) and "秒" in page_text(early)
    age(rid, commitment_shown_at=6)
    still = post(client, f"/renewal/{rid}/sign/commitment", {"agreed": "y"})
    assert "还需 4 秒" in page_text(still)
    # Showing the letter again does not restart the countdown.
    client.get(f"/renewal/{rid}/sign/commitment")
    db.session.refresh(approved)
    assert approved.commitment_shown_at == shown - timedelta(seconds=6)
    assert approved.commitment_read_at is None
    assert client.get(f"/renewal/{rid}/sign/copy").location.endswith("/sign/commitment")

    age(rid, commitment_shown_at=4)
    unticked = post(client, f"/renewal/{rid}/sign/commitment", {})
    assert unticked.status_code == 200 and "请阅读承诺书后勾选" in page_text(unticked)
    done = post(client, f"/renewal/{rid}/sign/commitment", {"agreed": "y"})
    assert done.status_code == 303 and done.location.endswith("/sign/copy")


def test_countdown_seconds_come_from_configuration(app: Flask, client, approved) -> None:
    app.config["RENEWAL_COMMITMENT_SECONDS"] = 30
    rid = approved.id
    post(client, f"/renewal/{rid}/sign")
    post(client, f"/renewal/{rid}/sign/confirm")
    assert 'data-countdown="30"' in page_text(client.get(f"/renewal/{rid}/sign/commitment"))
    age(rid, commitment_shown_at=11)
    assert "还需 19 秒" in page_text(
        post(client, f"/renewal/{rid}/sign/commitment", {"agreed": "y"})
    )


def test_the_commitment_text_must_match(client: FlaskClient, approved: Renewal) -> None:
    rid = approved.id
    post(client, f"/renewal/{rid}/sign")
    post(client, f"/renewal/{rid}/sign/confirm")
    client.get(f"/renewal/{rid}/sign/commitment")
    age(rid, commitment_shown_at=10)
    post(client, f"/renewal/{rid}/sign/commitment", {"agreed": "y"})
    page = page_text(client.get(f"/renewal/{rid}/sign/copy"))
    assert COMMITMENT_TEXT in page and "复制" in page and "确定" in page
    wrong = post(client, f"/renewal/{rid}/sign/copy", {"text": "我承诺遵守规定。"})
    assert wrong.status_code == 200 and "与承诺书不一致" in page_text(wrong)
    truncated = post(client, f"/renewal/{rid}/sign/copy", {"text": COMMITMENT_TEXT[:-3]})
    assert "与承诺书不一致" in page_text(truncated)
    db.session.refresh(approved)
    assert approved.commitment_confirmed_at is None and approved.commitment_read_at is not None
    spaced = "\n  ".join(COMMITMENT_TEXT[i : i + 20] for i in range(0, len(COMMITMENT_TEXT), 20))
    ok = post(client, f"/renewal/{rid}/sign/copy", {"text": spaced})
    assert ok.status_code == 303 and ok.location.endswith("/sign/face")


def test_signing_needs_a_face_check(client: FlaskClient, app: Flask, approved) -> None:
    rid = approved.id
    through_commitment(client, rid)
    # The phone page and the signing steps refuse without a passed face verification.
    assert client.get(f"/renewal/{rid}/sign/phone").location.endswith("/sign/face")
    assert post(client, f"/renewal/{rid}/sign/submit").location.endswith("/sign/face")
    assert app.test_client().get(f"/renewal/{rid}/sign/phone").status_code == 404
    # A face check from before the commitment was copied does not count.
    old = passed_face(approved)
    old.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert client.get(f"/renewal/{rid}/sign/phone").location.endswith("/sign/face")
    db.session.refresh(approved)
    assert approved.signed_at is None and approved.status == RenewalStatus.APPROVED


def sign_on_phone(phone: FlaskClient, rid: int) -> None:
    page = page_text(phone.get(f"/renewal/{rid}/sign/phone"))
    assert "马上签署" in page and 'data-countdown="10"' in page
    early = post(phone, f"/renewal/{rid}/sign/ready")
    assert early.location.endswith(f"/renewal/{rid}/sign/phone")
    assert "还需" in page_text(phone.get(early.location))
    assert phone.get(f"/renewal/{rid}/sign/signature").location.endswith("/sign/phone")
    age(rid, contract_shown_at=10)
    assert post(phone, f"/renewal/{rid}/sign/ready").location.endswith("/sign/signature")
    no_signature = post(phone, f"/renewal/{rid}/sign/submit")
    assert no_signature.status_code == 200 and "请先手写签名并保存" in page_text(no_signature)
    blank = post(phone, f"/renewal/{rid}/sign/signature", {"drawn": ""})
    assert "请先在签名框内手写签名" in page_text(blank)
    saved = post(phone, f"/renewal/{rid}/sign/signature", {"drawn": signature_png()})
    assert saved.status_code == 303
    page = page_text(phone.get(saved.location))
    assert "已保存的手写签名" in page and "马上签署" in page
    signed = post(phone, f"/renewal/{rid}/sign/submit")
    assert signed.status_code == 303 and signed.location.endswith(f"/renewal/{rid}/sign/done")
    done = page_text(phone.get(signed.location))
    assert "签署成功" in done and "查看文件" in done


def test_desktop_hands_signing_to_the_phone(
    app: Flask, client: FlaskClient, approved: Renewal, tenant
) -> None:
    """The whole signing with the QR handoff and the real local face provider."""
    rid = approved.id
    through_commitment(client, rid)
    shown = handoff.show_code(client, f"/renewal/{rid}/sign/face")
    assert "租赁合同续约 · 人脸识别签约" in shown.html and "等待手机扫码" in shown.html
    progress = client.get(f"/renewal/{rid}/sign/progress?shown=waiting", headers=HX)
    assert progress.status_code == 204

    phone = app.test_client()  # not signed in: it only gets a grant
    assert handoff.scan_and_confirm(phone, shown).status_code == 303
    refused = handoff.upload(phone, shown.token_id, gradient_png(), "landscape.png")
    assert "未检测到人脸" in page_text(refused)
    assert phone.get(f"/renewal/{rid}/sign/phone").status_code == 404  # no face yet
    passed = handoff.upload(phone, shown.token_id, face_jpeg())
    assert passed.location.endswith(f"/handoff/{shown.token_id}/done")
    done = page_text(phone.get(passed.location))
    assert f'href="/renewal/{rid}/sign/phone"' in done and "在手机上继续" in done

    waiting = client.get(f"/renewal/{rid}/sign/progress?shown=waiting", headers=HX)
    assert waiting.status_code == 200 and "人脸识别已通过" in page_text(waiting)

    sign_on_phone(phone, rid)

    page = client.get(f"/renewal/{rid}/sign/progress")  # not htmx: the signing page
    assert page.status_code == 302 and page.location.endswith(f"/renewal/{rid}/sign/face")
    signed_out = app.test_client().get(f"/renewal/{rid}/sign/progress", headers=HX)
    assert signed_out.status_code == 286 and "重新登录" in page_text(signed_out)
    final = client.get(f"/renewal/{rid}/sign/progress?shown=face_passed", headers=HX)
    assert final.status_code == 286 and "签订成功" in page_text(final)
    assert "<html" not in page_text(final)
    db.session.refresh(approved)
    assert approved.status == RenewalStatus.SIGNED and approved.face_verification_id

    # The signed PDF: the tenant, the term, the commitment, the face reference and the
    # SHA-256 of the contract that was read, with the drawn signature embedded.
    unsigned, signed = approved.documents
    assert (unsigned.kind, signed.kind, signed.version) == ("unsigned", "signed", 2)
    response = phone.get(f"/renewal/{rid}/documents/{signed.id}")
    data = response.get_data()
    assert response.status_code == 200 and hashlib.sha256(data).hexdigest() == signed.sha256
    text = pdf_text(data)
    verification = db.session.get(FaceVerification, approved.face_verification_id)
    for expected in (
        "李华",
        f"{approved.new_start_date:%Y年%m月%d日}至{approved.new_end_date:%Y年%m月%d日}",
        re.sub(r"\s+", "", COMMITMENT_TEXT),
        verification.provider_reference,
        unsigned.sha256,
    ):
        assert expected in text
    assert any(page.images for page in PdfReader(io.BytesIO(data)).pages)  # the signature


def test_on_a_phone_the_face_check_continues_in_place(client: FlaskClient, approved) -> None:
    rid = approved.id
    through_commitment(client, rid)
    iphone = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile"}
    page = page_text(client.get(f"/renewal/{rid}/sign/face", headers=iphone))
    assert "在本机继续" in page and "data:image/png" not in page
    moved = handoff.start(client, page, here=True, fragment=False)
    token = db.session.scalar(select(HandoffToken).order_by(HandoffToken.id.desc()))
    assert token.continue_url == f"/renewal/{rid}/sign/phone"
    assert moved.location == f"/handoff/{token.id}/face"
    face = handoff.upload(client, token.id, face_jpeg())
    assert face.location.endswith(f"/renewal/{rid}/sign/phone")
    sign_on_phone(client, rid)


def test_a_second_signing_is_refused_and_the_pdf_never_changes(client, approved) -> None:
    rid = approved.id
    through_commitment(client, rid)
    passed_face(approved)
    sign_on_phone(client, rid)
    db.session.refresh(approved)
    signed = approved.documents[-1]
    with storage().open(signed.storage_key) as handle:
        before = handle.read()
    again = post(client, f"/renewal/{rid}/sign/submit")
    assert again.location.endswith("/sign/done")
    assert "无需重复签署" in page_text(client.get(again.location))
    for path in ("sign", "sign/commitment", "sign/phone", "sign/signature"):
        assert client.get(f"/renewal/{rid}/{path}").location.endswith("/sign/done"), path
    resigned = post(client, f"/renewal/{rid}/sign/signature", {"drawn": signature_png()})
    assert resigned.location.endswith("/sign/done")
    db.session.refresh(approved)
    assert len(approved.documents) == 2
    with storage().open(signed.storage_key) as handle:
        assert handle.read() == before


def test_a_tampered_contract_file_is_refused(client, approved) -> None:
    rid = approved.id
    post(client, f"/renewal/{rid}/sign")
    db.session.refresh(approved)
    (unsigned,) = approved.documents
    path = storage().root / unsigned.storage_key  # type: ignore[attr-defined]
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% changed"))
    response = client.get(f"/renewal/{rid}/documents/{unsigned.id}")
    assert response.status_code == 303
    assert "校验失败" in page_text(client.get(response.location))


def test_someone_elses_contract_cannot_be_signed(app: Flask, client, approved) -> None:
    rid = approved.id
    through_commitment(client, rid)
    passed_face(approved)
    other, _lease = create_tenant(lease_ends_in_days=60)
    intruder = signed_in(app, other)
    for path in ("sign", "sign/phone", "sign/signature", "sign/done", "sign/face"):
        assert intruder.get(f"/renewal/{rid}/{path}").status_code == 404, path
    assert post(intruder, f"/renewal/{rid}/sign/submit").status_code == 404
    stranger = app.test_client()
    assert stranger.get(f"/renewal/{rid}/sign/phone").status_code == 404
    assert "页面已失效" in page_text(stranger.get(f"/renewal/{rid}/sign/phone"))
    db.session.refresh(approved)
    assert approved.signed_at is None


def test_an_expired_handoff_is_refused_and_nothing_is_lost(app, client, approved) -> None:
    rid = approved.id
    through_commitment(client, rid)
    shown = handoff.show_code(client, f"/renewal/{rid}/sign/face")
    phone = app.test_client()
    handoff.scan_and_confirm(phone, shown)
    handoff.upload(phone, shown.token_id, face_jpeg())
    assert phone.get(f"/renewal/{rid}/sign/phone").status_code == 200
    token = db.session.get(HandoffToken, shown.token_id)
    token.expires_at = utcnow() - timedelta(seconds=1)  # the phone's grant ran out
    db.session.commit()
    expired = phone.get(f"/renewal/{rid}/sign/phone")
    assert expired.status_code == 404 and "页面已失效" in page_text(expired)
    assert post(phone, f"/renewal/{rid}/sign/submit").status_code == 404
    db.session.refresh(approved)
    assert approved.commitment_confirmed_at is not None and approved.signed_at is None
    # The tenant signed in on that phone can still finish: the face check is on record.
    assert client.get(f"/renewal/{rid}/sign/phone").status_code == 200


def test_a_grant_for_one_renewal_opens_no_other(app: Flask, client, approved) -> None:
    rid = approved.id
    through_commitment(client, rid)
    shown = handoff.show_code(client, f"/renewal/{rid}/sign/face")
    phone = app.test_client()
    handoff.scan_and_confirm(phone, shown)
    handoff.upload(phone, shown.token_id, face_jpeg())
    other, _lease = create_tenant(lease_ends_in_days=60)
    other_client = signed_in(app, other)
    theirs = apply(other_client)
    assert phone.get(f"/renewal/{theirs.id}/sign/phone").status_code == 404
    assert phone.get(f"/renewal/{theirs.id}").status_code == 302  # the tenant pages need sign-in
    assert phone.get(f"/renewal/{rid}/files/{approved.files[0].id}").status_code == 404


def test_a_missing_font_is_told_plainly_and_nothing_is_lost(app: Flask, client, approved):
    app.config["RENEWAL_CONTRACT_FONT"] = "/nonexistent/font.ttc"
    response = post(client, f"/renewal/{approved.id}/sign")
    assert response.status_code == 200 and "合同文件暂时无法生成" in page_text(response)
    db.session.refresh(approved)
    assert approved.sign_started_at is None and approved.documents == []
    assert approved.status == RenewalStatus.APPROVED


def test_a_signature_photographed_on_paper_is_accepted(client, approved) -> None:
    rid = approved.id
    through_commitment(client, rid)
    passed_face(approved)
    client.get(f"/renewal/{rid}/sign/phone")
    age(rid, contract_shown_at=10)
    not_a_photo = post(
        client, f"/renewal/{rid}/sign/signature", {"photo": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")}
    )
    assert "只能上传照片" in page_text(not_a_photo)
    photo = post(
        client, f"/renewal/{rid}/sign/signature", {"photo": (io.BytesIO(face_jpeg()), "s.jpg")}
    )
    assert photo.status_code == 303
    assert post(client, f"/renewal/{rid}/sign/submit").location.endswith("/sign/done")
