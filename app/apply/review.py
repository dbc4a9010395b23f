"""Review actions on applications (街道 受理, 补正, 不予受理, 不通过; 公示; 异议): each one
checks the review table (app.apply.workflow), the actor's role and scope and the version
the page was rendered with, then takes the move through ``app.status.change`` (status,
audit log, the applicant's message), records an event (who, when, what, why) and commits.
Refusals raise ``ReviewError`` with a Chinese message and change nothing. The later actions
(民政, 市终审, 资格证明) are in ``app.apply.certification``.

``today`` (China calendar date) defaults to ``app.core.clock.today_in_china()``; tests
pass it in to walk an application across holidays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.apply import scope, workflow
from app.apply.due_dates import refresh_current_due
from app.apply.models import CLOSED_STATUSES, Application, ApplicationEvent, ApplicationStatus
from app.apply.publicity.models import Objection, ObjectionStatus, PublicityRound
from app.apply.publicity.rules import OBJECTIONS
from app.apply.review_policy import review_policy, track_of
from app.apply.review_reads import (
    applicant_of,
    application_for_staff,
    open_round,
    programme_of,
    street_of,
)
from app.apply.workflow import TABLE, Action, ReviewError, Round, Transition
from app.audit.services import record
from app.auth.models import User
from app.core import clock
from app.core.masking import mask_name
from app.core.workdays import CalendarNotCovered
from app.extensions import db
from app.status import change, commit_or_stale

# -- the one way a status changes --------------------------------------------------


def _check(application: Application, actor: User, action: Action) -> Transition:
    if not scope.can_see(actor, application.id):
        raise ReviewError("您无权办理此申请")
    return workflow.allowed(application.status, action, actor.role, track_of(application))


def begin(
    application: Application, actor: User, action: Action, version: str | int | None
) -> Transition:
    """Refuse unless ``actor`` may take ``action`` now, on the version the page showed."""
    transition = _check(application, actor, action)
    if version is not None and str(application.version) != str(version):
        raise ReviewError(TABLE.stale)
    return transition


def move(
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
    refresh_current_due(application)
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


def _ref(application: Application) -> str:
    return f"（编号 {application.reference}）"


def format_day(day: date | None) -> str:
    return f"{day:%Y年%m月%d日}" if day else "待定"


def review_day(today: date | None) -> date:
    return today or clock.today_in_china()


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
    transition = begin(application, actor, Action.ACCEPT, version)
    day = review_day(today)
    policy, track = review_policy(), track_of(application)
    application.review_track = track.value  # a later change of REVIEW_PATH leaves it be
    application.accepted_on = day
    application.legal_due_on = workflow.legal_due(day, track, policy)
    limit = (
        f"应于{format_day(application.legal_due_on)}前办结"
        if application.legal_due_on
        else f"自受理之日起{policy.limit(track)}个工作日内办结"
    )
    move(application, actor, transition, ip=ip, say={"day": format_day(day), "limit": limit})


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
    transition = begin(application, actor, Action.REQUEST_CORRECTION, version)
    items = [item.strip() for item in items if item.strip()]
    if not items:
        raise ReviewError("请列出需要补正的全部内容（至少一项）")
    note = (note or "").strip()
    listed = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
    explained = f"说明：{note}\n" if note else ""
    move(
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
    transition = begin(application, actor, Action.NOT_ACCEPT, version)
    reason = _required_reason(reason)
    move(application, actor, transition, ip=ip, note=reason, say={"reason": reason})


def reject(
    application: Application,
    actor: User,
    *,
    reason: str,
    version: str | int | None,
    ip: str | None = None,
) -> None:
    """审核不通过 (街道初核, 区审核 or 市终审), with the reason the resident reads."""
    transition = begin(application, actor, Action.REJECT, version)
    reason = _required_reason(reason)
    move(application, actor, transition, ip=ip, note=reason, say={"reason": reason})


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
    return publicise(application, actor, Action.START_PUBLICITY, version, ip, today)


def publicise(
    application: Application,
    actor: User,
    action: Action,
    version: str | int | None,
    ip: str | None,
    today: date | None,
) -> PublicityRound:
    transition = begin(application, actor, action, version)
    publicity = _open_round(application, actor, transition.target, review_day(today))
    say = {
        "label": Round(publicity.level).label(track_of(application)),
        "starts": format_day(publicity.starts_on),
        "ends": format_day(publicity.ends_on),
    }
    move(application, actor, transition, ip=ip, say=say)
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


def close_round(
    application: Application, actor: User, today: date, *, outcome: str
) -> PublicityRound:
    publicity = open_round(application)
    if publicity is None:
        raise ReviewError("没有进行中的公示")
    if outcome == "passed":
        period = workflow.Period(publicity.starts_on, publicity.ends_on)
        if not period.is_over(today):
            raise ReviewError(f"公示期至{format_day(publicity.ends_on)}，期满后方可办理")
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
    transition = begin(application, actor, Action.FINISH_PUBLICITY, version)
    day = review_day(today)
    publicity = close_round(application, actor, day, outcome="passed")
    label = Round(publicity.level).label(track_of(application))
    if transition.target == ApplicationStatus.CIVIL_CHECK:
        application.civil_check_started_on = day
        application.civil_check_due_on = workflow.civil_check_due(day, review_policy())
    say = {"label": label, "civil_due": format_day(application.civil_check_due_on)}
    move(application, actor, transition, ip=ip, note=f"{label}期满无异议", say=say)


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
    if actor.role is not Round(publicity.level).office_role or not scope.can_see(
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
        close_round(application, actor, review_day(today), outcome="stopped")
        move(
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
