"""Journey: 资格自评 offline; the start page promises exactly what happens without network."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import check_page
from e2e.test_eligibility import next_step


def test_questionnaire_offline_keeps_the_answers_the_start_page_promises(
    installable_page: Page,
) -> None:
    page, context = installable_page, installable_page.context
    page.goto("/eligibility/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker
    check_page(page)
    assert page.evaluate("!!navigator.serviceWorker.controller")
    expect(page.get_by_text("答案保存在这个浏览器里，关闭浏览器后可能被清除")).to_be_visible()
    expect(page.get_by_text("断网时无法答题，已回答的问题不会丢失")).to_be_visible()

    page.get_by_role("link", name="开始自评").click()
    expect(page.get_by_text("第 1 题")).to_be_visible()
    check_page(page)
    page.get_by_label("您（申请人）今年多少周岁？").fill("35")
    next_step(page)

    context.set_offline(True)
    page.get_by_label("女", exact=True).check()
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_text("网络连接失败")).to_be_visible()
    expect(page.get_by_label("女", exact=True)).to_be_checked()  # still on the page
    page.reload()  # no questionnaire page is cached: they carry the answers, no-store
    expect(page.get_by_role("heading", name="网络连接已断开")).to_be_visible()
    check_page(page)

    context.set_offline(False)
    page.goto("/eligibility/")
    check_page(page)
    page.get_by_role("link", name="继续上次的自评").click()
    expect(page).to_have_url(re.compile(r"/eligibility/q/sex$"))
    check_page(page)
    page.get_by_role("link", name="上一步").click()
    expect(page.get_by_label("您（申请人）今年多少周岁？")).to_have_value("35")
    check_page(page)
