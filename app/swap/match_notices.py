"""消息 when a listing newly matches someone: its new mutual partners, and the households of
the best chains through it, are told once (``SwapMatchNotice``), never again for the same
two listings, however often their matches are worked out again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from app.core.clock import to_china_time
from app.extensions import db
from app.messages.services import post_message
from app.rent.standing import tenant_has_arrears
from app.swap.board_matches import chains_for, mutual_matches
from app.swap.models import SwapListing, SwapMatchNotice
from app.swap.statuses import MESSAGE_CATEGORY

MUTUAL_TITLE = "有新的互相匹配"
MUTUAL_BODY = "刚发布（或更新）的一条互换信息与您的房屋互相匹配：对方的房屋符合您的要求，您的房屋也符合对方的要求。"
CHAIN_TITLE = "有新的多方互换"
CHAIN_BODY = "刚发布（或更新）的一条互换信息让您可以和几户人家依次换房，每户都换到想要的房屋。"


def tell_new_matches(
    listings: Iterable[SwapListing], before: set[tuple[int, int]], now: datetime
) -> None:
    """Tell the tenants ``listings`` now match, directly or in one of their best chains,
    where that match uses a move that is not in ``before`` (the moves there were): saving
    the same wishes again, or renewing, tells nobody anything."""
    for listing in listings:
        if tenant_has_arrears(listing.tenant_id, to_china_time(now).date()):
            continue  # the others' pages do not show it until the rent is paid
        me = listing.id
        partners = [m.listing_id for m in mutual_matches(listing, now)]
        new = [p for p in partners if (me, p) not in before or (p, me) not in before]
        in_chains = {
            home
            for chain in chains_for(listing, now)
            if (me, chain.homes[0]) not in before or (chain.homes[-1], me) not in before
            for home in chain.homes
        }
        _tell(listing, new, MUTUAL_TITLE, MUTUAL_BODY)
        _tell(listing, sorted(in_chains), CHAIN_TITLE, CHAIN_BODY)


def _tell(because: SwapListing, listing_ids: list[int], title: str, body: str) -> None:
    if not listing_ids:
        return
    told = set(
        db.session.scalars(
            select(SwapMatchNotice.listing_id).where(
                SwapMatchNotice.because_id == because.id,
                SwapMatchNotice.listing_id.in_(listing_ids),
            )
        )
    )
    rows = db.session.execute(
        select(SwapListing.id, SwapListing.tenant_id).where(SwapListing.id.in_(listing_ids))
    )
    tenants = {listing_id: tenant_id for listing_id, tenant_id in rows}
    for listing_id in listing_ids:
        if listing_id in told or listing_id not in tenants:
            continue
        db.session.add(SwapMatchNotice(listing_id=listing_id, because_id=because.id))
        post_message(
            tenants[listing_id],
            category=MESSAGE_CATEGORY,
            title=title,
            body=body,
            link="/swap/matches",
        )
