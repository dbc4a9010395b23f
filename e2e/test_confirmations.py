"""Journeys: every action that cannot be undone is confirmed on its own page, never in a
pop-up (长辈模式): clearing the 资格自评 answers, deleting a listed person there,
退出登录, and deleting a co-applicant, an asset or an uploaded file in the application.

Each walks to the confirmation page, checks it with axe, confirms with the keyboard
alone and sees the result on the page it lands on.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from app.apply import declaration, services
from app.auth.services import authenticate
from app.extensions import db
from e2e.conftest import LiveServer, check_page, check_page_without_js
from e2e.keyboard import Keys
from e2e.test_eligibility import add_member, choose
from e2e.test_shell import sign_in
from tests.factories import PASSWORD, valid_id_number

SPOUSE_ID = valid_id_number("19860606", "371")


def confirm_by_keyboard(page: Page, question: str, button: str, lands_on: str) -> None:
    """On the confirmation page: axe, then Tab to the main button and press Enter."""
    expect(page.get_by_role("heading", name=question)).to_be_visible()
    check_page(page)
    expect(page.get_by_role("link", name=re.compile("^(取消|不删除|不清空)$"))).to_be_visible()
    keys = Keys.on(page)
    keys.tab_to(button, tag="button")
    keys.activate()
    expect(page).to_have_url(re.compile(lands_on))
    keys.landed()


def test_clearing_the_answers_is_confirmed_on_its_own_page(page: Page) -> None:
    page.goto("/eligibility/q/age")
    check_page(page)
    page.get_by_label("您（申请人）今年多少周岁？").fill("52")
    page.get_by_role("button", name="下一步").click()
    expect(page).to_have_url(re.compile(r"/q/sex$"))
    check_page(page)
    page.goto("/eligibility/")
    check_page(page)
    page.get_by_role("link", name="清空答案，重新开始").click()
    expect(page).to_have_url(re.compile(r"/eligibility/restart$"))
    confirm_by_keyboard(page, "清空答案，重新开始吗？", "清空答案", r"/eligibility/q/age$")
    expect(page.get_by_label("您（申请人）今年多少周岁？")).to_have_value("")
    check_page(page)


def test_a_confirmation_page_works_without_javascript(no_js_page: Page) -> None:
    page = no_js_page
    page.goto("/eligibility/q/age")
    check_page_without_js(page)
    page.get_by_label("您（申请人）今年多少周岁？").fill("52")
    page.get_by_role("button", name="下一步").click()
    expect(page).to_have_url(re.compile(r"/q/sex$"))
    check_page_without_js(page)
    page.goto("/eligibility/")
    check_page_without_js(page)
    page.get_by_role("link", name="清空答案，重新开始").click()
    expect(page.get_by_role("heading", name="清空答案，重新开始吗？")).to_be_visible()
    check_page_without_js(page)
    page.get_by_role("button", name="清空答案").click()
    expect(page).to_have_url(re.compile(r"/eligibility/q/age$"))
    expect(page.get_by_label("您（申请人）今年多少周岁？")).to_have_value("")
    check_page_without_js(page)


def test_deleting_a_listed_person_is_confirmed_on_its_own_page(page: Page) -> None:
    page.goto("/eligibility/q/marital_status")
    check_page(page)
    choose(page, "已婚")
    page.goto("/eligibility/q/co_applicants")
    check_page(page)
    add_member(page, "配偶", "37")
    page.get_by_role("link", name=re.compile(r"^删除\s*第 1 项$")).click()
    expect(page).to_have_url(re.compile(r"/items/0/delete$"))
    expect(page.get_by_text("配偶（37岁）")).to_be_visible()
    confirm_by_keyboard(page, "确定删除这一项吗？", "确认删除", r"/eligibility/q/co_applicants$")
    expect(page.get_by_role("status")).to_contain_text("已删除这一项")
    expect(page.get_by_text("还没有添加共同申请人")).to_be_visible()
    expect(page.get_by_text("配偶，37 岁")).to_have_count(0)
    check_page(page)


def test_signing_out_is_confirmed_on_its_own_page(page: Page, new_resident) -> None:
    sign_in(page, new_resident("林秀英"), PASSWORD)
    page.goto("/auth/me")
    check_page(page)
    page.get_by_role("link", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/auth/logout$"))
    confirm_by_keyboard(page, "确定要退出登录吗？", "退出登录", r"/$")
    expect(page.get_by_role("status")).to_contain_text("您已安全退出")
    expect(page.get_by_role("link", name="登录").first).to_be_visible()
    check_page(page)


def draft_with_a_member_an_asset_and_a_file(live_server: LiveServer, phone: str) -> None:
    """A draft on the materials step with 王小二 (spouse), one vehicle and one ID photo."""
    from tests.apply.conftest import jpeg_bytes

    with live_server.app.app_context():
        application = services.start_application(authenticate(phone, PASSWORD))
        application.category, application.guarantee_mode = "low_middle_income", "physical"
        application.current_step = application.furthest_step = "materials"
        db.session.commit()
        member = {
            "name": "王小二", "id_number": SPOUSE_ID, "birth_date": "1986-06-06",
            "sex": "male", "age": 40, "relation": "spouse", "employment_status": "employed",
            "employer": "", "address": "",
        }  # fmt: skip
        declaration.upsert_member(application, declaration.member_record(member), version=None)
        declaration.add_asset(
            application, "vehicles", {"plate": "赣G12345", "model": "大众朗逸"}, version=None
        )
        declaration.attach_file(application, "id_applicant", jpeg_bytes(), version=None)
        db.session.remove()


def test_deleting_in_the_application_is_confirmed_on_its_own_page(
    page: Page, live_server: LiveServer, new_resident
) -> None:
    phone = new_resident("周桂兰")
    draft_with_a_member_an_asset_and_a_file(live_server, phone)
    sign_in(page, phone, PASSWORD)

    page.goto("/apply/materials")
    check_page(page)
    page.get_by_role("link", name=re.compile("^删除.*第1个文件$")).click()
    expect(page).to_have_url(re.compile(r"/apply/files/\d+/delete$"))
    expect(page.get_by_role("img", name=re.compile("第1个文件$"))).to_be_visible()
    confirm_by_keyboard(page, "确定删除这个文件吗？", "确认删除", r"/apply/materials$")
    expect(page.get_by_role("status")).to_contain_text("已删除这个文件")
    expect(page.get_by_role("link", name=re.compile("^删除.*第1个文件$"))).to_have_count(0)
    check_page(page)

    page.goto("/apply/assets")
    check_page(page)
    page.get_by_role("link", name=re.compile(r"^删除\s*车辆情况第1项$")).click()
    expect(page).to_have_url(re.compile(r"/apply/assets/vehicles/\w+/delete$"))
    expect(page.get_by_text("车牌号码：赣G12345")).to_be_visible()
    confirm_by_keyboard(page, "确定删除这一项车辆吗？", "确认删除", r"/apply/assets$")
    expect(page.get_by_role("status")).to_contain_text("已删除这一项")
    expect(page.get_by_text("赣G12345")).to_have_count(0)
    check_page(page)

    page.goto("/apply/members")
    check_page(page)
    page.get_by_role("link", name=re.compile(r"^删除\s*王小二$")).click()
    expect(page).to_have_url(re.compile(r"/apply/members/\w+/delete$"))
    expect(page.get_by_text("王小二 · 配偶")).to_be_visible()
    confirm_by_keyboard(page, "确定删除共同申请人王小二吗？", "确认删除", r"/apply/members$")
    expect(page.locator("#flash")).to_contain_text("已删除这位共同申请人")
    expect(page.get_by_text("还没有共同申请人")).to_be_visible()
    check_page(page)
