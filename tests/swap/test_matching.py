"""Matching rules as tables: fits, fit points, mutual matches, the wishes a home meets."""

from __future__ import annotations

import pytest

from app.swap.matching import (
    Home,
    Party,
    Wishes,
    fit_points,
    fits,
    is_mutual,
    met_wishes,
    wished_points,
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


@pytest.mark.parametrize(
    ("the_home", "the_wishes", "wished", "met"),
    [
        (home(), wish(), 0, ()),  # nothing specific asked for
        (home(district=XUNYANG), wish(districts=[XUNYANG]), 2, ("想去的区",)),
        # a community named counts more; the home in the district only meets part of it
        (home(community=11), wish(districts=[XUNYANG], communities=[11]), 3, ("想去的小区",)),
        (home(community=12), wish(districts=[XUNYANG], communities=[11]), 3, ("想去的区",)),
        (home(bedrooms=3, floor=4), wish(min_bedrooms=2, floor_min=2), 2, ("2室及以上", "楼层")),
        (home(lift=True), wish(lift=True, floor_max=2), 2, ("有电梯",)),
    ],
)
def test_wished_points_and_met_wishes(the_home, the_wishes, wished, met) -> None:
    assert wished_points(the_wishes) == wished
    assert met_wishes(the_home, the_wishes) == met
    assert fit_points(the_home, the_wishes) <= wished
