"""Where a tenant stands for a swap: their lease, whether they have paid rent, their
arrears and unresolved violations, read for the pure rules in ``app.swap.eligibility``.

Lease violations are those 租赁管理 records for 续约 (``app.renewal``): an unresolved one
blocks a swap as it blocks a renewal.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.housing.models import Lease
from app.housing.services import active_lease_for
from app.housing.violations import VIOLATION_KINDS, open_violations
from app.rent.models import Bill, BillStatus
from app.rent.standing import tenant_has_arrears
from app.swap.eligibility import PairCheck, Standing, own_blockers, pair_blockers


def violations_of(lease_id: int) -> tuple[str, ...]:
    """The lease's unresolved violations (违规记录), by kind."""
    return tuple(VIOLATION_KINDS.get(v.kind, v.kind) for v in open_violations(lease_id))


def has_paid_rent(lease_id: int) -> bool:
    """已缴租: at least one bill on the lease has been paid."""
    found = db.session.scalar(
        select(Bill.id).where(Bill.lease_id == lease_id, Bill.status == BillStatus.PAID).limit(1)
    )
    return found is not None


def standing_of(tenant_id: int) -> tuple[Standing, Lease | None]:
    """What the eligibility rules need about ``tenant_id``, and their current lease."""
    lease = active_lease_for(tenant_id)
    if lease is None:
        return Standing(has_lease=False), None
    return (
        Standing(
            has_lease=True,
            has_paid_rent=has_paid_rent(lease.id),
            has_arrears=tenant_has_arrears(tenant_id),
            violations=violations_of(lease.id),
            guarantee_type=lease.guarantee_type,
            monthly_subsidy_fen=lease.current_term.monthly_subsidy_fen,
        ),
        lease,
    )


def own_problems(tenant_id: int) -> list[str]:
    standing, _lease = standing_of(tenant_id)
    return [blocker.message for blocker in own_blockers(standing)]


def pair_check(tenant_id: int, other_tenant_id: int) -> PairCheck:
    return pair_blockers(standing_of(tenant_id)[0], standing_of(other_tenant_id)[0])
