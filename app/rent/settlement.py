"""Rent: recording payments as paid, their bills paid and the tenant told; shared by the
online flow, offline payments at the counter and the bank deduction import.

Every change is left to the caller to commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy.exc import IntegrityError

from app.core.clock import CHINA_TZ, to_china_time
from app.core.money import format_yuan
from app.extensions import db
from app.housing.models import Lease
from app.messages.services import post_message
from app.rent.events import bills_paid
from app.rent.models import Bill, Payment, PaymentBill, PaymentChannel, PaymentState
from app.rent.policy import MESSAGE_CATEGORY
from app.rent.standing import BillView
from app.rent.statuses import BILLS
from app.status import change_where


def new_reference(now: datetime) -> str:
    return f"RP{to_china_time(now):%Y%m%d%H%M%S}{secrets.token_hex(4).upper()}"


def receipt_number_for(payment_id: int, paid_at: datetime) -> str:
    return f"SJ{to_china_time(paid_at):%Y%m%d}{payment_id:08d}"


def mark_bills_paid(payment: Payment, paid_at: datetime) -> None:
    """Mark the payment's bills paid and tell ``events`` listeners (the caller commits)."""
    for item in payment.items:
        moved = change_where(
            BILLS,
            "pay",
            Bill,
            Bill.id == item.bill_id,
            values={
                "paid_at": paid_at,
                "late_fee_paid_fen": item.late_fee_fen,
                "payment_id": payment.id,
            },
        )
        if moved != 1:
            # Cannot happen while PaymentBill.lock_slot holds; refuse rather than double-charge.
            raise IntegrityError("bill already paid", None, Exception(str(item.bill_id)))
    for item in payment.items:
        db.session.expire(item.bill)
    bills_paid([item.bill_id for item in payment.items])


def post_paid_message(payment: Payment) -> None:
    periods = "、".join(item.bill.period_label for item in payment.items)
    fee = sum(item.late_fee_fen for item in payment.items)
    fee_text = f"（含滞纳金 {format_yuan(fee)}）" if fee else ""
    post_message(
        payment.payer_id,
        category=MESSAGE_CATEGORY,
        title=f"缴费成功：{format_yuan(payment.amount_fen)}",
        body=(
            f"您 {periods} 的租金共 {format_yuan(payment.amount_fen)}{fee_text}已缴清，"
            f"缴费方式：{payment.channel_enum.label}。电子收据可在“租金缴纳”中查看和打印。"
        ),
        link=f"/rent/payments/{payment.id}",
    )


def china_day_start(day: date) -> datetime:
    """Midnight of ``day`` in China, as naive UTC."""
    return datetime.combine(day, time(), CHINA_TZ).astimezone(UTC).replace(tzinfo=None)


def paid_payment(
    lease: Lease,
    channel: PaymentChannel,
    views: Sequence[BillView],
    txn_id: str,
    paid_at: datetime,
    staff_id: int,
    receipt_number: str | None = None,
) -> Payment:
    payment = Payment(
        reference=new_reference(paid_at),
        lease_id=lease.id,
        payer_id=lease.tenant_id,
        channel=channel,
        state=PaymentState.PAID,
        amount_fen=sum(view.total_fen for view in views),
        provider_txn_id=txn_id,
        receipt_number=receipt_number,
        paid_at=paid_at,
        recorded_by_id=staff_id,
    )
    payment.lease = lease
    payment.items = [
        PaymentBill(bill=v.bill, principal_fen=v.bill.amount_due_fen, late_fee_fen=v.late_fee_fen)
        for v in views
    ]
    db.session.add(payment)
    return payment
