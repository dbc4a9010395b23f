"""Journey: 公租房互换 on phones, one browser context per person.

刘洋 (tenant A) posts a listing with photos; a signed-out visitor filters the board and
finds it; 周婷 (tenant B, whose demo listing wants 浔阳区) sees A under 互相匹配 and sends
a request; A accepts; they message; they apply, each signs the 承诺书 and pre-pays a year
through the rent sandbox; 租赁管理 approves; both leases show the other's home. A tenant in
arrears is refused with the reason, and a 廉租房 tenant cannot swap with a 公租房 tenant.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from app.auth.services import phone_registered
from app.extensions import db, limiter
from app.housing.models import GuaranteeType
from e2e.conftest import LiveServer, check_page
from e2e.test_shell import sign_in
from tests.factories import PASSWORD
from tests.swap import builders

A_PHONE, B_PHONE, STAFF_PHONE = "13800000011", "13800000012", "13900000005"
A_DESCRIPTION = (
    "两室一厅，三楼步梯，南北通透，楼下有菜市场和公交站。母亲在濂溪区住院，想换到濂溪区方便照顾。"
)


@pytest.fixture(autouse=True)
def fresh_rate_limits(live_server: LiveServer) -> None:
    """Five people sign in from one address: start with fresh login limits."""
    with live_server.app.app_context():
        limiter.reset()


@pytest.fixture
def photos(tmp_path: Path) -> list[Path]:
    paths = []
    for index, colour in enumerate([(210, 190, 170), (180, 200, 220)]):
        path = tmp_path / f"room-{index}.jpg"
        Image.new("RGB", (800, 600), colour).save(path, format="JPEG")
        paths.append(path)
    return paths


def live_tenant(live_server: LiveServer, name: str, **options) -> str:
    """A tenant with rent paid in the live server's database; their phone (password
    ``tests.factories.PASSWORD``). ``overdue=True`` adds an overdue bill."""
    overdue = options.pop("overdue", False)
    with live_server.app.app_context():
        phone = f"137{secrets.randbelow(10**8):08d}"
        while phone_registered(phone):
            phone = f"137{secrets.randbelow(10**8):08d}"
        _user, lease = builders.tenant(
            name, home=builders.unit("滨江小区", "浔阳区"), phone=phone, **options
        )
        if overdue:
            builders.overdue_bill(lease)
        db.session.remove()
    return phone


def wait_for_results(page: Page, text: str) -> None:
    expect(page.locator("#results-title")).to_contain_text(text)
    check_page(page)


def post_listing_with_photos(page: Page, photos: list[Path]) -> None:
    sign_in(page, A_PHONE)
    page.get_by_role("link", name=re.compile("^互换大厅")).click()
    expect(page.get_by_role("heading", name="互换大厅")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="我的互换").click()
    check_page(page)
    page.get_by_role("link", name="发布互换信息").click()
    expect(page.get_by_text("以下信息来自您的租赁合同")).to_be_visible()
    expect(page.get_by_text("琵琶湖公租房小区（浔阳区）")).to_be_visible()
    check_page(page)
    page.get_by_role("checkbox", name="濂溪区").check()
    page.get_by_role("radio", name="照顾老人").check()
    page.get_by_label("房屋描述").fill(A_DESCRIPTION)
    page.get_by_role("button", name="发布互换信息").click()
    expect(page.get_by_text("互换信息已发布")).to_be_visible()
    expect(page.get_by_text("展示中")).to_be_visible()
    check_page(page)
    for photo in photos:
        page.get_by_label("添加照片").set_input_files(str(photo))
        page.get_by_role("button", name="上传照片").click()
        expect(page.get_by_text("照片已上传")).to_be_visible()
        check_page(page)
    expect(page.get_by_role("heading", name="房屋照片（2 / 6）")).to_be_visible()


def visitor_finds_it(page: Page) -> None:
    page.goto("/swap/")
    check_page(page)
    page.get_by_text("更多筛选条件").click()
    page.get_by_label("区", exact=True).select_option(label="浔阳区")
    wait_for_results(page, "共")
    expect(page).to_have_url(re.compile(r"/swap/\?district=\d+$"))
    page.get_by_label("关键词").fill("菜市场")
    wait_for_results(page, "共 1 条互换信息")
    expect(page).to_have_url(re.compile(r"/swap/\?q=.+&district=\d+$"))
    shared = page.url
    # The filtered view survives a refresh and can be shared.
    page.goto(shared)
    expect(page.get_by_label("关键词")).to_have_value("菜市场")
    expect(page.locator("#results-title")).to_have_text("共 1 条互换信息")
    check_page(page)
    page.get_by_role("link", name=re.compile("^琵琶湖公租房小区 · 2室1厅1卫")).click()
    expect(page.get_by_role("heading", name="琵琶湖公租房小区 · 2室1厅1卫")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^房屋照片 2（共 2 张）"))).to_be_visible()
    expect(page.get_by_text("菜市场和公交站")).to_be_visible()
    body = page.locator("main").inner_text()
    for secret in ("刘洋", A_PHONE, "302", "2栋"):
        assert secret not in body
    check_page(page)


def request_from_matches(page: Page) -> str:
    sign_in(page, B_PHONE)
    page.goto("/swap/matches")
    expect(page.get_by_role("heading", name="互相匹配（共 1 户）")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^多方互换（\d+ 组）$"))).to_be_visible()
    check_page(page)
    page.get_by_role("link", name=re.compile("^琵琶湖公租房小区 · 2室1厅1卫")).first.click()
    check_page(page)
    page.get_by_label("给对方的留言").fill(
        "您好，我在十里小区，两室一厅电梯房，想换到浔阳区上班近一点。"
    )
    page.get_by_role("button", name="发送换房请求").click()
    expect(page.get_by_role("heading", name=re.compile("您发出的换房请求"))).to_be_visible()
    expect(page.get_by_text("对方接受换房请求后，双方才能看到")).to_be_visible()
    check_page(page)
    return page.url


def accept(page: Page, conversation: str) -> None:
    page.goto("/swap/mine")
    check_page(page)
    page.get_by_role("link", name=re.compile("收到的请求")).click()
    expect(page).to_have_url(conversation)
    expect(page.get_by_text("想换到浔阳区上班近一点")).to_be_visible()
    assert B_PHONE not in page.locator("main").inner_text()
    check_page(page)
    page.get_by_role("button", name="接受").click()
    expect(page.get_by_text(B_PHONE)).to_be_visible()
    expect(page.get_by_text("周婷")).to_be_visible()
    check_page(page)


def send(page: Page, text: str) -> None:
    page.get_by_label("发送消息").fill(text)
    page.get_by_role("button", name="发送", exact=True).click()
    expect(page.locator(".swap-thread")).to_contain_text(text)
    check_page(page)


def pay_through_the_rent_sandbox(page: Page) -> None:
    expect(page).to_have_url(re.compile(r"/rent/pay$"))
    expect(page.get_by_role("checkbox")).to_have_count(12)
    check_page(page)
    page.get_by_role("button", name="下一步：确认金额").click()
    total = page.locator(".rent-grand-total strong").inner_text()
    check_page(page)
    page.get_by_role("button", name=f"确认支付 {total}").click()
    expect(page.get_by_role("heading", name="模拟支付平台")).to_be_visible()
    check_page(page)
    page.get_by_role("button", name=f"确认付款 {total}").click()
    expect(page.get_by_role("heading", name="支付成功")).to_be_visible()
    check_page(page)


def do_my_part(page: Page, application: str, proof: Path, reason: str) -> None:
    page.goto(application)
    check_page(page)
    page.get_by_role("radio", name=reason).check()
    page.get_by_label("互换理由", exact=True).fill("家人在对方房屋附近住院治疗，需要每天照顾。")
    page.get_by_role("button", name="保存理由").click()
    expect(page.get_by_text("互换理由已保存")).to_be_visible()
    check_page(page)
    page.get_by_label("选择证明材料").set_input_files(str(proof))
    page.get_by_role("button", name="上传证明材料").click()
    expect(page.get_by_role("link", name=re.compile("证明材料 1"))).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="阅读并签署《承诺书》").click()
    expect(page.get_by_role("heading", name="公共租赁住房互换居住承诺书")).to_be_visible()
    check_page(page)
    page.get_by_label("我已阅读《承诺书》").check()
    page.get_by_label("登录密码").fill("Anju2026")
    page.get_by_role("button", name="签署承诺书").click()
    expect(page.get_by_text("已签署《承诺书》", exact=True)).to_be_visible()
    check_page(page)
    page.get_by_role("button", name="生成预缴账单并去缴费").click()
    pay_through_the_rent_sandbox(page)
    page.goto(application)
    expect(page.locator(".swap-steps").get_by_text("✓ 已完成")).to_have_count(3)
    check_page(page)


def test_two_tenants_swap_homes(
    make_phone_page: Callable[..., Page], live_server: LiveServer, photos: list[Path]
) -> None:
    a, visitor, b, staff = (make_phone_page() for _ in range(4))

    post_listing_with_photos(a, photos)
    visitor_finds_it(visitor)
    conversation = request_from_matches(b)
    accept(a, conversation)

    b.reload()
    expect(b.get_by_text(A_PHONE)).to_be_visible()
    expect(b.get_by_text("刘洋")).to_be_visible()
    check_page(b)
    send(b, "周六上午方便看房吗？")
    a.reload()
    expect(a.get_by_text("周六上午方便看房吗？")).to_be_visible()
    check_page(a)
    send(a, "可以，周六上午十点见。")

    a.get_by_role("button", name="申请互换").click()
    expect(a.get_by_role("heading", name=re.compile(r"^互换申请 HH\d+"))).to_be_visible()
    application = a.url
    check_page(a)
    do_my_part(a, application, photos[0], "照顾老人")
    do_my_part(b, application, photos[1], "就业")
    expect(b.get_by_text("已提交，待审核")).to_be_visible()

    sign_in(staff, STAFF_PHONE)
    staff.goto("/staff/")
    check_page(staff)
    staff.get_by_role("link", name="互换审核").click()
    check_page(staff)
    staff.get_by_role("link", name=re.compile(r"^HH\d+")).click()
    expect(staff.get_by_text("家人在对方房屋附近住院治疗").first).to_be_visible()
    check_page(staff)
    staff.get_by_role("button", name="通过，变更双方租约").click()
    expect(staff.get_by_text("双方租约已变更为新房屋")).to_be_visible()
    check_page(staff)

    a.goto("/rent/")
    expect(a.get_by_text("十里公租房小区3栋502室")).to_be_visible()
    check_page(a)
    b.goto("/rent/")
    expect(b.get_by_text("琵琶湖公租房小区2栋302室")).to_be_visible()
    check_page(b)
    b.goto("/swap/mine")
    expect(b.get_by_role("heading", name="换房记录")).to_be_visible()
    expect(
        b.get_by_text(re.compile("十里公租房小区3栋502室 → 琵琶湖公租房小区2栋302室"))
    ).to_be_visible()
    check_page(b)


def test_a_tenant_in_arrears_is_refused_with_the_reason(
    page: Page, live_server: LiveServer
) -> None:
    phone = live_tenant(live_server, "欧阳明", overdue=True)
    sign_in(page, phone, PASSWORD)
    page.goto("/swap/mine")
    expect(page.get_by_role("heading", name="您暂时不能发布或申请互换")).to_be_visible()
    expect(page.get_by_text(re.compile("您有逾期未缴的租金"))).to_be_visible()
    expect(page.get_by_role("link", name="发布互换信息")).to_have_count(0)
    check_page(page)
    page.goto("/swap/mine/listing")
    expect(page.get_by_role("heading", name="暂时不能发布互换信息")).to_be_visible()
    expect(page.get_by_text(re.compile("申请互换须租金缴纳正常、没有欠租"))).to_be_visible()
    check_page(page)


def test_a_lianzu_tenant_cannot_swap_with_a_gongzu_tenant(
    page: Page, live_server: LiveServer
) -> None:
    phone = live_tenant(live_server, "吕佳", guarantee=GuaranteeType.LIANZU)
    sign_in(page, phone, PASSWORD)
    page.goto("/swap/")
    check_page(page)
    page.get_by_text("更多筛选条件").click()
    page.get_by_label("保障类型").select_option(label="公租房（不享受租金补贴）")
    wait_for_results(page, "共")
    page.locator(".swap-card-title a").first.click()
    expect(page.get_by_role("heading", name="我想换")).to_be_visible()
    expect(page.get_by_text(re.compile("只能与同保障类型的租赁对象互换"))).to_be_visible()
    expect(page.get_by_role("button", name="发送换房请求")).to_have_count(0)
    check_page(page)
