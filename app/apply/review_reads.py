"""What the review reads: an application within the staff member's role and scope, its
applicant, street, publicity rounds and certificate; and the staff reads of resident data
that must be on record (the audit log).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.apply import scope, workflow
from app.apply.models import Application
from app.apply.publicity.models import PublicityRound, QualificationCertificate
from app.apply.workflow import Programme
from app.audit.services import record
from app.auth.models import User
from app.extensions import db
from app.housing.models import Street

# -- finding -----------------------------------------------------------------------


def application_for_staff(user: User, application_id: int) -> Application | None:
    """The application if ``user``'s role and scope cover it; None otherwise (-> 404)."""
    return db.session.scalar(
        select(Application).where(Application.id == application_id, scope.application_filter(user))
    )


def programme_of(application: Application) -> Programme:
    return workflow.programme_for(application.category)


def applicant_of(application: Application) -> User:
    return db.session.get_one(User, application.applicant_id)


def street_of(application: Application) -> Street | None:
    return db.session.get(Street, application.street_id) if application.street_id else None


def rounds_of(application: Application) -> list[PublicityRound]:
    return list(
        db.session.scalars(
            select(PublicityRound)
            .where(PublicityRound.application_id == application.id)
            .order_by(PublicityRound.id)
        )
    )


def open_round(application: Application) -> PublicityRound | None:
    return db.session.scalar(
        select(PublicityRound).where(
            PublicityRound.application_id == application.id,
            PublicityRound.finished_on.is_(None),
        )
    )


def actors_of(application: Application) -> dict[int, User]:
    """The accounts named in the application's history, by id."""
    ids = {event.actor_id for event in application.events if event.actor_id}
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def certificate_of(application: Application) -> QualificationCertificate | None:
    return db.session.scalar(
        select(QualificationCertificate).where(
            QualificationCertificate.application_id == application.id
        )
    )


# -- reads that must be on record ------------------------------------------------------


def note_read(user: User, application: Application, what: str, *, ip: str | None) -> None:
    """Audit a staff read of resident data: ``viewed``, ``pii_revealed`` or ``file_viewed``."""
    record(
        f"application.{what}",
        actor_id=user.id,
        subject_type="application",
        subject_id=application.id,
        detail=what,
        ip=ip,
    )
    db.session.commit()


def revealed_ids(application: Application) -> dict[str, str]:
    """Full ID numbers of the applicant and co-applicants, by ``applicant`` / member uid."""
    vault = current_app.extensions["pii_vault"]
    applicant = applicant_of(application)
    revealed = {}
    if applicant.id_number_encrypted:
        revealed["applicant"] = vault.decrypt(applicant.id_number_encrypted)
    for member in (application.data or {}).get("members", []):
        if member.get("id_encrypted"):
            revealed[member["uid"]] = vault.decrypt(member["id_encrypted"])
    return revealed
