"""What residents type is checked and explained; nothing is guessed."""

from __future__ import annotations

from datetime import date

import pytest

from app.apply.validation import household_problems, validate_applicant, validate_member
from tests.factories import valid_id_number

TODAY = date(2026, 11, 23)
GOOD_APPLICANT = {
    "phone": "13800000001", "marital_status": "married", "hukou": "center_urban", "hukou_years": "8",
    "employment_status": "employed", "employer": "九江某公司", "monthly_income": "3500",
    "address": "浔阳区甘棠南路1号", "housing_situation": "renting",
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
