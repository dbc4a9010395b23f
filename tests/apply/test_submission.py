"""Submission in the service, without a request: ``submit`` refuses an incomplete
application, whatever a view lets through, and a refusal writes nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.apply import declaration, services, validation
from app.apply.completeness import SIGNATURE_KEY, SubmissionProblem, submission_problems
from app.apply.drafts import Stamp
from app.apply.materials import required_materials
from app.apply.models import Application, ApplicationEvent, ApplicationStatus
from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.housing.models import Street
from app.messages.models import Message
from tests.apply.conftest import APPLICANT, jpeg_bytes, verify_face
from tests.factories import create_resident

REVIEW_PAGE = "r" * 16
FIRST_MATERIAL = "id_applicant"


def complete_draft(street: Street, *, leave_out: str | None = None) -> tuple[Application, User]:
    """A draft with every piece the wizard asks for, except ``leave_out``."""
    user = create_resident(real_name="赵六")
    application = services.start_application(user)
    if leave_out != "consent":
        services.record_consent(user, application, None)
    services.choose_street(application, street.id, version=None)
    if leave_out != "region":
        services.confirm_region(application, version=None)
    if leave_out != "identity":
        verify_face(user.id, application.id)
    services.save_category(
        application,
        mode="physical",
        category="low_middle_income",
        details={},
        priority_groups=[],
        version=None,
    )
    applicant, errors = validation.validate_applicant({**APPLICANT, "marital_status": "single"})
    assert errors == {}
    services.save_section(application, "applicant", applicant, version=None)
    if leave_out != "signature":
        declaration.attach_file(
            application, SIGNATURE_KEY, jpeg_bytes(), version=None, allow_pdf=False, replace=True
        )
    for item in required_materials(application.category, application.data):
        if not (leave_out == "materials" and item.key == FIRST_MATERIAL):
            declaration.attach_file(application, item.key, jpeg_bytes(), version=None)
    return application, user


def reviewed(application: Application) -> Stamp:
    """The stamp of a review page showing the draft as it is now."""
    return Stamp(application.version, REVIEW_PAGE)


def count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


@pytest.mark.parametrize(
    ("leave_out", "problem"),
    [
        ("consent", SubmissionProblem("consent", "尚未同意服务授权")),
        ("region", SubmissionProblem("region", "尚未确认申请区域")),
        ("identity", SubmissionProblem("identity", "尚未完成扫脸认证")),
        ("signature", SubmissionProblem("assets", "尚未手写签名")),
        ("materials", SubmissionProblem("materials", "缺少材料：申请人身份证（正反面）")),
    ],
)
def test_submit_refuses_what_is_missing_and_writes_nothing(
    app: Flask, region: Street, leave_out: str, problem: SubmissionProblem
) -> None:
    application, user = complete_draft(region, leave_out=leave_out)
    assert submission_problems(application, user) == [problem]
    before = application.version
    events = count(ApplicationEvent, ApplicationEvent.application_id == application.id)
    audits = count(AuditEvent)

    with pytest.raises(declaration.IncompleteApplication) as refused:
        declaration.submit(application, user, version=reviewed(application))

    assert refused.value.problems == [problem]
    assert isinstance(refused.value, services.ApplicationError) and refused.value.message
    db.session.expire_all()
    stored = db.session.get(Application, application.id)
    assert stored.status == ApplicationStatus.DRAFT
    assert (stored.version, stored.reference, stored.submitted_at) == (before, None, None)
    assert count(ApplicationEvent, ApplicationEvent.application_id == application.id) == events
    assert count(AuditEvent) == audits
    assert count(Message, Message.user_id == user.id) == 0


def test_a_complete_application_is_submitted(app: Flask, region: Street) -> None:
    application, user = complete_draft(region)
    assert submission_problems(application, user) == []

    declaration.submit(application, user, version=reviewed(application))

    db.session.expire_all()
    stored = db.session.get(Application, application.id)
    assert stored.status == ApplicationStatus.SUBMITTED
    assert stored.reference and stored.submitted_at
    assert count(Message, Message.user_id == user.id) == 1
