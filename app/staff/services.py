"""Review actions on applications: each one checks the state machine, the actor's role
and scope and the version the page was rendered with, then changes the status, records
an event (who, when, what, why), writes the audit log, posts to the applicant's message
centre and commits. Refusals raise ``ReviewError`` with a Chinese message and change
nothing.

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
from sqlalchemy.orm.exc import StaleDataError

from app.apply import workflow
from app.apply.models import CLOSED_STATUSES, Application, ApplicationEvent, ApplicationStatus
from app.apply.review_policy import review_policy, track_of
from app.apply.workflow import Action, Programme, Round, Transition, TransitionRefused
from app.audit.services import record
from app.auth.models import User
from app.core import clock
from app.core.masking import mask_name
from app.core.workdays import CalendarNotCovered
from app.extensions import db
from app.housing.models import Street
from app.messages.services import post_message
from app.publicity.models import (
    Objection,
    ObjectionStatus,
    PublicityRound,
    QualificationCertificate,
)
from app.staff import scope

STATUS_LINK = "/apply/status"


class ReviewError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
    try:
        return workflow.allowed(application.status, action, actor.role_enum, track_of(application))
    except TransitionRefused as refused:
        raise ReviewError(refused.message) from None


def _begin(
    application: Application, actor: User, action: Action, version: str | int | None
) -> Transition:
    """Refuse unless ``actor`` may take ``action`` now, on the version the page showed."""
    transition = _check(application, actor, action)
    _check_version(application, version)
    return transition


def _check_version(application: Application, version: str | int | None) -> None:
    if version is not None and str(application.version) != str(version):
        raise ReviewError("此申请已被他人更新，本次操作未执行；请刷新页面查看最新状态后再办理")


def _move(
    application: Application,
    actor: User,
    transition: Transition,
    *,
    ip: str | None,
    note: str = "",
    details: dict[str, Any] | None = None,
    message: tuple[str, str],
) -> None:
    previous = application.status
    application.status = transition.target
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
    record(
        f"application.{transition.action}",
        actor_id=actor.id,
        subject_type="application",
        subject_id=application.id,
        detail=f"{previous} -> {transition.target}" + (f": {note}" if note else ""),
        ip=ip,
    )
    title, body = message
    post_message(
        application.applicant_id, category="申请", title=title, body=body, link=STATUS_LINK
    )


def _commit() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise ReviewError(
            "此申请已被他人更新，本次操作未执行；请刷新页面查看最新状态后再办理"
        ) from None


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
    _move(
        application,
        actor,
        transition,
        ip=ip,
        message=(
            "申请已受理",
            f"街道办事处已于{_d(day)}受理您的公租房申请{_ref(application)}，"
            f"接下来将进行资格初核。按规定{limit}。",
        ),
    )
    _commit()


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
    _move(
        application,
        actor,
        transition,
        ip=ip,
        note=note,
        details={"items": items},
        message=(
            "请补正申请材料",
            f"街道办事处审查了您的申请{_ref(application)}，需要一次性补正以下内容：\n{listed}\n"
            + (f"说明：{note}\n" if note else "")
            + "请在“我的申请”中补正后重新提交，补齐后即予受理。",
        ),
    )
    _commit()


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
    _move(
        application,
        actor,
        transition,
        ip=ip,
        note=reason,
        message=("申请不予受理", f"您的申请{_ref(application)}不予受理。原因：{reason}"),
    )
    _commit()


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
    stage = REJECTING_STAGE[ApplicationStatus(application.status)]
    _move(
        application,
        actor,
        transition,
        ip=ip,
        note=reason,
        message=(
            "审核未通过",
            f"您的申请{_ref(application)}未通过{stage}。原因：{reason}",
        ),
    )
    _commit()


REJECTING_STAGE = {
    ApplicationStatus.ACCEPTED: "街道资格初核",
    ApplicationStatus.DISTRICT_REVIEW: "区住房保障部门审核",
    ApplicationStatus.FINAL_REVIEW: "市住房保障部门终审",
}


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
    return _publicise(
        application,
        actor,
        Action.START_PUBLICITY,
        version=version,
        ip=ip,
        today=today,
        title="申请进入{label}",
        news="进入{label}",
        then="公示期满无异议后进入下一环节。",
    )


def _publicise(
    application: Application,
    actor: User,
    action: Action,
    *,
    version: str | int | None,
    ip: str | None,
    today: date | None,
    title: str,
    news: str,
    then: str,
) -> PublicityRound:
    transition = _begin(application, actor, action, version)
    publicity = _open_round(application, actor, transition.target, _today(today))
    label = Round(publicity.level).label(track_of(application))
    _move(
        application,
        actor,
        transition,
        ip=ip,
        message=(
            title.format(label=label),
            f"您的申请{_ref(application)}{news.format(label=label)}，公示期"
            f"{_d(publicity.starts_on)}至{_d(publicity.ends_on)}。{then}",
        ),
    )
    _commit()
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
        following = (
            "市住房保障部门已委托民政部门核对家庭经济状况，"
            f"核对应于{_d(application.civil_check_due_on)}前完成。"
        )
    else:
        following = "申请已报区住房保障部门审核。"
    _move(
        application,
        actor,
        transition,
        ip=ip,
        note=f"{label}期满无异议",
        message=(f"{label}期满", f"您的申请{_ref(application)}{label}期满无异议。{following}"),
    )
    _commit()


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
        message=(
            "家庭经济状况核对已完成",
            f"民政部门已完成您家庭经济状况的核对{_ref(application)}，申请进入市住房保障部门终审。",
        ),
    )
    _commit()


def approve(
    application: Application,
    actor: User,
    *,
    version: str | int | None,
    ip: str | None = None,
    today: date | None = None,
) -> PublicityRound:
    """终审通过: the result goes on public display (廉租房: the 三榜, by the city)."""
    return _publicise(
        application,
        actor,
        Action.APPROVE,
        version=version,
        ip=ip,
        today=today,
        title="终审通过，结果公示中",
        news="已通过市住房保障部门终审，现进行{label}",
        then="公示期满无异议后发放住房保障资格证明。",
    )


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
        message=(
            "您已取得住房保障资格",
            f"您的申请{_ref(application)}公示期满无异议，已发放住房保障资格证明"
            f"（证明编号 {certificate.number}），有效期至{_d(certificate.valid_until)}。"
            f"可在“我的申请”中查看和打印。{workflow.AFTER_CERTIFICATE}",
        ),
    )
    record(
        "certificate.issued",
        actor_id=actor.id,
        subject_type="application",
        subject_id=application.id,
        detail=certificate.number,
        ip=ip,
    )
    _commit()
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
            message=(
                "申请已终止",
                f"您的申请{_ref(application)}在公示期间收到异议，经核实异议成立，申请终止。"
                f"原因：{resolution}",
            ),
        )
    objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
    objection.handled_by_id = actor.id
    objection.handled_at = clock.utcnow()
    objection.resolution = resolution
    record(
        "objection.upheld" if upheld else "objection.dismissed",
        actor_id=actor.id,
        subject_type="application",
        subject_id=application.id,
        detail=f"objection {objection.id}: {resolution}",
        ip=ip,
    )
    _commit()


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
