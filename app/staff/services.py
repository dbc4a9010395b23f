"""Review actions on applications: each one checks the review table (app.apply.workflow),
the actor's role and scope and the version the page was rendered with, then takes the move
through ``app.core.status.change`` (status, audit log, the applicant's message), records an
event (who, when, what, why) and commits. Refusals raise ``ReviewError`` with a Chinese
message and change nothing.

``today`` (China calendar date) defaults to ``app.core.clock.today_in_china()``; tests
pass it in to walk an application across holidays.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from app.apply import workflow
from app.apply.models import CLOSED_STATUSES, Application, ApplicationEvent, ApplicationStatus
from app.apply.review_policy import review_policy, track_of
from app.apply.workflow import REJECTING_STAGE as REJECTING_STAGE  # app/scale reads it here
from app.apply.workflow import TABLE, Action, Programme, ReviewError, Round, Transition
from app.audit.services import record
from app.auth.models import User
from app.core import clock
from app.core.masking import mask_name
from app.core.status import change, commit_or_stale
from app.core.workdays import CalendarNotCovered
from app.extensions import db
from app.housing.models import Street
from app.publicity.models import (
    Objection,
    ObjectionStatus,
    PublicityRound,
    QualificationCertificate,
)
from app.publicity.rules import OBJECTIONS
from app.staff import scope

# -- finding -----------------------------------------------------------------------


def application_for_staff(user: User, application_id: int) -> Application | None:
    """The application if ``user``'s role and scope cover it; None otherwise (-> 404)."""
    return db.session.scalar(
        select(Application).where(Application.id == application_id, scope.application_filter(user))
    )


def programme_of(application: Application) -> Programme:
    return workflow.programme_for(application.category)


def applicant_of(application: Application) -> User:
    return db.session.get(User, application.applicant_id)


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


def _today(today: date | None) -> date:
    return today or clock.today_in_china()


# -- the one way a status changes --------------------------------------------------


def _check(application: Application, actor: User, action: Action) -> Transition:
    if not scope.can_see(actor, application.id):
        raise ReviewError("您无权办理此申请")
    return workflow.allowed(application.status, action, actor.role_enum, track_of(application))


def _begin(
    application: Application, actor: User, action: Action, version: str | int | None
) -> Transition:
    """Refuse unless ``actor`` may take ``action`` now, on the version the page showed."""
    transition = _check(application, actor, action)
    if version is not None and str(application.version) != str(version):
        raise ReviewError(TABLE.stale)
    return transition


def _move(
    application: Application,
    actor: User,
    transition: Transition,
    *,
    ip: str | None,
    note: str = "",
    details: dict[str, Any] | None = None,
    say: dict[str, Any] | None = None,
    commit: bool = True,
) -> None:
    """Take ``transition`` (its message filled from ``say``), note it in the history, commit."""
    previous = application.status
    change(
        application,
        TABLE,
        transition.action,
        actor=actor,
        when=lambda m: m is transition.move,
        note=note,
        ip=ip,
        say={"ref": _ref(application), **(say or {})},
        commit=False,
    )
    if transition.target in CLOSED_STATUSES:
        application.active_slot = None
        application.closed_at = clock.utcnow()
    _refresh_current_due(application)
    application.events.append(
        ApplicationEvent(
            actor_id=actor.id,
            action=transition.action,
            from_status=previous,
            to_status=transition.target,
            note=note,
            details=details,
        )
    )
    if commit:
        commit_or_stale(TABLE)


def _refresh_current_due(application: Application) -> None:
    application.current_due_on = workflow.current_due(
        application.status, application.legal_due_on, application.civil_check_due_on
    )


def _ref(application: Application) -> str:
    return f"（编号 {application.reference}）"


def _d(day: date | None) -> str:
    return f"{day:%Y年%m月%d日}" if day else "待定"


# -- 街道: 受理, 补正, 不予受理 ----------------------------------------------------------


def accept(
    application: Application,
    actor: User,
    *,
    version: str | int | None,
    ip: str | None = None,
    today: date | None = None,
) -> None:
    """受理: the legal time limit (30 working days on one round) starts."""
    transition = _begin(application, actor, Action.ACCEPT, version)
    day = _today(today)
    policy, track = review_policy(), track_of(application)
    application.review_track = track.value  # a later change of REVIEW_PATH leaves it be
    application.accepted_on = day
    application.legal_due_on = workflow.legal_due(day, track, policy)
    limit = (
        f"应于{_d(application.legal_due_on)}前办结"
        if application.legal_due_on
        else f"自受理之日起{policy.limit(track)}个工作日内办结"
    )
    _move(application, actor, transition, ip=ip, say={"day": _d(day), "limit": limit})


