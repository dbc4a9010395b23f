"""Exchange chains of up to five homes through one listing. Pure: no Flask, no database.

The board as a graph of who wants whose home: ``wants[a][b]`` says listing b's home suits
listing a (``matching.suits``) and how well (``Fit``). A chain of k homes through the
viewer v is a cycle v → x1 → … → x(k-1) → v: v moves into x1's home, x1 into x2's, and
the last household into v's. Two homes is a mutual match; chains have three to five, with
no household twice, and none of the viewer's mutual partners (a direct swap is simpler).

匹配度 is the share of the wishes met over every move of the chain: each household's
explicit wishes are weighed as in ``matching.fit_points``, and a chain whose households
asked for nothing specific is 100%. Best first: 匹配度, then fewer homes, then the newest
listings (higher ids).

Meet in the middle: paths of up to two moves out of the viewer and two moves into the
viewer are joined on a shared listing (four homes) or by one move between their ends
(three and five homes), so no path longer than two is ever walked.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise

MAX_HOMES = 5
SHOWN = 9


@dataclass(frozen=True, slots=True)
class Fit:
    """A home against one household's wishes: ``points`` of the ``wished`` most."""

    points: int
    wished: int


def share(fits: Iterable[Fit]) -> Fraction:
    """The share of the wishes met, over all ``fits`` (1 when nothing specific was asked)."""
    points = wished = 0
    for fit in fits:
        points += fit.points
        wished += fit.wished
    return Fraction(points, wished) if wished else Fraction(1)


def ratio(points: int, wished: int) -> float:
    """``share`` as a float, for ordering (1 when nothing specific was asked). Equal
    fractions divide to the same float, and shares of these small sums never differ by as
    little as 1e-15, so it orders as the fraction does; SQL divides the same way."""
    return points / wished if wished else 1.0


def as_percent(value: Fraction) -> int:
    """匹配度 as shown: whole percent, rounded down so it never claims more than is met."""
    return int(value * 100)


@dataclass
class Graph:
    """``wants[a][b]``: b's home suits a, with its ``Fit``; ``tenant_of`` each listing's
    household. ``wanted_by`` is the same moves seen from the home's side."""

    wants: Mapping[int, Mapping[int, Fit]]
    tenant_of: Mapping[int, int]
    wanted_by: dict[int, dict[int, Fit]] = field(init=False)

    def __post_init__(self) -> None:
        self.wanted_by = defaultdict(dict)
        for wanter, homes in self.wants.items():
            for home, fit in homes.items():
                self.wanted_by[home][wanter] = fit

    def fit(self, wanter: int, home: int) -> Fit:
        return self.wants[wanter][home]

    def mutual_partners(self, viewer: int) -> set[int]:
        return {
            other
            for other in self.wants.get(viewer, {})
            if viewer in self.wants.get(other, {})
            and self.tenant_of.get(other) != self.tenant_of.get(viewer)
        }


@dataclass(frozen=True, slots=True)
class Chain:
    """``homes``: the listings after the viewer, in the order the households move: the
    viewer into ``homes[0]``, ``homes[0]`` into ``homes[1]``, …, the last into the viewer's.
    ``fits[i]`` is the i-th move (the viewer's first)."""

    homes: tuple[int, ...]
    fits: tuple[Fit, ...]

    @property
    def size(self) -> int:
        """How many homes (and households) take part."""
        return len(self.homes) + 1

    @property
    def share(self) -> Fraction:
        return share(self.fits)

    @property
    def percent(self) -> int:
        return as_percent(self.share)


def order_key(
    points: int, wished: int, homes: tuple[int, ...]
) -> tuple[float, int, tuple[int, ...]]:
    """Best first: 匹配度, then fewer homes, then the newest listings."""
    return (-ratio(points, wished), len(homes), tuple(-h for h in homes))


def rank_key(chain: Chain) -> tuple[float, int, tuple[int, ...]]:
    points = sum(fit.points for fit in chain.fits)
    return order_key(points, sum(fit.wished for fit in chain.fits), chain.homes)


def chain_of(graph: Graph, viewer: int, homes: tuple[int, ...]) -> Chain:
    cycle = (viewer, *homes, viewer)
    return Chain(homes, tuple(graph.fit(a, b) for a, b in pairwise(cycle)))


def chains_through(
    graph: Graph,
    viewer: int,
    *,
    max_homes: int = MAX_HOMES,
    limit: int = SHOWN,
    partners: Collection[int] | None = None,
) -> list[Chain]:
    """The best ``limit`` chains of three to ``max_homes`` homes through ``viewer``;
    ``partners``, the viewer's mutual matches, when ``graph`` holds only part of them."""
    tenant_of = graph.tenant_of
    if partners is None:
        partners = graph.mutual_partners(viewer)
    skip = {*partners, viewer}
    own = tenant_of[viewer]

    def usable(listing: int) -> bool:
        return listing not in skip and tenant_of.get(listing, own) != own

    def distinct(*listings: int) -> bool:
        return len({tenant_of[x] for x in listings}) == len(listings)

    firsts = [a for a in graph.wants.get(viewer, {}) if usable(a)]
    lasts = {z for z in graph.wanted_by.get(viewer, {}) if usable(z)}
    # Two moves out of the viewer, by where they end: ends[b] = [a, …] for v → a → b.
    ends: dict[int, list[int]] = defaultdict(list)
    for a in firsts:
        for b in graph.wants.get(a, {}):
            if usable(b) and distinct(a, b):
                ends[b].append(a)
    # Two moves into the viewer, by where they start: starts[c] = [d, …] for c → d → v.
    starts: dict[int, list[int]] = defaultdict(list)
    if max_homes >= 4:
        for d in lasts:
            for c in graph.wanted_by.get(d, {}):
                if usable(c) and distinct(c, d):
                    starts[c].append(d)
    found: list[tuple[int, ...]] = []
    # Three homes, v → a → b → v: a two-move path out that ends where the viewer is wanted.
    if max_homes >= 3:
        for b, befores in ends.items():
            if b in lasts:
                found += [(a, b) for a in befores]
    # Four homes, v → a → m → d → v: the two halves meet on m.
    if max_homes >= 4:
        for m, befores in ends.items():
            for d in starts.get(m, ()):
                found += [(a, m, d) for a in befores if distinct(a, m, d)]
    # Five homes, v → a → b → c → d → v: one move b → c joins the halves.
    if max_homes >= 5:
        for b, befores in ends.items():
            for c in graph.wants.get(b, {}):
                for d in starts.get(c, ()):
                    found += [(a, b, c, d) for a in befores if distinct(a, b, c, d)]
    wants = graph.wants

    def key(homes: tuple[int, ...]) -> tuple[float, int, tuple[int, ...]]:
        # ``rank_key`` without building every chain
        points = wished = 0
        wanter = viewer
        for home in (*homes, viewer):
            fit = wants[wanter][home]
            points += fit.points
            wished += fit.wished
            wanter = home
        return order_key(points, wished, homes)

    best = heapq.nsmallest(limit, found, key=key)
    return [chain_of(graph, viewer, homes) for homes in best]
