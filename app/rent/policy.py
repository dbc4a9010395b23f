"""Rent policy in force: settings and policy figures (due day, late fees, arrears
thresholds, how long an online order stays open), and who gets the subsidy paid out.

Policy figures are declared with their defaults in ``app.config.policy``; the
money rules themselves live in the pure modules ``billing`` and ``fees``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app

from app.config import policy as policy_parameters
from app.housing.models import GuaranteeType, Lease
from app.rent.fees import LateFeePolicy
from app.rent.models import NoticeKind

MESSAGE_CATEGORY = "租金"


def setting(name: str) -> Any:
    """A rent setting that is not a policy figure (payment provider ...), declared in
    ``app/config/settings.py``. Policy figures come from ``policy_figure``."""
    return current_app.config[name]


def policy_figure(key: str) -> Any:
    """A figure of ``app.config.policy`` in force (config, environment, default)."""
    return policy_parameters.value(current_app.config, key)


def late_fee_policy() -> LateFeePolicy:
    return LateFeePolicy.from_config(current_app.config)


def due_day() -> int:
    return int(policy_figure("RENT_DUE_DAY"))


def arrears_thresholds() -> tuple[tuple[int, NoticeKind], ...]:
    """The months of arrears that trigger a reminder, and the notice each sends."""
    return (
        (int(policy_figure("RENT_ARREARS_WARNING_MONTHS")), NoticeKind.ARREARS_3),
        (reclaim_months(), NoticeKind.ARREARS_6),
    )


def reclaim_months() -> int:
    """Months of arrears after which the home may be reclaimed (收回)."""
    return int(policy_figure("RENT_ARREARS_RECLAIM_MONTHS"))


def payment_ttl() -> timedelta:
    minutes = setting("RENT_PAYMENT_TTL_MINUTES")
    return timedelta(minutes=int(minutes))


def subsidy_paid_out(lease: Lease) -> bool:
    """廉租房·租金补贴 households get their subsidy paid to them; it is not taken off bills."""
    return lease.guarantee_type == GuaranteeType.LIANZU
