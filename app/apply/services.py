"""State changes of an application: finding it, starting a draft, saving the draft, consent
and region. Members, assets, files, submission and withdrawal are in
``app.apply.declaration``.

Every draft change goes through :func:`app.apply.saving.save_fields`: field by field,
against the version the page's data came from, so two devices editing the same draft
never silently overwrite each other (see :mod:`app.apply.drafts`).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from app.apply import saving
from app.apply.drafts import Merge, Stamp
from app.apply.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    ApplicationStatus,
    Consent,
)
from app.apply.prefill import category_from_answers, draft_data_from_answers
from app.apply.steps import FLOW
from app.audit.services import record
from app.auth.models import User
from app.core.clock import utcnow
from app.eligibility.questions import Answers
from app.extensions import db
from app.housing.models import Street

__all__ = ["DraftConflict", "Stamp", "VersionConflict"]  # what views catch and build
DraftConflict = saving.DraftConflict
VersionConflict = saving.VersionConflict

CONSENT_AGREEMENT = "service_authorisation"
CONSENT_VERSION = "2025-07"
CONSENT_SCOPES = ("identity", "face", "finances")


class ApplicationError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- finding -----------------------------------------------------------------------


def active_application(applicant_id: int) -> Application | None:
    return db.session.scalar(
        select(Application).where(
            Application.applicant_id == applicant_id, Application.active_slot == 1
        )
    )


def latest_application(applicant_id: int) -> Application | None:
    return db.session.scalar(
        select(Application)
        .where(Application.applicant_id == applicant_id)
        .order_by(Application.id.desc())
        .limit(1)
    )


def shown_application(applicant_id: int) -> Application | None:
    """The application 我的申请 and home show: the open one, else the latest that was not
    withdrawn (a withdrawal deletes its data, and must not hide an earlier result)."""
    return active_application(applicant_id) or db.session.scalar(
        select(Application)
        .where(
            Application.applicant_id == applicant_id,
            Application.status != ApplicationStatus.WITHDRAWN,
        )
        .order_by(Application.id.desc())
        .limit(1)
    )


def application_for(applicant_id: int, application_id: int) -> Application | None:
    """The application if it belongs to ``applicant_id``; None otherwise."""
    return db.session.scalar(
        select(Application).where(
            Application.id == application_id, Application.applicant_id == applicant_id
        )
    )


def file_for(applicant_id: int, file_id: int) -> ApplicationFile | None:
    return db.session.scalar(
        select(ApplicationFile)
        .join(Application)
        .where(ApplicationFile.id == file_id, Application.applicant_id == applicant_id)
    )


# -- starting ----------------------------------------------------------------------


def _applicant_section(user: User) -> dict[str, Any]:
    return {"phone": user.phone}


def start_application(user: User) -> Application:
    """The resident's open application, or a new blank draft."""
    existing = active_application(user.id)
    if existing is not None:
        return existing
    application = Application(applicant_id=user.id, data={"applicant": _applicant_section(user)})
    return _add_draft(application, "blank")


def start_from_eligibility(applicant_id: int, answers: Answers) -> tuple[Application, bool]:
    """A new draft prefilled from the questionnaire, or the existing open one."""
    existing = active_application(applicant_id)
    if existing is not None:
        return existing, False
    user = db.session.get_one(User, applicant_id)
    data = draft_data_from_answers(answers)
    data["applicant"] = {**data["applicant"], **_applicant_section(user)}
    data["eligibility"] = dict(answers)
    for member in data["members"]:
        member["uid"] = new_uid()
    application = Application(
        applicant_id=applicant_id, category=category_from_answers(answers), data=data
    )
    return _add_draft(application, "prefilled from 资格自评"), True


def _add_draft(application: Application, detail: str) -> Application:
    db.session.add(application)
    db.session.flush()
    event(application, None, "draft_created", ApplicationStatus.DRAFT)
    record(
        "application.draft_created",
        actor_id=application.applicant_id,
        subject_type="application",
        subject_id=application.id,
        detail=detail,
    )
    db.session.commit()
    return application


def new_uid() -> str:
    return uuid.uuid4().hex[:10]


# -- saving ------------------------------------------------------------------------


def save(
    application: Application,
    mine: dict[str, Any],
    version: Stamp | str | int | None,
    **options: Any,
) -> Merge:
    """Write what may be written; raise DraftConflict naming the fields that may not."""
    require_editable(application)
    result = saving.save_fields(application, mine, saving.stamp_of(version), **options)
    if result.refused:
        raise DraftConflict(result)
    return result


def save_section(
    application: Application, section: str, values: dict[str, Any], *, version: Stamp | None
) -> None:
    """Save typed values of one section (暂存 and autosave), field by field."""
    save(application, {f"{section}.{name}": value for name, value in values.items()}, version)


def set_fields(application: Application, *, version: Stamp | None, **fields: Any) -> None:
    save(application, {f"column.{name}": value for name, value in fields.items()}, version)


def save_category(
    application: Application,
    *,
    mode: str | None,
    category: str | None,
    details: dict[str, Any],
    priority_groups: list[str],
    version: Stamp | None,
) -> None:
    """保障方式, 保障类别 and what the category needs (民政 status, pension months ...)."""
    mine = {
        "column.guarantee_mode": mode,
        "column.category": category,
        "category_details": details,
        "priority_groups": priority_groups,
    }
    save(application, mine, version)


def reach_step(application: Application, step_id: str) -> None:
    """Remember where the resident is, so they resume there on any device."""
    application.current_step = step_id
    application.furthest_step = FLOW.furthest(application.furthest_step, step_id)
    touch(application)


def touch(application: Application) -> None:
    saving.touch(application)


def require_editable(application: Application) -> None:
    if not application.is_editable:
        raise ApplicationError("申请已提交，不能再修改；如需补正，请等待街道通知。")


# -- consent and region ------------------------------------------------------------


def record_consent(user: User, application: Application, ip: str | None) -> Consent:
    consent = Consent(
        user_id=user.id,
        application_id=application.id,
        agreement=CONSENT_AGREEMENT,
        version=CONSENT_VERSION,
        scopes=list(CONSENT_SCOPES),
        ip=ip,
    )
    db.session.add(consent)
    record(
        "application.consent",
        actor_id=user.id,
        subject_type="application",
        subject_id=application.id,
        detail=f"{CONSENT_AGREEMENT} {CONSENT_VERSION}: {','.join(CONSENT_SCOPES)}",
        ip=ip,
    )
    db.session.flush()
    application.data["consent_id"] = consent.id
    reach_step(application, FLOW.after("consent").id)
    return consent


def choose_street(application: Application, street_id: int, *, version: Stamp | None) -> Street:
    street = db.session.get(Street, street_id)
    if street is None:
        raise ApplicationError("请选择申请区域")
    set_fields(
        application,
        version=version,
        street_id=street.id,
        district_id=street.district_id,
        region_confirmed_at=None,
    )
    return street


def confirm_region(application: Application, *, version: Stamp | None) -> None:
    if application.street_id is None:
        raise ApplicationError("请先选择申请区域")
    set_fields(application, version=version, region_confirmed_at=utcnow())
    reach_step(application, FLOW.after("region").id)


# -- history -----------------------------------------------------------------------


def event(
    application: Application,
    actor_id: int | None,
    action: str,
    to_status: str,
    *,
    from_status: str | None = None,
    note: str = "",
) -> None:
    application.events.append(
        ApplicationEvent(
            actor_id=actor_id,
            action=action,
            from_status=from_status,
            to_status=to_status,
            note=note,
        )
    )