def request_correction(
    application: Application,
    actor: User,
    *,
    items: list[str],
    note: str | None = "",
    version: str | int | None,
    ip: str | None = None,
) -> None:
    """一次性告知补正: the full list of what to fix, shown to the resident."""
    transition = _begin(application, actor, Action.REQUEST_CORRECTION, version)
    items = [item.strip() for item in items if item.strip()]
    if not items:
        raise ReviewError("请列出需要补正的全部内容（至少一项）")
    note = (note or "").strip()
    listed = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
    explained = f"说明：{note}\n" if note else ""
    _move(
        application,
        actor,
        transition,
        ip=ip,
        note=note,
        details={"items": items},
        say={"listed": listed, "explained": explained},
    )


def not_accept(
    application: Application,
    actor: User,
    *,
    reason: str,
    version: str | int | None,
    ip: str | None = None,
) -> None:
    transition = _begin(application, actor, Action.NOT_ACCEPT, version)
    reason = _required_reason(reason)
    _move(application, actor, transition, ip=ip, note=reason, say={"reason": reason})


def reject(
    application: Application,
    actor: User,
    *,
    reason: str,
    version: str | int | None,
    ip: str | None = None,
) -> None:
    """审核不通过 (街道初核, 区审核 or 市终审), with the reason the resident reads."""
    transition = _begin(application, actor, Action.REJECT, version)
    reason = _required_reason(reason)
    _move(application, actor, transition, ip=ip, note=reason, say={"reason": reason})


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError("请填写原因，申请人会在消息中看到")
    return reason


# -- 公示 ----------------------------------------------------------------------------


def start_publicity(
    application: Application,
    actor: User,
    *,
    version: str | int | None,
    ip: str | None = None,
    today: date | None = None,
) -> PublicityRound:
    """一榜 (街道) or 二榜 (区): open the round on the public page for 5 working days."""
    return _publicise(application, actor, Action.START_PUBLICITY, version, ip, today)


def _publicise(
    application: Application,
    actor: User,
    action: Action,
    version: str | int | None,
    ip: str | None,
    today: date | None,
) -> PublicityRound:
    transition = _begin(application, actor, action, version)
    publicity = _open_round(application, actor, transition.target, _today(today))
    say = {
        "label": Round(publicity.level).label(track_of(application)),
        "starts": _d(publicity.starts_on),
        "ends": _d(publicity.ends_on),
    }
    _move(application, actor, transition, ip=ip, say=say)
    return publicity


@dataclass
class BulkResult:
    started: list[str] = field(default_factory=list)  # references
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (reference, why)


def start_publicity_many(
    actor: User,
    application_ids: list[int],
    *,
    ip: str | None = None,
    today: date | None = None,
) -> BulkResult:
    """Start 公示 for several applications; each one is checked and committed on its own,
    so one that cannot start (changed meanwhile, out of scope) leaves the others alone."""
    result = BulkResult()
    for application_id in dict.fromkeys(application_ids):
        application = application_for_staff(actor, application_id)
        if application is None:
            result.skipped.append((f"#{application_id}", "不在您的办理范围内"))
            continue
        try:
            start_publicity(application, actor, version=None, ip=ip, today=today)
        except ReviewError as error:
            db.session.rollback()
            result.skipped.append((application.reference or f"#{application_id}", error.message))
        else:
            result.started.append(application.reference or f"#{application_id}")
    return result


def _open_round(application: Application, actor: User, status: str, today: date) -> PublicityRound:
    try:
        period = workflow.publicity_period(today, review_policy())
    except CalendarNotCovered as missing:
        raise ReviewError(f"无法计算公示期：{missing.message}") from None
    applicant = applicant_of(application)
    street = street_of(application)
    publicity = PublicityRound(
        application_id=application.id,
        level=workflow.STARTS_ROUND[ApplicationStatus(status)],
        programme=programme_of(application),
        masked_name=mask_name(applicant.real_name or ""),
        masked_id=applicant.id_number_masked or "",
        household_size=1 + len((application.data or {}).get("members", [])),
        district_name=street.district.name if street else "",
        street_name=street.name if street else "",
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        started_by_id=actor.id,
    )
    db.session.add(publicity)
    return publicity


