"""The stored matches agree with the pure rules after any sequence of edits (Hypothesis),
and tenants are told of a new match once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import LeaseTerm
from app.messages.models import Message
from app.swap import blocks, board, board_matches, listings
from app.swap.chains import chains_through
from app.swap.match_notices import CHAIN_TITLE, MUTUAL_TITLE
from app.swap.matching_sql import party_of
from app.swap.models import SwapListing, SwapMatch, SwapMatchNotice
from tests.conftest import post, race
from tests.swap import builders

PLACES = [("琵琶湖小区", "浔阳区"), ("十里小区", "濂溪区"), ("沙河小区", "柴桑区")]


def _board(size: int = 7) -> list[SwapListing]:
    found = []
    for index in range(size):
        place, district = PLACES[index % 3]
        user, _lease = builders.tenant(
            f"匹配{index}",
            home=builders.unit(place, district, floor=1 + index, bedrooms=1 + index % 3),
            subsidy_fen=20000 if index == 6 else 0,
        )
        found.append(builders.listing(user, districts=(PLACES[(index + 1) % 3][1],)))
    return found


def _assert_agrees(now=None) -> None:
    now = now or utcnow()
    shown = [
        listing
        for listing in db.session.scalars(select(SwapListing))
        if board.is_on_board(listing, now)
    ]
    parties = [party_of(listing) for listing in shown]
    assert builders.stored_moves() == builders.pure_moves(parties)
    assert builders.stored_shares() == builders.pure_shares(parties)
    whole = builders.pure_graph(parties)
    for listing in shown:
        assert [m.listing_id for m in board_matches.mutual_matches(listing, now)] == (
            builders.pure_mutual(parties, party_of(listing))
        )
        assert board_matches.chains_for(listing, now) == chains_through(whole, listing.id)


EDITS = st.sampled_from(
    ["pause", "resume", "close", "repost", "renew", "wishes", "subsidy", "expire", "revive"]
)


def _edit(listing: SwapListing, edit: str, place: int, bedrooms: int | None) -> None:
    """One edit through the services where there is one (the version check aside)."""
    district = PLACES[place][1]
    if edit == "pause" and listing.status.value == "active":
        listings.pause_listing(listing)
    elif edit == "resume" and listing.status.value == "paused":
        listings.resume_listing(listing)
    elif edit == "close" and listing.is_live:
        listings.close_listing(listing, listing.tenant_id)
    elif edit == "repost" and not listing.is_live:
        builders.listing(listing.tenant, districts=(district,), min_bedrooms=bedrooms)
    elif edit == "wishes" and listing.is_live:
        wishes = builders.wishes(districts=(district,), min_bedrooms=bedrooms)
        listings.update_listing(listing, wishes, version=None)
    elif edit == "renew" and listing.is_live:
        listing.published_at = utcnow() - timedelta(days=58)
        db.session.commit()
        listings.renew_listing(listing)
    elif edit == "subsidy":
        term: LeaseTerm = listing.lease.current_term
        term.monthly_subsidy_fen = 0 if term.monthly_subsidy_fen else 25000
        db.session.commit()
    elif edit == "expire" and listing.is_live:
        listing.published_at = utcnow() - timedelta(days=61)
        db.session.commit()
    elif edit == "revive" and listing.is_live:
        listing.published_at = utcnow()
        db.session.commit()


@pytest.mark.usefixtures("whole_graph")
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), EDITS, st.integers(0, 2), st.sampled_from([None, 1, 2, 3])),
        min_size=1,
        max_size=6,
    )
)
def test_stored_matches_agree_with_the_rules_after_random_edits(app, edits) -> None:
    if not db.session.scalar(select(func.count(SwapListing.id))):
        _board()
        _assert_agrees()
    for index, edit, place, bedrooms in edits:
        tenants = sorted({row.tenant_id for row in db.session.scalars(select(SwapListing))})
        tenant_id = tenants[index % len(tenants)]
        listing = db.session.scalars(
            select(SwapListing)
            .where(SwapListing.tenant_id == tenant_id)
            .order_by(SwapListing.id.desc())
        ).first()
        _edit(listing, edit, place, bedrooms)
        _assert_agrees()


def test_a_rollback_leaves_the_stored_matches_as_they_were(app, pair) -> None:
    _a, a_listing, _b, _b_listing = pair
    before = builders.stored_moves()
    assert before
    a_listing.min_bedrooms = 9  # nobody's home has nine rooms
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert builders.stored_moves() == before
    listings.pause_listing(a_listing)
    assert builders.stored_moves() == {}
    listings.resume_listing(a_listing)
    assert builders.stored_moves() == before


def _titles(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Message.title).where(Message.user_id == user.id).order_by(Message.id)
        )
    )


def test_a_new_match_is_told_once(app) -> None:
    a, _ = builders.tenant("刘洋", home=builders.unit("琵琶湖小区", "浔阳区"))
    b, _ = builders.tenant("周婷", home=builders.unit("十里小区", "濂溪区"))
    a_listing = builders.listing(a, districts=("濂溪区",))
    assert _titles(a) == []
    b_listing = builders.listing(b, districts=("浔阳区",))
    assert _titles(a) == [MUTUAL_TITLE]  # 周婷's new listing matches 刘洋's
    assert _titles(b) == []  # she sees it on the page she is about to open
    # Editing the listing again, pausing and resuming it: no second message.
    listings.update_listing(b_listing, builders.wishes(districts=("浔阳区",)), version=None)
    listings.pause_listing(b_listing)
    listings.resume_listing(b_listing)
    assert _titles(a) == [MUTUAL_TITLE]
    told = select(SwapMatchNotice.because_id).where(SwapMatchNotice.listing_id == a_listing.id)
    assert list(db.session.scalars(told)) == [b_listing.id]


def test_a_new_chain_is_told_once_to_each_household(app) -> None:
    # 丙's listing, posted last, closes the ring 甲 → 乙 → 丙 → 甲.
    users, _ring_listings = _ring()
    assert _titles(users[0]) == [CHAIN_TITLE] and _titles(users[1]) == [CHAIN_TITLE]
    assert _titles(users[2]) == []


def test_rebuild_writes_what_the_hook_kept(app, runner) -> None:
    _board()
    kept = builders.stored_moves()
    db.session.execute(SwapMatch.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["swap", "rebuild-matches"])
    assert result.exit_code == 0, result.output
    assert f"{len(kept)}" in result.output
    assert builders.stored_moves() == kept


def test_a_subsidy_granted_at_renewal_ends_the_match(app, pair) -> None:
    """Rule 3: a subsidy on the lease's term (a renewal, an adjustment) moves the tenant to
    the other 保障类型 at once, and back when it ends."""
    _a, _a_listing, _b, b_listing = pair
    before = builders.stored_moves()
    assert before
    term = b_listing.lease.current_term
    term.monthly_subsidy_fen = 25000
    db.session.commit()
    assert builders.stored_moves() == {}
    term.monthly_subsidy_fen = 0
    db.session.commit()
    assert builders.stored_moves() == before


def test_chains_on_the_page_follow_the_board(app) -> None:
    """The page keeps a chain search until the board changes; a household blocked since is
    left out at once, and a change to the board is seen on the next visit."""
    users, (first, second, _third) = _ring()

    def shown() -> list[int]:
        return [len(chain.steps) for chain in board_matches.match_view(first).chains]

    assert shown() == [3]
    assert shown() == [3]  # the second visit reads the kept search
    listings.pause_listing(second)
    assert shown() == []
    listings.resume_listing(second)
    assert shown() == [3]
    blocks.block_user(users[0].id, users[2].id)
    assert shown() == []


def test_listings_that_match_posted_at_once_are_all_kept(shared_app) -> None:
    """Four tenants who all want each other's homes post at the same moment, each through
    the form: every post lands and the stored matches are exactly the pure rules' (each
    refresh waits for the one before it; none writes a move another just wrote)."""
    with shared_app.app_context():
        clients = []
        for index in range(4):
            place, district = PLACES[index % 3]
            user, _lease = builders.tenant(f"同时{index}", home=builders.unit(place, district))
            clients.append(builders.signed_in(shared_app, user))
    form = builders.form_data()  # anywhere, any home

    def poster(client):
        return lambda: post(client, "/swap/mine/listing", form).status_code

    assert race(shared_app, [poster(client) for client in clients]) == [303] * 4
    with shared_app.app_context():
        shown = list(db.session.scalars(select(SwapListing)))
        assert len(shown) == 4
        parties = [party_of(listing) for listing in shown]
        assert builders.stored_moves() == builders.pure_moves(parties)
        assert len(builders.stored_moves()) == 4 * 3


def _ring() -> tuple[list, list[SwapListing]]:
    """甲 wants 乙's home, 乙 wants 丙's, 丙 wants 甲's: one chain of three."""
    users = [
        builders.tenant(name, home=builders.unit(place, district))[0]
        for name, (place, district) in zip(("甲", "乙", "丙"), PLACES, strict=True)
    ]
    wanted = ("濂溪区", "柴桑区", "浔阳区")
    return users, [builders.listing(u, districts=(d,)) for u, d in zip(users, wanted, strict=True)]


