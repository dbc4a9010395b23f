"""Who could swap with whom. Pure module: no Flask, no database.

A listing is a home (its facts, from the lease) and wishes (where and what the tenant
wants). Listing B *suits* A when B's home fits A's wishes. A and B *match mutually* when
each suits the other. A *three-way chain* A → B → C → A is three listings where A's
home suits C, C's suits B and B's suits A: each moves one step along and everyone gets a
home they asked for, though no two of them would swap directly.

Only tenants of the same 保障类型 can swap: those who 享受租金补贴 (every 廉租房 lease and
a 公租房 lease with a subsidy) only among themselves, the others only among themselves
(002 Q&A 10 ③; ``eligibility.enjoys_rent_subsidy``), so every pair here is checked for that.

The SQL in ``board`` mirrors ``fits``, ``fit_points`` and the subsidy rule to narrow 50,000 listings down
before these functions decide; tests keep the two in step.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.swap.eligibility import enjoys_rent_subsidy

# Points for each explicit wish a home satisfies; a home that satisfies more of what its
# viewer spelled out ranks higher. An area named by community is worth more than a district.
COMMUNITY_POINTS = 3
DISTRICT_POINTS = 2
LAYOUT_POINTS = 1
FLOOR_POINTS = 1
LIFT_POINTS = 1


@dataclass(frozen=True, slots=True)
class Home:
    district_id: int
    community_id: int
    bedrooms: int
    floor: int
    has_lift: bool
    guarantee_type: str
    monthly_subsidy_fen: int = 0  # the lease's current 租金补贴

    @property
    def enjoys_rent_subsidy(self) -> bool:
        return enjoys_rent_subsidy(self.guarantee_type, self.monthly_subsidy_fen)


@dataclass(frozen=True, slots=True)
class Wishes:
    district_ids: frozenset[int] = frozenset()
    community_ids: frozenset[int] = frozenset()
    min_bedrooms: int | None = None
    floor_min: int | None = None
    floor_max: int | None = None
    needs_lift: bool = False

    @property
    def any_area(self) -> bool:
        return not self.district_ids and not self.community_ids


@dataclass(frozen=True, slots=True)
class Party:
    """One live listing as matching sees it."""

    listing_id: int
    tenant_id: int
    home: Home
    wishes: Wishes


def in_wished_area(home: Home, wishes: Wishes) -> bool:
    return (
        wishes.any_area
        or home.district_id in wishes.district_ids
        or home.community_id in wishes.community_ids
    )


def fits_apart_from_area(home: Home, wishes: Wishes) -> bool:
    """Layout, floor and lift: every wish but where."""
    return (
        (wishes.min_bedrooms is None or home.bedrooms >= wishes.min_bedrooms)
        and (wishes.floor_min is None or home.floor >= wishes.floor_min)
        and (wishes.floor_max is None or home.floor <= wishes.floor_max)
        and (not wishes.needs_lift or home.has_lift)
    )


def fits(home: Home, wishes: Wishes) -> bool:
    """True when ``home`` satisfies every one of ``wishes``."""
    return in_wished_area(home, wishes) and fits_apart_from_area(home, wishes)


def fit_points(home: Home, wishes: Wishes) -> int:
    """How many of the explicit wishes ``home`` satisfies, weighted (0 when none are given)."""
    points = 0
    if home.community_id in wishes.community_ids:
        points += COMMUNITY_POINTS
    elif home.district_id in wishes.district_ids:
        points += DISTRICT_POINTS
    if wishes.min_bedrooms is not None and home.bedrooms >= wishes.min_bedrooms:
        points += LAYOUT_POINTS
    if (wishes.floor_min is not None or wishes.floor_max is not None) and (
        (wishes.floor_min is None or home.floor >= wishes.floor_min)
        and (wishes.floor_max is None or home.floor <= wishes.floor_max)
    ):
        points += FLOOR_POINTS
    if wishes.needs_lift and home.has_lift:
        points += LIFT_POINTS
    return points


def can_pair(a: Party, b: Party) -> bool:
    """Two different tenants of the same 保障类型: both 享受租金补贴, or neither."""
    return a.tenant_id != b.tenant_id and a.home.enjoys_rent_subsidy == b.home.enjoys_rent_subsidy


def suits(candidate: Party, viewer: Party) -> bool:
    """``candidate``'s home is one ``viewer`` asked for."""
    return can_pair(viewer, candidate) and fits(candidate.home, viewer.wishes)


