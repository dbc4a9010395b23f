"""The review workflow of an application: its status table (:data:`TABLE`, applied by
``app.status.change``), its deadlines and publicity rounds. Pure module: no Flask, no
database; callers pass dates in.

Process (九江 guide 001 五、六, which prevails; 九府办发[2019]12号 一(二)):

One round (001, the default, every application):
        已提交 → 街道受理/初核 → 一榜公示(街道) → 民政核对 → 市终审 → 结果公示 → 资格证明
Three rounds (002, ``REVIEW_PATH = "2019"``, 廉租房 only):
        已提交 → 街道受理/初核 → 一榜公示(街道) → 区审核 → 二榜公示(区) → 民政核对
        → 市终审 → 三榜公示(市, the result publicity) → 资格证明

The figures (publicity days, the 民政 check's days, the whole review's limit on each
track, the 资格证明's years) are policy parameters (``app.config.policy``); the
functions here take them as a :class:`ReviewPolicy`, by default the declared ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

from app.apply.categories import Category
from app.apply.statuses import CLOSED_STATUSES, ApplicationStatus
from app.auth.roles import Role
from app.config.policy import ReviewPath
from app.config.policy import value as parameter
from app.core.transitions import OWNER, Move, Table, Tell, move
from app.core.workdays import CalendarNotCovered, add_working_days, working_days_between
from app.housing.tenancy import GuaranteeType
from app.labels import Labelled

S = ApplicationStatus


Programme = GuaranteeType  # what an application is for is the lease it leads to


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


# -- the review table ---------------------------------------------------------------

BOTH = frozenset(Track)
ONE = frozenset({Track.ONE_ROUND})
THREE = frozenset({Track.THREE_ROUNDS})
STREET = Role.STREET_REVIEWER
DISTRICT = Role.DISTRICT_REVIEWER
CITY = Role.CITY_REVIEWER
CIVIL = Role.CIVIL_AFFAIRS


class ReviewError(Exception):
    """A step on an application is refused (state, role, track, or another device took a
    step first); ``message`` is Chinese, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


TransitionRefused = ReviewError  # what the table's readers (below) raise

# What a qualified household is told comes next. No lottery (摇号) or allocation runs in this
# product yet, so it promises none (002 政策问答3 describes the 2019 lottery).
AFTER_CERTIFICATE = (
    "接下来由市住房保障部门组织配租（实物配租或租赁补贴），时间和方式以其公告为准；"
    "本应用暂未开通摇号和选房。"
)
REJECTING_STAGE = {
    S.ACCEPTED: "街道资格初核",
    S.DISTRICT_REVIEW: "区住房保障部门审核",
    S.FINAL_REVIEW: "市住房保障部门终审",
}
OPEN_STATUSES = tuple(status for status in S if status not in CLOSED_STATUSES)


def _tell(title: str, body: str) -> Tell:
    """The applicant's message; ``{ref}`` is always “（编号 …）”, the rest the service says."""
    return Tell(title, body, "/apply/status")


def _step(
    action: Action,
    sources: S | tuple[S, ...],
    target: S,
    who: str,
    label: str,
    tell: Tell | None = None,
    *,
    tracks: frozenset[Track] = BOTH,
    needs_reason: bool = False,  # a reason the resident will read
    danger: bool = False,
    record_as: str = "",
    refused: bool = False,  # a refusal: needs_reason and danger
) -> list[Move]:
    return move(
        action, sources, target, who, label, tell, record_as,
        tracks=tracks, needs_reason=needs_reason or refused, danger=danger or refused,
    )  # fmt: skip


WAITING = "，等待街道办事处受理。自受理之日起办结时限为{limit}个工作日，进度可在“我的申请”查看。"
PUBLICISED = _tell(
    "申请进入{label}",
    "您的申请{ref}进入{label}，公示期{starts}至{ends}。公示期满无异议后进入下一环节。",
)
TO_CIVIL_CHECK = _tell(
    "{label}期满",
    "您的申请{ref}{label}期满无异议。市住房保障部门已委托民政部门核对家庭经济状况，"
    "核对应于{civil_due}前完成。",
)
TO_DISTRICT = _tell("{label}期满", "您的申请{ref}{label}期满无异议。申请已报区住房保障部门审核。")
STOPPED = _tell(
    "申请已终止",
    "您的申请{ref}在公示期间收到异议，经核实异议成立，申请终止。原因：{reason}",
)