def test_saving_the_same_wishes_again_tells_nobody(app) -> None:
    users, ring = _ring()
    told = [_titles(user) for user in users]
    listings.update_listing(ring[0], builders.wishes(districts=("濂溪区",)), version=None)
    listings.update_listing(ring[1], builders.wishes(districts=("柴桑区",)), version=None)
    assert [_titles(user) for user in users] == told


def test_a_household_blocked_by_the_next_breaks_the_chain(app) -> None:
    users, ring = _ring()
    assert len(board_matches.match_view(ring[0]).chains) == 1
    blocks.block_user(users[1].id, users[2].id)  # 乙 will not move into 丙's home
    assert board_matches.match_view(ring[0]).chains == []
    assert board_matches.chains_for(ring[0]) == []


def test_the_reading_caps_are_not_spent_on_listings_past_their_days(app, monkeypatch) -> None:
    """甲 wants a home in 濂溪区: 乙 there has run past its 60 days (its stored moves are
    still there until it is renewed), 乙二 has not. With room for one home each way, the
    chain goes through 乙二."""
    monkeypatch.setattr(board_matches, "SIDE_CAP", 1)
    monkeypatch.setattr(board_matches, "STEP_CAP", 1)
    other, _ = builders.tenant("乙二", home=builders.unit("十里小区", "濂溪区"))
    second = builders.listing(other, districts=("柴桑区",))
    _users, ring = _ring()
    later = utcnow() + timedelta(days=2)
    ring[1].published_at = utcnow() - timedelta(days=59)  # shown now, gone in two days
    db.session.commit()
    assert db.session.scalar(select(func.count()).where(SwapMatch.home_id == ring[1].id))
    # 乙's move ranks first (the newer listing), so a cap spent before filtering takes it.
    assert ring[1].id > second.id
    chains = board_matches.chains_for(ring[0], later)
    assert [chain.homes[0] for chain in chains] == [second.id]


def test_a_savepoint_rolled_back_keeps_what_was_noted(app, pair) -> None:
    _a, a_listing, _b, b_listing = pair
    a_listing.min_bedrooms = 9  # nobody's home has nine rooms
    db.session.flush()
    copy = {"wanter_id": a_listing.id, "home_id": b_listing.id, "points": 2, "wished": 2}
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(SwapMatch.__table__.insert().values(**copy))
    db.session.commit()
    # 刘洋 now wants no one's home; 周婷 still wants his.
    assert set(builders.stored_moves()) == {(b_listing.id, a_listing.id)}


def test_the_bench_explains_every_query_of_the_matches_page(shared_app, capsys) -> None:
    """``bench_swap.py --explain`` calls the page's own queries, so it breaks with them."""
    from bench.bench_swap import explain

    _ring()
    db.session.commit()
    explain(db.engine.url.render_as_string(hide_password=False))
    printed = capsys.readouterr().out
    for step in ("a page of mutual matches", "best moves out", "best moves in", "next steps"):
        assert f"plan: match: {step}" in printed
