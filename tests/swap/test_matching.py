"""Matching rules as tables: fits, fit points, mutual matches and three-way chains."""

from __future__ import annotations

import pytest

from app.swap.matching import (
    Home,
    Party,
    Wishes,
    fit_points,
    fits,
    is_mutual,
    mutual_matches,
    three_way_chains,
)

# Districts 1 浔阳 / 2 濂溪 / 3 柴桑; communities 11, 12 in 1; 21 in 2; 31 in 3.
XUNYANG, LIANXI, CHAISANG = 1, 2, 3


def home(
    district=XUNYANG, community=11, bedrooms=2, floor=3, lift=False, guarantee="gongzu", subsidy=0
):
    return Home(district, community, bedrooms, floor, lift, guarantee, subsidy)


def wish(
    districts=(), communities=(), min_bedrooms=None, floor_min=None, floor_max=None, lift=False
):
    return Wishes(
        frozenset(districts), frozenset(communities), min_bedrooms, floor_min, floor_max, lift
    )


def party(listing_id, tenant_id=None, *, home_=None, wishes_=None):
    return Party(listing_id, tenant_id or listing_id, home_ or home(), wishes_ or wish())


@pytest.mark.parametrize(
    ("the_home", "the_wishes", "expected"),
    [
        (home(), wish(), True),  # no wishes: anything fits
        (home(district=XUNYANG), wish(districts=[XUNYANG]), True),
        (home(district=LIANXI), wish(districts=[XUNYANG]), False),
        (home(community=12), wish(communities=[12]), True),
        (home(community=12), wish(communities=[11]), False),
        # a district or a community: either is enough
        (home(district=LIANXI, community=21), wish(districts=[XUNYANG], communities=[21]), True),
        (home(bedrooms=2), wish(min_bedrooms=2), True),
        (home(bedrooms=1), wish(min_bedrooms=2), False),
        (home(bedrooms=3), wish(min_bedrooms=2), True),
        (home(floor=3), wish(floor_min=3, floor_max=9), True),
        (home(floor=2), wish(floor_min=3), False),
        (home(floor=10), wish(floor_max=9), False),
        (home(floor=9), wish(floor_max=9), True),
        (home(lift=False), wish(lift=True), False),
        (home(lift=True), wish(lift=True), True),
        (home(lift=True), wish(lift=False), True),  # a lift nobody asked for is fine
    ],
)
def test_fits(the_home, the_wishes, expected) -> None:
    assert fits(the_home, the_wishes) is expected


@pytest.mark.parametrize(
    ("the_home", "the_wishes", "points"),
    [
        (home(), wish(), 0),
        (home(community=11), wish(communities=[11]), 3),
        (home(community=11), wish(districts=[XUNYANG]), 2),
        # community beats district, never both
        (home(community=11), wish(districts=[XUNYANG], communities=[11]), 3),
        (home(bedrooms=2), wish(min_bedrooms=2), 1),
        (home(floor=5), wish(floor_min=3), 1),
        (home(floor=5), wish(floor_min=3, floor_max=4), 0),
        (home(lift=True), wish(lift=True), 1),
        (home(lift=True), wish(), 0),
        (
            home(community=11, bedrooms=3, floor=5, lift=True),
            wish(communities=[11], min_bedrooms=2, floor_max=9, lift=True),
            6,
        ),
    ],
)
def test_fit_points(the_home, the_wishes, points) -> None:
    assert fit_points(the_home, the_wishes) == points


@pytest.mark.parametrize(
    ("a_home", "a_wishes", "b_home", "b_wishes", "mutual"),
    [
        (
            home(district=XUNYANG),
            wish(districts=[LIANXI]),
            home(district=LIANXI, community=21),
            wish(districts=[XUNYANG]),
            True,
        ),
        # B would take A's home, but A does not want B's district
        (
            home(district=XUNYANG),
            wish(districts=[CHAISANG]),
            home(district=LIANXI, community=21),
            wish(districts=[XUNYANG]),
            False,
        ),
        # A wants B's home, B needs a lift A's home lacks
        (home(lift=False), wish(), home(district=LIANXI, community=21), wish(lift=True), False),
        # different guarantee types never match, even if the homes fit
        (home(), wish(), home(district=LIANXI, community=21, guarantee="lianzu"), wish(), False),
        (home(guarantee="lianzu"), wish(), home(district=LIANXI, guarantee="lianzu"), wish(), True),
        # 002 Q&A 10 ③: a 公租房 lease with a rent subsidy 享受租金补贴, like 廉租房
        (home(subsidy=25000), wish(), home(district=LIANXI, community=21), wish(), False),
        (
            home(subsidy=25000),
            wish(),
            home(district=LIANXI, community=21, guarantee="lianzu", subsidy=25000),
            wish(),
            True,
        ),
        (home(subsidy=25000), wish(), home(district=LIANXI, subsidy=18000), wish(), True),
    ],
)
def test_mutual(a_home, a_wishes, b_home, b_wishes, mutual) -> None:
    a = Party(1, 1, a_home, a_wishes)
    b = Party(2, 2, b_home, b_wishes)
    assert is_mutual(a, b) is mutual
    assert is_mutual(b, a) is mutual


