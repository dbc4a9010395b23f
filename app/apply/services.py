"""State changes of an application: draft saving, members, files, submission, withdrawal.

Every draft change goes through :func:`app.apply.saving.save_fields`: field by field,
against the version the page's data came from, so two devices editing the same draft
never silently overwrite each other (see :mod:`app.apply.drafts`).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from typing import Any

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.apply import saving, workflow
from app.apply.completeness import SubmissionProblem, submission_problems
from app.apply.drafts import Merge, Stamp
from app.apply.household import household_from_application
from app.apply.models import (
    Application,
    ApplicationEvent,
    ApplicationFile,
    ApplicationStatus,
    Consent,
)
from app.apply.prefill import category_from_answers, draft_data_from_answers
from app.apply.review_policy import review_policy, track_of
from app.apply.steps import FLOW
from app.audit.services import record
from app.auth.models import User
from app.core.clock import today_in_china, utcnow
from app.core.masking import mask_id_number
from app.core.status import change
from app.eligibility.household import HouseholdError, parse_household
from app.eligibility.questionnaire import Answers
from app.eligibility.rules import assess
from app.extensions import db
from app.housing.models import Street
from app.storage import storage
from app.uploads import MAX_FILE_BYTES, UploadError, clean_upload

__all__ = ["DraftConflict", "Stamp", "VersionConflict"]  # what views catch and build
DraftConflict = saving.DraftConflict
VersionConflict = saving.VersionConflict

CONSENT_AGREEMENT = "service_authorisation"
CONSENT_VERSION = "2025-07"
CONSENT_SCOPES = ("identity", "face", "finances")


class ChangedBeforeSubmit(VersionConflict):
    """Something changed elsewhere after the person reviewed the application."""

    message = "提交前发现申请已在其他设备或页面上修改。请再核对一次下面的内容，确认无误后再提交。"


class ApplicationError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IncompleteApplication(ApplicationError):
    """Submit was refused: ``problems`` says what is still missing and where to fix it."""

    summary = "还有未完成的内容，请先补全"

    def __init__(self, problems: list[SubmissionProblem]) -> None:
        super().__init__(self.summary)
        self.problems = problems


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
    user = db.session.get(User, applicant_id)
    data = draft_data_from_answers(answers)
    data["applicant"] = {**data["applicant"], **_applicant_section(user)}
    data["eligibility"] = dict(answers)
    for member in data["members"]:
        member["uid"] = _new_uid()
    application = Application(
        applicant_id=applicant_id, category=category_from_answers(answers), data=data
    )
    return _add_draft(application, "prefilled from 资格自评"), True


def _add_draft(application: Application, detail: str) -> Application:
    db.session.add(application)
    db.session.flush()
    _event(application, None, "draft_created", ApplicationStatus.DRAFT)
    record(
        "application.draft_created",
        actor_id=application.applicant_id,
        subject_type="application",
        subject_id=application.id,
        detail=detail,
    )
    db.session.commit()
    return application


def _new_uid() -> str:
    return uuid.uuid4().hex[:10]


# -- saving ------------------------------------------------------------------------


def _save(
    application: Application,
    mine: dict[str, Any],
    version: Stamp | str | int | None,
    **options: Any,
) -> Merge:
    """Write what may be written; raise DraftConflict naming the fields that may not."""
    _require_editable(application)
    result = saving.save_fields(application, mine, saving.stamp_of(version), **options)
    if result.refused:
        raise DraftConflict(result)
    return result


def save_section(
    application: Application, section: str, values: dict[str, Any], *, version: Stamp | None
) -> None:
    """Save typed values of one section (暂存 and autosave), field by field."""
    _save(application, {f"{section}.{name}": value for name, value in values.items()}, version)


def set_fields(application: Application, *, version: Stamp | None, **fields: Any) -> None:
    _save(application, {f"column.{name}": value for name, value in fields.items()}, version)


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
    _save(application, mine, version)


def reach_step(application: Application, step_id: str) -> None:
    """Remember where the resident is, so they resume there on any device."""
    application.current_step = step_id
    application.furthest_step = FLOW.furthest(application.furthest_step, step_id)
    _touch(application)


def _touch(application: Application) -> None:
    saving.touch(application)


def _require_editable(application: Application) -> None:
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


def choose_street(application: Application, street_id: int, *, version: str | None) -> Street:
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


def confirm_region(application: Application, *, version: str | None) -> None:
    if application.street_id is None:
        raise ApplicationError("请先选择申请区域")
    set_fields(application, version=version, region_confirmed_at=utcnow())
    reach_step(application, FLOW.after("region").id)


# -- members -----------------------------------------------------------------------


def applicant_id_digest(user: User) -> str | None:
    return user.id_number_digest


def _member_digest(id_number: str) -> str:
    return current_app.extensions["pii_vault"].digest(f"id:{id_number}")


def duplicate_id_problem(
    application: Application, user: User, id_number: str, *, except_uid: str | None = None
) -> str | None:
    """An ID number may appear only once in the household (applicant included)."""
    digest = _member_digest(id_number)
    if digest == user.id_number_digest:
        return "这是申请人本人的身份证号码，共同申请人不能重复填写"
    for member in application.data.get("members", []):
        if member.get("uid") != except_uid and member.get("id_digest") == digest:
            return "该身份证号码已在家庭成员中，请勿重复添加"
    return None


def member_record(values: dict[str, Any], uid: str | None = None) -> dict[str, Any]:
    """What is stored for a co-applicant: the ID encrypted, masked and digested."""
    vault = current_app.extensions["pii_vault"]
    id_number = values["id_number"]
    return {
        "uid": uid or _new_uid(),
        "name": values["name"],
        "id_encrypted": vault.encrypt(id_number),
        "id_digest": _member_digest(id_number),
        "id_masked": mask_id_number(id_number),
        "birth_date": values["birth_date"],
        "sex": values["sex"],
        "age": values["age"],
        "relation": values["relation"],
        "employment_status": values["employment_status"],
        "employer": values["employer"],
        "address": values["address"],
    }


def upsert_member(
    application: Application, member: dict[str, Any], *, version: Stamp | None
) -> None:
    """Add a co-applicant or replace one, unless another page changed that one meanwhile."""
    _save(application, {f"members.{member['uid']}": member}, version)


def remove_member(application: Application, uid: str, *, version: Stamp | None) -> bool:
    """Remove a co-applicant and their ID photos; False if there is no such member."""
    if member_by_uid(application, uid) is None:
        return False

    def drop_files(result: Merge) -> list[str]:
        if f"members.{uid}" not in result.writes:
            return []
        for file in [f for f in application.files if f.material_key == f"id_member_{uid}"]:
            _delete_file(file)
        return [f"files.id_member_{uid}"]

    _save(application, {f"members.{uid}": None}, version, then=drop_files)
    return True


def member_by_uid(application: Application, uid: str) -> dict[str, Any] | None:
    return next((m for m in application.data.get("members", []) if m.get("uid") == uid), None)


def revealed_member_id(member: dict[str, Any]) -> str:
    """The full ID number, for the owner's own edit form only."""
    return current_app.extensions["pii_vault"].decrypt(member["id_encrypted"])


