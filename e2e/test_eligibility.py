"""Journeys: 资格自评 on a phone, one question per screen, axe on every page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import check_page
from e2e.test_shell import sign_in


def next_step(page: Page) -> None:
    """Answer and wait until the next page is there (a boosted navigation changes the URL)."""
    before = page.url
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url(lambda url: url != before)
    check_page(page)


def choose(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).check()
    next_step(page)


def number(page: Page, question: str, value: str) -> None:
    page.get_by_label(question).fill(value)
    next_step(page)


def add_member(page: Page, relation: str, age: str) -> None:
    page.get_by_label("与您的关系").select_option(label=relation)
    page.get_by_label("年龄（周岁）").fill(age)
    page.get_by_role("button", name="添加").click()
    expect(page.get_by_text(f"{relation}，{age} 岁")).to_be_visible()
    check_page(page)


def start(page: Page) -> None:
    page.goto("/eligibility/")
    check_page(page)
    page.get_by_role("link", name="开始自评").click()
    expect(page.get_by_text("第 1 题")).to_be_visible()
    check_page(page)


def test_dibao_family_qualifies_for_both_with_priority_then_applies(page: Page) -> None:
    sign_in(page, "13800000001")
    start(page)
    page.get_by_label("您（申请人）今年多少周岁？").fill("200")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#answer-error")).to_contain_text("不能大于 150")
    expect(page.get_by_label("您（申请人）今年多少周岁？")).to_have_value("200")
    check_page(page)
    number(page, "您（申请人）今年多少周岁？", "35")
    choose(page, "女")
    choose(page, "已婚")
    choose(page, "是户口簿登记在市中心城区的城镇户籍")
    number(page, "您在中心城区落户满多少年？", "10")

    expect(page.get_by_text("请把配偶添加为共同申请人")).to_be_visible()
    add_member(page, "配偶", "37")
    add_member(page, "子女", "9")
    next_step(page)
    choose(page, "是")  # can pay rent
    page.get_by_text("什么是“支出型贫困低收入家庭”？").click()
    expect(page.get_by_text("刚性支出过大")).to_be_visible()
    choose(page, "城镇低保持有中心城区城镇最低生活保障证")
    choose(page, "否")  # owns housing
    choose(page, "否")  # relatives with 2+ homes
    choose(page, "否")  # reform housing
    choose(page, "否")  # disposed housing
    choose(page, "否")  # divorced before

    page.get_by_role("link", name="上一步").click()  # back keeps the answer
    expect(page.get_by_label("否", exact=True)).to_be_checked()
    check_page(page)
    next_step(page)

    choose(page, "都没有")  # assets
    choose(page, "否")  # sanctions
    choose(page, "都不属于")  # priority groups: priority comes from 廉租房 eligibility

    expect(page).to_have_url(re.compile(r"/eligibility/result$"))
    expect(page.get_by_role("heading", name="公租房：✓ 符合申请条件")).to_be_visible()
    expect(page.get_by_role("heading", name="廉租房（租金补贴）：✓ 符合申请条件")).to_be_visible()
    expect(page.get_by_role("heading", name="优先实物保障：可以优先配租")).to_be_visible()
    expect(page.get_by_text("不是审核决定")).to_be_visible()

    page.get_by_role("button", name="开始申请").click()
    expect(page).to_have_url(re.compile(r"/apply/draft$"))
    expect(page.get_by_text("城镇低保、特困、支出型贫困住房困难家庭")).to_be_visible()
    expect(page.get_by_text("配偶，37 岁")).to_be_visible()
    expect(page.get_by_text("子女，9 岁")).to_be_visible()
    check_page(page)


def test_outside_worker_with_five_months_of_pension_is_told_why(page: Page) -> None:
    start(page)
    number(page, "您（申请人）今年多少周岁？", "30")
    choose(page, "男")
    choose(page, "未婚")
    choose(page, "不是外地户籍，或中心城区以外的户籍")
    choose(page, "外来就业在中心城区的单位工作")
    choose(page, "是")  # residence permit
    page.get_by_label("您在中心城区已连续缴纳城镇职工基本养老保险多少个月？").fill("五")
    page.get_by_role("button", name="下一步").click()
    expect(page.locator("#answer-error")).to_contain_text("请填写整数")
    check_page(page)
    number(page, "您在中心城区已连续缴纳城镇职工基本养老保险多少个月？", "5")
    next_step(page)  # no co-applicants
    choose(page, "是")  # can pay rent
    choose(page, "否")  # owns housing
    choose(page, "否")  # relatives
    choose(page, "否")  # sanctions
    choose(page, "都不属于")

    expect(page.get_by_role("heading", name="公租房：✗ 暂不符合")).to_be_visible()
    expect(page.get_by_text(re.compile("5个月"))).to_be_visible()
    expect(page.get_by_role("heading", name="暂不符合申请条件")).to_be_visible()
    expect(page.get_by_role("button", name="开始申请")).to_have_count(0)
    check_page(page)
