"""The swap board's filters, read from a query string. Pure module: no Flask.

Every filter lives in the URL, so a filtered board can be shared, bookmarked and
refreshed; unknown or malformed values are dropped rather than refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from app.core.numbers import MAX_ID, NumberError, int_or_none, parse_decimal
from app.swap.eligibility import UNSUBSIDISED

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_KEYWORDS = 5

SORTS = {"newest": "最新发布", "match": "最匹配"}
LAYOUTS = {"1": "1室", "2": "2室", "3": "3室及以上"}
# name: (label, lowest floor, highest floor or None)
FLOOR_BANDS: dict[str, tuple[str, int, int | None]] = {
    "low": ("低楼层（1-3层）", 1, 3),
    "mid": ("中楼层（4-9层）", 4, 9),
    "high": ("高楼层（10层及以上）", 10, None),
}
# 保障类型 as the swap rule reads it (002 Q&A 10 ③): whether the tenancy 享受租金补贴.
# The keys are the old guarantee-type values, so shared links keep working.
SUBSIDISED = "lianzu"
GUARANTEES = {"gongzu": UNSUBSIDISED, SUBSIDISED: "享受租金补贴（含廉租房）"}


# The board's filters come from its own links and selects: a value that is not one of
# them (edited by hand, an old bookmark) is dropped, so the board still shows.
def _positive_int(value: str | None) -> int | None:
    return int_or_none(value, minimum=1, maximum=MAX_ID)


def _area(value: str | None) -> int | None:
    try:
        number = parse_decimal(value, places=2, minimum=Decimal("0.01"), maximum=1000)
    except NumberError:
        return None
    return int(number)


@dataclass(frozen=True)
class BrowseFilters:
    q: str = ""
    district: int | None = None
    community: int | None = None
    layout: str = ""
    area_min: int | None = None
    area_max: int | None = None
    floor: str = ""
    lift: bool = False
    guarantee: str = ""
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> BrowseFilters:
        area_min, area_max = _area(args.get("area_min")), _area(args.get("area_max"))
        if area_min and area_max and area_min > area_max:
            area_min, area_max = area_max, area_min
        layout = args.get("layout", "")
        floor = args.get("floor", "")
        guarantee = args.get("guarantee", "")
        sort = args.get("sort", "newest")
        return cls(
            q=" ".join((args.get("q") or "").split())[:40],
            district=_positive_int(args.get("district")),
            community=_positive_int(args.get("community")),
            layout=layout if layout in LAYOUTS else "",
            area_min=area_min,
            area_max=area_max,
            floor=floor if floor in FLOOR_BANDS else "",
            lift=args.get("lift") == "1",
            guarantee=guarantee if guarantee in GUARANTEES else "",
            sort=sort if sort in SORTS else "newest",
            page=min(_positive_int(args.get("page")) or 1, MAX_PAGE),
        )

    @property
    def keywords(self) -> list[str]:
        """Lower-cased search words (all must appear), at most ``MAX_KEYWORDS``."""
        return [word.lower() for word in self.q.split()][:MAX_KEYWORDS]

    @property
    def floor_range(self) -> tuple[int, int | None] | None:
        if not self.floor:
            return None
        _label, low, high = FLOOR_BANDS[self.floor]
        return low, high

    @property
    def is_filtered(self) -> bool:
        return self.with_page(1) != BrowseFilters(sort=self.sort)

    def with_page(self, page: int) -> BrowseFilters:
        return replace(self, page=page)

    def args(self, **changes: object) -> dict[str, Any]:
        """Query arguments for a link to these filters with ``changes``; defaults left out.
        Typed as ``url_for``'s ``**values`` (``Any``), the only place they go."""
        values = {**asdict(self), **changes}
        defaults = asdict(BrowseFilters())
        result: dict[str, Any] = {}
        for key, value in values.items():
            if value == defaults[key] or value is None or value == "":
                continue
            result[key] = "1" if value is True else value
        return result
