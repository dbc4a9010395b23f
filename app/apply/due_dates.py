"""Review due dates of an application: the one running now (``current_due_on``), and the
ones left open because the calendar did not cover them then, filled in once it does.
"""

from __future__ import annotations

from sqlalchemy import select

from app.apply import workflow
from app.apply.models import CLOSED_STATUSES, Application
from app.apply.review_policy import review_policy
from app.extensions import db


def refresh_current_due(application: Application) -> None:
    application.current_due_on = workflow.current_due(
        application.status, application.legal_due_on, application.civil_check_due_on
    )


# -- deadlines the calendar could not compute before -----------------------------------


def fill_missing_due_dates() -> int:
    """Compute due dates left open because the calendar did not cover them then.

    Runs on every queue view, so it reads only the dates (not whole applications) and
    loads an application only once its deadline has become computable."""
    candidates = db.session.execute(
        select(
            Application.id,
            Application.accepted_on,
            Application.legal_due_on,
            Application.civil_check_started_on,
            Application.civil_check_due_on,
            Application.category,
            Application.status,
            Application.review_track,
        ).where(
            Application.status.notin_(list(CLOSED_STATUSES)),
            (
                (Application.accepted_on.is_not(None) & Application.legal_due_on.is_(None))
                | (
                    Application.civil_check_started_on.is_not(None)
                    & Application.civil_check_due_on.is_(None)
                )
            ),
        )
    ).all()
    changed = 0
    policy = review_policy()
    for row in candidates:
        legal = row.legal_due_on
        if legal is None and row.accepted_on:
            track = policy.track(workflow.programme_for(row.category), row.status, row.review_track)
            legal = workflow.legal_due(row.accepted_on, track, policy)
        civil = row.civil_check_due_on
        if civil is None and row.civil_check_started_on:
            civil = workflow.civil_check_due(row.civil_check_started_on, policy)
        if (legal, civil) == (row.legal_due_on, row.civil_check_due_on):
            continue
        application = db.session.get(Application, row.id, with_for_update=True)
        if application is None:
            continue
        application.legal_due_on, application.civil_check_due_on = legal, civil
        refresh_current_due(application)
        changed += 1
    if changed:
        db.session.commit()
    return changed
