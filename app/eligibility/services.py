"""Keeping questionnaire answers (session for everyone, database for signed-in users)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.eligibility.household import parse_household
from app.eligibility.models import EligibilityAnswers
from app.eligibility.questionnaire import to_household
from app.eligibility.questions import Answers
from app.eligibility.rules import Assessment, assess
from app.extensions import db


def saved_answers(user_id: int) -> Answers:
    row = db.session.scalar(select(EligibilityAnswers).where(EligibilityAnswers.user_id == user_id))
    return dict(row.answers) if row else {}


def save_answers(user_id: int, answers: Answers) -> None:
    row = db.session.scalar(select(EligibilityAnswers).where(EligibilityAnswers.user_id == user_id))
    if row is None:
        db.session.add(EligibilityAnswers(user_id=user_id, answers=dict(answers)))
    else:
        row.answers = dict(answers)
    db.session.commit()


def clear_answers(user_id: int) -> None:
    row = db.session.scalar(select(EligibilityAnswers).where(EligibilityAnswers.user_id == user_id))
    if row is not None:
        db.session.delete(row)
        db.session.commit()


def assess_answers(answers: Answers) -> Assessment:
    """Run the one rules engine on completed questionnaire answers."""
    household: dict[str, Any] = to_household(answers)
    return assess(parse_household(household))
