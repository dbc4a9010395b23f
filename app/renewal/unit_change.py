"""What a lease moving to another unit (互换) does to its renewal in progress.

The renewal's prices and contract are the unit's (002 Q&A 10), so when the lease moves
before the renewal is done, the renewal follows it: it is priced again for the new unit
and, if the tenant had started signing, the contract (now with the new address and prices)
is read and signed again from the start. A renewal whose contract is already signed can
no longer change: the move waits until that renewal is finished.

The area that moves the lease asks ``move_refusal`` first and calls ``follow_move`` in its
own transaction, after the lease is on its new unit; neither commits.
"""

from __future__ import annotations

from app.audit.services import record
from app.core.money import format_yuan
from app.extensions import db
from app.housing.models import Lease, Unit
from app.messages.services import post_message
from app.renewal.models import Renewal, RenewalStatus
from app.renewal.pricing import unit_prices
from app.renewal.progress import add_event
from app.renewal.queries import open_renewal
from app.renewal.rules import MESSAGE_CATEGORY, RenewalError

_SIGNING_PROGRESS = (
    "sign_started_at",
    "sign_confirmed_at",
    "commitment_shown_at",
    "commitment_read_at",
    "commitment_confirmed_at",
    "contract_shown_at",
)


def _refusal(renewal: Renewal | None) -> str | None:
    if renewal is None:
        return None
    if renewal.signed_at is None and renewal.status is not RenewalStatus.SIGNED:
        return None
    return (
        f"续约合同（{renewal.reference}）已签署、待审批，不能再更换房屋。"
        "请先完成续约合同审批，续约办结后再审批互换。"
    )


def move_refusal(lease: Lease) -> str | None:
    """Why the lease may not move now because of its renewal (Chinese); None if it may."""
    return _refusal(open_renewal(lease.id))


def follow_move(lease: Lease, actor_id: int) -> Renewal | None:
    """Price the lease's unsigned renewal in progress for the unit it is on now, and
    restart any signing begun on the old contract. The caller commits with the move."""
    renewal = open_renewal(lease.id)
    if renewal is None:
        return None
    refusal = _refusal(renewal)
    if refusal is not None:  # signed on another device since the caller checked
        raise RenewalError(refusal)
    prices = unit_prices(lease)
    renewal.monthly_rent_fen = prices.monthly_rent_fen
    renewal.property_fee_fen = prices.property_fee_fen
    renewal.monthly_subsidy_fen = prices.monthly_subsidy_fen
    unit = db.session.get_one(Unit, lease.unit_id)  # ``lease.unit`` may still be the old one
    summary = (
        f"新房屋 {unit.address}：月租金{format_yuan(prices.monthly_rent_fen)}，"
        f"物业费{format_yuan(prices.property_fee_fen)}/月，"
        f"租金补贴{format_yuan(prices.monthly_subsidy_fen)}/月"
    )
    todo = ""
    if renewal.status is RenewalStatus.DRAFT and renewal.details_confirmed_at is not None:
        renewal.details_confirmed_at = None  # the tenant confirmed the old unit's details
        todo = "请重新确认续约信息后再提交。"
    if renewal.sign_started_at is not None:
        for field in _SIGNING_PROGRESS:
            setattr(renewal, field, None)
        todo = "合同内容已随之更新，请重新进入“个人租赁合同签订”，查看新合同后再签署。"
    add_event(renewal, "repriced", actor_id, summary)
    record(
        "renewal.repriced",
        actor_id=actor_id,
        subject_type="renewal",
        subject_id=renewal.id,
        detail=f"lease {lease.id} unit {lease.unit_id}",
    )
    post_message(
        renewal.tenant_id,
        category=MESSAGE_CATEGORY,
        title="续约租金已按新房屋重新核定",
        body=f"您的租约已因互换变更房屋，续约申请 {renewal.reference} 已按新房屋重新核定（"
        f"{summary}）。{todo}",
        link=f"/renewal/{renewal.id}",
    )
    return renewal