def _rejected(status: S) -> Tell:
    return _tell("审核未通过", f"您的申请{{ref}}未通过{REJECTING_STAGE[status]}。原因：{{reason}}")


TABLE = Table(
    name="Application.status",
    statuses=tuple(S),
    moves=(
        # The resident (app/apply/services.py).
        *_step(Action.SUBMIT, S.DRAFT, S.SUBMITTED, OWNER, "提交申请",
               _tell("公租房申请已提交", "您的申请{ref}已提交" + WAITING), record_as="submitted"),
        *_step(Action.SUBMIT, S.CORRECTION_REQUESTED, S.SUBMITTED, OWNER, "补正后重新提交",
               _tell("补正材料已提交", "您的申请{ref}已补正并重新提交" + WAITING),
               record_as="submitted"),
        *_step(Action.WITHDRAW, OPEN_STATUSES, S.WITHDRAWN, OWNER, "放弃申请", danger=True,
               record_as="withdrawn"),
        # 街道办事处: 受理, 一次性告知补正, 不予受理; 初核; 一榜公示.
        *_step(Action.ACCEPT, S.SUBMITTED, S.ACCEPTED, STREET, "受理",
               _tell("申请已受理", "街道办事处已于{day}受理您的公租房申请{ref}，"
                     "接下来将进行资格初核。按规定{limit}。")),
        *_step(Action.REQUEST_CORRECTION, S.SUBMITTED, S.CORRECTION_REQUESTED, STREET,
               "一次性告知补正",
               _tell("请补正申请材料", "街道办事处审查了您的申请{ref}，需要一次性补正以下内容："
                     "\n{listed}\n{explained}请在“我的申请”中补正后重新提交，补齐后即予受理。"),
               needs_reason=True),
        *_step(Action.NOT_ACCEPT, S.SUBMITTED, S.NOT_ACCEPTED, STREET, "不予受理",
               _tell("申请不予受理", "您的申请{ref}不予受理。原因：{reason}"), refused=True),
        *_step(Action.START_PUBLICITY, S.ACCEPTED, S.STREET_PUBLICITY, STREET,
               "初核通过，开始一榜公示", PUBLICISED),
        *_step(Action.REJECT, S.ACCEPTED, S.REJECTED, STREET, "初核不通过",
               _rejected(S.ACCEPTED), refused=True),
        *_step(Action.FINISH_PUBLICITY, S.STREET_PUBLICITY, S.CIVIL_CHECK, STREET,
               "公示期满无异议，委托民政核对", TO_CIVIL_CHECK, tracks=ONE),
        *_step(Action.FINISH_PUBLICITY, S.STREET_PUBLICITY, S.DISTRICT_REVIEW, STREET,
               "公示期满无异议，报区审核", TO_DISTRICT, tracks=THREE),
        *_step(Action.STOP, S.STREET_PUBLICITY, S.STOPPED, STREET, "异议成立，终止申请",
               STOPPED, refused=True),
        # 区 (three rounds only): 区审核, 二榜公示.
        *_step(Action.START_PUBLICITY, S.DISTRICT_REVIEW, S.DISTRICT_PUBLICITY, DISTRICT,
               "区审核通过，开始二榜公示", PUBLICISED, tracks=THREE),
        *_step(Action.REJECT, S.DISTRICT_REVIEW, S.REJECTED, DISTRICT, "区审核不通过",
               _rejected(S.DISTRICT_REVIEW), tracks=THREE, refused=True),
        *_step(Action.FINISH_PUBLICITY, S.DISTRICT_PUBLICITY, S.CIVIL_CHECK, DISTRICT,
               "公示期满无异议，委托民政核对", TO_CIVIL_CHECK, tracks=THREE),
        *_step(Action.STOP, S.DISTRICT_PUBLICITY, S.STOPPED, DISTRICT, "异议成立，终止申请",
               STOPPED, tracks=THREE, refused=True),
        # 民政: the 家庭经济状况核对 report.
        *_step(Action.RECORD_CIVIL_REPORT, S.CIVIL_CHECK, S.FINAL_REVIEW, CIVIL, "录入核对报告",
               _tell("家庭经济状况核对已完成",
                     "民政部门已完成您家庭经济状况的核对{ref}，申请进入市住房保障部门终审。")),
        # 市住房保障部门: 终审, 结果公示 (廉租房: 三榜), 资格证明.
        *_step(Action.APPROVE, S.FINAL_REVIEW, S.RESULT_PUBLICITY, CITY, "终审通过，开始结果公示",
               _tell("终审通过，结果公示中", "您的申请{ref}已通过市住房保障部门终审，现进行{label}，"
                     "公示期{starts}至{ends}。公示期满无异议后发放住房保障资格证明。")),
        *_step(Action.REJECT, S.FINAL_REVIEW, S.REJECTED, CITY, "终审不通过",
               _rejected(S.FINAL_REVIEW), refused=True),
        *_step(Action.ISSUE_CERTIFICATE, S.RESULT_PUBLICITY, S.QUALIFIED, CITY,
               "公示期满无异议，发放资格证明",
               _tell("您已取得住房保障资格", "您的申请{ref}公示期满无异议，已发放住房保障资格证明"
                     "（证明编号 {number}），有效期至{until}。可在“我的申请”中查看和打印。"
                     + AFTER_CERTIFICATE)),
        *_step(Action.STOP, S.RESULT_PUBLICITY, S.STOPPED, CITY, "异议成立，终止申请",
               STOPPED, refused=True),
    ),
    owners=lambda application: (application.applicant_id,),
    labels=lambda status: S(status).label,
    audit="application",
    subject="application",
    stale="此申请已被他人更新，本次操作未执行；请刷新页面查看最新状态后再办理",
    category="申请",
    error=ReviewError,
)  # fmt: skip


