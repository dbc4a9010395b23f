"""Demo rent data for the demo leases (called at the end of ``app.demo.seed_demo``).

李华 (JJGZ-2024-0001, 公租房) pays by bank deduction: every month succeeded except the two
before this one (余额不足), which are now overdue with late fees. 王芳 (JJLZ-2023-0007,
廉租房·租金补贴) pays at the counter and receives her subsidy monthly. Idempotent: a lease
that already has bills is left alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.core.clock import today_in_china
from app.extensions import db
from app.housing.models import Lease
from app.rent.bill_generation import build_bill
from app.rent.billing import Period, periods_between
from app.rent.models import (
    BankDeductionMandate,
    Bill,
    DeductionOutcome,
    DeductionResult,
    Payment,
    PaymentBill,
    PaymentChannel,
    PaymentState,
)
from app.rent.notices import send_arrears_notices
from app.rent.settlement import china_day_start
from app.rent.statuses import BILLS
from app.rent.subsidy_payouts import record_subsidy_payout
from app.status import change

DEDUCTION_DAY = 5
PAYOUT_DAY = 20


def seed_rent_demo(today: date | None = None) -> None:
    today = today or today_in_china()
    li_hua = _lease("JJGZ-2024-0001")
    wang_fang = _lease("JJLZ-2023-0007")
    if li_hua is not None and not _has_bills(li_hua):
        _seed_bank_deduction_tenant(li_hua, today, unpaid_months=2)
    if wang_fang is not None and not _has_bills(wang_fang):
        _seed_counter_tenant(wang_fang, today)
    db.session.commit()
    if wang_fang is not None:
        _seed_subsidy_payouts(wang_fang, today)
    send_arrears_notices(today)


def _lease(contract_number: str) -> Lease | None:
    return db.session.scalar(select(Lease).where(Lease.contract_number == contract_number))


def _has_bills(lease: Lease) -> bool:
    return db.session.scalar(select(Bill.id).where(Bill.lease_id == lease.id).limit(1)) is not None


def _bills(lease: Lease, today: date) -> list[Bill]:
    first = Period.of(lease.terms[0].start_date)
    bills = [build_bill(lease, period) for period in periods_between(first, Period.of(today))]
    found = [bill for bill in bills if bill is not None]
    db.session.add_all(found)
    db.session.flush()
    return found


def _pay(bill: Bill, channel: PaymentChannel, day: date, txn: str, lease: Lease) -> None:
    paid_at = china_day_start(day) + timedelta(hours=10)
    payment = Payment(
        reference=f"DEMO{bill.lease_id:04d}{bill.period.replace('-', '')}",
        lease_id=lease.id,
        payer_id=lease.tenant_id,
        channel=channel,
        state=PaymentState.PAID,
        amount_fen=bill.amount_due_fen,
        provider_txn_id=txn,
        receipt_number=f"SJ{day:%Y%m%d}{bill.lease_id:04d}{bill.period[-2:]}",
        paid_at=paid_at,
    )
    payment.items = [PaymentBill(bill=bill, principal_fen=bill.amount_due_fen, late_fee_fen=0)]
    db.session.add(payment)
    db.session.flush()
    settle_demo_bill(bill, payment)


def settle_demo_bill(bill: Bill, payment: Payment) -> None:
    """Mark a seeded bill paid by its seeded payment (the caller commits)."""
    change(bill, BILLS, "pay", actor=None, audit=False, commit=False)
    bill.paid_at = payment.paid_at
    bill.payment_id = payment.id


def _seed_bank_deduction_tenant(lease: Lease, today: date, unpaid_months: int) -> None:
    db.session.add(
        BankDeductionMandate(
            lease_id=lease.id,
            bank_name="中国建设银行",
            account_last4="3821",
            signed_on=lease.terms[0].start_date,
        )
    )
    this_period = Period.of(today)
    unpaid = set()
    period = this_period
    for _ in range(unpaid_months):
        period = period.previous()
        unpaid.add(str(period))
    for bill in _bills(lease, today):
        period = Period.parse(bill.period)
        day = min(period.first_day + timedelta(days=DEDUCTION_DAY - 1), today)
        failed = bill.period in unpaid
        db.session.add(
            DeductionResult(
                lease_id=lease.id,
                period=bill.period,
                bill_id=bill.id,
                outcome=DeductionOutcome.FAILED if failed else DeductionOutcome.SUCCESS,
                amount_fen=bill.amount_due_fen,
                deducted_on=day,
                reason="余额不足" if failed else None,
                bank_reference=None if failed else f"CCB{day:%Y%m%d}{lease.id:04d}",
            )
        )
        if not failed:
            _pay(bill, PaymentChannel.BANK_DEDUCTION, day, f"CCB{day:%Y%m%d}{lease.id:04d}", lease)


def _seed_counter_tenant(lease: Lease, today: date) -> None:
    for bill in _bills(lease, today):
        day = min(bill.due_date - timedelta(days=3), today)
        _pay(bill, PaymentChannel.OFFLINE, day, f"XJ{day:%Y%m%d}{lease.id:04d}", lease)


def _seed_subsidy_payouts(lease: Lease, today: date) -> None:
    subsidy = lease.current_term.monthly_subsidy_fen
    if not subsidy:
        return
    period = Period.of(today)
    if today.day < PAYOUT_DAY:
        period = period.previous()
    for _ in range(6):
        record_subsidy_payout(
            lease,
            period,
            subsidy,
            period.first_day + timedelta(days=PAYOUT_DAY - 1),
            "九江银行",
            "5502",
        )
        period = period.previous()
