"""The prices of a renewal's new term, read from the lease (the rule is ``rules``)."""

from __future__ import annotations

from app.housing.models import Lease, LeaseTerm
from app.renewal.rules import Prices, renewal_prices
from app.swap.moves import moved_into_terms


def prices_of(term: LeaseTerm) -> Prices:
    return Prices(term.monthly_rent_fen, term.property_fee_fen, term.monthly_subsidy_fen)


def new_term_prices(lease: Lease) -> Prices:
    """Priced for the unit the lease is on now: after a 互换, that unit's rent and 物业费."""
    moved_into = moved_into_terms(lease)
    return renewal_prices(
        prices_of(lease.current_term), prices_of(moved_into) if moved_into else None
    )
