"""Journey: a resident finds 我的申请 from the menus, and home offers to go on with a draft
at the step it reached — on a phone and at a computer."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import LiveServer, check_page
from e2e.test_drafts import draft_on_the_members_step
from e2e.test_shell import sign_in
from tests.factories import PASSWORD


def shot(page: Page, name: str) -> None:
    """A screenshot to look at, when ``E2E_SHOTS`` names a folder (never in CI)."""
    if not (folder := os.environ.get("E2E_SHOTS")):
        return
    width = page.viewport_size["width"] if page.viewport_size else 0
    page.screenshot(path=Path(folder) / f"{name}-{width}.png", full_page=True, caret="initial")


@pytest.mark.parametrize("screen", ["page", "desktop_page"])
def test_home_goes_on_with_the_draft_and_my_menu_reaches_it(
    request, live_server: LiveServer, new_resident, screen: str
) -> None:
    page: Page = request.getfixturevalue(screen)
    phone = new_resident("周桂兰")
    draft_on_the_members_step(live_server, phone)
    sign_in(page, phone, PASSWORD)
    card = page.locator("article.card", has_text="公租房申请未填完")
    expect(card).to_contain_text("已填到第5步（共8步）：家庭成员")
    expect(page.get_by_text("暂时没有需要您办理的事项")).to_have_count(0)
    shot(page, "home-draft")
    card.get_by_role("link", name="继续填写申请").click()
    expect(page).to_have_url(re.compile(r"/apply/members$"))
    check_page(page)

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的").click()
    expect(page).to_have_url(re.compile(r"/auth/me$"))
    check_page(page)
    shot(page, "account-menu")
    page.get_by_role("navigation", name="账号设置").get_by_role("link", name="我的申请").click()
    # a draft has no review progress yet: 我的申请 opens the application's own page
    expect(page.get_by_role("link", name="继续我的申请")).to_be_visible()
    check_page(page)


@pytest.mark.parametrize("screen", ["page", "desktop_page"])
def test_a_qualified_resident_follows_the_message_to_the_certificate(request, screen: str) -> None:
    """吴刚 (demo) reads “可在‘我的申请’中查看和打印” and finds it from the menus."""
    page: Page = request.getfixturevalue(screen)
    sign_in(page, "13800000007")
    expect(page.locator("article.card", has_text="已取得住房保障资格")).to_be_visible()
    shot(page, "home-qualified")
    tabs = page.get_by_role("navigation", name="主导航")
    tabs.get_by_role("link", name=re.compile("^消息")).click()
    expect(page).to_have_url(re.compile(r"/messages/$"))
    check_page(page)
    page.locator("#message-list").get_by_text("您已取得住房保障资格").first.click()
    expect(page.get_by_role("heading", name="您已取得住房保障资格")).to_be_visible()
    expect(page.get_by_text(re.compile("可在“我的申请”中查看和打印"))).to_be_visible()
    check_page(page)

    tabs.get_by_role("link", name="我的").click()
    expect(page).to_have_url(re.compile(r"/auth/me$"))
    check_page(page)
    page.get_by_role("navigation", name="账号设置").get_by_role("link", name="我的申请").click()
    expect(page).to_have_url(re.compile(r"/apply/status$"))
    expect(page.get_by_role("heading", name="住房保障资格证明")).to_be_visible()
    check_page(page)
    shot(page, "status-qualified")
    page.get_by_role("link", name="查看和打印资格证明").click()
    expect(page).to_have_url(re.compile(r"/certificate$"))
    check_page(page)

    # 办事 › 公租房申请 leads to it too, not only to a new application
    tabs.get_by_role("link", name="办事").click()
    check_page(page)
    page.get_by_role("link", name=re.compile("^公租房申请")).click()
    expect(page).to_have_url(re.compile(r"/apply/$"))
    expect(page.get_by_text("已取得保障资格")).to_be_visible()
    check_page(page)
    shot(page, "apply-qualified")
    page.get_by_role("main").get_by_role("link", name="我的申请").click()
    expect(page).to_have_url(re.compile(r"/apply/status$"))
    check_page(page)
