"""The status tables of rent bills and payments (``app.core.transitions``): who may move
them, and how. Applied by ``app.status``; bills and payments are settled by
compare-and-set (``change_where``), so of two concurrent settlements exactly one wins."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from app.auth.roles import Role
from app.core.transitions import OWNER, SYSTEM, Table, move
from app.labels import Labelled

if TYPE_CHECKING:
    from app.rent.models import Payment


class BillStatus(StrEnum):
    UNPAID = "unpaid"
    PAID = "paid"


class PaymentState(Labelled):
    """pending -> paid | failed | expired; only a pending payment ever changes state."""

    PENDING = "pending", "待支付"
    PAID = "paid", "支付成功"
    FAILED = "failed", "未完成"
    EXPIRED = "expired", "已过期"


LEASE_MANAGER = Role.LEASE_MANAGER


class PaymentError(Exception):
    """A payment that cannot be made; the message is for people. ``payment`` is an
    unfinished payment that blocks this one, when that is the reason."""

    def __init__(self, message: str, payment: Payment | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.payment = payment


STALE = "付款状态已变化，请刷新页面查看最新状态"

BILLS = Table(
    name="Bill.status",
    statuses=tuple(BillStatus),
    # Paid by a settled payment: online (the provider's verified notice), at the counter
    # or by a bank deduction file (租赁管理).
    moves=tuple(move("pay", BillStatus.UNPAID, BillStatus.PAID, {SYSTEM, LEASE_MANAGER})),
    audit="rent.bill",
    subject="rent_bill",
    stale=STALE,
    error=PaymentError,
    category="租金",
)

PAYMENTS = Table(
    name="Payment.state",
    column="state",
    statuses=tuple(PaymentState),
    moves=(
        *move("settle", PaymentState.PENDING, PaymentState.PAID, SYSTEM),
        *move("cancel", PaymentState.PENDING, PaymentState.FAILED, OWNER, "取消支付"),
        *move("fail", PaymentState.PENDING, PaymentState.FAILED, SYSTEM),
        *move("expire", PaymentState.PENDING, PaymentState.EXPIRED, SYSTEM),
    ),
    owners=lambda payment: (payment.payer_id,),
    labels=lambda state: PaymentState(state).label,
    audit="rent.payment",
    subject="rent_payment",
    stale=STALE,
    error=PaymentError,
    category="租金",
)
