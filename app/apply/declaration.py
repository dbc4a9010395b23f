"""What a draft declares besides its form fields: co-applicants (ID numbers encrypted,
masked and digested), assets and uploaded files; and the submission or withdrawal of the
draft (withdrawal deletes those files). Each change is saved field by field through
:func:`app.apply.services.save`, against the version the page's data came from.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import current_app
from werkzeug.datastructures import FileStorage

from app.apply import saving, workflow
from app.apply.completeness import SubmissionProblem, submission_problems
from app.apply.drafts import Merge, Stamp
from app.apply.household import household_from_application
from app.apply.models import Application, ApplicationFile
from app.apply.review_policy import review_policy, track_of
from app.apply.services import (
    ApplicationError,
    VersionConflict,
    event,
    new_uid,
    require_editable,
    save,
    touch,
)
from app.auth.models import User
from app.core.clock import today_in_china, utcnow
from app.core.masking import mask_id_number
from app.eligibility.household import HouseholdError, parse_household
from app.eligibility.rules import assess
from app.extensions import db
from app.status import change
from app.storage import storage
from app.uploads import MAX_FILE_BYTES, UploadError, clean_upload


class ChangedBeforeSubmit(VersionConflict):
    """Something changed elsewhere after the person reviewed the application."""

    message = "提交前发现申请已在其他设备或页面上修改。请再核对一次下面的内容，确认无误后再提交。"


class IncompleteApplication(ApplicationError):
    """Submit was refused: ``problems`` says what is still missing and where to fix it."""

    summary = "还有未完成的内容，请先补全"

    def __init__(self, problems: list[SubmissionProblem]) -> None:
        super().__init__(self.summary)
        self.problems = problems


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
        "uid": uid or new_uid(),
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
    save(application, {f"members.{member['uid']}": member}, version)


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

    save(application, {f"members.{uid}": None}, version, then=drop_files)
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
    uid = new_uid()
    save(application, {f"assets.{kind}.{uid}": {**item, "uid": uid}}, version)


def remove_asset(application: Application, kind: str, uid: str, *, version: Stamp | None) -> bool:
    items = application.data.get("assets", {}).get(kind, [])
    if not any(item.get("uid") == uid for item in items):
        return False
    save(application, {f"assets.{kind}.{uid}": None}, version)
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
    require_editable(application)
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

    save(application, {}, version, then=add)
    return added[0]


def delete_file(application: Application, file: ApplicationFile, *, version: Stamp | None) -> None:
    """Delete one upload by id (a file is never overwritten, so there is nothing to merge)."""

    def drop(_result: Merge) -> list[str]:
        _delete_file(file)
        return [f"files.{file.material_key}"]

    save(application, {}, version, then=drop)


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
    require_editable(application)
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
    touch(application)


def withdraw(application: Application, user: User) -> None:
    """放弃申请: remove the household's data and files; keep the audit trail."""
    _move(application, user, workflow.Action.WITHDRAW, "withdrawn")
    for file in list(application.files):
        _delete_file(file)
    application.data = {}
    application.current_due_on = None  # no review deadline runs any more
    application.active_slot = None
    application.closed_at = utcnow()
    touch(application)


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
    event(application, user.id, done, moved.target, from_status=previous)
