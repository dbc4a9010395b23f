"""Journeys by keyboard alone, on a phone (390×844) and at a computer (1280×800): the
application wizard, 资格自评, and every control on the rent and swap pages.

No mouse, no locator clicks or fills: ``e2e.keyboard.Keys`` presses Tab, Shift+Tab,
Enter, Space and the arrow keys, and after every key checks that the focused element is
in view and clear of the fixed bars, and that no htmx swap left focus on ``<body>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from e2e.conftest import (
    DESKTOP,
    PHONE,
    LiveServer,
    PageAudit,
    _assert_audit_complete,
    _audited_page,
    check_page,
)
from e2e.keyboard import Keys
from e2e.test_swap import live_tenant
from tests.factories import PASSWORD, valid_id_number
from tests.handoff.samples import face_jpeg

SPOUSE_ID = valid_id_number("19860606", "371")
SCREENS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(params=sorted(SCREENS))
def keyboard(request, browser: Browser, live_server: LiveServer) -> Iterator[Keys]:
    """An audited page at one screen size, driven by the keyboard."""
    context = browser.new_context(base_url=live_server.url, **SCREENS[request.param])
    context.set_default_timeout(10_000)
    audit = PageAudit()
    page = _audited_page(context, audit)
    keys = Keys.on(page)
    yield keys
    _assert_audit_complete(audit)
    context.close()


def arrive(keys: Keys, url_part: str | None = None) -> None:
    """On the next page: a boosted change leaves focus in the main content (the next Tab
    is the page's first control); a full load starts at the top."""
    if url_part:
        expect(keys.page).to_have_url(re.compile(url_part))
    state = keys.landed()
    assert state["why"] == "focus on <body>" or state["inMain"], state
    check_page(keys.page)


def go(keys: Keys, name: str | re.Pattern[str], url_part: str) -> None:
    """Tab to a link or button, press Enter, and land on the next page."""
    keys.tab_to(name)
    keys.activate()
    arrive(keys, url_part)


def sign_in(keys: Keys, phone: str, password: str = PASSWORD) -> None:
    keys.page.goto("/auth/login")
    arrive(keys)
    keys.fill("手机号码", phone)
    keys.fill("密码", password)
    keys.tab_to("登录", tag="button")
    keys.activate()
    expect(keys.page.get_by_role("heading", name=re.compile("您好"))).to_be_visible()
    arrive(keys)


def start_application(keys: Keys, tmp_path) -> None:
    page = keys.page
    page.goto("/apply/")
    arrive(keys)
    go(keys, "立即办理", r"/apply/consent$")
    for consent in ("同意处理身份信息", "同意处理人脸信息", "同意核对家庭经济状况信息"):
        keys.tab_to(re.compile(consent))
        keys.space()
    go(keys, "同意授权", r"/apply/region$")
    keys.select(re.compile("请选择申请区域"), "浔阳区 · 甘棠街道")
    keys.tab_to("去申请")
    keys.activate()
    expect(page.get_by_role("heading", name="请确认申请区域")).to_be_visible()
    arrive(keys)
    go(keys, "确认区域", r"/apply/identity$")
    keys.tab_to("在本机继续")
    keys.activate()
    expect(page.get_by_role("heading", name="拍摄本人照片")).to_be_visible()
    arrive(keys)
    photo = tmp_path / "face.jpg"
    photo.write_bytes(face_jpeg())
    keys.tab_to(re.compile("."), tag="input")
    keys.choose_file(photo)
    keys.tab_to("开始验证")
    keys.activate()
    expect(page.get_by_text("扫脸认证已通过")).to_be_visible()
    arrive(keys)
    go(keys, "下一步", r"/apply/category$")


def fill_category_and_members(keys: Keys) -> None:
    page = keys.page
    keys.radio("城镇中等偏下收入住房困难家庭")
    keys.radio("实物配租")
    go(keys, "下一步", r"/apply/members$")
    assert keys.tab()["inMain"]  # one Tab from a boosted page change reaches its content
    keys.select(re.compile("^婚姻状况"), "已婚")
    keys.select(re.compile("^是否离异后再婚"), "否")
    keys.select(re.compile("^户籍类型"), "市中心城区城镇常住户籍")
    keys.fill(re.compile("^中心城区落户年限"), "12")
    keys.select(re.compile("^就业状况"), "在职")
    keys.fill(re.compile("^工作单位"), "九江市某物流公司")
    keys.fill(re.compile("^本人月收入"), "3200")
    keys.fill(re.compile("^现居住地址"), "浔阳区甘棠南路12号")
    keys.select(re.compile("^现居住情况"), "租住")
    keys.select(re.compile("父母、子女在中心城区有两套或以上住房"), "否")
    expect(page.get_by_role("status").filter(has_text="已自动保存")).to_be_visible()

    # A co-applicant: added, then changed, each an htmx swap of the members block.
    keys.fill(re.compile("^姓名"), "刘建军")
    keys.fill(re.compile("^身份证号码"), SPOUSE_ID)
    keys.select(re.compile("^与申请人的关系"), "配偶")
    keys.select(re.compile("^就业状况"), "在职")
    keys.tab_to("添加", tag="button")
    keys.activate()
    expect(page.get_by_role("link", name="修改 刘建军")).to_be_visible()
    state = keys.check()
    assert state["tag"] == "li" and "刘建军" in state["name"], state  # the member just added
    keys.tab_to("修改 刘建军")
    keys.activate()
    expect(page.get_by_role("heading", name="修改共同申请人")).to_be_visible()
    assert keys.check()["name"] == "修改共同申请人"
    keys.select(re.compile("^就业状况"), "灵活就业")
    keys.fill(re.compile("^工作单位"), "个体经营")
    keys.activate()  # Enter in the field: htmx would put focus back in the new field
    expect(page.get_by_role("heading", name="添加共同申请人")).to_be_visible()
    state = keys.check()
    assert state["tag"] == "li" and "刘建军" in state["name"], state
    check_page(page)
    go(keys, "下一步", r"/apply/assets$")


def assets_signature_and_materials(keys: Keys, tmp_path) -> None:
    page = keys.page
    keys.tab_to("添加车辆")
    keys.activate()  # opens the <details>
    keys.fill("车牌号码", "赣G12345")
    keys.fill("品牌型号", "五菱宏光")
    keys.activate()  # Enter in the field sends the form
    expect(page.get_by_text("车牌号码：赣G12345")).to_be_visible()
    assert keys.check()["name"] == "车辆情况"
    check_page(page)

    signed = tmp_path / "signed.jpg"
    signed.write_bytes(face_jpeg())
    keys.tab_to_id("signature-photo")
    keys.choose_file(signed)
    keys.tab_to("保存签名")
    keys.activate()
    expect(page.get_by_text("已签名")).to_be_visible()
    arrive(keys)
    go(keys, "下一步", r"/apply/materials$")

    photo = tmp_path / "material.jpg"
    photo.write_bytes(face_jpeg())
    inputs = page.locator("form.upload-form input[type=file]")
    ids = [inputs.nth(index).get_attribute("id") for index in range(inputs.count())]
    for index, element_id in enumerate(ids):
        keys.tab_to_id(element_id)
        keys.choose_file(photo)
        keys.tab_to("上传")
        keys.activate()
        material = page.locator(".material").nth(index)
        expect(material.get_by_text("已上传")).to_be_visible()
        state = keys.check()  # focus is on the material just uploaded
        assert "已上传" in state["name"] and state["tag"] == "h2", state
    check_page(page)
    go(keys, "下一步", r"/apply/review$")


def test_application_wizard_by_keyboard(keyboard: Keys, new_resident, tmp_path) -> None:
    sign_in(keyboard, new_resident("陈晓梅"))
    start_application(keyboard, tmp_path)
    fill_category_and_members(keyboard)
    assets_signature_and_materials(keyboard, tmp_path)
    expect(keyboard.page.get_by_text(re.compile("刘建军，配偶"))).to_be_visible()
    go(keyboard, "提交申请", r"/apply/submit")
    expect(keyboard.page.get_by_role("heading", name="确认提交申请？")).to_be_visible()
    go(keyboard, "直接提交", r"/apply/status$")
    expect(keyboard.page.locator(".timeline-current")).to_contain_text("街道初审")
    assert keyboard.stops > 100


def answer(keys: Keys, option: str) -> None:
    keys.radio(option)
    next_question(keys)


def number(keys: Keys, question: str, value: str) -> None:
    keys.fill(question, value)
    next_question(keys)


def next_question(keys: Keys) -> None:
    before = keys.page.url
    keys.tab_to("下一步", tag="button")
    keys.activate()
    keys.page.wait_for_url(lambda url: url != before)
    arrive(keys)


def add_member(keys: Keys, relation: str, age: str) -> None:
    keys.select("与您的关系", relation)
    keys.fill("年龄（周岁）", age)
    keys.tab_to("添加", tag="button")
    keys.activate()
    expect(keys.page.get_by_text(f"{relation}，{age} 岁")).to_be_visible()
    assert keys.check()["name"].startswith(f"{relation}，{age} 岁")  # on the row just added
    check_page(keys.page)


def test_self_assessment_by_keyboard(keyboard: Keys, new_resident) -> None:
    page = keyboard.page
    sign_in(keyboard, new_resident("周桂兰"))
    page.goto("/eligibility/")
    arrive(keyboard)
    go(keyboard, "开始自评", r"/eligibility/q/")
    keyboard.fill("您（申请人）今年多少周岁？", "200")
    keyboard.tab_to("下一步", tag="button")
    keyboard.activate()
    expect(page.locator("#answer-error")).to_contain_text("不能大于 150")
    arrive(keyboard)
    number(keyboard, "您（申请人）今年多少周岁？", "35")
    answer(keyboard, "女")
    answer(keyboard, "已婚")
    answer(keyboard, "是户口簿登记在市中心城区的城镇户籍")
    number(keyboard, "您在中心城区落户满多少年？", "10")
    add_member(keyboard, "配偶", "37")
    add_member(keyboard, "子女", "9")
    next_question(keyboard)
    answer(keyboard, "是")  # can pay rent
    keyboard.tab_to("什么是“支出型贫困低收入家庭”？")
    keyboard.activate()  # opens the help
    expect(page.get_by_text("刚性支出过大")).to_be_visible()
    keyboard.radio("城镇低保持有中心城区城镇最低生活保障证", backwards=True)  # help is below
    next_question(keyboard)
    for _ in range(5):  # owns housing, relatives, reform housing, disposed, divorced
        answer(keyboard, "否")
    keyboard.tab_to("上一步")
    keyboard.activate()
    arrive(keyboard)
    expect(page.get_by_label("否", exact=True)).to_be_checked()  # back keeps the answer
    next_question(keyboard)
    keyboard.tick("都没有")
    next_question(keyboard)
    answer(keyboard, "否")
    keyboard.tick("都不属于")
    next_question(keyboard)

    expect(page).to_have_url(re.compile(r"/eligibility/result$"))
    expect(page.get_by_role("heading", name="公租房：✓ 符合申请条件")).to_be_visible()
    go(keyboard, "开始申请", r"/apply/draft$")
    expect(page.get_by_text("配偶，37 岁")).to_be_visible()
    assert keyboard.stops > 60


def sweep(keys: Keys, path: str) -> int:
    """Open ``path``, Tab through every control down to the last tab (我的), then
    Shift+Tab back up to the skip link; every stop is checked. Returns the stops."""
    keys.page.goto(path)
    arrive(keys, re.escape(path.split("?")[0]))
    stops = 0
    state = keys.tab()
    assert state["name"] == "跳到主要内容", state
    while state["name"] != "我的":
        state = keys.tab()
        stops += 1
        assert stops < 300, f"no end of the page by Tab on {path}"
    while state["name"] != "跳到主要内容":
        state = keys.tab(backwards=True)
        stops += 1
        assert stops < 600, f"no way back up by Shift+Tab on {path}"
    return stops


def first_link(keys: Keys, pattern: str) -> str:
    href = keys.page.evaluate(
        "(pattern) => [...document.querySelectorAll('main a[href]')]"
        ".map((a) => a.getAttribute('href')).find((h) => new RegExp(pattern).test(h))",
        pattern,
    )
    assert href, f"no link matching {pattern} on {keys.page.url}"
    return href


def test_rent_pages_by_keyboard(keyboard: Keys) -> None:
    sign_in(keyboard, "13800000002", "Anju2026")
    for path in ("/rent/", "/rent/bills", "/rent/pay", "/rent/bank-deduction"):
        assert sweep(keyboard, path) > 4
    keyboard.page.goto("/rent/bills")
    arrive(keyboard)
    assert sweep(keyboard, first_link(keyboard, r"^/rent/bills/\d+$")) > 4


def test_swap_pages_by_keyboard(keyboard: Keys) -> None:
    page = keyboard.page
    sign_in(keyboard, "13800000012", "Anju2026")
    for path in ("/swap/", "/swap/mine", "/swap/matches", "/swap/favourites", "/swap/mine/listing"):
        assert sweep(keyboard, path) > 4
    page.goto("/swap/")
    arrive(keyboard)
    listing = first_link(keyboard, r"^/swap/listings/\d+$")
    assert sweep(keyboard, listing) > 4

    # Filters swap the results while focus stays on the filter; 收藏 swaps its own button.
    page.goto("/swap/")
    arrive(keyboard)
    keyboard.fill("关键词", "小区")
    expect(page).to_have_url(re.compile(r"q=%E5%B0%8F%E5%8C%BA"))
    check_page(page)
    assert keyboard.check()["id"] == "q"
    keyboard.tab_to("更多筛选条件")
    keyboard.activate()
    keyboard.select("区", "濂溪区")
    expect(page).to_have_url(re.compile(r"district="))
    check_page(page)
    assert keyboard.check()["id"] == "district"
    page.goto(listing)
    arrive(keyboard)
    keyboard.tab_to(re.compile("^收藏"), tag="button")
    keyboard.activate()
    expect(page.get_by_role("button", name=re.compile("取消收藏|已收藏"))).to_be_visible()
    assert re.search("取消收藏|已收藏", keyboard.check()["name"])
    keyboard.activate()  # and back, leaving the demo as it was
    expect(page.get_by_role("button", name=re.compile("^收藏"))).to_be_visible()
    assert keyboard.check()["name"].startswith("收藏")


def test_elder_mode_pages_by_keyboard(keyboard: Keys) -> None:
    """长辈模式: larger bars, the same rule; switched on with the keyboard."""
    sign_in(keyboard, "13800000002", "Anju2026")
    toggle_elder_mode(keyboard, on=True)
    for path in ("/rent/", "/rent/bills", "/services", "/apply/"):
        assert sweep(keyboard, path) > 4
    toggle_elder_mode(keyboard, on=False)  # the demo account as it was


def toggle_elder_mode(keys: Keys, *, on: bool) -> None:
    """The account keeps the setting: press 长辈模式 (in the top bar) if it differs."""
    keys.page.goto("/")
    arrive(keys)
    if ("elder" in (keys.page.locator("html").get_attribute("class") or "")) != on:
        keys.tab_to("长辈模式")
        keys.activate()
        expect(keys.page.locator("html")).to_have_class("elder" if on else "")
        arrive(keys)


def test_a_status_poll_never_moves_focus(keyboard: Keys, live_server: LiveServer) -> None:
    """A pending payment's page asks the server every second; a keyboard user resting on
    继续支付 stays there, never dropped and given back (each poll used to disable the
    button, which takes focus off it)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.rent.models import Payment

    page = keyboard.page
    sign_in(keyboard, live_tenant(live_server, "钱多多", overdue=True))
    page.goto("/rent/pay")
    arrive(keyboard)
    go(keyboard, "下一步：确认金额", r"/rent/pay")
    expect(page.get_by_role("heading", name="请确认缴费金额")).to_be_visible()
    keyboard.tab_to(re.compile("^确认支付"))
    keyboard.activate()
    expect(page.get_by_role("heading", name="模拟支付平台")).to_be_visible()
    arrive(keyboard)
    with live_server.app.app_context():
        payment_id = db.session.scalar(select(Payment.id).order_by(Payment.id.desc()))
        db.session.remove()
    page.goto(f"/rent/payments/{payment_id}")
    arrive(keyboard)
    keyboard.tab_to("继续支付")
    page.evaluate(
        """() => {
        window.__polls = 0; window.__moves = 0;
        const button = document.activeElement;
        for (const kind of ["blur", "focus"]) {
            button.addEventListener(kind, () => { window.__moves += 1; });
        }
        document.addEventListener("htmx:afterRequest", () => { window.__polls += 1; });
    }"""
    )
    page.wait_for_function("() => window.__polls >= 3")
    assert keyboard.check()["name"] == "继续支付"
    assert page.evaluate("() => window.__moves") == 0  # not even dropped and given back
