"""互相匹配: one listing's mutual matches and its exchange chains of up to five homes, read
from the stored matches (``SwapMatch``, kept by ``match_store``); the chains are found by
``chains.chains_through`` on the part of the graph around the listing.

Read-only. What the stored rows cannot know is filtered here, on every listing shown: it
is still on the board (within its 60 days), its tenant is paid up today (no arrears) and
neither tenant has blocked the other.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    select,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

from app.core.clock import to_china_time, utcnow
from app.extensions import batches, db
from app.rent.standing import in_arrears_sql
from app.swap.board import Card, cards_for, listings_by_id, on_board
from app.swap.browse import PAGE_SIZE
from app.swap.chains import SHOWN, Chain, Fit, Graph, as_percent, chains_through, share
from app.swap.matching import met_wishes
from app.swap.matching_sql import home_of, not_blocked_sql, wishes_of
from app.swap.models import SwapBlock, SwapBoardVersion, SwapListing, SwapMatch

# How much of the graph a chain search reads: the homes the viewer wants and the listings
# that want the viewer's, best first, then the moves out of (into) each of those.
SIDE_CAP = 12
STEP_CAP = 8
LETTERS = "ABCD"


@dataclass(frozen=True)
class MatchCard:
    card: Card
    percent: int
    you_get: tuple[str, ...]  # the viewer's wishes the other home meets
    they_get: tuple[str, ...]  # the other's wishes the viewer's home meets


@dataclass(frozen=True)
class ChainStep:
    mover: str  # 您, A, B, …
    card: Card | None  # the home moved into; None: the viewer's own
    move: str  # the move in words: 您搬进 A 的房屋, …, D 搬进您现在的房屋
    met: tuple[str, ...]


@dataclass(frozen=True)
class ChainView:
    size: int
    percent: int
    steps: list[ChainStep]


@dataclass(frozen=True)
class MatchView:
    mutual: list[MatchCard]
    total: int
    page: int
    pages: int
    chains: list[ChainView]


@dataclass(frozen=True)
class Mutual:
    listing_id: int
    mine: Fit  # their home against the viewer's wishes
    theirs: Fit  # the viewer's home against theirs

    @property
    def percent(self) -> int:
        return as_percent(share((self.mine, self.theirs)))


def _shown_to(viewer: SwapListing, now: datetime) -> tuple[ColumnElement[bool], ...]:
    """On ``SwapListing``: may be shown to ``viewer``'s tenant now (on the board, paid up,
    not blocked either way)."""
    return (
        on_board(now),
        not_blocked_sql(viewer.tenant_id),
        ~in_arrears_sql(SwapListing.tenant_id, to_china_time(now).date()),
    )


def usable(ids: Collection[int], viewer: SwapListing, now: datetime) -> dict[int, int]:
    """Of ``ids``, the listings that may be shown to ``viewer``'s tenant now, with their
    tenant."""
    found: dict[int, int] = {}
    for chunk in batches(sorted(ids)):
        rows = db.session.execute(
            select(SwapListing.id, SwapListing.tenant_id).where(
                SwapListing.id.in_(chunk), *_shown_to(viewer, now)
            )
        )
        found.update({listing_id: tenant_id for listing_id, tenant_id in rows})
    return found


# The other side of a mutual match, read for the rows of a page.
_THEIRS = aliased(SwapMatch, name="theirs")


def _mutual(
    viewer: SwapListing, now: datetime, *columns: ColumnElement | InstrumentedAttribute
) -> Select:
    """Listings that want the viewer's home and whose home the viewer wants (the move has a
    ``share``), may be shown."""
    return (
        select(*columns)
        .select_from(SwapMatch)
        .join(SwapListing, SwapListing.id == SwapMatch.home_id)
        .where(
            SwapMatch.wanter_id == viewer.id,
            SwapMatch.share.is_not(None),
            *_shown_to(viewer, now),
        )
    )


def mutual_matches(viewer: SwapListing, now: datetime) -> list[Mutual]:
    """All the viewer's mutual matches, best first (the page reads ``mutual_page``)."""
    return _read_mutual(viewer, now, 0, None)