def _close_round(
    application: Application, actor: User, today: date, *, outcome: str
) -> PublicityRound:
    publicity = open_round(application)
    if publicity is None:
        raise ReviewError("没有进行中的公示")
    if outcome == "passed":
        period = workflow.Period(publicity.starts_on, publicity.ends_on)
        if not period.is_over(today):
            raise ReviewError(f"公示期至{_d(publicity.ends_on)}，期满后方可办理")
        if open_objections(publicity):
            raise ReviewError("还有未处理的异议，请先处理异议")
    publicity.finished_on = today
    publicity.finished_by_id = actor.id
    publicity.outcome = outcome
    return publicity


def open_objections(publicity: PublicityRound) -> list[Objection]:
    return [o for o in publicity.objections if o.status == ObjectionStatus.OPEN]


def finish_publicity(
    application: Application,
    actor: User,
    *,
    version: str | int | None,
    ip: str | None = None,
    today: date | None = None,
) -> None:
    """公示期满无异议: on to the 民政 check (commissioned now) or, for 廉租房, the 区."""
    transition = _begin(application, actor, Action.FINISH_PUBLICITY, version)
    day = _today(today)
    publicity = _close_round(application, actor, day, outcome="passed")
    label = Round(publicity.level).label(track_of(application))
    if transition.target == ApplicationStatus.CIVIL_CHECK:
        application.civil_check_started_on = day
        application.civil_check_due_on = workflow.civil_check_due(day, review_policy())
    say = {"label": label, "civil_due": _d(application.civil_check_due_on)}
    _move(application, actor, transition, ip=ip, note=f"{label}期满无异议", say=say)


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
    transition = _begin(application, actor, Action.RECORD_CIVIL_REPORT, version)
    if conclusion not in CIVIL_CONCLUSIONS:
        raise ReviewError("请选择核对结论")
    if not report_number.strip() or not summary.strip():
        raise ReviewError("请填写核对报告编号和核对情况")
    day = _today(today)
    late = application.civil_check_due_on is not None and day > application.civil_check_due_on
    _move(
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
    return _publicise(application, actor, Action.APPROVE, version, ip, today)


def issue_certificate(
    application: Application,
    actor: User,
    *,
    version: str | int | None,
    ip: str | None = None,
    today: date | None = None,
) -> QualificationCertificate:
    """Result publicity over without objection: 资格证明, valid 3 years."""
    transition = _begin(application, actor, Action.ISSUE_CERTIFICATE, version)
    day = _today(today)
    _close_round(application, actor, day, outcome="passed")
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
    _move(
        application,
        actor,
        transition,
        ip=ip,
        details={"certificate": certificate.number},
        say={"number": certificate.number, "until": _d(certificate.valid_until)},
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


# -- 异议 ------------------------------------------------------------------------------


def decide_objection(
    objection: Objection,
    actor: User,
    *,
    upheld: bool,
    resolution: str,
    ip: str | None = None,
    today: date | None = None,
) -> None:
    """The office running the round decides: upheld stops the application (the resident
    is told why); dismissed lets the round run on."""
    if objection.status != ObjectionStatus.OPEN:
        raise ReviewError("该异议已处理")
    publicity = objection.round
    application = publicity.application
    if actor.role_enum is not Round(publicity.level).office_role or not scope.can_see(
        actor, application.id
    ):
        raise ReviewError("该异议由组织本轮公示的单位处理")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ReviewError("请填写处理意见")
    if upheld:
        transition = _check(application, actor, Action.STOP)
        if publicity.finished_on is not None:
            raise ReviewError("本轮公示已结束")
        _close_round(application, actor, _today(today), outcome="stopped")
        _move(
            application,
            actor,
            transition,
            ip=ip,
            note=resolution,
            details={"objection": objection.id},
            say={"reason": resolution},
            commit=False,
        )
    # Audited below against the application, whose trail the decision belongs to.
    action = "uphold" if upheld else "dismiss"
    decision = change(objection, OBJECTIONS, action, actor=actor, audit=False, commit=False)
    objection.handled_by_id = actor.id
    objection.handled_at = clock.utcnow()
    objection.resolution = resolution
    record(
        f"objection.{decision.target}",
        actor_id=actor.id,
        subject_type="application",
        subject_id=application.id,
        detail=f"objection {objection.id}: {resolution}",
        ip=ip,
    )
    commit_or_stale(TABLE)


def objection_for_staff(user: User, objection_id: int) -> Objection | None:
    objection = db.session.get(Objection, objection_id)
    if objection is None or not scope.can_see(user, objection.application_id):
        return None
    return objection


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
        _refresh_current_due(application)
        changed += 1
    if changed:
        db.session.commit()
    return changed
