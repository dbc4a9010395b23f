"""Journey: a tenant whose lease ends in 60 days renews it. She applies on her phone,
a lease manager approves, she signs on her computer with the face check and the drawn
signature on her phone (QR handoff), the computer shows 签订成功 by itself, the manager
approves the contract, and she downloads the signed PDF."""

from __future__ import annotations

import base64
import io
import re
import secrets
from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from app.auth.models import User
from app.core.clock import today_in_china
from app.extensions import db
from app.housing.models import (
    Building,
    Community,
    District,
    GuaranteeType,
    Lease,
    LeaseResident,
    LeaseTerm,
    Street,
    Unit,
)
from e2e.conftest import LiveServer, check_page
from e2e.test_handoff import tap_the_number
from e2e.test_shell import sign_in
from tests.factories import PASSWORD
from tests.handoff import samples
from tests.handoff.flow import decode_qr


def new_unit() -> Unit:
    """A unit of its own (codes from ``secrets``: the shared factory counters stay as they are)."""
    code = secrets.randbelow(10**5)
    district = District(code=f"8{code:05d}", name=f"续约测试区{code}")
    street = Street(code=f"8{code:08d}", name="续约测试街道", district=district)
    community = Community(name="续约测试小区", address="测试路8号", street=street)
    building = Building(community=community, name="2栋", floors=6, has_lift=False)
    unit = Unit(
        building=building,
        number="302",
        floor=3,
        area_m2=Decimal("52.30"),
        bedrooms=2,
        living_rooms=1,
        bathrooms=1,
        orientation="南北",
    )
    db.session.add(unit)
    return unit


def tenant_with_lease(live_server: LiveServer, new_resident, ends_in_days: int = 60) -> str:
    """A new resident (陈晓梅) with a lease ending in ``ends_in_days``; returns the phone."""
    phone = new_resident("陈晓梅")
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.phone == phone))
        end = today_in_china() + timedelta(days=ends_in_days)
        lease = Lease(
            contract_number=f"JJGZ-E2E-{user.id:04d}",
            unit=new_unit(),
            tenant_id=user.id,
            guarantee_type=GuaranteeType.GONGZU,
        )
        lease.terms.append(
            LeaseTerm(
                start_date=end - timedelta(days=3 * 365),
                end_date=end,
                monthly_rent_fen=52000,
                property_fee_fen=8000,
            )
        )
        lease.residents.append(
            LeaseResident(name="陈小雨", relation="子女", id_number_masked="3604**********0035")
        )
        db.session.add(lease)
        db.session.commit()
        db.session.remove()
    return phone


