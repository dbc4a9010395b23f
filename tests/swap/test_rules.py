"""Pure rules: eligibility, listing expiry and renewal, messages, the application's steps."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.swap.browse import BrowseFilters
from app.swap.eligibility import (
    Standing,
    enjoys_rent_subsidy,
    guarantee_blocker,
    own_blockers,
    pair_blockers,
    same_guarantee,
)
from app.swap.rules import (
    ApplicationStatus,
    PartyProgress,
    Step,
    can_move,
    can_renew,
    days_left,
    expiry_from,
    is_expired,
    mentions_phone,
    message_problem,
    ready_for_review,
    step_refusal,
)

OK = Standing(has_lease=True, has_paid_rent=True, guarantee_type="gongzu")


@pytest.mark.parametrize(
    ("standing", "codes"),
    [
        (OK, []),
        (Standing(has_lease=False), ["no_lease"]),
        (Standing(has_lease=True, has_paid_rent=False, guarantee_type="gongzu"), ["not_paying"]),
        (Standing(has_lease=True, has_paid_rent=True, has_arrears=True), ["arrears"]),
        (
            Standing(has_lease=True, has_paid_rent=True, violations=("转租", "闲置")),
            ["violation", "violation"],
        ),
        (
            Standing(has_lease=True, has_paid_rent=False, has_arrears=True),
            ["not_paying", "arrears"],
        ),
    ],
)
def test_own_blockers(standing, codes) -> None:
    assert [blocker.code for blocker in own_blockers(standing)] == codes


def test_arrears_reason_says_what_to_do() -> None:
    (blocker,) = own_blockers(Standing(has_lease=True, has_paid_rent=True, has_arrears=True))
    assert "没有欠租" in blocker.message and "缴清" in blocker.message


@pytest.mark.parametrize(
    ("guarantee_type", "subsidy_fen", "subsidised"),
    [
        ("gongzu", 0, False),
        ("gongzu", 1, True),  # a 公租房 lease with any monthly subsidy 享受租金补贴
        ("gongzu", 25000, True),
        ("lianzu", 25000, True),
        ("lianzu", 0, True),  # 含廉租房租赁对象: always counted
        (None, 0, False),
    ],
)
def test_seed_002_qa10_rule3_who_enjoys_a_rent_subsidy(
    guarantee_type, subsidy_fen, subsidised
) -> None:
    """002 Q&A 10 ③: 享受租金补贴的租赁对象（含廉租房租赁对象）."""
    assert enjoys_rent_subsidy(guarantee_type, subsidy_fen) is subsidised


def tenancy(guarantee_type: str = "gongzu", subsidy_fen: int = 0) -> Standing:
    return Standing(
        has_lease=True,
        has_paid_rent=True,
        guarantee_type=guarantee_type,
        monthly_subsidy_fen=subsidy_fen,
    )


@pytest.mark.parametrize(
    ("mine", "theirs", "allowed"),
    [
        (tenancy("gongzu"), tenancy("gongzu"), True),
        (tenancy("lianzu", 25000), tenancy("lianzu", 25000), True),
        (tenancy("lianzu", 25000), tenancy("gongzu"), False),
        (tenancy("gongzu"), tenancy("lianzu", 25000), False),
        # the guarantee type alone is not enough: a subsidised 公租房 lease 享受租金补贴
        (tenancy("gongzu", 25000), tenancy("gongzu"), False),
        (tenancy("gongzu"), tenancy("gongzu", 25000), False),
        (tenancy("gongzu", 25000), tenancy("gongzu", 18000), True),
        (tenancy("gongzu", 25000), tenancy("lianzu", 25000), True),
        (tenancy("lianzu", 25000), tenancy("gongzu", 18000), True),
        (Standing(has_lease=False), tenancy("gongzu"), False),
    ],
)
def test_seed_002_qa10_rule3_only_the_same_guarantee_type(mine, theirs, allowed) -> None:
    """002 Q&A 10 ③: 享受租金补贴的租赁对象（含廉租房租赁对象）只能与同保障类型的租赁对象
    进行互换房屋 — subsidised tenancies swap among themselves, the others among themselves."""
    assert same_guarantee(mine, theirs) is allowed
    assert same_guarantee(theirs, mine) is allowed
    blocker = guarantee_blocker(mine, theirs)
    assert (blocker is None) is allowed
    if blocker:
        assert "只能与同保障类型" in blocker.message


@pytest.mark.parametrize(
    ("mine", "theirs", "says"),
    [
        (
            tenancy("gongzu", 25000),
            tenancy("gongzu"),
            "您的租约是公租房·享受租金补贴，对方是不享受租金补贴的公租房租户，不能互换。"
            "请选择同样享受租金补贴的租户（含廉租房）发布的互换信息。",
        ),
        (
            tenancy("gongzu"),
            tenancy("gongzu", 25000),
            "您的租约是公租房（不享受租金补贴），对方享受租金补贴，不能互换。"
            "请选择同样不享受租金补贴的公租房租户发布的互换信息。",
        ),
        (
            tenancy("lianzu", 25000),
            tenancy("gongzu"),
            "您的租约是廉租房·租金补贴，对方是不享受租金补贴的公租房租户，不能互换。",
        ),
    ],
)
def test_the_guarantee_refusal_says_why_and_what_to_look_for(mine, theirs, says) -> None:
    blocker = guarantee_blocker(mine, theirs)
    assert blocker is not None and says in blocker.message
    assert blocker.message.startswith("享受租金补贴的租赁对象（含廉租房租赁对象）只能与同保障类型")


def test_pair_hides_the_other_tenants_reasons() -> None:
    theirs = Standing(has_lease=True, has_paid_rent=True, has_arrears=True, guarantee_type="gongzu")
    check = pair_blockers(OK, theirs)
    assert not check.ok
    assert [b.code for b in check.pair] == ["other_party"]
    assert not any("欠租" in m and "您有" in m for m in check.messages)


def test_pair_of_lianzu_and_gongzu() -> None:
    lianzu = Standing(has_lease=True, has_paid_rent=True, guarantee_type="lianzu")
    check = pair_blockers(lianzu, OK)
    assert [b.code for b in check.pair] == ["guarantee_type"]
    assert "廉租房·租金补贴" in check.messages[0] and "公租房" in check.messages[0]


def test_pair_of_a_subsidised_gongzu_lease_and_an_unsubsidised_one() -> None:
    """002 Q&A 10 ③: the same guarantee type (公租房), but only one 享受租金补贴."""
    check = pair_blockers(tenancy("gongzu", 25000), OK)
    assert [b.code for b in check.pair] == ["guarantee_type"] and not check.ok


NOON = datetime(2026, 11, 23, 4, 0)


@pytest.mark.parametrize(
    ("published_days_ago", "expired", "renewable", "left"),
    [
        (0, False, False, 60),
        (52, False, False, 8),
        (53, False, True, 7),  # the last 7 days: renewal opens
        (59, False, True, 1),
        (60, True, True, 0),
        (90, True, True, 0),
    ],
)
def test_listing_lifetime(published_days_ago, expired, renewable, left) -> None:
    expires = expiry_from(NOON - timedelta(days=published_days_ago))
    assert is_expired(expires, NOON) is expired
    assert can_renew(expires, NOON) is renewable
    assert days_left(expires, NOON) == left


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("电话13800001234", True),
        ("138 0000 1234", True),
        ("138-0000-1234", True),
        ("１３８００００１２３４", True),
        ("面积58平方米，5楼", False),
        ("2026年11月23日看房", False),
        ("12345678901", False),  # not a mobile prefix
    ],
)
def test_phone_numbers_are_spotted(text, found) -> None:
    assert mentions_phone(text) is found


def test_messages_before_and_after_acceptance() -> None:
    assert message_problem("方便加我电话 13800001234", accepted=False)
    assert message_problem("方便加我电话 13800001234", accepted=True) is None
    assert message_problem("  ", accepted=True) == "请填写留言内容"
    assert message_problem("好" * 501, accepted=True)


def progress(reason=False, files=0, signed=False, issued=False, paid=False) -> PartyProgress:
    return PartyProgress(reason, files, signed, issued, paid)


@pytest.mark.parametrize(
    ("state", "next_step", "may_sign", "may_prepay", "may_edit_reason"),
    [
        (progress(), Step.REASON, False, False, True),
        (progress(reason=True), Step.REASON, False, False, True),  # no proof yet
        (progress(reason=True, files=1), Step.SIGN, True, False, True),
        (progress(reason=True, files=1, signed=True), Step.PREPAY, True, True, False),
        (progress(reason=True, files=1, signed=True, issued=True), Step.PREPAY, True, True, False),
        (
            progress(reason=True, files=2, signed=True, issued=True, paid=True),
            None,
            True,
            True,
            False,
        ),
    ],
)
def test_steps_go_in_order(state, next_step, may_sign, may_prepay, may_edit_reason) -> None:
    assert state.next_step == next_step
    assert state.may_do(Step.SIGN) is may_sign
    assert state.may_do("prepay") is may_prepay
    assert state.may_do(Step.REASON) is may_edit_reason
    assert (step_refusal(state, Step.SIGN) is None) is may_sign


def test_ready_for_review_needs_both() -> None:
    done = progress(reason=True, files=1, signed=True, issued=True, paid=True)
    assert ready_for_review([done, done])
    assert not ready_for_review([done, progress(reason=True, files=1, signed=True)])
    assert not ready_for_review([done])


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("preparing", "submitted", True),
        ("preparing", "approved", False),
        ("submitted", "approved", True),
        ("submitted", "refused", True),
        ("submitted", "withdrawn", True),
        ("approved", "refused", False),
        ("refused", "submitted", False),
        ("withdrawn", "preparing", False),
    ],
)
def test_status_transitions(current, target, allowed) -> None:
    assert can_move(ApplicationStatus(current), ApplicationStatus(target)) is allowed


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, BrowseFilters()),
        (
            {"district": "3", "layout": "2", "lift": "1"},
            BrowseFilters(district=3, layout="2", lift=True),
        ),
        ({"district": "x", "layout": "9", "floor": "top", "sort": "cheapest"}, BrowseFilters()),
        ({"area_min": "80", "area_max": "40"}, BrowseFilters(area_min=40, area_max=80)),
        ({"area_min": "-5", "area_max": "1e9"}, BrowseFilters()),
        ({"q": "  十里   学校 "}, BrowseFilters(q="十里 学校")),
        ({"page": "0"}, BrowseFilters()),
        ({"page": "99999"}, BrowseFilters(page=500)),
        ({"guarantee": "lianzu", "sort": "match"}, BrowseFilters(guarantee="lianzu", sort="match")),
    ],
)
def test_filters_from_the_query_string(args, expected) -> None:
    assert BrowseFilters.from_args(args) == expected


def test_filter_links_leave_defaults_out() -> None:
    filters = BrowseFilters(q="十里", district=2, lift=True, page=3)
    assert filters.args() == {"q": "十里", "district": 2, "lift": "1", "page": 3}
    assert filters.args(page=1) == {"q": "十里", "district": 2, "lift": "1"}
    assert BrowseFilters.from_args({k: str(v) for k, v in filters.args().items()}) == filters
    assert filters.keywords == ["十里"]
    assert filters.is_filtered and not BrowseFilters(page=4).is_filtered
