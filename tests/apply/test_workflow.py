"""The review state machine, exhaustively: every (status, action, role, track) is
either in the table below (allowed, with its target) or refused. The table is written
out here, apart from app/apply/workflow.py, so a change to either shows up."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from app.apply.categories import Category
from app.apply.models import ApplicationStatus as S
from app.apply.workflow import (
    DECLARED,
    TRANSITIONS,
    Action,
    Flag,
    Period,
    Programme,
    ReviewPolicy,
    Round,
    Track,
    TransitionRefused,
    actionable_statuses,
    allowed,
    available,
    certificate_is_valid,
    certificate_valid_until,
    civil_check_due,
    current_due,
    deadline_flag,
    find,
    legal_due,
    nearly_due_threshold,
    programme_for,
    publicity_period,
    rounds_for,
)
from app.auth.roles import Role
from app.config.policy import ReviewPath

G, L = Track.ONE_ROUND, Track.THREE_ROUNDS  # 一榜+结果公示 (001); 三榜 (002)
BOTH = (G, L)
OPEN = (
    S.DRAFT, S.SUBMITTED, S.CORRECTION_REQUESTED, S.ACCEPTED, S.STREET_PUBLICITY,
    S.DISTRICT_REVIEW, S.DISTRICT_PUBLICITY, S.CIVIL_CHECK, S.FINAL_REVIEW, S.RESULT_PUBLICITY,
)  # fmt: skip
CLOSED = (S.NOT_ACCEPTED, S.QUALIFIED, S.REJECTED, S.STOPPED, S.WITHDRAWN)

# (from, action, programmes, to, the one role that may)
EXPECTED = [
    (S.DRAFT, Action.SUBMIT, BOTH, S.SUBMITTED, Role.RESIDENT),
    (S.CORRECTION_REQUESTED, Action.SUBMIT, BOTH, S.SUBMITTED, Role.RESIDENT),
    *[(status, Action.WITHDRAW, BOTH, S.WITHDRAWN, Role.RESIDENT) for status in OPEN],
    (S.SUBMITTED, Action.ACCEPT, BOTH, S.ACCEPTED, Role.STREET_REVIEWER),
    (S.SUBMITTED, Action.REQUEST_CORRECTION, BOTH, S.CORRECTION_REQUESTED, Role.STREET_REVIEWER),
    (S.SUBMITTED, Action.NOT_ACCEPT, BOTH, S.NOT_ACCEPTED, Role.STREET_REVIEWER),
    (S.ACCEPTED, Action.START_PUBLICITY, BOTH, S.STREET_PUBLICITY, Role.STREET_REVIEWER),
    (S.ACCEPTED, Action.REJECT, BOTH, S.REJECTED, Role.STREET_REVIEWER),
    (S.STREET_PUBLICITY, Action.FINISH_PUBLICITY, (G,), S.CIVIL_CHECK, Role.STREET_REVIEWER),
    (S.STREET_PUBLICITY, Action.FINISH_PUBLICITY, (L,), S.DISTRICT_REVIEW, Role.STREET_REVIEWER),
    (S.STREET_PUBLICITY, Action.STOP, BOTH, S.STOPPED, Role.STREET_REVIEWER),
    (S.DISTRICT_REVIEW, Action.START_PUBLICITY, (L,), S.DISTRICT_PUBLICITY, Role.DISTRICT_REVIEWER),
    (S.DISTRICT_REVIEW, Action.REJECT, (L,), S.REJECTED, Role.DISTRICT_REVIEWER),
    (S.DISTRICT_PUBLICITY, Action.FINISH_PUBLICITY, (L,), S.CIVIL_CHECK, Role.DISTRICT_REVIEWER),
    (S.DISTRICT_PUBLICITY, Action.STOP, (L,), S.STOPPED, Role.DISTRICT_REVIEWER),
    (S.CIVIL_CHECK, Action.RECORD_CIVIL_REPORT, BOTH, S.FINAL_REVIEW, Role.CIVIL_AFFAIRS),
    (S.FINAL_REVIEW, Action.APPROVE, BOTH, S.RESULT_PUBLICITY, Role.CITY_REVIEWER),
    (S.FINAL_REVIEW, Action.REJECT, BOTH, S.REJECTED, Role.CITY_REVIEWER),
    (S.RESULT_PUBLICITY, Action.ISSUE_CERTIFICATE, BOTH, S.QUALIFIED, Role.CITY_REVIEWER),
    (S.RESULT_PUBLICITY, Action.STOP, BOTH, S.STOPPED, Role.CITY_REVIEWER),
]
ALLOWED = {
    (source, action, programme): (target, role)
    for source, action, programmes, target, role in EXPECTED
    for programme in programmes
}
CASES = list(itertools.product(S, Action, Role, Track))


@pytest.mark.parametrize(("status", "action", "role", "programme"), CASES)
def test_every_transition_is_allowed_or_refused(status, action, role, programme) -> None:
    expected = ALLOWED.get((status, action, programme))
    if expected is not None and expected[1] is role:
        transition = allowed(status, action, role, programme)
        assert transition.target == expected[0]
    else:
        with pytest.raises(TransitionRefused) as refused:
            allowed(status, action, role, programme)
        assert refused.value.message  # a Chinese sentence for the page


def test_the_table_has_nothing_else() -> None:
    actual = {
        (t.source, t.action, programme): (t.target, role)
        for t in TRANSITIONS
        for programme in t.tracks
        for role in t.roles
    }
    assert actual == ALLOWED


def test_closed_statuses_have_no_way_out() -> None:
    for status, role, programme in itertools.product(CLOSED, Role, Track):
        assert available(status, role, programme) == []


@pytest.mark.parametrize(
    "action",
    [Action.REQUEST_CORRECTION, Action.NOT_ACCEPT, Action.REJECT, Action.STOP],
)
def test_decisions_against_the_resident_need_a_reason(action) -> None:
    assert all(t.needs_reason for t in TRANSITIONS if t.action is action)


def test_no_other_transition_asks_for_a_reason() -> None:
    reasoned = {Action.REQUEST_CORRECTION, Action.NOT_ACCEPT, Action.REJECT, Action.STOP}
    assert not [t for t in TRANSITIONS if t.needs_reason and t.action not in reasoned]


@pytest.mark.parametrize(
    ("programme", "path"),
    [
        (G, [Action.SUBMIT, Action.ACCEPT, Action.START_PUBLICITY, Action.FINISH_PUBLICITY,
             Action.RECORD_CIVIL_REPORT, Action.APPROVE, Action.ISSUE_CERTIFICATE]),
        (L, [Action.SUBMIT, Action.ACCEPT, Action.START_PUBLICITY, Action.FINISH_PUBLICITY,
             Action.START_PUBLICITY, Action.FINISH_PUBLICITY, Action.RECORD_CIVIL_REPORT,
             Action.APPROVE, Action.ISSUE_CERTIFICATE]),
    ],
)  # fmt: skip
def test_the_happy_path_reaches_a_certificate(programme, path) -> None:
    status = S.DRAFT
    publicity = []
    for action in path:
        transition = find(status, action, programme)
        assert transition is not None, (status, action)
        status = transition.target
        if status in (S.STREET_PUBLICITY, S.DISTRICT_PUBLICITY, S.RESULT_PUBLICITY):
            publicity.append(status)
    assert status == S.QUALIFIED
    assert len(publicity) == len(rounds_for(programme))


@pytest.mark.parametrize(
    ("role", "statuses"),
    [
        (Role.STREET_REVIEWER, {S.SUBMITTED, S.ACCEPTED, S.STREET_PUBLICITY}),
        (Role.DISTRICT_REVIEWER, {S.DISTRICT_REVIEW, S.DISTRICT_PUBLICITY}),
        (Role.CIVIL_AFFAIRS, {S.CIVIL_CHECK}),
        (Role.CITY_REVIEWER, {S.FINAL_REVIEW, S.RESULT_PUBLICITY}),
        (Role.LEASE_MANAGER, set()),
        (Role.ADMIN, set()),
    ],
)
def test_each_role_has_its_queue(role, statuses) -> None:
    assert actionable_statuses(role) == statuses


@pytest.mark.parametrize(
    ("category", "programme"),
    [
        (Category.LOW_INCOME, Programme.LIANZU),
        (Category.LOW_MIDDLE_INCOME, Programme.GONGZU),
        (Category.NEW_EMPLOYEE, Programme.GONGZU),
        (Category.MIGRANT_WORKER, Programme.GONGZU),
        (Category.ENTREPRENEUR, Programme.GONGZU),
        (Category.CENTRAL_UNIT, Programme.GONGZU),
        (None, Programme.GONGZU),
    ],
)
def test_programme_follows_the_category(category, programme) -> None:
    assert programme_for(category) is programme


@pytest.mark.parametrize(
    ("programme", "level", "label"),
    [
        (G, Round.STREET, "一榜公示（街道）"),
        (G, Round.RESULT, "结果公示（市）"),
        (L, Round.STREET, "一榜公示（街道）"),
        (L, Round.DISTRICT, "二榜公示（区）"),
        (L, Round.RESULT, "三榜公示（市）"),
    ],
)
def test_round_labels(programme, level, label) -> None:
    assert level.label(programme) == label
    assert level in rounds_for(programme)


def test_rounds_per_programme() -> None:
    assert rounds_for(G) == (Round.STREET, Round.RESULT)
    assert rounds_for(L) == (Round.STREET, Round.DISTRICT, Round.RESULT)
    assert {r.office_role for r in rounds_for(L)} == {
        Role.STREET_REVIEWER,
        Role.DISTRICT_REVIEWER,
        Role.CITY_REVIEWER,
    }


# -- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "ends"),
    [
        (date(2026, 9, 23), date(2026, 10, 8)),  # over 中秋 and 国庆
        (date(2026, 10, 9), date(2026, 10, 15)),  # the 调休 Saturday counts
        (date(2026, 11, 23), date(2026, 11, 30)),
    ],
)
def test_publicity_runs_five_working_days_after_posting(posted, ends) -> None:
    period = publicity_period(posted)
    assert period == Period(posted, ends)
    assert period.is_running(ends) and not period.is_over(ends)
    assert period.is_over(date.fromordinal(ends.toordinal() + 1))


def test_legal_and_civil_deadlines() -> None:
    assert legal_due(date(2026, 9, 18)) == date(2026, 11, 5)
    assert civil_check_due(date(2026, 10, 9)) == date(2026, 10, 29)
    # beyond the calendar's years: unknown, not guessed
    assert legal_due(date(2026, 12, 1)) is None


@pytest.mark.parametrize(
    ("status", "legal", "civil", "expected"),
    [
        (S.SUBMITTED, None, None, None),
        (S.CORRECTION_REQUESTED, None, None, None),
        (S.ACCEPTED, date(2026, 11, 5), None, date(2026, 11, 5)),
        (S.CIVIL_CHECK, date(2026, 11, 5), date(2026, 10, 29), date(2026, 10, 29)),
        (S.CIVIL_CHECK, date(2026, 10, 20), date(2026, 10, 29), date(2026, 10, 20)),
        (S.CIVIL_CHECK, None, date(2026, 12, 21), date(2026, 12, 21)),
        (S.FINAL_REVIEW, date(2026, 11, 5), date(2026, 10, 29), date(2026, 11, 5)),
        (S.QUALIFIED, date(2026, 11, 5), None, None),
        (S.REJECTED, date(2026, 11, 5), None, None),
    ],
)
def test_current_due(status, legal, civil, expected) -> None:
    assert current_due(status, legal, civil) == expected


@pytest.mark.parametrize(
    ("today", "due", "running", "flag"),
    [
        (date(2026, 11, 6), date(2026, 11, 5), True, Flag.OVERDUE),
        (date(2026, 11, 5), date(2026, 11, 5), True, Flag.DUE_SOON),
        (date(2026, 11, 2), date(2026, 11, 5), True, Flag.DUE_SOON),  # 3 working days left
        (date(2026, 10, 30), date(2026, 11, 5), True, Flag.ON_TIME),  # 4 working days left
        (date(2026, 9, 30), date(2026, 10, 10), True, Flag.DUE_SOON),  # 国庆: 10-08, 09, 10
        (date(2026, 9, 29), date(2026, 10, 10), True, Flag.ON_TIME),  # 9-30 makes it 4
        (date(2026, 11, 2), None, True, Flag.UNKNOWN),
        (date(2026, 11, 2), date(2026, 11, 5), False, Flag.NONE),
    ],
)
def test_deadline_flags(today, due, running, flag) -> None:
    assert deadline_flag(today, due, running=running) is flag


def test_nearly_due_threshold() -> None:
    assert nearly_due_threshold(date(2026, 9, 30)) == date(2026, 10, 10)
    assert nearly_due_threshold(date(2026, 12, 29)) is None


@pytest.mark.parametrize(
    ("issued", "until"),
    [
        (date(2026, 10, 29), date(2029, 10, 29)),
        (date(2028, 2, 29), date(2031, 2, 28)),
        (date(2026, 1, 1), date(2029, 1, 1)),
    ],
)
def test_certificate_is_valid_three_years(issued, until) -> None:
    assert certificate_valid_until(issued) == until
    assert certificate_is_valid(until, issued, until)
    assert certificate_is_valid(issued, issued, until)
    assert not certificate_is_valid(date.fromordinal(until.toordinal() + 1), issued, until)
    assert not certificate_is_valid(date.fromordinal(issued.toordinal() - 1), issued, until)


# -- the review path (issue 27): 001 (2025) by default, 002's 三榜 as a setting --------------


@pytest.mark.parametrize(
    ("path", "programme", "status", "stored", "track"),
    [
        ("2025", Programme.GONGZU, S.SUBMITTED, None, G),
        ("2025", Programme.LIANZU, S.SUBMITTED, None, G),  # was three rounds: 001 prevails
        ("2019", Programme.GONGZU, S.SUBMITTED, None, G),
        ("2019", Programme.LIANZU, S.SUBMITTED, None, L),
        # Once accepted, the stored track holds whatever the path is now.
        ("2025", Programme.LIANZU, S.STREET_PUBLICITY, "three_rounds", L),
        ("2019", Programme.LIANZU, S.STREET_PUBLICITY, "one_round", G),
        # Accepted before the track was stored, in a round only three rounds have.
        ("2025", Programme.LIANZU, S.DISTRICT_REVIEW, None, L),
        ("2025", Programme.LIANZU, S.DISTRICT_PUBLICITY, None, L),
    ],
)
def test_the_track_follows_001_unless_the_city_keeps_the_2019_three_rounds(
    path, programme, status, stored, track
) -> None:
    """001 五（三）（五）: 一榜公示 + 结果公示; 002 一（二）: 廉租房 三榜 (REVIEW_PATH = "2019")."""
    policy = ReviewPolicy.from_config({"REVIEW_PATH": path})
    assert policy.track(programme, status, stored) is track


def test_the_default_policy_is_the_2025_guide() -> None:
    assert DECLARED.path is ReviewPath.ONE_ROUND
    assert DECLARED.track(Programme.LIANZU) is G


@pytest.mark.parametrize(
    ("track", "accepted", "due"),
    [
        (G, date(2026, 9, 16), date(2026, 11, 3)),  # 001 六: 30 working days, 国庆 skipped
        (L, date(2026, 9, 16), date(2026, 11, 17)),  # the three-round limit: 40 (待确认)
    ],
)
def test_each_track_has_its_own_legal_limit_on_the_working_day_calendar(
    track, accepted, due
) -> None:
    assert legal_due(accepted, track) == due


def test_a_limit_set_in_config_is_the_limit_in_force() -> None:
    policy = ReviewPolicy.from_config({"REVIEW_THREE_ROUNDS_LIMIT_WORKING_DAYS": 35})
    assert legal_due(date(2026, 9, 16), L, policy) == date(2026, 11, 10)
    assert policy.limit(G) == 30


def test_an_unknown_review_path_fails_at_start_up() -> None:
    with pytest.raises(ValueError):
        ReviewPolicy.from_config({"REVIEW_PATH": "2018"})