def photo(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


def pass_the_face_check(scanner: Page, desktop: Page) -> None:
    """On the phone that scanned the computer's code: tap the number the computer shows,
    then pass the face check with a real face photo."""
    tap_the_number(scanner, desktop)
    expect(scanner).to_have_url(re.compile(r"/handoff/\d+/face$"))
    check_page(scanner)
    scanner.get_by_label("本人正面照片").set_input_files(photo("selfie.jpg", samples.face_jpeg()))
    scanner.get_by_role("button", name="开始验证").click()
    expect(scanner.get_by_role("heading", name="人脸识别已通过")).to_be_visible()
    check_page(scanner)


def read_qr(page: Page) -> str:
    source = page.get_by_role("img", name=re.compile("二维码")).get_attribute("src") or ""
    return decode_qr(base64.b64decode(source.split(",", 1)[1]))


def draw_signature(page: Page) -> None:
    canvas = page.locator("#signature-canvas")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for fx, fy in ((0.3, 0.2), (0.5, 0.8), (0.7, 0.3), (0.9, 0.6)):
        page.mouse.move(x + w * fx, y + h * fy, steps=6)
    page.mouse.up()


def staff_review(staff: Page, reference: str, *, button: str) -> None:
    staff.get_by_role("link", name="续约审核").click()
    expect(staff).to_have_url(re.compile(r"/staff/renewals/$"))
    check_page(staff)
    if button == "审批通过，续约生效":
        staff.get_by_role("link", name=re.compile("待审批合同")).click()
        expect(staff).to_have_url(re.compile(r"view=contract"))
        check_page(staff)
    staff.get_by_role("link", name=reference).click()
    expect(staff.get_by_role("heading", name=f"续约 {reference}", exact=True)).to_be_visible()
    check_page(staff)
    if button == "确认":
        staff.get_by_label("审核通过，通知承租人签订合同").check()
    staff.get_by_role("button", name=button).click()
    expect(staff.locator("#flash")).to_contain_text("已办理" if button == "确认" else "续约已生效")
    check_page(staff)
    staff.get_by_role("link", name="工作台").click()
    expect(staff).to_have_url(re.compile(r"/staff/$"))
    check_page(staff)


def test_renew_on_the_phone_and_sign_through_the_qr_handoff(
    page: Page,
    desktop_page: Page,
    make_phone_page,
    live_server: LiveServer,
    new_resident,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Short countdowns keep the test quick; the browser still has to wait them out.
    monkeypatch.setitem(live_server.app.config, "RENEWAL_COMMITMENT_SECONDS", 2)
    monkeypatch.setitem(live_server.app.config, "RENEWAL_CONTRACT_READ_SECONDS", 2)
    tenant = tenant_with_lease(live_server, new_resident)

    # -- 续租申请 on the phone --------------------------------------------------------------
    phone = page
    sign_in(phone, tenant, PASSWORD)
    expect(phone.get_by_role("heading", name="租约即将到期，可以申请续约")).to_be_visible()
    phone.get_by_role("link", name="申请续约").click()
    expect(phone).to_have_url(re.compile(r"/renewal/$"))
    check_page(phone)
    phone.get_by_role("link", name="下一步").click()
    expect(phone).to_have_url(re.compile(r"/renewal/policy$"))
    check_page(phone)
    phone.get_by_label("按照原政策执行").check()
    phone.get_by_role("button", name="确认").click()
    expect(phone).to_have_url(re.compile(r"/renewal/\d+/declaration$"))
    expect(phone.get_by_role("heading", name="个人续约声明")).to_be_visible()
    check_page(phone)
    phone.get_by_role("button", name="我已阅知").click()
    expect(phone.get_by_role("alert")).to_contain_text("请阅读声明后勾选")
    check_page(phone)
    phone.get_by_label("我已阅读并同意《个人续约声明》").check()
    phone.get_by_role("button", name="我已阅知").click()
    expect(phone).to_have_url(re.compile(r"/renewal/\d+/confirm$"))
    for heading in ("住房信息", "承租人信息", "其他入住人信息", "续约信息"):
        expect(phone.get_by_role("heading", name=heading)).to_be_visible()
    expect(phone.get_by_text("陈小雨（子女）")).to_be_visible()
    check_page(phone)
    phone.get_by_role("button", name="下一步").click()
    expect(phone).to_have_url(re.compile(r"/renewal/\d+/materials$"))
    check_page(phone)
    renewal_id = int(re.search(r"/renewal/(\d+)/", phone.url).group(1))
    for label in ("身份证人像面", "身份证国徽面"):
        phone.get_by_label(re.compile(f"选择照片：{label}")).set_input_files(
            photo("id.jpg", samples.face_jpeg())
        )
        phone.get_by_role("button", name=re.compile(rf"上传\s*{label}")).click()
        expect(phone.get_by_role("img", name=f"已上传的{label}")).to_be_visible()
    check_page(phone)
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_role("heading", name="您的续约申请已经提交成功")).to_be_visible()
    check_page(phone)
    reference = re.search(r"XY\d{13}", phone.locator("main").inner_text()).group(0)
    phone.get_by_role("link", name="我的").click()
    check_page(phone)
    phone.get_by_role("link", name="我的续约").click()
    expect(phone).to_have_url(re.compile(r"/renewal/$"))
    check_page(phone)
    phone.get_by_role("link", name=f"续约申请 {reference}").last.click()
    expect(phone.get_by_role("heading", name="审核详情")).to_be_visible()
    expect(phone.get_by_text("待审核").first).to_be_visible()
    check_page(phone)

    # -- the lease manager approves ---------------------------------------------------------
    staff = make_phone_page()
    sign_in(staff, "13900000005")
    staff.goto("/staff/")
    check_page(staff)
    staff_review(staff, reference, button="确认")

    # -- 合同签订 on the computer ------------------------------------------------------------
    desktop = desktop_page
    desktop.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(desktop, tenant, PASSWORD)
    expect(desktop.get_by_role("heading", name="续约申请已通过，请签订合同")).to_be_visible()
    desktop.get_by_role("link", name="去签订合同").click()
    expect(desktop).to_have_url(re.compile(r"/renewal/$"))
    check_page(desktop)
    desktop.get_by_role("link", name="个人租赁合同签订").click()
    expect(desktop).to_have_url(re.compile(rf"/renewal/{renewal_id}/sign$"))
    expect(desktop.get_by_role("heading", name="公共租赁住房租赁合同（续签）")).to_be_visible()
    check_page(desktop)
    desktop.get_by_role("button", name="合同签署").click()
    expect(desktop).to_have_url(re.compile(r"/sign/confirm$"))
    check_page(desktop)
    desktop.get_by_role("button", name="下一步").click()
    expect(desktop).to_have_url(re.compile(r"/sign/commitment$"))
    check_page(desktop)
    read = desktop.get_by_role("button", name="我已阅知")
    expect(read).to_be_disabled()  # the countdown (enforced again by the server)
    desktop.get_by_label("我已阅读并知悉承诺书的全部内容").check()
    expect(read).to_be_enabled(timeout=5_000)
    read.click()
    expect(desktop).to_have_url(re.compile(r"/sign/copy$"))
    check_page(desktop)
    box = desktop.get_by_label("请粘贴或输入承诺书内容")
    box.fill("我承诺遵守规定。")
    desktop.get_by_role("button", name="确定").click()
    expect(desktop.locator(".field-error")).to_contain_text("与承诺书不一致")
    check_page(desktop)
    desktop.get_by_role("button", name="复制").click()
    expect(desktop.locator("#copy-status")).to_contain_text("已复制")
    box = desktop.get_by_label("请粘贴或输入承诺书内容")
    box.fill("")
    box.press("Control+V")
    expect(box).not_to_have_value("")
    desktop.get_by_role("button", name="确定").click()
    expect(desktop).to_have_url(re.compile(r"/sign/face$"))
    expect(desktop.get_by_role("heading", name="用手机完成人脸识别")).to_be_visible()
    check_page(desktop)
    desktop.evaluate("window.renewalMarker = 'no reload'")
    progress = desktop.locator("#renewal-progress")
    expect(progress).to_contain_text("等待手机扫码")

    # -- the phone that scans the code: face check, read, draw, sign -----------------------
    scanner = make_phone_page()
    scanner.goto(read_qr(desktop))
    expect(scanner.get_by_role("heading", name="请确认是您本人办理")).to_be_visible()
    expect(scanner.get_by_text("租赁合同续约 · 人脸识别签约")).to_be_visible()
    check_page(scanner)
    pass_the_face_check(scanner, desktop)
    expect(progress).to_contain_text("人脸识别已通过")
    scanner.get_by_role("link", name="在手机上继续").click()
    expect(scanner).to_have_url(re.compile(rf"/renewal/{renewal_id}/sign/phone$"))
    expect(scanner.get_by_role("heading", name="公共租赁住房租赁合同（续签）")).to_be_visible()
    check_page(scanner)
    sign_now = scanner.get_by_role("button", name="马上签署")
    expect(sign_now).to_be_disabled()
    expect(sign_now).to_be_enabled(timeout=5_000)
    sign_now.click()
    expect(scanner).to_have_url(re.compile(r"/sign/signature$"))
    check_page(scanner)
    draw_signature(scanner)
    scanner.get_by_role("button", name="保存签名").click()
    expect(scanner.get_by_role("img", name="已保存的手写签名")).to_be_visible()
    check_page(scanner)
    scanner.get_by_role("button", name="马上签署").click()
    expect(scanner.get_by_role("heading", name="签署成功")).to_be_visible()
    expect(scanner.get_by_role("link", name="查看文件")).to_be_visible()
    check_page(scanner)

    # The computer's page shows 签订成功 by itself.
    expect(progress).to_contain_text("签订成功")
    assert desktop.evaluate("window.renewalMarker") == "no reload"
    check_page(desktop)

    # -- final approval, then the tenant downloads the signed contract --------------------
    staff_review(staff, reference, button="审批通过，续约生效")
    desktop.get_by_role("link", name="查看详情").click()
    expect(desktop.get_by_text("续约完成").first).to_be_visible()
    check_page(desktop)
    link = desktop.get_by_role("link", name="下载合同（PDF）")
    response = desktop.request.get(link.get_attribute("href") or "")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in reader.pages))
    with live_server.app.app_context():
        from app.renewal.models import Renewal

        renewal = db.session.get(Renewal, renewal_id)
        term = f"{renewal.new_start_date:%Y年%m月%d日}至{renewal.new_end_date:%Y年%m月%d日}"
        lease = renewal.lease
        assert [t.end_date for t in lease.terms][-1] == renewal.new_end_date
        assert len(lease.terms) == 2
        db.session.remove()
    assert "陈晓梅" in text and term in text


def test_a_tenant_with_arrears_sees_why_she_cannot_renew(page: Page) -> None:
    sign_in(page, "13800000002")  # 李华: two months of rent overdue in the demo data
    page.goto("/renewal/")
    expect(page.get_by_role("heading", name="暂时不能申请续约")).to_be_visible()
    expect(page.get_by_text(re.compile("逾期未缴的租金"))).to_be_visible()
    expect(page.get_by_role("link", name="去缴纳租金")).to_be_visible()
    check_page(page)
