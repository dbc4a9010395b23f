"""Exchange chains of up to five homes: tables, and the meet-in-the-middle search against a
brute-force walk of every path on small random boards (same chains, same order)."""

from __future__ import annotations

from fractions import Fraction
from itertools import pairwise, permutations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.swap.chains import Chain, Fit, Graph, as_percent, chain_of, chains_through, rank_key, share

FULL = Fit(2, 2)


def graph(moves: dict[int, list[int]], tenants: dict[int, int] | None = None) -> Graph:
    listings = set(moves) | {b for homes in moves.values() for b in homes}
    return Graph(
        {a: dict.fromkeys(homes, FULL) for a, homes in moves.items()},
        tenants or {x: 100 + x for x in listings},
    )


def brute_force(board: Graph, viewer: int, max_homes: int = 5, limit: int = 9) -> list[Chain]:
    """Every sequence of distinct listings, kept when each wants the next's home."""
    others = sorted(set(board.tenant_of) - {viewer})
    partners = board.mutual_partners(viewer)
    found = []
    for size in range(3, max_homes + 1):
        for homes in permutations(others, size - 1):
            cycle = (viewer, *homes, viewer)
            if any(x in partners for x in homes):
                continue
            if len({board.tenant_of[x] for x in (viewer, *homes)}) != size:
                continue
            if all(b in board.wants.get(a, {}) for a, b in pairwise(cycle)):
                found.append(chain_of(board, viewer, homes))
    return sorted(found, key=rank_key)[:limit]


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        # 1 → 2 → 3 → 1
        ({1: [2], 2: [3], 3: [1]}, [(2, 3)]),
        # four homes: 1 → 2 → 3 → 4 → 1
        ({1: [2], 2: [3], 3: [4], 4: [1]}, [(2, 3, 4)]),
        # five homes
        ({1: [2], 2: [3], 3: [4], 4: [5], 5: [1]}, [(2, 3, 4, 5)]),
        # six homes: too long
        ({1: [2], 2: [3], 3: [4], 4: [5], 5: [6], 6: [1]}, []),
        # a broken ring: nothing
        ({1: [2], 2: [3], 3: [4]}, []),
        # the viewer's mutual partner 2 is left out: a direct swap is simpler
        ({1: [2, 3], 2: [1, 4], 3: [4], 4: [1]}, [(3, 4)]),
        # shorter first when 匹配度 ties, then the newer listings
        ({1: [2, 5], 2: [3], 3: [1, 4], 4: [1], 5: [3]}, [(5, 3), (2, 3), (5, 3, 4), (2, 3, 4)]),
    ],
)
def test_chains_through(moves, expected) -> None:
    assert [chain.homes for chain in chains_through(graph(moves), 1)] == expected


def test_no_household_twice() -> None:
    # 2 and 4 are the same household's listings: the ring 1 → 2 → 3 → 4 → 1 is not a chain.
    board = graph({1: [2], 2: [3], 3: [4], 4: [1]}, {1: 1, 2: 2, 3: 3, 4: 2})
    assert chains_through(board, 1) == []


def test_match_share_weighs_every_move() -> None:
    board = Graph({1: {2: Fit(3, 3)}, 2: {3: Fit(2, 3)}, 3: {1: Fit(0, 0)}}, {1: 1, 2: 2, 3: 3})
    (chain,) = chains_through(board, 1)
    assert chain.share == Fraction(5, 6)
    assert chain.percent == 83
    assert share([]) == 1
    assert as_percent(Fraction(1)) == 100


def test_best_match_share_first() -> None:
    weak, strong = Fit(2, 3), Fit(3, 3)
    board = Graph(
        {1: {2: weak, 4: strong}, 2: {3: FULL}, 4: {3: FULL}, 3: {1: FULL}},
        {1: 1, 2: 2, 3: 3, 4: 4},
    )
    assert [c.homes for c in chains_through(board, 1)] == [(4, 3), (2, 3)]


def test_at_most_the_limit() -> None:
    moves = {1: list(range(10, 30)), 2: [1], **{x: [2] for x in range(10, 30)}}
    chains = chains_through(graph(moves), 1, limit=9)
    assert len(chains) == 9
    assert [c.homes for c in chains] == [(x, 2) for x in range(29, 20, -1)]


@st.composite
def boards(draw) -> tuple[Graph, int]:
    size = draw(st.integers(3, 8))
    listings = list(range(1, size + 1))
    households = draw(st.lists(st.integers(1, size), min_size=size, max_size=size))
    fits = st.builds(
        lambda wished, missing: Fit(max(0, wished - missing), wished),
        st.integers(0, 5),
        st.integers(0, 1),
    )
    wants = {
        a: {b: draw(fits) for b in listings if b != a and draw(st.booleans())} for a in listings
    }
    return Graph(wants, dict(zip(listings, households, strict=True))), draw(
        st.sampled_from(listings)
    )


@settings(max_examples=300, deadline=None)
@given(boards(), st.integers(3, 5), st.integers(1, 12))
def test_meet_in_the_middle_finds_what_brute_force_finds(board, max_homes, limit) -> None:
    the_graph, viewer = board
    assert chains_through(the_graph, viewer, max_homes=max_homes, limit=limit) == brute_force(
        the_graph, viewer, max_homes, limit
    )
