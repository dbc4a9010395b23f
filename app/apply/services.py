"""Creating and finding applications."""

from __future__ import annotations

from sqlalchemy import select

from app.apply.models import Application
from app.apply.prefill import category_from_answers, draft_data_from_answers
from app.audit.services import record
from app.eligibility.questionnaire import Answers
from app.extensions import db


def active_application(applicant_id: int) -> Application | None:
    return db.session.scalar(
        select(Application).where(
            Application.applicant_id == applicant_id, Application.active_slot == 1
        )
    )


def application_for(applicant_id: int, application_id: int) -> Application | None:
    """The application if it belongs to ``applicant_id``; None otherwise."""
    return db.session.scalar(
        select(Application).where(
            Application.id == application_id, Application.applicant_id == applicant_id
        )
    )


def start_from_eligibility(applicant_id: int, answers: Answers) -> tuple[Application, bool]:
    """A new draft prefilled from the questionnaire, or the existing active one.

    Returns ``(application, created)``; a resident has at most one active application.
    """
    existing = active_application(applicant_id)
    if existing is not None:
        return existing, False
    application = Application(
        applicant_id=applicant_id,
        category=category_from_answers(answers),
        data=draft_data_from_answers(answers),
        current_step="consent",
    )
    db.session.add(application)
    db.session.flush()
    record(
        "application.draft_created",
        actor_id=applicant_id,
        subject_type="application",
        subject_id=application.id,
        detail="prefilled from 资格自评",
    )
    db.session.commit()
    return application, True
