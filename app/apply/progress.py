"""我的申请: the review stages as a timeline, with the real dates and time limits. No Flask.

The stages follow the application's track (app/apply/workflow.py): on three rounds
(廉租房 under the 2019 path) there is the 区 stage and three publicity rounds; the figures
come from the review policy in force. Dates come from the review itself (acceptance,
publicity periods, the 民政 commission, the certificate), else from the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.apply.models import CLOSED_STATUSES, ApplicationStatus
from app.apply.workflow import DECLARED, ReviewPolicy, Round, Track, programme_for
from app.core.clock import to_china_time

S = ApplicationStatus


@dataclass(frozen=True)
class StageSpec:
    id: str
    label: str
    explanation: str
    statuses: frozenset[str]
    round: Round | None = None


def _specs(track: Track, policy: ReviewPolicy) -> tuple[StageSpec, ...]:
    three = track is Track.THREE_ROUNDS
    days = policy.publicity
    stages = [
        StageSpec("submitted", "提交申请", "申请已提交，系统已完成大数据资格预审。", frozenset()),
        StageSpec(
            "street_review",
            "街道初审",
            "街道办事处审查材料，齐全的当场受理，不齐的一次性告知补正；受理后进行资格初核。",
            frozenset({S.SUBMITTED, S.CORRECTION_REQUESTED, S.NOT_ACCEPTED, S.ACCEPTED}),
        ),
        StageSpec(
            "street_publicity",
            "一榜公示（街道）",
            f"街道初核后公示{days}个工作日，无异议后进入下一环节。",
            frozenset({S.STREET_PUBLICITY}),
            Round.STREET,
        ),
    ]
    if three:
        stages.append(
            StageSpec(
                "district",
                "区审核及二榜公示",
                f"区住房保障部门审核并公示{days}个工作日。",
                frozenset({S.DISTRICT_REVIEW, S.DISTRICT_PUBLICITY}),
                Round.DISTRICT,
            )
        )
    stages += [
        StageSpec("civil_check", "民政核对",
                  f"民政部门核对家庭经济状况，{policy.civil_check}个工作日内出具报告。",
                  frozenset({S.CIVIL_CHECK})),
        StageSpec("final_review", "终审", "市住房保障部门参考核对报告进行资格终审。",
                  frozenset({S.FINAL_REVIEW})),
        StageSpec("result_publicity", "三榜公示（市）" if three else "结果公示",
                  f"终审结果公示{days}个工作日。", frozenset({S.RESULT_PUBLICITY}), Round.RESULT),
        StageSpec("qualified", "资格证明",
                  f"公示无异议后发放住房保障资格证明，有效期{policy.certificate_years}年。",
                  frozenset({S.QUALIFIED})),
    ]  # fmt: skip
    return tuple(stages)


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    explanation: str
    state: str  # done / current / waiting / ended (the application closed here)
    reached_on: date | None
    detail: str = ""


def _day(value: Any) -> str:
    return f"{value:%Y-%m-%d}"


def timeline(
    application: Any,
    rounds: Iterable[Any] = (),
    certificate: Any | None = None,
    policy: ReviewPolicy = DECLARED,
) -> list[Stage]:
    """The stages for ``application`` with its publicity ``rounds`` and ``certificate``."""
    track = policy.track(
        programme_for(application.category),
        application.status,
        getattr(application, "review_track", None),
    )
    if any(r.level == Round.DISTRICT for r in rounds):  # it ran the district round
        track = Track.THREE_ROUNDS
    specs = _specs(track, policy)
    order = {status: index for index, spec in enumerate(specs) for status in spec.statuses}
    status = application.status
    closed_here = status in CLOSED_STATUSES and status != S.QUALIFIED
    if closed_here:
        ended_from = next(
            (e.from_status for e in reversed(application.events) if e.to_status == status), None
        )
        current = order.get(status, order.get(ended_from or "", 1))
    else:
        current = order.get(status, 1)
    reached = _reached(application, specs, order, rounds, certificate)
    details = _details(application, specs, rounds, certificate, policy.limit(track))
    stages = []
    for index, spec in enumerate(specs):
        if index < current or (status == S.QUALIFIED and index == current):
            state = "done"
        elif index == current:
            state = "ended" if closed_here else "current"
        else:
            state = "waiting"
        stages.append(
            Stage(spec.id, spec.label, spec.explanation, state, reached.get(index), details[index])
        )
    return stages


def _reached(application, specs, order, rounds, certificate) -> dict[int, date]:
    reached: dict[int, date] = {}
    if application.submitted_at:
        reached[0] = to_china_time(application.submitted_at).date()
    for event in application.events:
        index = order.get(event.to_status)
        if index is not None and index > 0:
            on = (event.details or {}).get("reported_on")  # the 民政 report's own date
            reached.setdefault(
                index, date.fromisoformat(on) if on else to_china_time(event.created_at).date()
            )
    by_round = {r.level: r for r in rounds}
    for index, spec in enumerate(specs):
        if spec.id == "street_review" and application.accepted_on:
            reached[index] = application.accepted_on
        elif spec.id == "district" and by_round.get(Round.STREET) is not None:
            if by_round[Round.STREET].finished_on:
                reached[index] = by_round[Round.STREET].finished_on
        elif spec.round and spec.round in by_round:
            reached[index] = by_round[spec.round].starts_on
        elif spec.id == "civil_check" and application.civil_check_started_on:
            reached[index] = application.civil_check_started_on
        elif spec.id == "qualified" and certificate is not None:
            reached[index] = certificate.issued_on
    return reached


def _details(application, specs, rounds, certificate, limit: int) -> list[str]:
    by_round = {r.level: r for r in rounds}
    details = []
    for spec in specs:
        text = ""
        if spec.id == "street_review" and application.accepted_on:
            due = (
                f"，应于 {_day(application.legal_due_on)} 前办结"
                if application.legal_due_on
                else f"，自受理之日起{limit}个工作日内办结"
            )
            text = f"已于 {_day(application.accepted_on)} 受理{due}"
        elif spec.round and spec.round in by_round:
            publicity = by_round[spec.round]
            text = f"公示期 {_day(publicity.starts_on)} 至 {_day(publicity.ends_on)}"
        elif spec.id == "civil_check" and application.civil_check_started_on:
            text = f"已于 {_day(application.civil_check_started_on)} 委托核对" + (
                f"，应于 {_day(application.civil_check_due_on)} 前出具报告"
                if application.civil_check_due_on
                else ""
            )
        elif spec.id == "qualified" and certificate is not None:
            text = f"证明编号 {certificate.number}，有效期至 {_day(certificate.valid_until)}"
        details.append(text)
    return details
