"""Journey: a tenant with two overdue bills pays both through the sandbox gateway."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import check_page
from e2e.test_shell import sign_in


def test_tenant_pays_two_overdue_bills_and_gets_receipts(page: Page) -> None:
    sign_in(page, "13800000002")
    card = page.get_by_role("heading", name=re.compile(r"^租金已逾期 \d+ 天$"))
    expect(card).to_be_visible()

    page.get_by_role("link", name="去缴费").click()
    expect(page).to_have_url(re.compile(r"/rent/$"))
    status = page.locator(".rent-status-line")
    expect(status).to_contain_text(re.compile(r"已逾期 \d+ 天"))
    expect(page.get_by_text("其中滞纳金")).to_be_visible()
    owed = page.locator(".rent-owed li")
    expect(owed).to_have_count(2)
    expect(owed.first).to_contain_text("滞纳金 ¥")
    check_page(page)

    page.get_by_role("link", name="去缴费").click()
    expect(page).to_have_url(re.compile(r"/rent/pay$"))
    boxes = page.get_by_role("checkbox")
    expect(boxes).to_have_count(2)
    expect(boxes.first).to_be_checked()
    expect(boxes.last).to_be_checked()
    check_page(page)

    page.get_by_role("button", name="下一步：确认金额").click()
    expect(page.get_by_role("heading", name="请确认缴费金额")).to_be_visible()
    total = page.locator(".rent-grand-total strong").inner_text()
    assert re.fullmatch(r"¥[\d,]+\.\d\d", total), total
    check_page(page)

    page.get_by_role("button", name=f"确认支付 {total}").click()
    expect(page.get_by_role("heading", name="模拟支付平台")).to_be_visible()
    expect(page.get_by_text("不会真实扣款")).to_be_visible()
    check_page(page)

    # The gateway notifies the app (signed, server to server); the page polls until then.
    page.get_by_role("button", name=f"确认付款 {total}").click()
    expect(page).to_have_url(re.compile(r"/rent/payments/\d+$"))
    expect(page.get_by_role("heading", name="支付成功")).to_be_visible()
    expect(page.get_by_text(f"已缴纳 {total}")).to_be_visible()
    check_page(page)

    receipts = page.get_by_role("link", name=re.compile("电子收据$"))
    expect(receipts).to_have_count(2)
    receipts.first.click()
    expect(page.get_by_role("heading", name="九江市公共租赁住房租金电子收据")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^SJ\d{16}$"))).to_be_visible()
    check_page(page)

    page.goto("/rent/")
    expect(page.locator(".rent-status-line")).to_have_text(re.compile("已缴清"))
    expect(page.get_by_text("已逾期")).to_have_count(0)
    check_page(page)
