"""Late fees (滞纳金). Pure module, no Flask.

The figures are ``RENT_LATE_FEE_DAILY_RATE`` and ``RENT_GRACE_DAYS``, declared with their
defaults and sources in ``app.config.policy``:

* a bill is overdue from the day after its due date;
* no fee is charged for the first ``grace_days`` overdue days;
* from the day after the grace period, the fee is ``daily_rate`` of the
  overdue principal per day: the bill's rent + property fee - subsidy, never the late fee
  itself (no compounding);
* the fee is computed once for the whole period, rounded half up to the fen, and capped so
  it never exceeds the principal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from app.config import policy as policy_parameters

_MAX_DAILY_RATE = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class LateFeePolicy:
    daily_rate: Decimal = Decimal(policy_parameters.default("RENT_LATE_FEE_DAILY_RATE"))
    grace_days: int = policy_parameters.default("RENT_GRACE_DAYS")

    def __post_init__(self) -> None:
        if not isinstance(self.daily_rate, Decimal):
            raise TypeError("daily_rate must be a Decimal, never a float")
        if not Decimal(0) <= self.daily_rate <= _MAX_DAILY_RATE:
            raise ValueError(f"daily_rate {self.daily_rate} outside 0..{_MAX_DAILY_RATE}")
        if self.grace_days < 0:
            raise ValueError("grace_days must not be negative")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LateFeePolicy:
        """Read ``RENT_LATE_FEE_DAILY_RATE`` (a decimal string) and ``RENT_GRACE_DAYS``."""
        raw_rate = policy_parameters.value(config, "RENT_LATE_FEE_DAILY_RATE")
        if isinstance(raw_rate, float):
            raise TypeError("RENT_LATE_FEE_DAILY_RATE must be a string such as '0.0005'")
        try:
            rate = Decimal(str(raw_rate))
        except InvalidOperation as error:
            raise ValueError(f"RENT_LATE_FEE_DAILY_RATE {raw_rate!r} is not a number") from error
        grace_days = int(policy_parameters.value(config, "RENT_GRACE_DAYS"))
        return cls(daily_rate=rate, grace_days=grace_days)

    @property
    def rate_label(self) -> str:
        """``0.0005`` -> ``0.05%``."""
        percent = (self.daily_rate * 100).normalize()
        return f"{percent:f}%"


DEFAULT_POLICY = LateFeePolicy()


def days_overdue(due_date: date, as_of: date) -> int:
    """Days past the due date (0 on or before it)."""
    return max((as_of - due_date).days, 0)


def chargeable_days(due_date: date, as_of: date, policy: LateFeePolicy = DEFAULT_POLICY) -> int:
    """Overdue days after the grace period, the days a fee is charged for."""
    return max(days_overdue(due_date, as_of) - policy.grace_days, 0)


def late_fee_fen(
    principal_fen: int, due_date: date, as_of: date, policy: LateFeePolicy = DEFAULT_POLICY
) -> int:
    """The late fee on ``principal_fen`` unpaid since ``due_date``, as of ``as_of``."""
    if principal_fen <= 0:
        return 0
    days = chargeable_days(due_date, as_of, policy)
    if days == 0:
        return 0
    fee = (Decimal(principal_fen) * policy.daily_rate * days).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return min(int(fee), principal_fen)