# -- assets ------------------------------------------------------------------------

ASSET_KINDS = ("vehicles", "real_estate", "businesses")


def add_asset(
    application: Application, kind: str, item: dict[str, Any], *, version: Stamp | None
) -> None:
    uid = _new_uid()
    _save(application, {f"assets.{kind}.{uid}": {**item, "uid": uid}}, version)


def remove_asset(application: Application, kind: str, uid: str, *, version: Stamp | None) -> bool:
    items = application.data.get("assets", {}).get(kind, [])
    if not any(item.get("uid") == uid for item in items):
        return False
    _save(application, {f"assets.{kind}.{uid}": None}, version)
    return True


# -- files -------------------------------------------------------------------------


def read_upload(upload: FileStorage) -> bytes:
    """Read at most the size limit (+1 byte to detect oversize) from the stream."""
    data = upload.stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UploadError("文件超过 10MB，请压缩后再上传，或拍照时选择较小的尺寸")
    return data


def attach_file(
    application: Application,
    material_key: str,
    data: bytes,
    *,
    version: Stamp | None,
    allow_pdf: bool = True,
    replace: bool = False,
) -> ApplicationFile:
    """Clean and store an upload; ``replace`` swaps out earlier files of that material."""
    _require_editable(application)
    clean = clean_upload(data, allow_pdf=allow_pdf)
    store = storage()
    stored = {
        "storage_key": store.save(clean.data, suffix=clean.suffix),
        "thumbnail_key": store.save(clean.thumbnail, suffix=".jpg") if clean.thumbnail else None,
    }
    added: list[ApplicationFile] = []

    def add(_result: Merge) -> list[str]:
        if replace:
            for old in [f for f in application.files if f.material_key == material_key]:
                _delete_file(old)
        file = ApplicationFile(
            material_key=material_key,
            content_type=clean.content_type,
            size_bytes=len(clean.data),
            sha256=hashlib.sha256(clean.data).hexdigest(),
            **stored,
        )
        application.files.append(file)
        added[:] = [file]
        return [f"files.{material_key}"]

    _save(application, {}, version, then=add)
    return added[0]


