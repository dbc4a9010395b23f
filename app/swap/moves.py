"""A lease's moves by 互换, for other areas (the renewal prices the new term from them).

Approving a swap moves each lease to the other unit and keeps its terms (``applications``),
so until the next renewal a lease's current term carries the rent of the unit it left.
What the unit it moved into was let for is the current term, at the time of the move, of
the lease that left that unit in the same swap.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.housing.models import Lease, LeaseTerm
from app.swap.models import LeaseUnitChange


def moved_into_terms(lease: Lease) -> LeaseTerm | None:
    """The term that priced the unit ``lease`` is on, when the lease moved onto it by a swap
    after its own current term was agreed; None when it has not moved since."""
    move = db.session.scalar(
        select(LeaseUnitChange)
        .where(
            LeaseUnitChange.lease_id == lease.id,
            LeaseUnitChange.to_unit_id == lease.unit_id,
            LeaseUnitChange.created_at >= lease.current_term.created_at,
        )
        .order_by(LeaseUnitChange.id.desc())
        .limit(1)
    )
    if move is None or move.swap_application_id is None:
        return None
    left_by = db.session.scalar(
        select(LeaseUnitChange.lease_id).where(
            LeaseUnitChange.swap_application_id == move.swap_application_id,
            LeaseUnitChange.from_unit_id == move.to_unit_id,
            LeaseUnitChange.lease_id != lease.id,
        )
    )
    if left_by is None:
        return None
    return db.session.scalar(
        select(LeaseTerm)
        .where(LeaseTerm.lease_id == left_by, LeaseTerm.created_at <= move.created_at)
        .order_by(LeaseTerm.start_date.desc(), LeaseTerm.id.desc())
        .limit(1)
    )
