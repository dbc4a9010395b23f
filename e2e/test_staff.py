"""Journey: staff at desktop browsers take a resident's application from 受理 through
公示, 民政核对, 终审 and 结果公示 to the 资格证明, while the resident's phone shows each
step on 我的申请. "Today" is frozen in September 2026 so the dates cross 中秋 and 国庆."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db, limiter
from app.housing.models import Street
from e2e.conftest import LiveServer, PageAudit, _assert_audit_complete, _audited_page, check_page
from e2e.test_shell import sign_in
from tests.factories import PASSWORD
from tests.staff.review import submit_application

DESK = {
    "viewport": {"width": 1280, "height": 800},
    "is_mobile": False,
    "has_touch": False,
    "locale": "zh-CN",
}


@pytest.fixture(autouse=True)
def fresh_rate_limits(live_server: LiveServer) -> None:
    """These journeys sign four people in from one address: start with fresh login limits
    rather than inherit the windows the earlier journeys used up."""
    with live_server.app.app_context():
        limiter.reset()


@pytest.fixture
def desk(browser: Browser, live_server: LiveServer) -> Iterator:
    """Make audited desktop pages, one browser context (one person) each."""
    made = []

    def make() -> Page:
        context = browser.new_context(base_url=live_server.url, **DESK)
        context.set_default_timeout(10_000)
        audit = PageAudit()
        made.append((context, audit))
        return _audited_page(context, audit)

    yield make
    for context, audit in made:
        _assert_audit_complete(audit)
        context.close()


class Today:
    def __init__(self, monkeypatch) -> None:
        self.day = date(2026, 9, 18)
        # The live server runs in this process: its services read the patched clock.
        monkeypatch.setattr("app.core.clock.today_in_china", lambda: self.day)


def submitted_application(live_server: LiveServer, phone: str) -> str:
    """The resident's application, filled in through the real wizard and submitted."""
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.phone == phone))
        street = db.session.scalar(select(Street).where(Street.code == "360403001"))
        _resident, application = submit_application(live_server.app, street, user=user)
        reference = application.reference
        db.session.remove()
    return reference


def open_item(desk: Page, reference: str) -> None:
    """From the 工作台, through the queue's active search, to the item."""
    desk.goto("/staff/")
    check_page(desk)
    desk.get_by_role("link", name="公租房申请审核").click()
    expect(desk.get_by_role("heading", name=re.compile("待我办理"))).to_be_visible()
    check_page(desk)
    desk.get_by_label("搜索").fill(reference)
    expect(desk).to_have_url(re.compile(rf"q={reference}"))
    expect(desk.get_by_role("heading", name=re.compile("共 1 件"))).to_be_visible()
    check_page(desk)
    desk.get_by_role("link", name=reference).click()
    expect(desk.get_by_role("heading", name=f"申请 {reference}")).to_be_visible()
    check_page(desk)


def act(desk: Page, button: str, fill=None) -> None:
    """Press an action, confirm it on its own page, land back on the item."""
    desk.get_by_role("link", name=button, exact=True).click()
    expect(desk.get_by_role("heading", name=f"确认：{button}")).to_be_visible()
    check_page(desk)
    if fill:
        fill(desk)
    desk.get_by_role("button", name=f"确认{button}", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text(f"已办理：{button}")
    check_page(desk)


def resident_sees(phone: Page, current: str, *texts: str) -> None:
    phone.goto("/apply/status")
    expect(phone.locator(".timeline-current")).to_contain_text(current)
    for text in texts:
        expect(phone.get_by_text(text)).to_be_visible()
    check_page(phone)


def test_staff_move_an_application_to_a_certificate_while_the_resident_watches(
    page: Page, desk, live_server: LiveServer, new_resident, monkeypatch
) -> None:
    today = Today(monkeypatch)
    applicant = new_resident("陈晓梅")
    reference = submitted_application(live_server, applicant)
    phone = page
    sign_in(phone, applicant, PASSWORD)
    resident_sees(phone, "街道初审")

    street = desk()
    sign_in(street, "13900000001")
    open_item(street, reference)
    act(street, "受理")
    expect(street.get_by_text("2026-11-05")).to_be_visible()  # 30 working days over 中秋/国庆
    resident_sees(phone, "街道初审", "已于 2026-09-18 受理，应于 2026-11-05 前办结")

    act(street, "初核通过，开始一榜公示")
    resident_sees(phone, "一榜公示（街道）", "公示期 2026-09-18 至 2026-09-24")
    phone.goto("/publicity/")
    expect(phone.get_by_role("heading", name=re.compile("陈\\*梅"))).to_be_visible()
    check_page(phone)

    expect(street.get_by_text("期满后方可办理")).to_be_visible()
    today.day = date(2026, 9, 25)
    street.reload()
    check_page(street)
    act(street, "公示期满无异议，委托民政核对")
    resident_sees(phone, "民政核对", "已于 2026-09-25 委托核对，应于 2026-10-22 前出具报告")

    civil = desk()
    sign_in(civil, "13900000004")
    open_item(civil, reference)

    def report(form: Page) -> None:
        form.get_by_label("核对报告编号").fill("MZHD-2026-0925")
        form.get_by_label("符合保障条件", exact=True).check()
        form.get_by_label("核对情况").fill("家庭无机动车辆、无工商登记，收入符合标准。")

    act(civil, "录入核对报告", report)
    resident_sees(phone, "终审")

    city = desk()
    sign_in(city, "13900000003")
    open_item(city, reference)
    act(city, "终审通过，开始结果公示")
    resident_sees(phone, "结果公示", "公示期 2026-09-25 至 2026-10-09")

    today.day = date(2026, 10, 10)  # the 调休 Saturday after 国庆
    city.reload()
    check_page(city)
    act(city, "公示期满无异议，发放资格证明")
    expect(city.get_by_text("有效期至 2029-10-10")).to_be_visible()

    phone.goto("/apply/status")
    expect(phone.locator(".timeline-current")).to_have_count(0)
    expect(phone.get_by_text(re.compile("有效期至 2029-10-10"))).to_have_count(2)
    check_page(phone)
    phone.get_by_role("link", name="查看和打印资格证明").click()
    expect(phone.get_by_role("heading", name="九江市住房保障资格证明")).to_be_visible()
    check_page(phone)
    verify = phone.get_by_text(re.compile("/certificate/verify/")).inner_text()
    phone.goto(verify.strip())
    expect(phone.get_by_role("heading", name="该资格证明有效")).to_be_visible()
    expect(phone.get_by_text("陈*梅")).to_be_visible()
    check_page(phone)


def test_back_office_pages_for_the_city_and_admin_are_accessible(desk) -> None:
    admin = desk()
    sign_in(admin, "13900000006")
    for name, heading in (("账号管理", "工作人员账号"), ("审计日志", "条记录")):
        admin.goto("/staff/")
        check_page(admin)
        admin.get_by_role("navigation", name="后台导航").get_by_role("link", name=name).click()
        expect(admin.get_by_role("heading", name=re.compile(heading))).to_be_visible()
        check_page(admin)
    admin.get_by_role("navigation", name="后台导航").get_by_role("link", name="账号管理").click()
    check_page(admin)
    admin.get_by_role("link", name="新建工作人员账号").click()
    expect(admin.get_by_role("heading", name="新建工作人员账号").last).to_be_visible()
    check_page(admin)
    admin.get_by_role("button", name="保存").click()
    expect(admin.get_by_role("alert")).to_contain_text("请输入手机号码")
    check_page(admin)
