"""Who could swap with whom. Pure module: no Flask, no database.

A listing is a home (its facts, from the lease) and wishes (where and what the tenant
wants). Listing B *suits* A when B's home fits A's wishes. A and B *match mutually* when
each suits the other. A *three-way chain* A → B → C → A is three listings where A's
home suits C, C's suits B and B's suits A: each moves one step along and everyone gets a
home they asked for, though no two of them would swap directly; ``chains`` finds those of up
to five homes on the stored matches (``match_store``).

Only tenants of the same 保障类型 can swap: those who 享受租金补贴 (every 廉租房 lease and
a 公租房 lease with a subsidy) only among themselves, the others only among themselves
(002 Q&A 10 ③; ``eligibility.enjoys_rent_subsidy``), so every pair here is checked for that.

The SQL in ``board`` mirrors ``fits``, ``fit_points`` and the subsidy rule to narrow 50,000 listings down
before these functions decide; tests keep the two in step.
"""

from __future__ import annotations

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


def wished_points(wishes: Wishes) -> int:
    """The most ``fit_points`` any home could score against ``wishes``."""
    area = (
        COMMUNITY_POINTS if wishes.community_ids else DISTRICT_POINTS if wishes.district_ids else 0
    )
    floor = wishes.floor_min is not None or wishes.floor_max is not None
    return (
        area
        + (LAYOUT_POINTS if wishes.min_bedrooms is not None else 0)
        + (FLOOR_POINTS if floor else 0)
        + (LIFT_POINTS if wishes.needs_lift else 0)
    )


def met_wishes(home: Home, wishes: Wishes) -> tuple[str, ...]:
    """The explicit wishes ``home`` meets, as a tenant would say them (for a match card)."""
    met = []
    if home.community_id in wishes.community_ids:
        met.append("想去的小区")
    elif home.district_id in wishes.district_ids:
        met.append("想去的区")
    if wishes.min_bedrooms is not None and home.bedrooms >= wishes.min_bedrooms:
        met.append(f"{wishes.min_bedrooms}室及以上")
    if (wishes.floor_min is not None or wishes.floor_max is not None) and (
        (wishes.floor_min is None or home.floor >= wishes.floor_min)
        and (wishes.floor_max is None or home.floor <= wishes.floor_max)
    ):
        met.append("楼层")
    if wishes.needs_lift and home.has_lift:
        met.append("有电梯")
    return tuple(met)


def can_pair(a: Party, b: Party) -> bool:
    """Two different tenants of the same 保障类型: both 享受租金补贴, or neither."""
    return a.tenant_id != b.tenant_id and a.home.enjoys_rent_subsidy == b.home.enjoys_rent_subsidy


def suits(candidate: Party, viewer: Party) -> bool:
    """``candidate``'s home is one ``viewer`` asked for."""
    return can_pair(viewer, candidate) and fits(candidate.home, viewer.wishes)


def is_mutual(a: Party, b: Party) -> bool:
    return suits(b, a) and suits(a, b)
