"""Who-fits-whom kept as data: ``SwapMatch`` rows among the listings on the board.

The pure rules of ``matching`` stay the single truth: for one listing, the SQL mirrors of
``matching_sql`` narrow the board down to the listings that might fit either way, and
``matching.suits`` decides each direction. Its rows are worked out again whenever
something they depend on changes, by one session hook, whatever code made the change:

- a listing posted, edited (home or wishes), paused, resumed, renewed, closed, swapped or
  taken down (any tracked column of ``SwapListing``, or its ``SwapWishArea`` rows);
- a lease's term added or changed (its 租金补贴 decides rule 3, same 保障类型);
- a block made or undone: no rows change, but kept chain searches start again;

the listings are noted after each flush, and just before the transaction commits their
rows are deleted and written again, in the same transaction. Arrears and blocks are not
kept here: they change with the date and per viewer, and ``board_matches`` filters them
when it reads. Listings past their 60 days keep their rows until renewed or rebuilt; the
reader filters them too.

When a listing newly on the board (or newly fitting) matches a tenant directly or in a
chain, that tenant is told once (消息), never again for the same two listings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, delete, event, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core.clock import utcnow
from app.extensions import batches, db, rows_changed
from app.housing.models import LeaseTerm
from app.swap.board import is_on_board, on_board
from app.swap.chains import ratio
from app.swap.match_notices import tell_new_matches
from app.swap.matching import Party, fit_points, suits, wished_points
from app.swap.matching_sql import (
    PARTY_COLUMNS,
    accepts_home_sql,
    home_fits_sql,
    parties_of_rows,
    party_of,
)
from app.swap.models import (
    SwapBlock,
    SwapBoardVersion,
    SwapListing,
    SwapMatch,
    SwapWishArea,
)
from app.swap.subsidy_sql import same_guarantee_sql

# The columns a listing's matches depend on.
TRACKED = frozenset(
    {
        "status",
        "published_at",
        "tenant_id",
        "lease_id",
        "district_id",
        "community_id",
        "bedrooms",
        "floor",
        "has_lift",
        "guarantee_type",
        "wants_any_area",
        "min_bedrooms",
        "floor_min",
        "floor_max",
        "needs_lift",
        "wish_areas",  # an area removed from the list is deleted as an orphan, unseen below
    }
)
_LISTINGS = "swap_match_listings"
_LEASES = "swap_match_leases"
_BLOCKS = "swap_match_blocks"

Want = tuple[int, int, int, int]  # wanter, home, points, wished
Move = tuple[int, int, int, int, float | None]  # and the share when the pair is mutual


def moves_of(listing: SwapListing, now: datetime) -> list[Want]:
    """Every move between ``listing`` and the other listings on the board, both ways."""
    viewer = party_of(listing)
    fits = home_fits_sql(viewer.wishes)
    accepts = accepts_home_sql(viewer.home)
    rows = db.session.execute(
        select(*PARTY_COLUMNS).where(
            on_board(now),
            SwapListing.id != listing.id,
            SwapListing.tenant_id != listing.tenant_id,
            same_guarantee_sql(viewer.home),
            or_(fits, accepts),
        )
    ).all()
    return [*_decide(viewer, parties_of_rows(rows))]


def _decide(viewer: Party, others: Iterable[Party]) -> Iterable[Want]:
    wanted = wished_points(viewer.wishes)
    for other in others:
        if suits(other, viewer):
            yield viewer.listing_id, other.listing_id, fit_points(other.home, viewer.wishes), wanted
        if suits(viewer, other):
            yield (
                other.listing_id,
                viewer.listing_id,
                fit_points(viewer.home, other.wishes),
                wished_points(other.wishes),
            )


def refresh(listing_ids: Collection[int], *, now: datetime | None = None, tell: bool = True) -> int:
    """Work the rows of ``listing_ids`` out again (the caller commits); how many were written."""
    if not listing_ids:
        return 0
    now = now or utcnow()
    ids = sorted(set(listing_ids))
    bump_version()
    before = _moves_touching(ids) if tell else set()
    for chunk in batches(ids):
        db.session.execute(delete(SwapMatch).where(_touching(chunk)))
    wants: dict[tuple[int, int], tuple[int, int]] = {}
    live = []
    for listing in db.session.scalars(select(SwapListing).where(SwapListing.id.in_(ids))):
        if is_on_board(listing, now):
            live.append(listing)
            for wanter, home, points, wished in moves_of(listing, now):
                wants[wanter, home] = points, wished
    _write(with_shares(wants))
    if tell and live:
        tell_new_matches(live, before, now)
    return len(wants)


def with_shares(wants: dict[tuple[int, int], tuple[int, int]]) -> list[Move]:
    """Each move with its pair's share where the other listing wants it back. ``wants``
    holds every move to and from the listings refreshed, so the move back is there if it
    holds at all."""
    moves = []
    for (wanter, home), (points, wished) in wants.items():
        back = wants.get((home, wanter))
        share = None if back is None else ratio(points + back[0], wished + back[1])
        moves.append((wanter, home, points, wished, share))
    return moves


def _write(moves: Iterable[Move]) -> None:
    rows = [
        {"wanter_id": w, "home_id": h, "points": p, "wished": n, "share": s}
        for w, h, p, n, s in moves
    ]
    for chunk in batches(rows, 5000):
        db.session.execute(insert(SwapMatch), chunk)


def _moves_touching(ids: list[int]) -> set[tuple[int, int]]:
    """(wanter, home) of every stored move to or from ``ids``: to tell only of new ones."""
    found: set[tuple[int, int]] = set()
    for chunk in batches(ids):
        rows = db.session.execute(
            select(SwapMatch.wanter_id, SwapMatch.home_id).where(_touching(chunk))
        )
        found |= {(wanter, home) for wanter, home in rows}
    return found


def _touching(ids: Sequence[int]) -> ColumnElement[bool]:
    return or_(SwapMatch.wanter_id.in_(ids), SwapMatch.home_id.in_(ids))


def rebuild_all(*, now: datetime | None = None) -> int:
    """Every row again, from the board as it is (after a bulk load or an upgrade), a chunk
    of wanters at a time. Each listing's own wants are enough: the other direction is
    another listing's wants. The board is read into memory once per chunk, under the lock,
    so a listing changed meanwhile is written from what it is now."""
    now = now or utcnow()
    bump_version()
    db.session.execute(delete(SwapMatch))
    written = 0
    ids = list(db.session.scalars(select(SwapListing.id).where(on_board(now))))
    for chunk in batches(ids, REBUILD_CHUNK):
        bump_version()  # first: on PostgreSQL, refreshes wait until this chunk is in
        board = BoardIndex(
            parties_of_rows(db.session.execute(select(*PARTY_COLUMNS).where(on_board(now))).all())
        )
        db.session.execute(delete(SwapMatch).where(SwapMatch.wanter_id.in_(chunk)))
        moves = [move for wanter in chunk for move in board.wants_of(wanter)]
        _write(moves)
        written += len(moves)
        db.session.commit()
    bump_version()  # what was read in between is out of date as well
    db.session.execute(text("ANALYZE swap_matches"))  # the planner learns its new size
    db.session.commit()
    return written


REBUILD_CHUNK = 1000


class BoardIndex:
    """The listings on the board in memory, by 保障类型 and by area, so that a wanter is
    checked only against the homes that could be in a place it asked for."""

    def __init__(self, parties: Iterable[Party]) -> None:
        self.by_id: dict[int, Party] = {}
        self.everyone: dict[bool, list[Party]] = defaultdict(list)
        self.in_district: dict[tuple[bool, int], list[Party]] = defaultdict(list)
        self.in_community: dict[tuple[bool, int], list[Party]] = defaultdict(list)
        for party in parties:
            kind = party.home.enjoys_rent_subsidy
            self.by_id[party.listing_id] = party
            self.everyone[kind].append(party)
            self.in_district[kind, party.home.district_id].append(party)
            self.in_community[kind, party.home.community_id].append(party)

    def _candidates(self, wanter: Party) -> Iterable[Party]:
        kind, wishes = wanter.home.enjoys_rent_subsidy, wanter.wishes
        if wishes.any_area:
            return self.everyone[kind]
        found: dict[int, Party] = {}
        for district in wishes.district_ids:
            found.update((p.listing_id, p) for p in self.in_district.get((kind, district), ()))
        for community in wishes.community_ids:
            found.update((p.listing_id, p) for p in self.in_community.get((kind, community), ()))
        return found.values()

    def wants_of(self, wanter_id: int) -> list[Move]:
        """The moves of ``wanter_id`` into the homes that suit it (none if it left the board)."""
        wanter = self.by_id.get(wanter_id)
        if wanter is None:
            return []
        wished = wished_points(wanter.wishes)
        moves: list[Move] = []
        for home in self._candidates(wanter):
            if not suits(home, wanter):
                continue
            points, share = fit_points(home.home, wanter.wishes), None
            if suits(wanter, home):  # a mutual match
                back = fit_points(wanter.home, home.wishes)
                share = ratio(points + back, wished + wished_points(home.wishes))
            moves.append((wanter_id, home.listing_id, points, wished, share))
        return moves


def bump_version() -> None:
    """Chains worked out before now are out of date (``board_matches`` keeps them). Done
    first in every refresh: on PostgreSQL the row lock it takes makes refreshes wait for one
    another, so two listings that match, posted at once, never both write the same move."""
    if _bump():
        return
    try:
        with db.session.begin_nested():
            db.session.execute(insert(SwapBoardVersion).values(id=1, version=1))
    except IntegrityError:  # another transaction made the row first
        _bump()


def _bump() -> int:
    return rows_changed(
        update(SwapBoardVersion)
        .where(SwapBoardVersion.id == 1)
        .values(version=SwapBoardVersion.version + 1)
    )


def has_matches() -> bool:
    return db.session.scalar(select(SwapMatch.wanter_id).limit(1)) is not None


# --- the session hook ----------------------------------------------------------------


def _changed(obj: object) -> bool:
    state = db.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in TRACKED)


def _note_changes(session: Session, _flush_context) -> None:
    listings: set[int] = session.info.setdefault(_LISTINGS, set())
    leases: set[int] = session.info.setdefault(_LEASES, set())
    if any(isinstance(obj, SwapBlock) for obj in (*session.new, *session.deleted)):
        session.info[_BLOCKS] = True  # a chain through two who blocked each other ends
    for obj in session.new:
        if isinstance(obj, SwapListing):
            listings.add(obj.id)
        elif isinstance(obj, SwapWishArea):
            listings.add(obj.listing_id)
        elif isinstance(obj, LeaseTerm):
            leases.add(obj.lease_id)
    for obj in session.dirty:
        if isinstance(obj, SwapListing) and _changed(obj):
            listings.add(obj.id)
        elif isinstance(obj, SwapWishArea) and session.is_modified(obj):
            listings.add(obj.listing_id)
        elif isinstance(obj, LeaseTerm) and session.is_modified(obj):
            leases.add(obj.lease_id)
    for obj in session.deleted:
        if isinstance(obj, SwapWishArea):
            listings.add(obj.listing_id)
        elif isinstance(obj, LeaseTerm):
            leases.add(obj.lease_id)


def _refresh_before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the commit comes later
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    listings: set[int] = session.info.pop(_LISTINGS, set())
    leases: set[int] = session.info.pop(_LEASES, set())
    if leases:
        listings |= set(
            session.scalars(select(SwapListing.id).where(SwapListing.lease_id.in_(leases)))
        )
    if listings:
        refresh(listings)
    elif session.info.get(_BLOCKS):
        bump_version()
    _forget(session)


def _forget(session: Session, previous=None) -> None:
    if previous is not None and previous.nested:
        return  # a savepoint rolled back: what the transaction noted before still stands
    session.info.pop(_LISTINGS, None)
    session.info.pop(_LEASES, None)
    session.info.pop(_BLOCKS, None)


event.listen(Session, "after_flush", _note_changes)
event.listen(Session, "before_commit", _refresh_before_commit)
event.listen(Session, "after_soft_rollback", _forget)
