"""After signing and approval: the approval record printed with the contract (the signed
PDF untouched), its public check by code, the completed state on 我的续约, and the
computer's signing page once the phone has signed."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.clock import to_china_time
from app.extensions import db
from app.renewal.approval import format_code
from app.renewal.models import Renewal, RenewalStatus
from app.storage import storage
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_tenant
from tests.handoff import flow as handoff
from tests.handoff.flow import decode_qr
from tests.renewal.flow import HX, apply, submit, through_commitment
from tests.renewal.test_signing import pdf_text
from tests.renewal.test_staff import review, sign, version_on


@pytest.fixture
def signed(client: FlaskClient, manager: FlaskClient) -> Renewal:
    renewal = apply(client)
    assert submit(client, renewal.id).status_code == 303
    assert review(manager, renewal, "approve").status_code == 303
    db.session.refresh(renewal)
    sign(client, renewal)
    return renewal


def approve_contract(manager: FlaskClient, renewal: Renewal) -> None:
    page = page_text(manager.get(f"/staff/renewals/{renewal.id}"))
    path = f"/staff/renewals/{renewal.id}/approve-contract"
    assert post(manager, path, {"version": version_on(page)}).status_code == 303
    db.session.refresh(renewal)
    assert renewal.status == RenewalStatus.COMPLETED


def stored(document) -> bytes:
    with storage().open(document.storage_key) as handle:
        return handle.read()


def test_the_approval_is_printed_with_the_contract_and_the_signed_pdf_is_untouched(
    client: FlaskClient, manager: FlaskClient, signed: Renewal
) -> None:
    before = page_text(client.get(f"/renewal/{signed.id}/contract"))
    assert "（审批后生效）" in before and "审批生效</strong>" not in before
    document = signed.documents[-1]
    pdf_before = stored(document)

    approve_contract(manager, signed)

    assert len(signed.documents) == 2 and signed.documents[-1].id == document.id
    assert stored(document) == pdf_before  # byte-identical, same hash
    assert hashlib.sha256(pdf_before).hexdigest() == document.sha256
    assert signed.contract_approved_sha256 == document.sha256
    assert signed.approval_code and len(signed.approval_code) == 12
    assert "（审批后生效）" in pdf_text(pdf_before)

    page = page_text(client.get(f"/renewal/{signed.id}/contract"))
    day = f"{to_china_time(signed.contract_approved_at):%Y年%m月%d日}"
    assert f"（已于{day}经租赁管理人员审批生效）" in page
    assert "（审批后生效）" not in page
    code = format_code(signed.approval_code)
    for expected in ("审批记录", "租赁管理人员", code, document.sha256, "/renewal/verify"):
        assert expected in page, expected
    qr = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert decode_qr(base64.b64decode(qr)).endswith(f"/renewal/verify/{signed.approval_code}")
    detail = page_text(client.get(f"/renewal/{signed.id}"))
    assert code in detail and f'href="/renewal/{signed.id}/contract"' in detail


def test_anyone_can_check_a_printed_approval_by_its_code(
    app: Flask, client: FlaskClient, manager: FlaskClient, signed: Renewal, tenant
) -> None:
    approve_contract(manager, signed)
    anyone = app.test_client()
    typed = format_code(signed.approval_code).lower().replace("-", " ")
    found = anyone.get("/renewal/verify", query_string={"code": typed})
    page = page_text(found)
    assert found.status_code == 200 and "该续约合同已审批生效" in page
    assert signed.reference in page and signed.documents[-1].sha256 in page
    assert tenant.real_name not in page  # masked
    by_link = anyone.get(f"/renewal/verify/{signed.approval_code}")
    assert by_link.status_code == 200 and "该续约合同已审批生效" in page_text(by_link)
    assert by_link.headers["Referrer-Policy"] == "no-referrer"
    unknown = anyone.get("/renewal/verify/ABCDEFGHJKLM")  # 200: htmx shows the answer
    assert unknown.status_code == 200 and "未找到该核验码" in page_text(unknown)
    empty = anyone.get("/renewal/verify", query_string={"code": ""})
    assert empty.status_code == 200 and "请输入合同上印的12位核验码" in page_text(empty)
    assert anyone.get("/renewal/verify").status_code == 200


def test_a_completed_renewal_shows_only_its_result(
    client: FlaskClient, manager: FlaskClient, signed: Renewal
) -> None:
    approve_contract(manager, signed)
    page = page_text(client.get("/renewal/"))
    assert "暂时不能申请续约" not in page and "续约申请将于" not in page
    assert "续约已完成" in page
    assert f"{signed.new_end_date:%Y年%m月%d日}" in page
    assert f'href="/renewal/{signed.id}/contract"' in page


def test_the_computer_drops_the_handoff_box_once_the_phone_has_signed(
    client: FlaskClient, manager: FlaskClient
) -> None:
    renewal = apply(client)
    submit(client, renewal.id)
    review(manager, renewal, "approve")
    through_commitment(client, renewal.id)
    shown = handoff.show_code(client, f"/renewal/{renewal.id}/sign/face")
    assert 'id="renewal-handoff"' in shown.html and 'id="handoff-widget"' in shown.html
    waiting = client.get(f"/renewal/{renewal.id}/sign/progress?shown=face_passed", headers=HX)
    assert "hx-swap-oob" not in page_text(waiting)
    db.session.refresh(renewal)
    sign(client, renewal)
    final = client.get(f"/renewal/{renewal.id}/sign/progress?shown=face_passed", headers=HX)
    html = page_text(final)
    assert final.status_code == 286 and "签订成功" in html
    removal = re.search(r'<[^>]*id="renewal-handoff"[^>]*>', html)
    assert removal and 'hx-swap-oob="delete"' in removal.group(0)
    assert html.count('class="button"') == 1  # one next step: 查看详情


FULL_WIDTH = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-",
    "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ０１２３４５６７８９－",
)


@pytest.mark.parametrize(
    "typed",
    ["A\x00B", "\u202e" + "A" * 11, "A" * 10_000, "１２３", "😀" * 12, "ABCD EFGH JKL\r\n", "-1e9"],
)
def test_the_verify_page_answers_any_input_in_chinese(app: Flask, typed: str) -> None:
    anyone = app.test_client()
    for response in (
        anyone.get("/renewal/verify", query_string={"code": typed}),
        anyone.get(f"/renewal/verify/{typed}")
        if typed.isprintable() and len(typed) < 2000
        else None,
    ):
        if response is None:
            continue
        assert response.status_code == 200, typed
        page = page_text(response)
        assert "核验码" in page and "该续约合同已审批生效" not in page


def test_a_code_typed_full_width_or_with_dashes_is_found(
    app: Flask, manager: FlaskClient, signed: Renewal
) -> None:
    approve_contract(manager, signed)
    typed = format_code(signed.approval_code).translate(FULL_WIDTH)
    assert typed != format_code(signed.approval_code)
    found = app.test_client().get("/renewal/verify", query_string={"code": typed})
    assert "该续约合同已审批生效" in page_text(found)


@pytest.mark.parametrize("damage", ["tampered", "missing"])
def test_a_changed_or_missing_signed_file_does_not_verify(
    app: Flask, manager: FlaskClient, signed: Renewal, damage: str
) -> None:
    approve_contract(manager, signed)
    document = signed.documents[-1]
    if damage == "missing":
        storage().delete(document.storage_key)
    else:
        with storage().open(document.storage_key) as handle:
            path = handle.name
        with open(path, "ab") as handle:
            handle.write(b"%% changed")
    found = app.test_client().get(f"/renewal/verify/{signed.approval_code}")
    assert found.status_code == 200
    page = page_text(found)
    assert "校验未通过" in page or "不一致" in page, page
    assert "该续约合同已审批生效" not in page


def test_the_printable_contract_is_the_tenants_only(
    app: Flask, client: FlaskClient, manager: FlaskClient, signed: Renewal
) -> None:
    approve_contract(manager, signed)
    path = f"/renewal/{signed.id}/contract"
    own = client.get(path)
    assert own.status_code == 200 and "no-store" in own.headers["Cache-Control"]
    other, _lease = create_tenant(lease_ends_in_days=60)
    stranger = app.test_client()
    assert login(stranger, other.phone, PASSWORD).status_code == 303
    assert stranger.get(path).status_code == 404
    anonymous = app.test_client().get(path)
    assert anonymous.status_code in (302, 303) and "/auth/login" in anonymous.headers["Location"]
