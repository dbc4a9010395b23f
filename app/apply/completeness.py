"""Is the application complete enough to submit? One answer, used by the review page, the
submit view and :func:`app.apply.declaration.submit` (which refuses while anything is missing).

Read-only: nothing here writes to the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.apply.models import Application, ApplicationFile, Consent
from app.apply.steps import FLOW, ApplicationFacts
from app.auth.models import User
from app.extensions import db
from app.handoff.purposes import APPLY_IDENTITY
from app.handoff.services import passed_verification

SIGNATURE_KEY = "signature"


@dataclass(frozen=True)
class SubmissionProblem:
    """One reason the application cannot be submitted yet."""

    step: str  # the wizard step (app.apply.steps.FLOW) where the person fixes it
    message: str


def has_consent(application: Application) -> bool:
    consent_id = application.data.get("consent_id")
    return bool(consent_id) and db.session.get(Consent, consent_id) is not None


def identity_verified(application: Application, user: User) -> bool:
    """Whether ``user`` passed the face check for this application."""
    return passed_verification(user.id, APPLY_IDENTITY, application.id) is not None


def uploaded_keys(application: Application) -> set[str]:
    return {file.material_key for file in application.files}


def signature_file(application: Application) -> ApplicationFile | None:
    return next((f for f in application.files if f.material_key == SIGNATURE_KEY), None)


def facts(application: Application, user: User) -> ApplicationFacts:
    """What the wizard's steps (app.apply.steps.FLOW) read, from the stored application."""
    return ApplicationFacts(
        consented=has_consent(application),
        region_confirmed=application.region_confirmed_at is not None,
        identity_verified=identity_verified(application, user),
        category=application.category,
        guarantee_mode=application.guarantee_mode,
        data=application.data or {},
        signed=signature_file(application) is not None,
        uploaded=frozenset(uploaded_keys(application)),
    )


def submission_problems(application: Application, user: User) -> list[SubmissionProblem]:
    """Every reason ``user`` cannot submit ``application`` yet, in the wizard's order."""
    return [
        SubmissionProblem(step.id, message)
        for step, message in FLOW.missing(facts(application, user))
    ]
