"""互相匹配: the matches of one listing on the board, mutual ones and three-way chains.

Read-only. The rules of matching are in ``matching`` (pure); the SQL of ``matching_sql``
narrows the board down to a few hundred rows, and the pure functions then decide and rank.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, Select, case, or_, select

from app.core.clock import utcnow
from app.extensions import db
from app.swap import matching
from app.swap.board import Card, cards_for, listings_by_id, on_board
from app.swap.browse import PAGE_SIZE
from app.swap.matching import Chain, Home, Match, Party, Wishes
from app.swap.matching_sql import accepts_home_sql, home_fits_sql, not_blocked_sql, party_of
from app.swap.models import SwapListing, SwapWishArea
from app.swap.subsidy_sql import current_subsidy_sql, same_guarantee_sql

# How many rows the match view reads at most for each of its three questions. Newest first,
# so on a board far bigger than the demo the freshest listings are the ones considered.
MUTUAL_CAP = 1000
CHAIN_SIDE_CAP = 150
CHAIN_LIMIT = 10


_PARTY_COLUMNS = (
    SwapListing.id,
    SwapListing.tenant_id,
    SwapListing.district_id,
    SwapListing.community_id,
    SwapListing.bedrooms,
    SwapListing.floor,
    SwapListing.has_lift,
    SwapListing.guarantee_type,
    current_subsidy_sql().label("monthly_subsidy_fen"),
    SwapListing.min_bedrooms,
    SwapListing.floor_min,
    SwapListing.floor_max,
    SwapListing.needs_lift,
)


def _wish_areas(listing_ids: Sequence[int]) -> dict[int, tuple[set[int], set[int]]]:
    areas: dict[int, tuple[set[int], set[int]]] = defaultdict(lambda: (set(), set()))
    for start in range(0, len(listing_ids), 500):
        rows = db.session.execute(
            select(
                SwapWishArea.listing_id, SwapWishArea.district_id, SwapWishArea.community_id
            ).where(SwapWishArea.listing_id.in_(listing_ids[start : start + 500]))
        )
        for listing_id, district_id, community_id in rows:
            districts, communities = areas[listing_id]
            if district_id:
                districts.add(district_id)
            if community_id:
                communities.add(community_id)
    return areas


def _newest_first(query: Select) -> Select:
    return query.order_by(SwapListing.published_at.desc(), SwapListing.id.desc())


def _as_parties(rows: Sequence[Row]) -> list[Party]:
    areas = _wish_areas([row.id for row in rows])
    found = []
    for row in rows:
        districts, communities = areas.get(row.id, (set(), set()))
        found.append(
            Party(
                row.id,
                row.tenant_id,
                Home(
                    row.district_id,
                    row.community_id,
                    row.bedrooms,
                    row.floor,
                    row.has_lift,
                    row.guarantee_type,
                    row.monthly_subsidy_fen,
                ),
                Wishes(
                    frozenset(districts),
                    frozenset(communities),
                    row.min_bedrooms,
                    row.floor_min,
                    row.floor_max,
                    row.needs_lift,
                ),
            )
        )
    return found


@dataclass(frozen=True)
class MatchCard:
    card: Card
    score: int


@dataclass(frozen=True)
class ChainView:
    gets: Card
    gives_to: Card
    score: int


@dataclass(frozen=True)
class MatchView:
    mutual: list[MatchCard]
    total: int
    page: int
    pages: int
    chains: list[ChainView]


def _candidates(viewer: Party, viewer_id: int, now: datetime) -> Select:
    return select(*_PARTY_COLUMNS).where(
        on_board(now),
        SwapListing.id != viewer.listing_id,
        SwapListing.tenant_id != viewer_id,
        same_guarantee_sql(viewer.home),
        not_blocked_sql(viewer_id),
    )


@dataclass(frozen=True)
class Sides:
    """The candidates of one viewer, newest first: homes that suit the viewer (``wanted``),
    listings that would take the viewer's home (``wanting``), and both (``mutual``)."""

    mutual: list[Party]
    wanted: list[Party]
    wanting: list[Party]


def candidate_sides(listing: SwapListing, now: datetime | None = None) -> Sides:
    """One pass over the board gives all three sides: each row says which way it fits,
    and reading stops once every side is full."""
    viewer = party_of(listing)
    fits = home_fits_sql(viewer.wishes)
    accepts = accepts_home_sql(viewer.home)
    query = (
        _candidates(viewer, listing.tenant_id, now or utcnow())
        .add_columns(
            case((fits, 1), else_=0).label("fits"), case((accepts, 1), else_=0).label("accepts")
        )
        .where(or_(fits, accepts))
    )
    mutual: list[Row] = []
    wanted: list[Row] = []
    wanting: list[Row] = []
    result = db.session.execute(_newest_first(query))
    for row in result:
        if row.fits and row.accepts and len(mutual) < MUTUAL_CAP:
            mutual.append(row)
        if row.fits and len(wanted) < CHAIN_SIDE_CAP:
            wanted.append(row)
        if row.accepts and len(wanting) < CHAIN_SIDE_CAP:
            wanting.append(row)
        if len(mutual) == MUTUAL_CAP and len(wanted) == len(wanting) == CHAIN_SIDE_CAP:
            break
    result.close()
    by_id = {party.listing_id: party for party in _as_parties([*mutual, *wanted, *wanting])}
    return Sides(
        mutual=[by_id[row.id] for row in mutual],
        wanted=[by_id[row.id] for row in wanted],
        wanting=[by_id[row.id] for row in wanting],
    )


def mutual_parties(listing: SwapListing, now: datetime | None = None) -> list[Match]:
    """Listings that match ``listing`` both ways, best first."""
    return matching.mutual_matches(party_of(listing), candidate_sides(listing, now).mutual)


def chains_for(listing: SwapListing, now: datetime | None = None) -> list[Chain]:
    sides = candidate_sides(listing, now)
    return _chains(party_of(listing), sides)


def _chains(viewer: Party, sides: Sides) -> list[Chain]:
    return matching.three_way_chains(viewer, sides.wanted, sides.wanting, limit=CHAIN_LIMIT)


def match_view(listing: SwapListing, page: int = 1, now: datetime | None = None) -> MatchView:
    """互相匹配 for ``listing``'s tenant: mutual matches (a page of them) and three-way chains."""
    viewer = party_of(listing)
    sides = candidate_sides(listing, now)
    matches = matching.mutual_matches(viewer, sides.mutual)
    chains = _chains(viewer, sides)
    pages = max(1, -(-len(matches) // PAGE_SIZE))
    page = max(1, min(page, pages))
    shown = matches[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    wanted_ids = [m.party.listing_id for m in shown]
    for chain in chains:
        wanted_ids += [chain.gets.listing_id, chain.gives_to.listing_id]
    unique_ids = list(dict.fromkeys(wanted_ids))
    cards = {
        card.listing.id: card for card in cards_for(listings_by_id(unique_ids), listing.tenant_id)
    }
    return MatchView(
        mutual=[
            MatchCard(cards[m.party.listing_id], m.score)
            for m in shown
            if m.party.listing_id in cards
        ],
        total=len(matches),
        page=page,
        pages=pages,
        chains=[
            ChainView(cards[c.gets.listing_id], cards[c.gives_to.listing_id], c.score)
            for c in chains
            if c.gets.listing_id in cards and c.gives_to.listing_id in cards
        ],
    )
