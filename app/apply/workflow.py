"""The review workflow of an application: the one state machine, its deadlines and
publicity rounds. Pure module: no Flask, no database; callers pass dates in.

Process (九江 guide 001 五、六, which prevails; 九府办发[2019]12号 一(二)):

One round (001, the default, every application):
        已提交 → 街道受理/初核 → 一榜公示(街道) → 民政核对 → 市终审 → 结果公示 → 资格证明
Three rounds (002, ``REVIEW_PATH = "2019"``, 廉租房 only):
        已提交 → 街道受理/初核 → 一榜公示(街道) → 区审核 → 二榜公示(区) → 民政核对
        → 市终审 → 三榜公示(市, the result publicity) → 资格证明

The figures (publicity days, the 民政 check's days, the whole review's limit on each
track, the 资格证明's years) are policy parameters (``app.core.policy_parameters``); the
functions here take them as a :class:`ReviewPolicy`, by default the declared ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

from app.apply.categories import Category
from app.apply.models import CLOSED_STATUSES, ApplicationStatus
from app.auth.roles import Role
from app.core.policy_parameters import ReviewPath
from app.core.policy_parameters import value as parameter
from app.core.workdays import CalendarNotCovered, add_working_days, working_days_between

S = ApplicationStatus


class Programme(StrEnum):
    """公租房, or 廉租房 (公租房 with a rent subsidy, for 民政-recognised low-income households)."""

    GONGZU = "gongzu"
    LIANZU = "lianzu"

    @property
    def label(self) -> str:
        return {"gongzu": "公租房", "lianzu": "廉租房（含租金补贴）"}[self.value]


def programme_for(category: str | None) -> Programme:
    """低保、特困、支出型贫困 households apply for 廉租房; every other category for 公租房."""
    return Programme.LIANZU if category == Category.LOW_INCOME else Programme.GONGZU


class Track(StrEnum):
    """The publicity rounds an application runs through."""

    ONE_ROUND = "one_round"  # 一榜公示 + 结果公示 (001 五(三)(五))
    THREE_ROUNDS = "three_rounds"  # 一榜、二榜、三榜 (002 一(二), 廉租房)


# Statuses only the three-round track has (for applications accepted before the track was
# stored on them).
THREE_ROUND_STATUSES = frozenset({S.DISTRICT_REVIEW, S.DISTRICT_PUBLICITY})


@dataclass(frozen=True)
class ReviewPolicy:
    """The review figures in force; :meth:`from_config` reads the policy parameters."""

    path: ReviewPath
    legal_limit: int  # working days from acceptance, one round (001 六)
    three_rounds_limit: int  # the same on the three-round track (待确认)
    civil_check: int
    publicity: int
    nearly_due: int
    certificate_years: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ReviewPolicy:
        def number(key: str) -> int:
            return int(parameter(config, key))

        return cls(
            path=ReviewPath(str(parameter(config, "REVIEW_PATH"))),
            legal_limit=number("REVIEW_LEGAL_LIMIT_WORKING_DAYS"),
            three_rounds_limit=number("REVIEW_THREE_ROUNDS_LIMIT_WORKING_DAYS"),
            civil_check=number("REVIEW_CIVIL_CHECK_WORKING_DAYS"),
            publicity=number("REVIEW_PUBLICITY_WORKING_DAYS"),
            nearly_due=number("REVIEW_NEARLY_DUE_WORKING_DAYS"),
            certificate_years=number("CERTIFICATE_VALID_YEARS"),
        )

    def track(
        self, programme: Programme, status: str | None = None, stored: str | None = None
    ) -> Track:
        """The track ``stored`` on an application when it was accepted; else three rounds only
        for 廉租房 on the 2019 path (or already in a district round)."""
        if stored:
            return Track(stored)
        if status in THREE_ROUND_STATUSES:
            return Track.THREE_ROUNDS
        if programme is Programme.LIANZU and self.path is ReviewPath.THREE_ROUNDS:
            return Track.THREE_ROUNDS
        return Track.ONE_ROUND

    def limit(self, track: Track) -> int:
        return self.three_rounds_limit if track is Track.THREE_ROUNDS else self.legal_limit


DECLARED = ReviewPolicy.from_config({})


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    ACCEPT = "accept"
    REQUEST_CORRECTION = "request_correction"
    NOT_ACCEPT = "not_accept"
    START_PUBLICITY = "start_publicity"
    FINISH_PUBLICITY = "finish_publicity"
    RECORD_CIVIL_REPORT = "record_civil_report"
    APPROVE = "approve"
    REJECT = "reject"
    ISSUE_CERTIFICATE = "issue_certificate"
    STOP = "stop"


class Round(StrEnum):
    """A publicity round, named by the office that runs it."""

    STREET = "street"
    DISTRICT = "district"
    RESULT = "result"

    def label(self, track: Track) -> str:
        if track is Track.THREE_ROUNDS:
            return {
                "street": "一榜公示（街道）",
                "district": "二榜公示（区）",
                "result": "三榜公示（市）",
            }[self.value]
        return {
            "street": "一榜公示（街道）",
            "district": "二榜公示（区）",
            "result": "结果公示（市）",
        }[self.value]

    @property
    def office_role(self) -> Role:
        return ROUND_OFFICE[self]


ROUND_OFFICE = {
    Round.STREET: Role.STREET_REVIEWER,
    Round.DISTRICT: Role.DISTRICT_REVIEWER,
    Round.RESULT: Role.CITY_REVIEWER,
}
# Entering one of these statuses opens that publicity round.
STARTS_ROUND = {
    S.STREET_PUBLICITY: Round.STREET,
    S.DISTRICT_PUBLICITY: Round.DISTRICT,
    S.RESULT_PUBLICITY: Round.RESULT,
}
PUBLICITY_STATUSES = frozenset(STARTS_ROUND)


def rounds_for(track: Track) -> tuple[Round, ...]:
    """一榜 + 结果公示; or 三榜: 街道, 区, 市."""
    if track is Track.THREE_ROUNDS:
        return (Round.STREET, Round.DISTRICT, Round.RESULT)
    return (Round.STREET, Round.RESULT)


BOTH = frozenset(Track)
ONE = frozenset({Track.ONE_ROUND})
THREE = frozenset({Track.THREE_ROUNDS})
RESIDENT = frozenset({Role.RESIDENT})
STREET = frozenset({Role.STREET_REVIEWER})
DISTRICT = frozenset({Role.DISTRICT_REVIEWER})
CITY = frozenset({Role.CITY_REVIEWER})
CIVIL = frozenset({Role.CIVIL_AFFAIRS})


@dataclass(frozen=True)
class Transition:
    action: Action
    source: ApplicationStatus
    target: ApplicationStatus
    roles: frozenset[Role]
    label: str  # the button
    tracks: frozenset[Track] = BOTH
    needs_reason: bool = False  # a reason the resident will read
    danger: bool = False


OPEN_STATUSES = tuple(status for status in S if status not in CLOSED_STATUSES)

TRANSITIONS: tuple[Transition, ...] = (
    # The resident (app/apply/services.py).
    Transition(Action.SUBMIT, S.DRAFT, S.SUBMITTED, RESIDENT, "提交申请"),
    Transition(Action.SUBMIT, S.CORRECTION_REQUESTED, S.SUBMITTED, RESIDENT, "补正后重新提交"),
    *(
        Transition(Action.WITHDRAW, status, S.WITHDRAWN, RESIDENT, "放弃申请", danger=True)
        for status in OPEN_STATUSES
    ),
    # 街道办事处: 受理, 一次性告知补正, 不予受理; 初核; 一榜公示.
    Transition(Action.ACCEPT, S.SUBMITTED, S.ACCEPTED, STREET, "受理"),
    Transition(Action.REQUEST_CORRECTION, S.SUBMITTED, S.CORRECTION_REQUESTED, STREET,
               "一次性告知补正", needs_reason=True),
    Transition(Action.NOT_ACCEPT, S.SUBMITTED, S.NOT_ACCEPTED, STREET, "不予受理",
               needs_reason=True, danger=True),
    Transition(Action.START_PUBLICITY, S.ACCEPTED, S.STREET_PUBLICITY, STREET,
               "初核通过，开始一榜公示"),
    Transition(Action.REJECT, S.ACCEPTED, S.REJECTED, STREET, "初核不通过",
               needs_reason=True, danger=True),
    Transition(Action.FINISH_PUBLICITY, S.STREET_PUBLICITY, S.CIVIL_CHECK, STREET,
               "公示期满无异议，委托民政核对", tracks=ONE),
    Transition(Action.FINISH_PUBLICITY, S.STREET_PUBLICITY, S.DISTRICT_REVIEW, STREET,
               "公示期满无异议，报区审核", tracks=THREE),
    Transition(Action.STOP, S.STREET_PUBLICITY, S.STOPPED, STREET, "异议成立，终止申请",
               needs_reason=True, danger=True),
    # 区 (three rounds only): 区审核, 二榜公示.
    Transition(Action.START_PUBLICITY, S.DISTRICT_REVIEW, S.DISTRICT_PUBLICITY, DISTRICT,
               "区审核通过，开始二榜公示", tracks=THREE),
    Transition(Action.REJECT, S.DISTRICT_REVIEW, S.REJECTED, DISTRICT, "区审核不通过",
               tracks=THREE, needs_reason=True, danger=True),
    Transition(Action.FINISH_PUBLICITY, S.DISTRICT_PUBLICITY, S.CIVIL_CHECK, DISTRICT,
               "公示期满无异议，委托民政核对", tracks=THREE),
    Transition(Action.STOP, S.DISTRICT_PUBLICITY, S.STOPPED, DISTRICT, "异议成立，终止申请",
               tracks=THREE, needs_reason=True, danger=True),
    # 民政: the 家庭经济状况核对 report.
    Transition(Action.RECORD_CIVIL_REPORT, S.CIVIL_CHECK, S.FINAL_REVIEW, CIVIL, "录入核对报告"),
    # 市住房保障部门: 终审, 结果公示 (廉租房: 三榜), 资格证明.
    Transition(Action.APPROVE, S.FINAL_REVIEW, S.RESULT_PUBLICITY, CITY, "终审通过，开始结果公示"),
    Transition(Action.REJECT, S.FINAL_REVIEW, S.REJECTED, CITY, "终审不通过",
               needs_reason=True, danger=True),
    Transition(Action.ISSUE_CERTIFICATE, S.RESULT_PUBLICITY, S.QUALIFIED, CITY,
               "公示期满无异议，发放资格证明"),
    Transition(Action.STOP, S.RESULT_PUBLICITY, S.STOPPED, CITY, "异议成立，终止申请",
               needs_reason=True, danger=True),
)  # fmt: skip


class TransitionRefused(Exception):
    """The action is not allowed now: wrong state, role or track. ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def find(status: str, action: str, track: Track) -> Transition | None:
    """The transition ``action`` takes from ``status`` on this track, whoever acts."""
    for transition in TRANSITIONS:
        if (
            transition.source == status
            and transition.action == action
            and track in transition.tracks
        ):
            return transition
    return None


