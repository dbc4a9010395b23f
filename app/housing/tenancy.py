"""Rules about lease periods and a term's prices. Pure module, no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.labels import Labelled


class GuaranteeType(Labelled):
    """A lease's 保障类型; also the programme an application is for (公租房, or 廉租房: 公租房
    with a rent subsidy, for 民政-recognised low-income households)."""

    GONGZU = "gongzu", "公租房"
    LIANZU = "lianzu", "廉租房·租金补贴"


@dataclass(frozen=True, slots=True)
class RenewalWindow:
    opens_on: date
    lease_ends_on: date

    def is_open(self, today: date) -> bool:
        return self.opens_on <= today <= self.lease_ends_on

    def days_left(self, today: date) -> int:
        return (self.lease_ends_on - today).days


def renewal_window(lease_ends_on: date, window_days: int) -> RenewalWindow:
    """Renewal may be applied for from ``window_days`` before the lease ends
    (``RENEWAL_WINDOW_DAYS`` in ``app.config.policy``)."""
    return RenewalWindow(
        opens_on=lease_ends_on - timedelta(days=window_days), lease_ends_on=lease_ends_on
    )


@dataclass(frozen=True)
class Prices:
    """A term's monthly prices, in fen."""

    monthly_rent_fen: int
    property_fee_fen: int
    monthly_subsidy_fen: int