def delete_file(application: Application, file: ApplicationFile, *, version: Stamp | None) -> None:
    """Delete one upload by id (a file is never overwritten, so there is nothing to merge)."""

    def drop(_result: Merge) -> list[str]:
        _delete_file(file)
        return [f"files.{file.material_key}"]

    _save(application, {}, version, then=drop)


def _delete_file(file: ApplicationFile) -> None:
    store = storage()
    store.delete(file.storage_key)
    if file.thumbnail_key:
        store.delete(file.thumbnail_key)
    if file in file.application.files:
        file.application.files.remove(file)
    db.session.delete(file)


# -- submission --------------------------------------------------------------------


def precheck(application: Application, user: User) -> dict[str, Any]:
    """大数据资格预审: the rules engine on the declared household, for reviewers."""
    try:
        household = parse_household(household_from_application(application, user, today_in_china()))
    except HouseholdError as error:
        return {"error": {"field": error.field, "message": error.message}}
    return assess(household).to_dict()


def submit(application: Application, user: User, *, version: Stamp | None) -> None:
    """Submit what the person reviewed: refused if anything changed elsewhere since, or
    while anything is missing (:func:`submission_problems`); a refusal writes nothing."""
    _require_editable(application)
    saving.lock(application)
    if saving.changed_since(application, saving.stamp_of(version)):
        db.session.rollback()
        raise ChangedBeforeSubmit()
    problems = submission_problems(application, user)
    if problems:
        db.session.rollback()
        raise IncompleteApplication(problems)
    saving.forget_history(application)
    application.precheck = precheck(application, user)
    application.submitted_at = utcnow()
    if application.reference is None:
        application.reference = f"JJGZ{utcnow():%Y%m%d}{secrets.randbelow(10**6):06d}"
    limit = review_policy().limit(track_of(application))
    say = {"ref": f"（编号 {application.reference}）", "limit": limit}
    _move(application, user, workflow.Action.SUBMIT, "submitted", say=say)
    _touch(application)


def withdraw(application: Application, user: User) -> None:
    """放弃申请: remove the household's data and files; keep the audit trail."""
    _move(application, user, workflow.Action.WITHDRAW, "withdrawn")
    for file in list(application.files):
        _delete_file(file)
    application.data = {}
    application.current_due_on = None  # no review deadline runs any more
    application.active_slot = None
    application.closed_at = utcnow()
    _touch(application)


def _move(
    application: Application,
    user: User,
    action: workflow.Action,
    done: str,
    *,
    say: dict[str, Any] | None = None,
) -> None:
    """The resident's move by the review table, noted in the history as ``done``; audited
    as ``application.<done>`` (the move's ``record_as``) and committed with the draft."""
    previous = application.status
    try:
        moved = change(application, workflow.TABLE, action, actor=user, say=say, commit=False)
    except workflow.ReviewError as refused:
        raise ApplicationError(refused.message) from None
    _event(application, user.id, done, moved.target, from_status=previous)


def _event(
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
