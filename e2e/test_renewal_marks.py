"""What a tenant sees after signing and approval: the computer's signing page once the
phone has signed (签订成功 and one next step, no stale QR box), 我的续约 after completion
(the result, no refusal), and the printable contract with its approval stamp, checked by
its code on the public verify page.

The steps before the one under test are driven through the services (the whole journey
in the browser is e2e/test_renewal.py)."""

from __future__ import annotations

import base64
import os
import re
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.renewal import application, queries, services, signing
from app.renewal.approval import format_code
from app.renewal.contract import COMMITMENT_TEXT
from app.renewal.models import Renewal, RenewalPolicy
from e2e.conftest import LiveServer, check_page
from e2e.test_renewal import pass_the_face_check, read_qr, tenant_with_lease
from e2e.test_shell import sign_in
from tests.factories import PASSWORD
from tests.handoff import samples
from tests.renewal.flow import passed_face, signature_png

LEASE_MANAGER = "13900000005"
# Set to a folder to keep a screenshot of each screen checked here.
SHOTS = os.environ.get("RENEWAL_SHOTS")


def shot(page: Page, name: str) -> None:
    """With RENEWAL_SHOTS set: the screen as it is, at a phone's and a computer's size."""
    if not SHOTS:
        return
    size = page.viewport_size
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        path = Path(SHOTS) / f"renewal-{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")
    if size:
        page.set_viewport_size(size)


def _user(phone: str) -> User:
    user = db.session.scalar(select(User).where(User.phone == phone))
    assert user is not None
    return user


def _aged(renewal: Renewal, field: str) -> None:
    setattr(renewal, field, getattr(renewal, field) - timedelta(minutes=5))
    db.session.commit()


def ready_for_face(live_server: LiveServer, phone: str) -> int:
    """Applied, approved, contract opened, commitment read and copied: the face step."""
    with live_server.app.app_context():
        tenant = _user(phone)
        lease = queries.active_lease(tenant.id)
        renewal = application.start_renewal(tenant, lease, RenewalPolicy.OLD)
        application.accept_declaration(renewal)
        application.confirm_details(renewal)
        for side in services.ID_SIDES:
            application.attach_id_side(renewal, side, samples.face_jpeg())
        application.submit(renewal)
        services.review(renewal, _user(LEASE_MANAGER), approve=True)
        signing.start_signing(renewal)
        signing.confirm_signing_details(renewal)
        signing.show_commitment(renewal)
        _aged(renewal, "commitment_shown_at")
        signing.read_commitment(renewal)
        signing.confirm_commitment(renewal, COMMITMENT_TEXT)
        renewal_id = renewal.id
        db.session.remove()
    return renewal_id


def sign_on_the_phone(live_server: LiveServer, renewal_id: int, *, face: bool) -> None:
    """What the phone does after the face check: read, draw, 马上签署."""
    with live_server.app.app_context():
        renewal = db.session.get(Renewal, renewal_id)
        if face:
            passed_face(renewal)
        signing.show_contract_for_signing(renewal)
        _aged(renewal, "contract_shown_at")
        drawn = base64.b64decode(signature_png().split(",", 1)[1])
        signing.save_signature(renewal, drawn)
        signing.sign(renewal)
        db.session.remove()


def completed(live_server: LiveServer, phone: str) -> int:
    renewal_id = ready_for_face(live_server, phone)
    sign_on_the_phone(live_server, renewal_id, face=True)
    with live_server.app.app_context():
        renewal = db.session.get(Renewal, renewal_id)
        services.approve_contract(renewal, _user(LEASE_MANAGER))
        db.session.remove()
    return renewal_id


