"""The questionnaire's flow and answer parsing (pure, no Flask)."""

from __future__ import annotations

import pytest

from app.eligibility import questionnaire as q
from app.eligibility.answer_parsing import (
    AnswerError,
    parse_answer,
    parse_member,
    parse_relative,
    validate_members,
)
from app.eligibility.household import parse_household
from app.eligibility.questions import BY_ID
from app.eligibility.rules import assess

DIBAO_FAMILY = {
    "age": 35, "sex": "female", "marital_status": "married", "hukou": "center_urban",
    "hukou_years": 10, "co_applicants": [{"relation": "spouse", "age": 37},
                                          {"relation": "child", "age": 9}],
    "can_pay_rent": True, "civil_status": "dibao", "has_housing": False,
    "relatives_any": False, "had_reform_housing": False, "disposed_housing": False,
    "divorced_before": False, "assets": [], "sanctioned": False, "priority_groups": [],
}  # fmt: skip


def ids(answers: dict) -> list[str]:
    return [question.id for question in q.applicable(answers)]


def test_dibao_family_is_complete_and_assessed_as_the_engine_would() -> None:
    assert q.is_complete(DIBAO_FAMILY)
    result = assess(parse_household(q.to_household(DIBAO_FAMILY)))
    assert result.gongzu.eligible and result.lianzu.eligible and result.priority


def test_no_hukou_years_for_outsiders_and_work_questions_only_for_them() -> None:
    local = ids({"hukou": "center_urban"})
    outsider = ids({"hukou": "other", "work": "employed"})
    assert "hukou_years" in local and "work" not in local
    assert "hukou_years" not in outsider
    assert {"work", "residence_permit", "pension_months"} <= set(outsider)
    assert "business_license" not in outsider


def test_no_divorce_questions_for_the_never_married() -> None:
    base = {"hukou": "center_urban", "civil_status": "dibao"}
    assert not {"divorced_before", "divorce_months"} & set(
        ids({**base, "marital_status": "single"})
    )
    assert "divorce_months" in ids({**base, "marital_status": "divorced"})
    assert "divorced_before" in ids({**base, "marital_status": "married"})
    married_once = {**base, "marital_status": "married", "divorced_before": True}
    assert "divorce_months" in ids(married_once)


def test_no_relatives_details_without_such_relatives() -> None:
    assert "relatives_housing" not in ids({"relatives_any": False})
    assert "relatives_housing" in ids({"relatives_any": True})


def test_lianzu_only_questions_skipped_when_lianzu_is_out_of_reach() -> None:
    lianzu_only = {"had_reform_housing", "disposed_housing", "assets", "divorced_before"}
    no_help = ids({"hukou": "center_urban", "civil_status": "none", "marital_status": "married"})
    assert not lianzu_only & set(no_help)
    outsider = ids({"hukou": "other", "marital_status": "married"})
    assert not lianzu_only & set(outsider) and "civil_status" not in outsider


def test_stale_answers_of_skipped_questions_are_ignored() -> None:
    answers = {**DIBAO_FAMILY, "hukou": "other", "work": "none", "residence_permit": True}
    household = q.to_household(answers)
    assert household["civil_status"] == "none"  # no longer asked, so not claimed
    assert household["applicant"]["hukou_years"] == 0


def test_navigation_and_progress() -> None:
    answers = {"hukou": "other", "work": "employed"}
    assert q.next_question("hukou", answers).id == "work"
    assert q.previous_question("work", answers).id == "hukou"
    assert q.previous_question("age", answers) is None
    position, total = q.progress("work", answers)
    assert position == 5 and total == len(q.applicable(answers))
    assert q.first_unanswered(answers).id == "age"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "请填写"),
        ("abc", "整数"),
        ("1.5", "整数"),
        ("-3", "不能小于 0"),
        ("151", "不能大于 150"),
    ],
)
def test_impossible_ages_are_refused(raw: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        parse_answer(BY_ID["age"], {"answer": raw})


@pytest.mark.parametrize(
    ("raw", "expected"), [("60", 60.0), ("60.3", 60.3), (" 0 ", 0.0), ("58.25", 58.25)]
)
def test_area_accepts_decimals(raw: str, expected: float) -> None:
    assert parse_answer(BY_ID["owned_housing_m2"], {"answer": raw}) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("-1", "负数"),
        ("abc", "数字"),
        ("nan", "数字"),
        ("1e9", "数字"),
        ("100001", "不能超过"),
        ("1.234", "两位小数"),
    ],
)
def test_impossible_areas_are_refused(raw: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        parse_answer(BY_ID["owned_housing_m2"], {"answer": raw})


def test_choices_and_multi() -> None:
    assert parse_answer(BY_ID["can_pay_rent"], {"answer": "no"}) is False
    with pytest.raises(AnswerError):
        parse_answer(BY_ID["sex"], {"answer": "robot"})
    groups = BY_ID["priority_groups"]
    assert parse_answer(groups, {"answer": ["none"]}) == []
    assert parse_answer(groups, {"answer": ["fisherman", "hero"]}) == ["hero", "fisherman"]
    with pytest.raises(AnswerError, match="不能再选"):
        parse_answer(groups, {"answer": ["none", "hero"]})
    with pytest.raises(AnswerError, match="至少选择一项"):
        parse_answer(groups, {"answer": []})


def test_members_and_relatives() -> None:
    assert parse_member({"relation": "child", "member_age": "9"}) == {
        "relation": "child",
        "age": 9,
    }
    with pytest.raises(AnswerError) as error:
        parse_member({"relation": "child", "member_age": "200"})
    assert error.value.field == "member_age"
    with pytest.raises(AnswerError) as error:
        parse_member({"relation": "boss", "member_age": "30"})
    assert error.value.field == "relation"
    relative = parse_relative(
        {"relative_relation": "parent", "units": "2", "area_m2": "180", "household_size": "2"}
    )
    assert relative == {"relation": "parent", "units": 2, "area_m2": 180.0, "household_size": 2}
    with pytest.raises(AnswerError) as error:
        parse_relative(
            {"relative_relation": "parent", "units": "2", "area_m2": "1", "household_size": "0"}
        )
    assert error.value.field == "household_size"


def test_validate_members() -> None:
    two_spouses = [{"relation": "spouse", "age": 30}, {"relation": "spouse", "age": 31}]
    with pytest.raises(AnswerError, match="只能有一位配偶"):
        validate_members(two_spouses, {"marital_status": "married"})
    with pytest.raises(AnswerError, match="不应有配偶"):
        validate_members([{"relation": "spouse", "age": 30}], {"marital_status": "single"})
    validate_members([], {"marital_status": "married"})  # the engine reports it instead


def test_every_check_has_advice_and_known_questions() -> None:
    for check_id, question_ids in q.CHECK_QUESTIONS.items():
        assert check_id in q.ADVICE
        assert all(question_id in BY_ID for question_id in question_ids)
