"""The later review actions: 民政's 家庭经济状况核对报告, the city's 终审 and the
资格证明, each taken the one way a status changes (:mod:`app.apply.review`).

``today`` (China calendar date) defaults to ``app.core.clock.today_in_china()``; tests
pass it in to walk an application across holidays.
"""

from __future__ import annotations

import secrets
from datetime import date

from app.apply import workflow
from app.apply.models import Application
from app.apply.publicity.models import PublicityRound, QualificationCertificate
from app.apply.review import begin, close_round, format_day, move, publicise, review_day
from app.apply.review_policy import review_policy
from app.apply.review_reads import applicant_of, programme_of
from app.apply.workflow import TABLE, Action, ReviewError
from app.audit.services import record
from app.auth.models import User
from app.core.masking import mask_name
from app.extensions import db
from app.status import commit_or_stale

# -- 民政, 市终审, 资格证明 ----------------------------------------------------------------

CIVIL_CONCLUSIONS = {"meets": "符合保障条件", "fails": "不符合保障条件"}


def record_civil_report(
    application: Application,
    actor: User,
    *,
    report_number: str,
    conclusion: str,
    summary: str,
    version: str | int | None,
    ip: str | None = None,
    today: date | None = None,
) -> None:
    """民政 returns its 家庭经济状况核对报告; the city's 终审 follows."""
    transition = begin(application, actor, Action.RECORD_CIVIL_REPORT, version)
    if conclusion not in CIVIL_CONCLUSIONS:
        raise ReviewError("请选择核对结论")
    if not report_number.strip() or not summary.strip():
        raise ReviewError("请填写核对报告编号和核对情况")
    day = review_day(today)
    late = application.civil_check_due_on is not None and day > application.civil_check_due_on
    move(
        application,
        actor,
        transition,
        ip=ip,
        note=summary.strip(),
        details={
            "report_number": report_number.strip(),
            "conclusion": conclusion,
            "reported_on": day.isoformat(),
            "late": late,
        },
    )


def approve(
    application: Application,
    actor: User,
    *,
    version: str | int | None,
    ip: str | None = None,
    today: date | None = None,
) -> PublicityRound:
    """终审通过: the result goes on public display (廉租房: the 三榜, by the city)."""
    return publicise(application, actor, Action.APPROVE, version, ip, today)


def issue_certificate(
    application: Application,
    actor: User,
    *,
    version: str | int | None,
    ip: str | None = None,
    today: date | None = None,
) -> QualificationCertificate:
    """Result publicity over without objection: 资格证明, valid 3 years."""
    transition = begin(application, actor, Action.ISSUE_CERTIFICATE, version)
    day = review_day(today)
    close_round(application, actor, day, outcome="passed")
    applicant = applicant_of(application)
    certificate = QualificationCertificate(
        application_id=application.id,
        holder_id=applicant.id,
        number=f"JJBZ{day:%Y}{application.id:06d}",
        token=secrets.token_urlsafe(16),
        programme=programme_of(application),
        masked_name=mask_name(applicant.real_name or ""),
        masked_id=applicant.id_number_masked or "",
        household_size=1 + len((application.data or {}).get("members", [])),
        issued_on=day,
        valid_until=workflow.certificate_valid_until(day, review_policy()),
        issued_by_id=actor.id,
    )
    db.session.add(certificate)
    move(
        application,
        actor,
        transition,
        ip=ip,
        details={"certificate": certificate.number},
        say={"number": certificate.number, "until": format_day(certificate.valid_until)},
        commit=False,
    )
    record(
        "certificate.issued",
        actor_id=actor.id,
        subject_type="application",
        subject_id=application.id,
        detail=certificate.number,
        ip=ip,
    )
    commit_or_stale(TABLE)
    return certificate
