"""Rent: online payments through the provider (``payments``): starting, showing,
cancelling and expiring an order, and the provider's notification that marks it paid.

Public API for other areas:

* ``start_online_payment(tenant, bill_ids, idempotency_key)`` and ``checkout_url(payment)``:
  the online payment entry point.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, url_for
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.core.clock import today_in_china, utcnow
from app.core.money import format_yuan
from app.extensions import db
from app.housing.services import active_lease_for
from app.rent.billing import oldest_first_problem
from app.rent.models import Payment, PaymentBill, PaymentState
from app.rent.payments import (
    TRADE_SUCCESS,
    HttpTransport,
    InlineTransport,
    NotificationError,
    NotificationHeaders,
    Order,
    SandboxProvider,
    Transport,
)
from app.rent.policy import late_fee_policy, payment_ttl, setting
from app.rent.settlement import (
    mark_bills_paid,
    new_reference,
    post_paid_message,
    receipt_number_for,
)
from app.rent.standing import unpaid_bills, view_bills
from app.rent.statuses import PAYMENTS, PaymentError
from app.status import change_where

log = logging.getLogger(__name__)


def payment_provider() -> SandboxProvider:
    """The configured provider (``RENT_PAYMENT_PROVIDER``; only ``sandbox`` exists here)."""
    name = setting("RENT_PAYMENT_PROVIDER")
    if name != "sandbox":
        raise RuntimeError(f"unknown RENT_PAYMENT_PROVIDER {name!r}")
    delivery = setting("RENT_SANDBOX_DELIVERY")
    transport: Transport
    if delivery == "inline":
        transport = InlineTransport(lambda body, headers: receive_notification(body, headers))
    elif delivery == "http":
        transport = HttpTransport()
    else:
        raise RuntimeError(f"unknown RENT_SANDBOX_DELIVERY {delivery!r}")
    return SandboxProvider(sandbox_merchant_key(), transport)


def sandbox_merchant_key() -> bytes:
    """The key the sandbox signs with and the app verifies with (``RENT_SANDBOX_KEY``, else
    derived from ``SECRET_KEY``), as a merchant shares an API key with its gateway."""
    configured = setting("RENT_SANDBOX_KEY")
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"anju-rent-sandbox-merchant-key", hashlib.sha256).digest()


def payment_by_key(payer_id: int, key: str) -> Payment | None:
    return db.session.scalar(
        select(Payment).where(Payment.payer_id == payer_id, Payment.idempotency_key == key)
    )


def _open_payment_holding(bill_ids: Iterable[int]) -> Payment | None:
    return db.session.scalar(
        select(Payment)
        .join(PaymentBill, PaymentBill.payment_id == Payment.id)
        .where(PaymentBill.bill_id.in_(list(bill_ids)), Payment.state == PaymentState.PENDING)
        .limit(1)
    )


def _close_payment(payment_id: int, action: str, reason: str) -> bool:
    """Close a pending payment by ``action`` (PAYMENTS: cancel, fail, expire) and release its
    bills; False if it was no longer pending."""
    moved = change_where(
        PAYMENTS, action, Payment, Payment.id == payment_id,
        values={"failure_reason": reason},
    )  # fmt: skip
    if moved != 1:
        return False
    db.session.execute(
        update(PaymentBill)
        .where(PaymentBill.payment_id == payment_id)
        .values(lock_slot=None)
        .execution_options(synchronize_session=False)
    )
    return True


def expire_stale_payments(now: datetime | None = None, lease_id: int | None = None) -> int:
    """Expire pending payments past their deadline (the caller commits)."""
    now = now or utcnow()
    query = select(Payment.id).where(
        Payment.state == PaymentState.PENDING, Payment.expires_at < now
    )
    if lease_id is not None:
        query = query.where(Payment.lease_id == lease_id)
    expired = sum(
        _close_payment(pid, "expire", "超时未支付") for pid in db.session.scalars(query).all()
    )
    if expired:
        db.session.expire_all()
    return expired


def start_online_payment(
    tenant: User,
    bill_ids: Sequence[int],
    idempotency_key: str,
    *,
    now: datetime | None = None,
    today: date | None = None,
) -> Payment:
    """Create the pending payment for the chosen bills, or return the one this
    ``idempotency_key`` already created (double tap, retried request, concurrent submit).

    The late fee is fixed now, for as long as the order is open. Raises ``PaymentError``.
    """
    existing = payment_by_key(tenant.id, idempotency_key)
    if existing is not None:
        return existing
    lease = active_lease_for(tenant.id)
    if lease is None:
        raise PaymentError("您目前没有租约，无需缴纳租金")
    now, today = now or utcnow(), today or today_in_china()
    expire_stale_payments(now, lease.id)
    unpaid = unpaid_bills(lease.id)
    problem = oldest_first_problem([bill.id for bill in unpaid], bill_ids)
    if problem:
        raise PaymentError(problem)
    chosen = view_bills(unpaid[: len(set(bill_ids))], today, late_fee_policy())
    payment = Payment(
        reference=new_reference(now),
        lease_id=lease.id,
        payer_id=tenant.id,
        channel=payment_provider().channel,
        state=PaymentState.PENDING,
        amount_fen=sum(view.total_fen for view in chosen),
        idempotency_key=idempotency_key,
        expires_at=now + payment_ttl(),
    )
    payment.items = [
        PaymentBill(
            bill_id=v.bill.id, principal_fen=v.bill.amount_due_fen, late_fee_fen=v.late_fee_fen
        )
        for v in chosen
    ]
    db.session.add(payment)
    try:
        db.session.flush()
        record(
            "rent.payment.started",
            actor_id=tenant.id,
            subject_type="rent_payment",
            subject_id=payment.id,
            detail=f"{payment.reference} {format_yuan(payment.amount_fen)}",
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # Lost a race: the same submission committed first, or another payment holds a bill.
        again = payment_by_key(tenant.id, idempotency_key)
        if again is not None:
            return again
        raise PaymentError(
            "这些账单有一笔支付尚未完成，请先完成或取消那笔支付",
            _open_payment_holding(view.bill.id for view in chosen),
        ) from None
    return payment


def checkout_url(payment: Payment) -> str:
    """Where the payer's browser goes to pay ``payment`` (the provider's page)."""
    if payment.state != PaymentState.PENDING or payment.expires_at is None:
        raise PaymentError("这笔支付已结束，无法继续")
    order = Order(
        reference=payment.reference,
        amount_fen=payment.amount_fen,
        subject=f"{payment.lease.contract_number} 租金",
        notify_url=setting("RENT_NOTIFY_URL") or url_for("rent.notify", _external=True),
        return_url=url_for("rent.payment", payment_id=payment.id, _external=True),
        expires_at=payment.expires_at,
    )
    return payment_provider().checkout_url(
        order, lambda token: url_for("rent.sandbox_checkout", order=token)
    )


@dataclass(frozen=True, slots=True)
class SeenPayment:
    """A payment as its page shows it: a pending one past its deadline reads as expired,
    without a write (``refresh_payment`` in the POSTs and ``rent mark-overdue`` close it)."""

    payment: Payment
    state: PaymentState
    reason: str | None


def seen_payment(payment: Payment, now: datetime | None = None) -> SeenPayment:
    if _overdue_pending(payment, now or utcnow()):
        return SeenPayment(payment, PaymentState.EXPIRED, "超时未支付")
    return SeenPayment(payment, payment.state_enum, payment.failure_reason)


def _overdue_pending(payment: Payment, now: datetime) -> bool:
    return (
        payment.state == PaymentState.PENDING
        and payment.expires_at is not None
        and payment.expires_at < now
    )


def refresh_payment(payment: Payment, now: datetime | None = None) -> Payment:
    """Expire ``payment`` if it is pending past its deadline."""
    if _overdue_pending(payment, now or utcnow()) and _close_payment(
        payment.id, "expire", "超时未支付"
    ):
        db.session.commit()
        db.session.refresh(payment)
    return payment


def cancel_payment(payment: Payment, actor_id: int) -> bool:
    if not _close_payment(payment.id, "cancel", "已取消"):
        return False
    record(
        "rent.payment.cancelled",
        actor_id=actor_id,
        subject_type="rent_payment",
        subject_id=payment.id,
        detail=payment.reference,
    )
    db.session.commit()
    db.session.refresh(payment)
    return True


@dataclass(frozen=True, slots=True)
class NotificationOutcome:
    accepted: bool
    message: str


def receive_notification(
    body: bytes, headers: NotificationHeaders, *, ip: str | None = None
) -> NotificationOutcome:
    """Handle a provider's asynchronous notification: the only thing that marks an online
    payment paid. Untrusted or inconsistent notifications are rejected and audited;
    duplicates are acknowledged without recording anything twice."""
    provider = payment_provider()
    try:
        note = provider.parse_notification(body, headers, utcnow())
    except NotificationError as error:
        return _reject(None, str(error), ip)
    payment = db.session.scalar(
        select(Payment)
        .where(Payment.reference == note.reference, Payment.channel == provider.channel)
        .options(selectinload(Payment.items).selectinload(PaymentBill.bill))
    )
    if payment is None:
        return _reject(None, f"未知订单 {note.reference[:32]}", ip)
    if note.amount_fen != payment.amount_fen:
        return _reject(
            payment,
            f"金额不符：通知 {format_yuan(note.amount_fen)}，订单 {format_yuan(payment.amount_fen)}",
            ip,
        )
    if payment.state == PaymentState.PAID:
        if payment.provider_txn_id == note.transaction_id:
            return NotificationOutcome(True, "重复通知，已处理过")
        return _reject(
            payment, f"订单已支付，又收到另一笔交易 {note.transaction_id}，需人工退款", ip
        )
    if payment.state != PaymentState.PENDING:
        if note.trade_status == TRADE_SUCCESS:
            label = payment.state_enum.label
            return _reject(payment, f"订单{label}后收到支付成功通知，需人工核对退款", ip)
        return NotificationOutcome(True, "订单已关闭")
    if note.trade_status != TRADE_SUCCESS:
        if _close_payment(payment.id, "fail", "付款人未完成支付"):
            db.session.commit()
        return NotificationOutcome(True, "订单已关闭")
    return _settle_online(payment, note.transaction_id, ip)


def _settle_online(payment: Payment, transaction_id: str, ip: str | None) -> NotificationOutcome:
    now = utcnow()
    try:
        settled = _settle(payment, transaction_id, now)
        if settled:
            record(
                "rent.payment.paid",
                actor_id=None,
                subject_type="rent_payment",
                subject_id=payment.id,
                detail=f"{payment.reference} {transaction_id}",
                ip=ip,
            )
            post_paid_message(payment)
            db.session.commit()
    except IntegrityError:
        settled = False
        db.session.rollback()
    if settled:
        return NotificationOutcome(True, "支付成功")
    # Someone else (a concurrent duplicate notification) got there first.
    db.session.rollback()
    db.session.expire_all()
    current = db.session.get(Payment, payment.id)
    if current and current.state == PaymentState.PAID and current.provider_txn_id == transaction_id:
        return NotificationOutcome(True, "重复通知，已处理过")
    return _reject(current, "订单状态已变化，未能入账", ip)


def _settle(payment: Payment, transaction_id: str | None, paid_at: datetime) -> bool:
    """Mark a pending payment paid and its bills paid (the caller commits). Compare-and-set
    on the state, so of two concurrent settlements exactly one wins."""
    moved = change_where(
        PAYMENTS,
        "settle",
        Payment,
        Payment.id == payment.id,
        values={
            "provider_txn_id": transaction_id,
            "paid_at": paid_at,
            "receipt_number": payment.receipt_number or receipt_number_for(payment.id, paid_at),
        },
    )
    if moved != 1:
        return False
    mark_bills_paid(payment, paid_at)
    db.session.expire(payment)
    return True


def _reject(payment: Payment | None, reason: str, ip: str | None) -> NotificationOutcome:
    db.session.rollback()
    log.warning("rent notification rejected: %s", reason)
    record(
        "rent.payment.notification_rejected",
        actor_id=None,
        subject_type="rent_payment" if payment else None,
        subject_id=payment.id if payment else None,
        detail=reason,
        ip=ip,
    )
    db.session.commit()
    return NotificationOutcome(False, reason)
