"""Journey: a member of staff on a phone opens 政策参数 from the 工作台 and reads the
figures in force, which are unconfirmed, and the eligibility thresholds with their clauses."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import check_page
from e2e.test_shell import sign_in

CIVIL_AFFAIRS_PHONE = "13900000004"


def test_staff_read_the_policy_figures_on_a_phone(page: Page) -> None:
    sign_in(page, CIVIL_AFFAIRS_PHONE)
    page.goto("/staff/")
    check_page(page)
    page.get_by_role("navigation", name="后台导航").get_by_role("link", name="政策参数").click()
    expect(page.get_by_role("heading", name="政策参数", level=1)).to_be_visible()
    for area in ("申请审核", "租金缴纳", "合同续约", "公租房互换", "资格条件"):
        expect(page.get_by_role("heading", name=area, level=2)).to_be_visible()
    rent = page.get_by_role("region", name="租金缴纳")
    expect(rent.get_by_text("滞纳金宽限期")).to_be_visible()
    expect(rent.get_by_text("待确认", exact=True).first).to_be_visible()
    swap = page.get_by_role("region", name="公租房互换")
    expect(swap.get_by_text("提前缴纳一年租金")).to_be_visible()
    check_page(page)
