"""What residents type is checked and explained; nothing is guessed."""

from __future__ import annotations

from datetime import date

import pytest

from app.apply.validation import (
    household_problems,
    relatives_housing,
    validate_applicant,
    validate_member,
)
from tests.factories import valid_id_number

TODAY = date(2026, 11, 23)
GOOD_APPLICANT = {
    "phone": "13800000001", "marital_status": "married", "hukou": "center_urban", "hukou_years": "8",
    "employment_status": "employed", "employer": "九江某公司", "monthly_income": "3500",
    "address": "浔阳区甘棠南路1号", "housing_situation": "renting", "remarried": "no",
    "relatives_any": "no",
}  # fmt: skip


def member(**overrides) -> dict:
    base = {
        "name": "王小二", "id_number": valid_id_number("19880808", "551"), "relation": "spouse",
        "employment_status": "employed", "employer": "", "address": "",
    }  # fmt: skip
    return {**base, **overrides}


def test_good_applicant_has_no_errors() -> None:
    values, errors = validate_applicant(GOOD_APPLICANT)
    assert errors == {} and values["hukou_years"] == 8 and values["monthly_income"] == 3500


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "手机号码"),
        ("marital_status", "complicated", "婚姻状况"),
        ("hukou_years", "-1", "0 到 150"),
        ("monthly_income", "abc", "整数"),
        ("employer", "", "工作单位"),
        ("address", "x" * 101, "最多 100 个字"),
        ("address", "甘棠路😀1号", "表情"),
        ("address", "<script>alert(1)</script>", "符号"),
    ],
)
def test_applicant_errors_are_collected_in_chinese(field: str, value: str, message: str) -> None:
    _values, errors = validate_applicant({**GOOD_APPLICANT, field: value})
    assert message in errors[field]


def test_member_age_and_sex_come_from_the_id() -> None:
    values, errors = validate_member(member(), TODAY)
    assert errors == {}
    assert values["age"] == 38 and values["birth_date"] == "1988-08-08" and values["sex"] == "male"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "王" * 200}, "name", "最多 20 个字"),
        ({"name": "Tom"}, "name", "汉字"),
        ({"name": "王😀"}, "name", "汉字"),
        ({"id_number": "360403198808085510"}, "id_number", "校验位"),
        ({"id_number": ""}, "id_number", "请填写身份证号码"),
        ({"relation": "friend"}, "relation", "关系"),
    ],
)
def test_member_errors(overrides: dict, field: str, message: str) -> None:
    if overrides.get("id_number") == "360403198808085510":
        good = valid_id_number("19880808", "551")
        overrides = {"id_number": good[:17] + ("0" if good[17] != "0" else "1")}
    _values, errors = validate_member(member(**overrides), TODAY)
    assert message in errors[field]


def test_all_member_errors_at_once() -> None:
    _values, errors = validate_member(member(name="", id_number="123", relation=""), TODAY)
    assert set(errors) == {"name", "id_number", "relation"}


def test_household_rules() -> None:
    spouse = {"relation": "spouse", "id_digest": "x"}
    child = {"relation": "child", "id_digest": "y"}
    assert household_problems("married", [child]) == [
        "您已婚，须与配偶共同申请：请添加配偶为共同申请人"
    ]
    assert household_problems("married", [spouse, child]) == []
    assert "不应有配偶" in household_problems("single", [spouse])[0]
    assert (
        "只能有一位配偶" in household_problems("married", [spouse, {**spouse, "id_digest": "z"}])[0]
    )
    assert "请补充第 1 位" in household_problems("single", [{"relation": "child"}])[0]


@pytest.mark.parametrize(
    ("category", "hukou", "asked"),
    [
        ("new_employee", "other", True),
        ("low_middle_income", "other", True),
        ("migrant_worker", "other", True),
        ("entrepreneur", "other", False),
        ("central_unit", "other", False),
        ("new_employee", "center_urban", False),
    ],
)
def test_residency_is_asked_of_every_non_local_worker_per_001_2_1_3(
    category: str, hukou: str, asked: bool
) -> None:
    """001 二（一）3: 外来就业人员 show a 居住证 and 6 months' 养老保险, whatever the category."""
    form = {**GOOD_APPLICANT, "hukou": hukou}
    _values, errors = validate_applicant(form, category)
    assert ({"residence_permit", "pension_months"} <= errors.keys()) is asked
    answered = {**form, "residence_permit": "yes", "pension_months": "\uff17"}  # fullwidth 7
    values, errors = validate_applicant(answered, category)
    assert errors == {}
    assert values["pension_months"] == (7 if asked else "")


def test_remarriage_is_asked_of_the_married_only_per_001_4_2() -> None:
    """001 四.2 离异再婚的，仍需提交离婚证: the wizard must know whether a marriage is a remarriage."""
    _values, errors = validate_applicant({**GOOD_APPLICANT, "remarried": ""})
    assert "remarried" in errors
    values, errors = validate_applicant(
        {**GOOD_APPLICANT, "marital_status": "single", "remarried": "yes"}
    )
    assert errors == {} and values["remarried"] == ""


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"relatives_any": ""}, "relatives_any"),
        ({"relatives_any": "yes"}, "relative_relation"),
        ({"relatives_any": "yes", "relative_units": "1e3"}, "relative_units"),
        ({"relatives_any": "yes", "relative_area_m2": "-5"}, "relative_area_m2"),
        ({"relatives_any": "yes", "relative_area_m2": "1e9"}, "relative_area_m2"),
        ({"relatives_any": "yes", "relative_size": "0"}, "relative_size"),
    ],
)
def test_relatives_housing_is_asked_in_the_wizard_per_001_4_4(overrides, field) -> None:
    """001 四.4 直系亲属情况说明书 and 二（一）2 有资助住房: asked of every applicant."""
    _values, errors = validate_applicant({**GOOD_APPLICANT, **overrides})
    assert field in errors


def test_relatives_answer_becomes_the_rules_input() -> None:
    form = {
        **GOOD_APPLICANT, "relatives_any": "yes", "relative_relation": "parent",
        "relative_units": "2", "relative_area_m2": "185.5", "relative_size": "3",
    }  # fmt: skip
    values, errors = validate_applicant(form)
    assert errors == {}
    assert relatives_housing(values) == [
        {"relation": "parent", "units": 2, "area_m2": 185.5, "household_size": 3}
    ]
    assert relatives_housing({**values, "relatives_any": "no"}) == []