def is_mutual(a: Party, b: Party) -> bool:
    return suits(b, a) and suits(a, b)


@dataclass(frozen=True, slots=True)
class Match:
    party: Party
    score: int  # both directions' fit points


def mutual_score(viewer: Party, other: Party) -> int:
    return fit_points(other.home, viewer.wishes) + fit_points(viewer.home, other.wishes)


def mutual_matches(viewer: Party, candidates: Iterable[Party]) -> list[Match]:
    """Candidates that match ``viewer`` both ways, best first (newest first on a tie)."""
    found = [
        Match(other, mutual_score(viewer, other))
        for other in candidates
        if other.listing_id != viewer.listing_id and is_mutual(viewer, other)
    ]
    return sorted(found, key=lambda match: (-match.score, -match.party.listing_id))


@dataclass(frozen=True, slots=True)
class Chain:
    """``viewer`` → ``gets`` → ``gives_to`` → ``viewer``: the viewer moves into ``gets``'s
    home, ``gets``'s tenant into ``gives_to``'s, and ``gives_to``'s tenant into the viewer's."""

    gets: Party
    gives_to: Party
    score: int


def three_way_chains(
    viewer: Party,
    wanted: Sequence[Party],
    wanting: Sequence[Party],
    *,
    limit: int = 10,
) -> list[Chain]:
    """Chains through one listing ``viewer`` wants (``wanted``: their home suits the viewer)
    and one that wants the viewer's home (``wanting``), where the first wants the second's.

    Pairs that could swap with the viewer directly are left out: a direct swap is simpler.
    Best first: the fit points of all three moves, then the newest listings.
    """
    direct = {p.listing_id for p in wanted if suits(viewer, p)} | {
        p.listing_id for p in wanting if suits(p, viewer)
    }
    gets_side = [p for p in wanted if p.listing_id not in direct and suits(p, viewer)]
    gives_side = [p for p in wanting if p.listing_id not in direct and suits(viewer, p)]
    by_district: dict[int, list[Party]] = defaultdict(list)
    by_community: dict[int, list[Party]] = defaultdict(list)
    for party in gives_side:
        by_district[party.home.district_id].append(party)
        by_community[party.home.community_id].append(party)
    # The points of the first and last moves depend on one listing each: work them out once.
    gets_points = {p.listing_id: fit_points(p.home, viewer.wishes) for p in gets_side}
    gives_points = {p.listing_id: fit_points(viewer.home, p.wishes) for p in gives_side}
    chains: list[Chain] = []
    # Both sides share the viewer's subsidy status, and ``_homes_in_area`` yields only homes
    # in the area ``gets`` wished for: what is left to check is the rest of its wishes.
    for gets in gets_side:
        for gives_to in _homes_in_area(gets.wishes, gives_side, by_district, by_community):
            if (
                gives_to.listing_id == gets.listing_id
                or gives_to.tenant_id in (viewer.tenant_id, gets.tenant_id)
                or not fits_apart_from_area(gives_to.home, gets.wishes)
            ):
                continue
            score = (
                gets_points[gets.listing_id]
                + fit_points(gives_to.home, gets.wishes)
                + gives_points[gives_to.listing_id]
            )
            chains.append(Chain(gets, gives_to, score))
    return heapq.nsmallest(
        limit, chains, key=lambda c: (-c.score, -c.gets.listing_id, -c.gives_to.listing_id)
    )


def _homes_in_area(
    wishes: Wishes,
    parties: list[Party],
    by_district: dict[int, list[Party]],
    by_community: dict[int, list[Party]],
) -> Iterable[Party]:
    """The parties whose home lies in the wished area (each once)."""
    if wishes.any_area:
        return parties
    seen: dict[int, Party] = {}
    for district_id in wishes.district_ids:
        for party in by_district.get(district_id, ()):
            seen[party.listing_id] = party
    for community_id in wishes.community_ids:
        for party in by_community.get(community_id, ()):
            seen[party.listing_id] = party
    return seen.values()
