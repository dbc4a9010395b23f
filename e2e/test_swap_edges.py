"""Two edges of 互换 as a person sees them: every 举报 page leads back (the tenant's to the
listing, the back office's 互换信息举报 to 工作台 and a report to the queue), and a keyword
search result shows where the word matched, also in the cards 加载更多 brings in.

The listings made here wish only for a community nobody lives in, so they join no match or
three-way chain of the other journeys on the shared board.
"""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Page, expect

from app.auth.services import phone_registered
from app.extensions import db
from e2e.conftest import LiveServer, check_page
from e2e.test_shell import sign_in
from e2e.test_swap import STAFF_PHONE, fresh_rate_limits, live_tenant  # noqa: F401
from tests.factories import PASSWORD
from tests.swap import builders

NOWHERE = ("边缘测试小区",)  # a community of its own district: no home there


def live_listing(
    live_server: LiveServer, name: str, description: str, place: str = "滨江小区"
) -> int:
    """A tenant living in ``place`` with a listing on the board; the listing's id."""
    with live_server.app.app_context():
        builders.community(NOWHERE[0], "边缘测试区")
        phone = f"136{secrets.randbelow(10**8):08d}"
        while phone_registered(phone):
            phone = f"136{secrets.randbelow(10**8):08d}"
        user, _lease = builders.tenant(name, home=builders.unit(place, "浔阳区"), phone=phone)
        listing_id = builders.listing(user, communities=NOWHERE, description=description).id
        db.session.remove()
    return listing_id


def test_report_pages_lead_back(page: Page, desktop_page: Page, live_server: LiveServer) -> None:
    listing_id = live_listing(live_server, "边文", "两室一厅，想换到边缘测试小区。")
    reporter = live_tenant(live_server, "缘华")
    sign_in(page, reporter, PASSWORD)
    page.goto(f"/swap/listings/{listing_id}")
    check_page(page)
    page.get_by_role("link", name="举报", exact=True).click()
    expect(page.get_by_role("heading", name="举报此互换信息")).to_be_visible()
    check_page(page)
    page.get_by_role("link", name="返回").click()
    expect(page).to_have_url(re.compile(rf"/swap/listings/{listing_id}$"))
    page.get_by_role("link", name="举报", exact=True).click()
    expect(page.get_by_role("heading", name="举报此互换信息")).to_be_visible()
    page.get_by_role("radio", name="广告或中介信息").check()
    page.get_by_label("具体情况").fill("看起来是中介在发广告。")
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_text("举报已提交")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/swap/listings/{listing_id}$"))
    expect(page.get_by_role("link", name="返回")).to_have_attribute("href", "/swap/")
    check_page(page)

    staff = desktop_page
    sign_in(staff, STAFF_PHONE)
    staff.goto("/staff/")
    check_page(staff)
    staff.get_by_role("link", name="互换信息举报").click()
    expect(staff.get_by_role("heading", name="互换信息举报", level=1)).to_be_visible()
    check_page(staff)
    staff.get_by_role("link", name="返回").click()
    expect(staff).to_have_url(re.compile(r"/staff/$"))
    staff.get_by_role("link", name="互换信息举报").click()
    row = staff.get_by_role("row").filter(has_text=f"#{listing_id}")
    row.get_by_role("link", name=re.compile("^核实处理")).click()
    expect(staff.get_by_role("heading", name="处理举报", level=1)).to_be_visible()
    check_page(staff)
    staff.get_by_role("link", name="返回").click()
    expect(staff.get_by_role("heading", name="互换信息举报", level=1)).to_be_visible()
    check_page(staff)


def test_search_results_say_where_they_matched(page: Page, live_server: LiveServer) -> None:
    for index in range(20):
        live_listing(live_server, f"藤{index}", f"第{index:02d}套，小区里有紫藤花架，夏天很凉快。")
    live_listing(live_server, "藤甲", "楼下种了<b>紫藤</b>，<script>alert(1)</script>")
    live_listing(live_server, "藤乙", "两室一厅，南北通透。", place="紫藤花园小区")

    page.goto("/swap/")
    check_page(page)
    page.get_by_label("关键词").fill("紫藤")
    expect(page.locator("#results-title")).to_have_text("共 22 条互换信息")
    cards = page.locator(".swap-card")
    # Newest first: the match in the community name is marked in the card's own title ...
    title = page.get_by_role("link", name=re.compile("^紫藤花园小区 · 2室1厅1卫"))
    expect(title.locator("mark")).to_have_text("紫藤")
    expect(cards.first.locator(".swap-card-hit")).to_have_count(0)
    # ... a match in the description, which the card does not show, gets a line of its own,
    # the tenant's words shown as text, never as markup.
    hit = cards.nth(1).locator(".swap-card-hit")
    expect(hit).to_have_text("匹配：房源描述“楼下种了<b>紫藤</b>，<scri…”")
    expect(hit.locator("mark")).to_have_text("紫藤")
    expect(hit.locator("b, script")).to_have_count(0)
    check_page(page)

    # Straight from typing to 加载更多: leaving the search box must not search again and
    # throw the loaded page away.
    page.get_by_role("link", name="加载更多（第 2 / 2 页）").click()
    expect(cards).to_have_count(22)
    last = cards.last.locator(".swap-card-hit")
    expect(last).to_have_text("匹配：房源描述“第00套，小区里有紫藤花架，夏天很凉快。”")
    expect(last.locator("mark")).to_be_visible()
    check_page(page)
