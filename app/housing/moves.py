"""A lease's moves to another unit (互换), for other areas: what the unit a lease is on is
let for (a renewal prices its new term from it, ``app.renewal.pricing.unit_prices``).

Approving a swap moves each lease to the other unit and keeps its terms (``applications``),
so until the next renewal a lease's current term carries the rent of the unit it left.
Each move records what the unit moved onto was let for: ``unit_prices`` of the lease that
left it, read before the units change. Those prices come from that lease's own last move
when it has one, so a chain of swaps (A and B swap, then swap back) keeps each unit's own
rent and 物业费. Moves recorded before the prices were kept fall back to the current term,
at the time of the move, of the lease that left the unit.
"""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.housing.models import Lease, LeaseTerm, LeaseUnitChange
from app.housing.tenancy import Prices


def prices_of(term: LeaseTerm) -> Prices:
    return Prices(term.monthly_rent_fen, term.property_fee_fen, term.monthly_subsidy_fen)


def moved_into_prices(lease: Lease) -> Prices | None:
    """What the unit ``lease`` is on was let for, when the lease moved onto it by a swap
    after its own current term was agreed; None when it has not moved since. Only the rent
    and 物业费 count: the subsidy goes with the household (``renewal_prices``)."""
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
    if move is None:
        return None
    if move.unit_rent_fen is not None and move.unit_fee_fen is not None:
        return Prices(move.unit_rent_fen, move.unit_fee_fen, monthly_subsidy_fen=0)
    term = _term_of_lease_that_left(move)
    return prices_of(term) if term is not None else None


def _term_of_lease_that_left(move: LeaseUnitChange) -> LeaseTerm | None:
    """For a move recorded without prices: the current term, at the time of the move, of
    the lease that left ``move.to_unit`` in the same swap."""
    if move.swap_application_id is None:
        return None
    left_by = db.session.scalar(
        select(LeaseUnitChange.lease_id).where(
            LeaseUnitChange.swap_application_id == move.swap_application_id,
            LeaseUnitChange.from_unit_id == move.to_unit_id,
            LeaseUnitChange.lease_id != move.lease_id,
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