def _read_mutual(
    viewer: SwapListing, now: datetime, offset: int, limit: int | None
) -> list[Mutual]:
    """Best first (匹配度 of both moves, then the newest), from ``offset``: read in the order
    of ``ix_swap_matches_mutual``, so a page reads only its own rows."""
    query = (
        _mutual(
            viewer,
            now,
            SwapMatch.home_id,
            SwapMatch.points,
            SwapMatch.wished,
            _THEIRS.points,
            _THEIRS.wished,
        )
        .join(
            _THEIRS,
            and_(_THEIRS.wanter_id == SwapMatch.home_id, _THEIRS.home_id == SwapMatch.wanter_id),
        )
        .order_by(SwapMatch.share.desc(), SwapMatch.home_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        Mutual(other, Fit(points, wished), Fit(their_points, their_wished))
        for other, points, wished, their_points, their_wished in db.session.execute(query)
    ]


def mutual_page(viewer: SwapListing, now: datetime, page: int) -> tuple[list[Mutual], int, int]:
    """One page of mutual matches (a page past the last shows the last), their total and
    the page shown."""
    total = count_mutual(viewer, now)
    page = max(1, min(page, -(-total // PAGE_SIZE)))
    return _read_mutual(viewer, now, (page - 1) * PAGE_SIZE, PAGE_SIZE), total, page


def count_mutual(viewer: SwapListing, now: datetime) -> int:
    """How many mutual matches may be shown. While ``rebuild-matches`` runs, a move may
    carry its share before the move back is written again: counted, not yet listed."""
    return db.session.scalar(_mutual(viewer, now, func.count())) or 0


def partners_among(viewer: SwapListing, now: datetime, ids: Collection[int]) -> set[int]:
    """Which of ``ids`` are the viewer's mutual matches (a chain leaves them out)."""
    found: set[int] = set()
    for chunk in batches(sorted(ids)):
        query = _mutual(viewer, now, SwapMatch.home_id).where(SwapMatch.home_id.in_(chunk))
        found |= set(db.session.scalars(query))
    return found


def _moves(rows: Iterable) -> list[tuple[int, int, Fit]]:
    return [(wanter, home, Fit(points, wished)) for wanter, home, points, wished in rows]


_MOVE = (SwapMatch.wanter_id, SwapMatch.home_id, SwapMatch.points, SwapMatch.wished)


def _side(viewer: SwapListing, now: datetime, *, out: bool, cap: int) -> list[tuple[int, int, Fit]]:
    """The viewer's best moves out (homes it wants) or in (listings wanting its home), of
    listings that may be shown: the cap is not spent on listings past their 60 days."""
    mine = SwapMatch.wanter_id if out else SwapMatch.home_id
    other = SwapMatch.home_id if out else SwapMatch.wanter_id
    query = (
        select(*_MOVE)
        .join(SwapListing, SwapListing.id == other)
        .where(mine == viewer.id, SwapMatch.share.is_(None), *_shown_to(viewer, now))
        .order_by(SwapMatch.points.desc(), other.desc())
        .limit(cap)
    )
    return _moves(db.session.execute(query))


def _steps(
    viewer: SwapListing, now: datetime, ids: Sequence[int], *, out: bool, cap: int
) -> list[tuple[int, int, Fit]]:
    """The best ``cap`` moves out of (into) each of ``ids`` to listings that may be shown,
    in one statement."""
    if not ids:
        return []
    mine = SwapMatch.wanter_id if out else SwapMatch.home_id
    other = SwapMatch.home_id if out else SwapMatch.wanter_id
    shown = _shown_to(viewer, now)
    parts = [
        select(*_MOVE)
        .join(SwapListing, SwapListing.id == other)
        .where(mine == listing_id, *shown)
        .order_by(SwapMatch.points.desc(), other.desc())
        .limit(cap)
        .subquery()
        for listing_id in ids
    ]
    query = union_all(*(select(*part.c) for part in parts))
    return _moves(db.session.execute(query))


def _between(wanters: Collection[int], homes: Collection[int]) -> list[tuple[int, int, Fit]]:
    if not wanters or not homes:
        return []
    query = select(*_MOVE).where(
        SwapMatch.wanter_id.in_(sorted(wanters)), SwapMatch.home_id.in_(sorted(homes))
    )
    return _moves(db.session.execute(query))


def chain_graph(viewer: SwapListing, now: datetime) -> Graph:
    """The moves around ``viewer`` a chain of up to five homes can use, on usable listings."""
    firsts = _side(viewer, now, out=True, cap=SIDE_CAP)
    lasts = _side(viewer, now, out=False, cap=SIDE_CAP)
    first_ids = [home for _w, home, _f in firsts]
    last_ids = [wanter for wanter, _h, _f in lasts]
    outs = _steps(viewer, now, first_ids, out=True, cap=STEP_CAP)
    ins = _steps(viewer, now, last_ids, out=False, cap=STEP_CAP)
    ends = {home for _w, home, _f in outs} | set(first_ids)
    starts = {wanter for wanter, _h, _f in ins} | set(last_ids)
    middle = _between(ends, starts)
    moves = [*firsts, *lasts, *outs, *ins, *middle]
    seen = {x for wanter, home, _f in moves for x in (wanter, home)} - {viewer.id}
    tenant_of = usable(seen, viewer, now)
    tenant_of[viewer.id] = viewer.tenant_id
    blocked = _blocked_pairs(set(tenant_of.values()))
    wants: dict[int, dict[int, Fit]] = defaultdict(dict)
    for wanter, home, fit in moves:
        if (
            wanter in tenant_of
            and home in tenant_of
            and (tenant_of[wanter], tenant_of[home]) not in blocked
        ):
            wants[wanter][home] = fit
    return Graph(wants, tenant_of)


def _blocked_pairs(tenants: set[int]) -> set[tuple[int, int]]:
    """(a, b) both ways for every block among ``tenants``: no move between them."""
    found: set[tuple[int, int]] = set()
    ordered = sorted(tenants)
    if not ordered:
        return found
    rows = db.session.execute(
        select(SwapBlock.blocker_id, SwapBlock.blocked_id).where(
            SwapBlock.blocker_id.in_(ordered), SwapBlock.blocked_id.in_(ordered)
        )
    )
    for blocker, blocked in rows:
        found |= {(blocker, blocked), (blocked, blocker)}
    return found


def chains_for(
    viewer: SwapListing, now: datetime | None = None, *, limit: int = SHOWN
) -> list[Chain]:
    """The best chains of three to five homes through ``viewer``, worked out now; none goes
    through one of the viewer's mutual matches."""
    now = now or utcnow()
    graph = chain_graph(viewer, now)
    partners = partners_among(viewer, now, set(graph.tenant_of) - {viewer.id})
    return chains_through(graph, viewer.id, partners=partners, limit=limit)


# --- chains worked out once per version of the board ------------------------------------
# A chain search reads a few hundred moves; its result stands until the stored matches
# change (``SwapBoardVersion``, bumped by ``match_store``) or ``CACHE_SECONDS`` pass. A
# cached chain is shown only while all its households are still usable (on the board, paid
# up, not blocked): the one check that changes with the date or per viewer. Kept in each
# worker's memory, per app, for the ``CACHE_SIZE`` listings seen last.

CACHE_SIZE = 5000
CACHE_SECONDS = 600
CACHED = 2 * SHOWN  # kept per listing, so that some can drop out when checked again
_lock = threading.Lock()


@dataclass(frozen=True)
class _Cached:
    version: int
    at: datetime
    chains: list[Chain]


def board_version() -> int:
    found = db.session.scalar(select(SwapBoardVersion.version).where(SwapBoardVersion.id == 1))
    return found or 0


def _cache() -> OrderedDict[int, _Cached]:
    return current_app.extensions.setdefault("swap_chains", OrderedDict())


def cached_chains(viewer: SwapListing, now: datetime) -> list[Chain]:
    version = board_version()
    cache = _cache()
    with _lock:
        hit = cache.get(viewer.id)
    fresh = (
        hit is not None
        and hit.version == version
        and hit.at <= now < hit.at + timedelta(seconds=CACHE_SECONDS)
    )
    if hit is None or not fresh:
        chains = chains_for(viewer, now, limit=CACHED)
        with _lock:
            cache[viewer.id] = _Cached(version, now, chains)
            cache.move_to_end(viewer.id)
            while len(cache) > CACHE_SIZE:
                cache.popitem(last=False)
        return chains[:SHOWN]
    still = usable({home for chain in hit.chains for home in chain.homes}, viewer, now)
    return [c for c in hit.chains if all(home in still for home in c.homes)][:SHOWN]


# --- the page --------------------------------------------------------------------------


def _met(home: SwapListing, wanter: SwapListing) -> tuple[str, ...]:
    # Which wishes a home meets does not depend on the subsidy: no lease is read for it.
    return met_wishes(home_of(home, subsidy_fen=0), wishes_of(wanter))


def _chain_view(viewer: SwapListing, chain: Chain, cards: dict[int, Card]) -> ChainView | None:
    if any(home not in cards for home in chain.homes):
        return None
    movers = ["您", *LETTERS[: len(chain.homes)]]
    steps = []
    for index, mover in enumerate(movers):
        if index < len(chain.homes):
            card = cards[chain.homes[index]]
            into, listing = f" {movers[index + 1]} 的房屋", card.listing
        else:
            card, into, listing = None, "您现在的房屋", viewer
        who = mover if index == 0 else f"{mover} "
        wanter = viewer if index == 0 else cards[chain.homes[index - 1]].listing
        steps.append(ChainStep(mover, card, f"{who}搬进{into}", _met(listing, wanter)))
    return ChainView(chain.size, chain.percent, steps)


def match_view(listing: SwapListing, page: int = 1, now: datetime | None = None) -> MatchView:
    """互相匹配 for ``listing``'s tenant: mutual matches (a page of them) and chains."""
    now = now or utcnow()
    shown, total, page = mutual_page(listing, now, page)
    pages = max(1, -(-total // PAGE_SIZE))
    chains = cached_chains(listing, now)
    wanted = [m.listing_id for m in shown] + [home for c in chains for home in c.homes]
    found = listings_by_id(list(dict.fromkeys(wanted)))
    cards = {card.listing.id: card for card in cards_for(found, listing.tenant_id)}
    views = [_chain_view(listing, chain, cards) for chain in chains]
    return MatchView(
        mutual=[
            MatchCard(
                cards[m.listing_id],
                m.percent,
                _met(cards[m.listing_id].listing, listing),
                _met(listing, cards[m.listing_id].listing),
            )
            for m in shown
            if m.listing_id in cards
        ],
        total=total,
        page=page,
        pages=pages,
        chains=[view for view in views if view is not None],
    )