def test_the_computer_shows_only_the_result_once_the_phone_has_signed(
    desktop_page: Page, make_phone_page, live_server: LiveServer, new_resident
) -> None:
    tenant = tenant_with_lease(live_server, new_resident)
    renewal_id = ready_for_face(live_server, tenant)
    desktop = desktop_page
    sign_in(desktop, tenant, PASSWORD)
    desktop.goto(f"/renewal/{renewal_id}/sign/face")
    expect(desktop.get_by_role("heading", name="用手机完成人脸识别")).to_be_visible()
    check_page(desktop)

    scanner = make_phone_page()
    scanner.goto(read_qr(desktop))
    check_page(scanner)
    pass_the_face_check(scanner, desktop)
    # The handoff itself is done: the box says so while the contract is still unsigned.
    expect(desktop.get_by_role("link", name="继续", exact=True)).to_be_visible()

    sign_on_the_phone(live_server, renewal_id, face=False)
    progress = desktop.locator("#renewal-progress")
    expect(progress).to_contain_text("签订成功")
    main = desktop.locator("main")
    expect(desktop.get_by_role("heading", name="用手机完成人脸识别")).to_have_count(0)
    expect(main.get_by_role("link", name="继续", exact=True)).to_have_count(0)
    expect(main.get_by_text("已完成", exact=True)).to_have_count(0)
    expect(main.locator(".button")).to_have_count(1)
    expect(main.get_by_role("link", name="查看详情")).to_be_visible()
    check_page(desktop)
    shot(desktop, "signed-on-phone")


def test_after_approval_the_tenant_sees_the_result_and_prints_a_verifiable_contract(
    page: Page, desktop_page: Page, live_server: LiveServer, new_resident
) -> None:
    tenant = tenant_with_lease(live_server, new_resident)
    renewal_id = completed(live_server, tenant)
    with live_server.app.app_context():
        renewal = db.session.get(Renewal, renewal_id)
        code = format_code(renewal.approval_code)
        signed_hash = renewal.documents[-1].sha256
        end = f"{renewal.new_end_date:%Y年%m月%d日}"
        db.session.remove()

    for browser in (page, desktop_page):
        sign_in(browser, tenant, PASSWORD)
        browser.goto("/renewal/")
        expect(browser.get_by_role("heading", name=re.compile("续约已完成"))).to_be_visible()
        expect(browser.get_by_text("暂时不能申请续约")).to_have_count(0)
        expect(browser.get_by_text(f"您的租约已续签至 {end}")).to_be_visible()
        check_page(browser)
        shot(browser, "index-completed")

        browser.get_by_role("link", name="查看并打印合同").click()
        expect(browser).to_have_url(re.compile(rf"/renewal/{renewal_id}/contract$"))
        approval = browser.get_by_role("region", name="审批记录")
        expect(approval).to_contain_text(code)
        expect(approval).to_contain_text(signed_hash)
        expect(
            browser.get_by_text(re.compile(r"已于\d{4}年\d{2}月\d{2}日经租赁管理人员审批生效"))
        ).to_be_visible()
        expect(browser.get_by_text("（审批后生效）")).to_have_count(0)
        check_page(browser)
        browser.evaluate("() => { window.printed = 0; window.print = () => window.printed++; }")
        browser.get_by_role("button", name="打印本页").click()
        assert browser.evaluate("window.printed") == 1
        shot(browser, "contract-approved")

    anyone = page
    anyone.goto("/renewal/verify")
    check_page(anyone)
    anyone.get_by_role("textbox", name="核验码").fill("ABCD-EFGH-JKLM")  # a mistyped code
    anyone.get_by_role("button", name="核验").click()
    expect(anyone.get_by_role("heading", name="未找到该核验码")).to_be_visible()
    check_page(anyone)
    anyone.get_by_role("textbox", name="核验码").fill(code.lower())
    anyone.get_by_role("button", name="核验").click()
    expect(anyone.get_by_role("heading", name="该续约合同已审批生效")).to_be_visible()
    expect(anyone.get_by_text(signed_hash)).to_be_visible()
    check_page(anyone)
    shot(anyone, "verify")
