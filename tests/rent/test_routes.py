"""Tenant pages: status in words, bills, receipts, bank deduction, subsidy; ownership."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import DBAPIError

from app.core.clock import today_in_china, utcnow
from app.core.money import format_yuan
from app.extensions import db
from app.housing.models import GuaranteeType
from app.rent import bill_generation, online_payments, standing, subsidy_payouts
from app.rent.billing import Period
from app.rent.fees import late_fee_fen
from app.rent.models import BankDeductionMandate, DeductionOutcome, DeductionResult
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_resident, create_tenant
from tests.rent.builders import add_bill, add_overdue_bills, signed_notification

THIS_MONTH = Period.of(today_in_china())


def signed_in(client, tenant):
    login(client, tenant.phone, PASSWORD)
    return client


def test_rent_pages_need_sign_in(client) -> None:
    for path in ("/rent/", "/rent/bills", "/rent/pay", "/rent/bank-deduction"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_status_is_in_words(client) -> None:
    tenant, lease = create_tenant()
    signed_in(client, tenant)
    assert "已缴清" in page_text(client.get("/rent/"))

    bill = add_bill(lease, THIS_MONTH, due_days_ago=-3)
    html = page_text(client.get("/rent/"))
    assert "待缴" in html and "已逾期" not in html
    assert (bill.due_date.strftime("%Y年%m月%d日")) in html  # the next due date

    bill.due_date = today_in_china() - timedelta(days=12)
    db.session.commit()
    html = page_text(client.get("/rent/"))
    assert "已逾期 12 天" in html
    fee = late_fee_fen(bill.amount_due_fen, bill.due_date, today_in_china())
    assert fee > 0 and f"滞纳金 {format_yuan(fee)}" in html
    assert "已逾期，请尽快缴纳" in html
    assert 'class="rent-badge-icon" aria-hidden="true">!' in html  # not colour alone


def test_overdue_inside_grace_says_so_and_charges_nothing(client) -> None:
    tenant, lease = create_tenant()
    bill = add_bill(lease, THIS_MONTH, due_days_ago=2)
    signed_in(client, tenant)
    html = page_text(client.get(f"/rent/bills/{bill.id}"))
    assert "已逾期 2 天" in html and "宽限期内" in html and "¥0.00" in html


def test_bill_list_by_year_and_detail_breakdown(client) -> None:
    tenant, lease = create_tenant()
    lease.current_term.monthly_subsidy_fen = 10_000
    db.session.commit()
    older = add_bill(lease, THIS_MONTH.previous().previous(), due_days_ago=60)
    add_bill(lease, THIS_MONTH, due_days_ago=-5)
    signed_in(client, tenant)
    html = page_text(client.get("/rent/bills"))
    assert THIS_MONTH.label in html and f"{THIS_MONTH.year}年账单" in html
    fragment = client.get(f"/rent/bills?year={older.period[:4]}", headers={"HX-Request": "true"})
    assert "<html" not in page_text(fragment) and older.period_label in page_text(fragment)
    detail = page_text(client.get(f"/rent/bills/{older.id}"))
    for words in ("租金", "物业费", "租金补贴抵扣", "-¥100.00", "滞纳金（截至今日）", "合计"):
        assert words in detail


def test_receipt_only_for_paid_bills_and_printable(client, gateway) -> None:
    tenant, lease = create_tenant()
    (bill,) = add_overdue_bills(lease, 1)
    signed_in(client, tenant)
    assert client.get(f"/rent/bills/{bill.id}/receipt").status_code == 404
    payment = online_payments.start_online_payment(tenant, [bill.id], "1" * 32)
    body, headers = signed_notification(payment)
    client.post("/rent/payments/notify", data=body, headers=headers)
    receipt = page_text(client.get(f"/rent/bills/{bill.id}/receipt"))
    assert "电子收据" in receipt and "李*" in receipt and lease.contract_number in receipt
    db.session.refresh(payment)
    assert payment.receipt_number in receipt and "在线支付（沙箱演示）" in receipt


def test_another_tenants_bills_receipts_and_payments_are_404(client, gateway) -> None:
    owner, lease = create_tenant()
    (bill,) = add_overdue_bills(lease, 1)
    payment = online_payments.start_online_payment(owner, [bill.id], "2" * 32)
    body, headers = signed_notification(payment)
    client.post("/rent/payments/notify", data=body, headers=headers)
    intruder, _ = create_tenant()
    signed_in(client, intruder)
    for path in (
        f"/rent/bills/{bill.id}",
        f"/rent/bills/{bill.id}/receipt",
        f"/rent/payments/{payment.id}",
    ):
        assert client.get(path).status_code == 404, path
    assert post(client, f"/rent/payments/{payment.id}/cancel").status_code == 404
    assert post(client, f"/rent/payments/{payment.id}/checkout").status_code == 404
    assert client.get("/rent/bills/999999").status_code == 404


def test_tenant_without_a_lease(client) -> None:
    resident = create_resident(real_name="张三")
    signed_in(client, resident)
    assert "您目前没有租约" in page_text(client.get("/rent/"))
    assert client.get("/rent/pay").status_code == 302


def test_bank_deduction_shows_only_the_masked_account(client) -> None:
    tenant, lease = create_tenant()
    (bill,) = add_overdue_bills(lease, 1)
    db.session.add(
        BankDeductionMandate(
            lease_id=lease.id,
            bank_name="中国建设银行",
            account_last4="3821",
            signed_on=today_in_china(),
        )
    )
    db.session.add(
        DeductionResult(
            lease_id=lease.id,
            period=bill.period,
            bill_id=bill.id,
            outcome=DeductionOutcome.FAILED,
            amount_fen=bill.amount_due_fen,
            deducted_on=today_in_china(),
            reason="余额不足",
        )
    )
    db.session.commit()
    signed_in(client, tenant)
    html = page_text(client.get("/rent/bank-deduction"))
    assert "已开通" in html and "**** **** **** 3821" in html
    assert "扣款失败：余额不足" in html and bill.period_label in html
    assert "已开通：中国建设银行" in page_text(client.get("/rent/"))


def test_mandate_stores_last_four_digits_only(app) -> None:
    _tenant, lease = create_tenant()
    db.session.add(
        BankDeductionMandate(
            lease_id=lease.id,
            bank_name="工商银行",
            account_last4="6222021234567890",
            signed_on=today_in_china(),
        )
    )
    # A CHECK constraint on SQLite; on PostgreSQL the VARCHAR(4) refuses it already.
    with pytest.raises(DBAPIError):
        db.session.commit()
    db.session.rollback()


def test_subsidy_households_see_payouts_and_full_bills(client) -> None:
    tenant, lease = create_tenant()
    lease.guarantee_type = GuaranteeType.LIANZU
    lease.current_term.monthly_subsidy_fen = 30_000
    db.session.commit()
    subsidy_payouts.record_subsidy_payout(
        lease, THIS_MONTH.previous(), 30_000, today_in_china(), "九江银行", "6225885502"
    )
    subsidy_payouts.record_subsidy_payout(  # idempotent
        lease, THIS_MONTH.previous(), 30_000, today_in_china(), "九江银行", "5502"
    )
    bill = add_bill(lease, THIS_MONTH, due_days_ago=-5)
    signed_in(client, tenant)
    html = page_text(client.get("/rent/"))
    assert "租金补贴发放" in html and "尾号 5502" in html and "按月发放给您" in html
    assert html.count("¥300.00") >= 2  # the monthly subsidy and the payout
    assert bill.subsidy_fen == 0
    assert "不在账单中抵扣" in page_text(client.get(f"/rent/bills/{bill.id}"))


def test_fully_subsidised_bill_is_paid_without_a_receipt_link(client) -> None:
    tenant, lease = create_tenant()  # 公租房: a subsidy is taken off the bill
    term = lease.current_term
    term.monthly_subsidy_fen = term.monthly_rent_fen + term.property_fee_fen
    db.session.commit()
    bill = bill_generation.build_bill(lease, THIS_MONTH)
    db.session.add(bill)
    db.session.commit()
    assert bill.is_paid and bill.payment_id is None
    signed_in(client, tenant)
    page = page_text(client.get(f"/rent/bills/{bill.id}"))
    assert "全额抵扣" in page and f"/rent/bills/{bill.id}/receipt" not in page
    assert "已由租金补贴全额抵扣" in page_text(client.get("/rent/"))
    assert client.get(f"/rent/bills/{bill.id}/receipt").status_code == 404


def test_home_card_and_service_tile(client) -> None:
    tenant, lease = create_tenant()
    signed_in(client, tenant)
    home = page_text(client.get("/"))
    assert 'href="/rent/"' in home and "租金缴纳" in home
    assert "租金已逾期" not in home and "本期租金待缴" not in home
    add_bill(lease, THIS_MONTH, due_days_ago=-4)
    assert "本期租金待缴" in page_text(client.get("/"))
    add_overdue_bills(lease, 1, newest_due_days_ago=40)
    assert "租金已逾期 40 天" in page_text(client.get("/"))


def test_arrears_queries_for_other_areas(app) -> None:
    tenant, lease = create_tenant()
    assert not standing.tenant_has_arrears(tenant.id)
    add_bill(lease, THIS_MONTH, due_days_ago=0)
    assert not standing.tenant_has_arrears(tenant.id)  # due today is not yet arrears
    add_overdue_bills(lease, 2)
    assert standing.tenant_has_arrears(tenant.id)
    assert standing.months_in_arrears(lease.id) == 2


def test_advance_bills_for_a_year_are_issued_once(app) -> None:
    _tenant, lease = create_tenant(lease_ends_in_days=800)
    bills = bill_generation.issue_advance_bills(lease, 12)
    assert len(bills) == 12 and bills[0].period == str(THIS_MONTH.next())
    again = bill_generation.issue_advance_bills(lease, 12)
    assert [b.id for b in again] == [b.id for b in bills]
    result = bill_generation.generate_bills(THIS_MONTH.next())
    assert result.created == 0 and result.existing == 1


def test_cancel_leaves_a_flash_and_checkout_of_a_closed_payment_is_refused(client) -> None:
    tenant, lease = create_tenant()
    (bill,) = add_overdue_bills(lease, 1)
    payment = online_payments.start_online_payment(tenant, [bill.id], "3" * 32)
    signed_in(client, tenant)
    assert post(client, f"/rent/payments/{payment.id}/cancel").status_code == 303
    refused = post(client, f"/rent/payments/{payment.id}/checkout")
    assert refused.status_code == 303
    assert refused.headers["Location"] == f"/rent/payments/{payment.id}"
    assert payment.expires_at > utcnow() - timedelta(hours=1)