def test_the_same_tenant_never_matches_themselves() -> None:
    assert not is_mutual(Party(1, 7, home(), wish()), Party(2, 7, home(), wish()))


def test_mutual_matches_best_first_then_newest() -> None:
    me = party(
        1,
        home_=home(district=XUNYANG, community=11),
        wishes_=wish(districts=[LIANXI], communities=[21]),
    )
    exact = party(
        2, home_=home(district=LIANXI, community=21), wishes_=wish(communities=[11])
    )  # 3 + 3
    district_only = party(
        3, home_=home(district=LIANXI, community=22), wishes_=wish(districts=[XUNYANG])
    )  # 2 + 2
    newer_same = party(
        4, home_=home(district=LIANXI, community=23), wishes_=wish(districts=[XUNYANG])
    )  # 2 + 2, newer id
    not_mutual = party(5, home_=home(district=CHAISANG, community=31), wishes_=wish())
    found = mutual_matches(me, [district_only, not_mutual, exact, newer_same, me])
    assert [(m.party.listing_id, m.score) for m in found] == [(2, 6), (4, 4), (3, 4)]


# A chain A -> B -> C -> A: A wants B's home, B wants C's, C wants A's.
A = party(1, home_=home(district=XUNYANG, community=11), wishes_=wish(districts=[LIANXI]))
B = party(2, home_=home(district=LIANXI, community=21), wishes_=wish(districts=[CHAISANG]))
C = party(3, home_=home(district=CHAISANG, community=31), wishes_=wish(districts=[XUNYANG]))


@pytest.mark.parametrize(
    ("viewer", "wanted", "wanting", "expected"),
    [
        # the chain, seen from each of its three members
        (A, [B], [C], [(2, 3)]),
        (B, [C], [A], [(3, 1)]),
        (C, [A], [B], [(1, 2)]),
        # B missing: no chain
        (A, [], [C], []),
        # C wants something else: no chain
        (A, [B], [party(3, home_=C.home, wishes_=wish(districts=[LIANXI]))], []),
        # B does not want C's home (needs a lift): no chain
        (A, [party(2, home_=B.home, wishes_=wish(districts=[CHAISANG], lift=True))], [C], []),
        # B and C belong to the same tenant: not three households
        (
            A,
            [party(2, 9, home_=B.home, wishes_=B.wishes)],
            [party(3, 9, home_=C.home, wishes_=C.wishes)],
            [],
        ),
        # another guarantee type in the middle: no chain
        (A, [party(2, home_=home(district=LIANXI, guarantee="lianzu"), wishes_=B.wishes)], [C], []),
        # a subsidised 公租房 tenant in the middle (002 Q&A 10 ③): no chain either
        (A, [party(2, home_=home(district=LIANXI, subsidy=25000), wishes_=B.wishes)], [C], []),
    ],
)
def test_three_way_chains(viewer, wanted, wanting, expected) -> None:
    chains = three_way_chains(viewer, wanted, wanting)
    assert [(c.gets.listing_id, c.gives_to.listing_id) for c in chains] == expected


def test_a_chain_with_a_direct_partner_is_left_out() -> None:
    # B also wants A's home: A and B can swap directly, so A -> B -> C -> A is not offered.
    b_direct = party(2, home_=B.home, wishes_=wish(districts=[CHAISANG, XUNYANG]))
    assert is_mutual(A, b_direct)
    assert three_way_chains(A, [b_direct], [C, b_direct]) == []


def test_chains_best_first_and_limited() -> None:
    wanted = [
        party(
            10 + i,
            home_=home(district=LIANXI, community=21 + i),
            wishes_=wish(districts=[CHAISANG]),
        )
        for i in range(4)
    ]
    wanting = [
        C,
        party(
            4,
            home_=home(district=CHAISANG, community=31, lift=True),
            wishes_=wish(communities=[11]),
        ),
    ]
    chains = three_way_chains(A, wanted, wanting, limit=3)
    assert len(chains) == 3
    # C' (listing 4) names A's community: 3 points beat C's district 2.
    assert all(chain.gives_to.listing_id == 4 for chain in chains)
    assert [c.gets.listing_id for c in chains] == [13, 12, 11]
