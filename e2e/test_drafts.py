"""Journey: two phones edit one draft's 家庭成员 page. Nothing either saved is lost, the
person decides field by field, and a refresh right after typing keeps the text."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from app.apply import services
from app.apply.models import Application
from app.auth.services import authenticate
from app.extensions import db
from e2e.conftest import LiveServer, check_page
from e2e.test_shell import sign_in
from tests.factories import PASSWORD

APPLICANT = {
    "phone": "13800000001", "marital_status": "single", "hukou": "center_urban",
    "hukou_years": "8", "employment_status": "employed", "employer": "九江某公司",
    "monthly_income": "3500", "address": "浔阳区甘棠南路1号", "housing_situation": "renting",
    "relatives_any": "no",
}  # fmt: skip


def draft_on_the_members_step(live_server: LiveServer, phone: str) -> int:
    with live_server.app.app_context():
        user = authenticate(phone, PASSWORD)
        application = services.start_application(user)
        application.data = {**application.data, "applicant": dict(APPLICANT)}
        application.current_step = application.furthest_step = "members"
        db.session.commit()
        application_id = application.id
        db.session.remove()
    return application_id


def saved_applicant(live_server: LiveServer, application_id: int) -> dict:
    with live_server.app.app_context():
        data = dict(db.session.get(Application, application_id).data["applicant"])
        db.session.remove()
    return data


def saved_eventually(live_server: LiveServer, application_id: int, field: str, value: str) -> None:
    """Wait (up to 10 s) until the draft holds ``value``; fail with what it holds."""
    deadline = time.monotonic() + 10
    while (held := saved_applicant(live_server, application_id).get(field)) != value:
        assert time.monotonic() < deadline, f"{field} is {held!r}, not {value!r}"
        time.sleep(0.1)


def open_members(page: Page) -> None:
    page.goto("/apply/members")
    expect(page.get_by_role("heading", name="申请人信息")).to_be_visible()
    check_page(page)


def applicant_field(page: Page, label: str):
    return page.get_by_role("region", name="申请人信息").get_by_label(label)


def test_two_phones_keep_both_edits_or_the_chosen_one(
    page: Page, make_phone_page, live_server: LiveServer, new_resident
) -> None:
    phone = new_resident("周桂兰")
    application_id = draft_on_the_members_step(live_server, phone)
    phone_b, phone_c = page, make_phone_page()
    for each in (phone_b, phone_c):
        sign_in(each, phone, PASSWORD)
        open_members(each)

    # B changes the address and saves.
    applicant_field(phone_b, "现居住地址").fill("B 改的地址")
    phone_b.get_by_role("button", name="暂存").click()
    expect(phone_b.get_by_role("status").filter(has_text="已暂存")).to_be_visible()
    check_page(phone_b)

    # C, still showing the old address, changes the employer: autosave keeps that and
    # shows, field by field, what B changed.
    applicant_field(phone_c, "工作单位").fill("C 改的单位")
    expect(phone_c.get_by_role("status").filter(has_text="另一台设备已修改了 1 项")).to_be_visible()
    panel = phone_c.get_by_role("region", name="另一台设备已修改，请逐项选择")
    choice = panel.get_by_role("group", name="另一台设备已修改：现居住地址")
    expect(choice.get_by_label(re.compile("用另一台设备的：B 改的地址"))).to_be_checked()
    check_page(phone_c)
    assert saved_applicant(live_server, application_id)["employer"] == "C 改的单位"

    # C's next 暂存 (the click that used to revert B's address) takes B's address.
    phone_c.get_by_role("button", name="暂存").click()
    expect(phone_c.get_by_role("status").filter(has_text="已暂存")).to_be_visible()
    expect(applicant_field(phone_c, "现居住地址")).to_have_value("B 改的地址")
    expect(applicant_field(phone_c, "工作单位")).to_have_value("C 改的单位")
    check_page(phone_c)
    saved = saved_applicant(live_server, application_id)
    assert (saved["address"], saved["employer"]) == ("B 改的地址", "C 改的单位")

    # Both change the address now; C must choose, and C's choice is what is kept.
    open_members(phone_b)
    applicant_field(phone_b, "现居住地址").fill("B 第二次改的")
    phone_b.get_by_role("button", name="暂存").click()
    expect(phone_b.get_by_role("status").filter(has_text="已暂存")).to_be_visible()
    check_page(phone_b)
    applicant_field(phone_c, "现居住地址").fill("C 自己填的地址")
    choice = phone_c.get_by_role("group", name="另一台设备已修改：现居住地址")
    expect(choice.get_by_label(re.compile("保留本页填写的：C 自己填的地址"))).not_to_be_checked()
    phone_c.get_by_role("button", name="暂存").click()  # no choice made: still refused
    expect(phone_c.get_by_role("group", name="另一台设备已修改：现居住地址")).to_be_visible()
    check_page(phone_c)
    assert saved_applicant(live_server, application_id)["address"] == "B 第二次改的"
    choice = phone_c.get_by_role("group", name="另一台设备已修改：现居住地址")
    choice.get_by_label(re.compile("保留本页填写的")).check()
    phone_c.get_by_role("button", name="按所选保存").click()
    expect(phone_c.get_by_role("status").filter(has_text="已暂存")).to_be_visible()
    expect(applicant_field(phone_c, "现居住地址")).to_have_value("C 自己填的地址")
    check_page(phone_c)
    assert saved_applicant(live_server, application_id)["address"] == "C 自己填的地址"


def test_a_refresh_right_after_typing_keeps_the_text(
    page: Page, live_server: LiveServer, new_resident
) -> None:
    phone = new_resident("吴永明")
    application_id = draft_on_the_members_step(live_server, phone)
    sign_in(page, phone, PASSWORD)
    open_members(page)
    applicant_field(page, "工作单位").fill("刷新前刚打完的字")
    page.reload()  # well within the autosave's 800 ms wait
    check_page(page)
    expect(applicant_field(page, "工作单位")).to_have_value("刷新前刚打完的字")
    # Saved by the request sent on the way out, or again from this page if the reload
    # was served first: either way the server ends up with it.
    saved_eventually(live_server, application_id, "employer", "刷新前刚打完的字")
    # The request on the way out is lost (a bad network): the text typed is put back from
    # this tab and saved, still compared against the version the old page was based on.
    applicant_field(page, "工作单位").fill("网络断了也不丢")
    page.route("**/apply/members/autosave", lambda route: route.abort())
    page.reload()
    page.unroute("**/apply/members/autosave")
    check_page(page)
    expect(applicant_field(page, "工作单位")).to_have_value("网络断了也不丢")
    expect(page.get_by_role("status").filter(has_text="已自动保存")).to_be_visible()
    saved_eventually(live_server, application_id, "employer", "网络断了也不丢")
    # Typed, then left for another page: saved on the way out.
    applicant_field(page, "现居住地址").fill("离开前刚打完的地址")
    page.goto("/apply/")
    check_page(page)
    open_members(page)
    expect(applicant_field(page, "现居住地址")).to_have_value("离开前刚打完的地址")