# -- reading the table by role and track (the review pages, the queues) ---------------


@dataclass(frozen=True)
class Transition:
    """A move of :data:`TABLE` as the review pages read it (the resident shows as a role)."""

    move: Move
    action: Action
    source: S
    target: S
    roles: frozenset[Role]
    label: str  # the button
    tracks: frozenset[Track]
    needs_reason: bool
    danger: bool

    @classmethod
    def of(cls, m: Move) -> Transition:
        roles = frozenset(Role.RESIDENT if who == OWNER else Role(who) for who in m.who)
        return cls(m, Action(m.action), S(m.source), S(m.target), roles, m.label, **m.extra)


TRANSITIONS: tuple[Transition, ...] = tuple(Transition.of(m) for m in TABLE.moves)


def on(track: Track) -> Callable[[Move], bool]:
    """Only the moves of ``track`` (for ``Table.find`` and ``change(..., when=...)``)."""
    return lambda m: track in m.extra["tracks"]


def _parties(role: Role) -> set[str]:
    """A resident asking about an application asks about their own."""
    return {role, OWNER} if role is Role.RESIDENT else {role}


def find(status: str, action: str, track: Track) -> Transition | None:
    """The transition ``action`` takes from ``status`` on this track, whoever acts."""
    found = TABLE.find(status, action, on(track))
    return Transition.of(found) if found is not None else None


def allowed(status: str, action: str, role: Role, track: Track) -> Transition:
    """The transition if ``role`` may take ``action`` from ``status``; else ReviewError."""
    transition = find(status, action, track)
    if transition is None:
        raise ReviewError(TABLE.refusal(status))
    if role not in transition.roles:
        raise ReviewError(f"“{transition.label}”不属于{role.label}的职责")
    return transition


def available(status: str, role: Role, track: Track) -> list[Transition]:
    """What ``role`` can do now, in table order (for the action buttons)."""
    return [Transition.of(m) for m in TABLE.available(status, _parties(role), on(track))]


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


class Flag(Labelled):
    OVERDUE = "overdue", "已超期"
    DUE_SOON = "due_soon", "即将到期"
    ON_TIME = "on_time", "正常"
    UNKNOWN = "unknown", "期限待定"  # the due date falls in a year the calendar does not cover yet
    NONE = "none", ""  # no legal deadline runs (not accepted yet, or closed)


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


def certificate_is_valid(today: date, issued_on: date, valid_until: date) -> bool:
    return issued_on <= today <= valid_until
