"""Is the application complete enough to submit? One answer, used by the review page, the
submit view and :func:`app.apply.services.submit` (which refuses while anything is missing).

Read-only: nothing here writes to the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.apply import validation
from app.apply.categories import mode_problem
from app.apply.materials import missing_materials, required_materials
from app.apply.models import Application, ApplicationFile, Consent
from app.auth.models import User
from app.extensions import db
from app.handoff.purposes import APPLY_IDENTITY
from app.handoff.services import passed_verification

SIGNATURE_KEY = "signature"


@dataclass(frozen=True)
class SubmissionProblem:
    """One reason the application cannot be submitted yet."""

    step: str  # the wizard step (app.apply.steps) where the person fixes it
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


def _members_problem(application: Application) -> str | None:
    applicant = validation.applicant_section(application.data)
    _values, errors = validation.validate_applicant(applicant, application.category)
    household = validation.household_problems(
        applicant.get("marital_status", ""), application.data.get("members", [])
    )
    if not errors and not household:
        return None
    return "家庭成员信息不完整：" + "；".join([*errors.values(), *household])


def submission_problems(application: Application, user: User) -> list[SubmissionProblem]:
    """Every reason ``user`` cannot submit ``application`` yet, in the wizard's order."""
    problems: list[SubmissionProblem] = []
    if not has_consent(application):
        problems.append(SubmissionProblem("consent", "尚未同意服务授权"))
    if application.region_confirmed_at is None:
        problems.append(SubmissionProblem("region", "尚未确认申请区域"))
    if not identity_verified(application, user):
        problems.append(SubmissionProblem("identity", "尚未完成扫脸认证"))
    if not application.category or not application.guarantee_mode:
        problems.append(SubmissionProblem("category", "尚未选择申请类别"))
    else:
        mode = mode_problem(application.category, application.guarantee_mode)
        if mode:
            problems.append(SubmissionProblem("category", mode))
    members = _members_problem(application)
    if members:
        problems.append(SubmissionProblem("members", members))
    if signature_file(application) is None:
        problems.append(SubmissionProblem("assets", "尚未手写签名"))
    required = required_materials(application.category, application.data)
    missing = missing_materials(required, uploaded_keys(application))
    if missing:
        labels = "、".join(item.label for item in missing)
        problems.append(SubmissionProblem("materials", f"缺少材料：{labels}"))
    return problems