def allowed(status: str, action: str, role: Role, track: Track) -> Transition:
    """The transition if ``role`` may take ``action`` from ``status``; else TransitionRefused."""
    transition = find(status, action, track)
    if transition is None:
        label = ApplicationStatus(status).label
        raise TransitionRefused(f"申请当前为“{label}”，不能进行此操作，请刷新页面查看最新状态")
    if role not in transition.roles:
        raise TransitionRefused(f"“{transition.label}”不属于{role.label}的职责")
    return transition


def available(status: str, role: Role, track: Track) -> list[Transition]:
    """What ``role`` can do now, in table order (for the action buttons)."""
    return [t for t in TRANSITIONS if t.source == status and role in t.roles and track in t.tracks]


def actionable_statuses(role: Role) -> frozenset[ApplicationStatus]:
    """Statuses in which ``role`` has work to do (its 待办 queue); STOP needs an objection."""
    return frozenset(
        t.source for t in TRANSITIONS if role in t.roles and t.action is not Action.STOP
    )


# -- dates -------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date

    def is_over(self, today: date) -> bool:
        """The last day has passed: the round can be closed."""
        return today > self.ends_on

    def is_running(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on


def publicity_period(starts_on: date, policy: ReviewPolicy = DECLARED) -> Period:
    """Posted on ``starts_on``; runs the 5 working days after it. Raises CalendarNotCovered."""
    return Period(starts_on, add_working_days(starts_on, policy.publicity))


def legal_due(
    accepted_on: date, track: Track = Track.ONE_ROUND, policy: ReviewPolicy = DECLARED
) -> date | None:
    """办结时限: 30 working days from acceptance on one round (the three-round track has its
    own); None while the calendar does not cover it."""
    return _due(accepted_on, policy.limit(track))


def civil_check_due(started_on: date, policy: ReviewPolicy = DECLARED) -> date | None:
    """民政 has 15 working days from the commission; None while not yet computable."""
    return _due(started_on, policy.civil_check)


@lru_cache(maxsize=4096)  # queues ask for the same few hundred dates over and over
def _due(start: date, working_days: int) -> date | None:
    try:
        return add_working_days(start, working_days)
    except CalendarNotCovered:
        return None


def current_due(
    status: str, legal_due_on: date | None, civil_check_due_on: date | None
) -> date | None:
    """The deadline the current stage answers to: the nearer of the two during the 民政 check."""
    if status in CLOSED_STATUSES or status in (S.DRAFT, S.SUBMITTED, S.CORRECTION_REQUESTED):
        return None
    if status == S.CIVIL_CHECK and civil_check_due_on is not None:
        return min(d for d in (civil_check_due_on, legal_due_on) if d is not None)
    return legal_due_on


class Flag(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"
    UNKNOWN = "unknown"  # the due date falls in a year the calendar does not cover yet
    NONE = "none"  # no legal deadline runs (not accepted yet, or closed)

    @property
    def label(self) -> str:
        return {
            "overdue": "已超期",
            "due_soon": "即将到期",
            "on_time": "正常",
            "unknown": "期限待定",
            "none": "",
        }[self.value]


def deadline_flag(
    today: date, due_on: date | None, *, running: bool, policy: ReviewPolicy = DECLARED
) -> Flag:
    """Overdue after the due day; due soon when at most 3 working days remain."""
    if not running:
        return Flag.NONE
    if due_on is None:
        return Flag.UNKNOWN
    if today > due_on:
        return Flag.OVERDUE
    try:
        remaining = working_days_between(today, due_on)
    except CalendarNotCovered:
        return Flag.ON_TIME
    return Flag.DUE_SOON if remaining <= policy.nearly_due else Flag.ON_TIME


def nearly_due_threshold(today: date, policy: ReviewPolicy = DECLARED) -> date | None:
    """Due dates on or before this day are flagged (overdue or due soon)."""
    try:
        return add_working_days(today, policy.nearly_due)
    except CalendarNotCovered:
        return None


def certificate_valid_until(issued_on: date, policy: ReviewPolicy = DECLARED) -> date:
    """Valid for 3 years; as for every period, the issue day itself is not counted, so the
    last valid day is the same date 3 years on, or 28 February for 29 February (民法典 第二百零二条)."""
    year = issued_on.year + policy.certificate_years
    try:
        return issued_on.replace(year=year)
    except ValueError:  # 29 February in a year without one: the month's last day
        return date(year, 2, 28)


# What a qualified household is told comes next. No lottery (摇号) or allocation runs in this
# product yet, so it promises none (002 政策问答3 describes the 2019 lottery).
AFTER_CERTIFICATE = (
    "接下来由市住房保障部门组织配租（实物配租或租赁补贴），时间和方式以其公告为准；"
    "本应用暂未开通摇号和选房。"
)


def certificate_is_valid(today: date, issued_on: date, valid_until: date) -> bool:
    return issued_on <= today <= valid_until
