"""An objection's (异议) status table (``app.core.transitions``). Pure module: no Flask, no
database. The office running the publicity round decides it (app/apply/review.py): upheld
stops the application, dismissed lets the round run on."""

from __future__ import annotations

from app.apply.workflow import ReviewError
from app.auth.roles import Role
from app.core.transitions import Table, move
from app.labels import Labelled


class ObjectionStatus(Labelled):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


# The offices that run a round (workflow.ROUND_OFFICE); which one decides is the service's check.
OFFICES = frozenset({Role.STREET_REVIEWER, Role.DISTRICT_REVIEWER, Role.CITY_REVIEWER})

OBJECTIONS = Table(
    name="Objection.status",
    statuses=tuple(ObjectionStatus),
    moves=(
        *move("uphold", ObjectionStatus.OPEN, ObjectionStatus.UPHELD, OFFICES, "异议成立"),
        *move("dismiss", ObjectionStatus.OPEN, ObjectionStatus.DISMISSED, OFFICES, "异议不成立"),
    ),
    labels=lambda status: ObjectionStatus(status).label,
    audit="objection",
    subject="application",  # audited against the application (app/apply/review.py)
    stale="该异议已处理",
    error=ReviewError,
)
