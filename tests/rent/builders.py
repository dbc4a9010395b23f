"""Rent test data: bills with chosen due dates, signed notifications, counts."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select

from app.core.clock import today_in_china, utcnow
from app.extensions import db
from app.housing.models import Lease
from app.rent.bill_generation import build_bill
from app.rent.billing import Period
from app.rent.models import Bill, BillStatus, Payment
from app.rent.online_payments import payment_provider
from app.rent.payments import TRADE_SUCCESS, Order


def add_bill(lease: Lease, period: Period | str, *, due_days_ago: int | None = None) -> Bill:
    """``lease``'s bill for ``period``; ``due_days_ago`` moves its due date relative to today."""
    period = Period.parse(period) if isinstance(period, str) else period
    bill = build_bill(lease, period)
    assert bill is not None, f"lease does not cover {period}"
    if due_days_ago is not None:
        bill.due_date = today_in_china() - timedelta(days=due_days_ago)
    db.session.add(bill)
    db.session.commit()
    return bill


def add_overdue_bills(
    lease: Lease, count: int, *, newest_due_days_ago: int = 10, months_back: int = 0
) -> list[Bill]:
    """``count`` consecutive monthly bills ending ``months_back`` months before last month,
    all past due, oldest first."""
    period = Period.of(today_in_china())
    for _ in range(months_back):
        period = period.previous()
    periods = []
    for _ in range(count):
        period = period.previous()
        periods.append(period)
    bills = []
    for index, period in enumerate(reversed(periods)):
        days = newest_due_days_ago + 30 * (count - 1 - index)
        bills.append(add_bill(lease, period, due_days_ago=days))
    return bills


def signed_notification(
    payment: Payment, *, amount_fen: int | None = None, status: str = TRADE_SUCCESS, now=None
) -> tuple[bytes, dict[str, str]]:
    """What the sandbox gateway would send for ``payment`` (optionally with another amount)."""
    order = Order(
        reference=payment.reference,
        amount_fen=payment.amount_fen if amount_fen is None else amount_fen,
        subject="租金",
        notify_url="http://localhost/rent/payments/notify",
        return_url="http://localhost/rent/",
        expires_at=utcnow() + timedelta(minutes=30),
    )
    return payment_provider().notification(order, status, now or utcnow())


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def unpaid_count(lease: Lease) -> int:
    return (
        db.session.scalar(
            select(func.count(Bill.id)).where(
                Bill.lease_id == lease.id, Bill.status == BillStatus.UNPAID
            )
        )
        or 0
    )


_KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


def idempotency_key_from(html: str) -> str:
    match = _KEY.search(html)
    assert match, "no idempotency key on the confirm page"
    return match.group(1)


def first_of_this_month() -> date:
    return today_in_china().replace(day=1)
