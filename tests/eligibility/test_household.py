"""Parsing and validating a household: defaults, types, ranges and error paths."""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from app.eligibility.household import (
    Applicant,
    CivilStatus,
    CoApplicant,
    Divorce,
    Household,
    HouseholdError,
    Hukou,
    MaritalStatus,
    PriorityGroup,
    Relation,
    RelativeHousing,
    RelativeRelation,
    Sex,
    Work,
    parse_household,
)

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
ERROR_CASES = [case for case in CASES if "error_field" in case]

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def family(**changes: Any) -> dict[str, Any]:
    """A valid married couple with a child; ``changes`` replace top-level keys."""
    data: dict[str, Any] = {
        "applicant": {
            "age": 35,
            "sex": "female",
            "marital_status": "married",
            "hukou": "center_urban",
            "hukou_years": 10,
        },
        "co_applicants": [{"relation": "spouse", "age": 37}, {"relation": "child", "age": 9}],
    }
    data.update(changes)
    return data


def with_applicant(**changes: Any) -> dict[str, Any]:
    data = family()
    data["applicant"].update(changes)
    return data


def without_applicant_key(key: str) -> dict[str, Any]:
    data = family()
    del data["applicant"][key]
    return data


def error_of(data: object) -> HouseholdError:
    with pytest.raises(HouseholdError) as caught:
        parse_household(data)
    return caught.value


@pytest.mark.parametrize("case", ERROR_CASES, ids=[case["name"] for case in ERROR_CASES])
def test_error_cases_name_the_field(case: dict[str, Any]) -> None:
    assert error_of(case["input"]).field == case["error_field"]


def test_minimal_input_takes_the_contract_defaults() -> None:
    household = parse_household(
        {"applicant": {"age": 30, "sex": "male", "marital_status": "single", "hukou": "other"}}
    )
    assert household == Household(
        applicant=Applicant(
            age=30,
            sex=Sex.MALE,
            marital_status=MaritalStatus.SINGLE,
            hukou=Hukou.OTHER,
            hukou_years=0,
            work=Work.NONE,
            residence_permit=False,
            pension_months=0,
            business_license=False,
            central_unit_certificate=False,
            can_pay_rent=True,
        ),
        region="jiujiang",
        co_applicants=(),
        same_hukou_others=0,
        owned_housing_m2=0,
        relatives_housing=(),
        civil_status=CivilStatus.NONE,
        had_reform_housing=False,
        disposed_housing_months_ago=None,
        divorce=None,
        owns_commercial_property=False,
        owns_consumer_vehicle=False,
        owns_company=False,
        sanction_months_ago=None,
        priority_groups=(),
    )
    assert household.size == 1


def test_every_field_is_parsed_into_typed_values() -> None:
    data = family(
        region="jiujiang",
        same_hukou_others=2,
        owned_housing_m2=45.5,
        relatives_housing=[{"relation": "parent", "units": 2, "area_m2": 180, "household_size": 2}],
        civil_status="zhichu_poor",
        had_reform_housing=True,
        disposed_housing_months_ago=30,
        divorce={"months_ago": 40, "eligible_before": False},
        owns_commercial_property=True,
        owns_consumer_vehicle=True,
        owns_company=True,
        sanction_months_ago=70,
        priority_groups=["hero", "three_child"],
    )
    data["applicant"].update(
        work="employed",
        residence_permit=True,
        pension_months=12,
        business_license=True,
        central_unit_certificate=True,
        can_pay_rent=False,
    )
    household = parse_household(data)
    assert household.applicant.work is Work.EMPLOYED
    assert household.applicant.pension_months == 12
    assert household.applicant.can_pay_rent is False
    assert household.co_applicants == (
        CoApplicant(Relation.SPOUSE, 37),
        CoApplicant(Relation.CHILD, 9),
    )
    assert household.size == 3
    assert household.relatives_housing == (RelativeHousing(RelativeRelation.PARENT, 2, 180, 2),)
    assert household.divorce == Divorce(months_ago=40, eligible_before=False)
    assert household.civil_status is CivilStatus.ZHICHU_POOR
    assert household.priority_groups == (PriorityGroup.HERO, PriorityGroup.THREE_CHILD)
    assert household.owned_housing_m2 == 45.5
    assert household.same_hukou_others == 2
    assert household.disposed_housing_months_ago == 30
    assert household.sanction_months_ago == 70
    assert household.had_reform_housing and household.owns_company


def test_parsed_household_is_immutable() -> None:
    household = parse_household(family())
    with pytest.raises(dataclasses.FrozenInstanceError):
        household.owned_housing_m2 = 10  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        household.applicant.age = 10  # type: ignore[misc]


def test_enums_are_str_enums_with_chinese_labels() -> None:
    household = parse_household(family())
    assert household.applicant.sex == "female"
    assert household.applicant.sex.label == "女"
    assert json.dumps(household.applicant.marital_status) == '"married"'
    for enum in (Sex, MaritalStatus, Hukou, Work, Relation, RelativeRelation, CivilStatus):
        assert all(CHINESE.search(member.label) for member in enum)


def test_input_is_not_modified() -> None:
    data = family(priority_groups=["hero"])
    before = copy.deepcopy(data)
    parse_household(data)
    assert data == before


def test_any_mapping_and_tuples_are_accepted() -> None:
    data = family()
    data["co_applicants"] = tuple(MappingProxyType(person) for person in data["co_applicants"])
    household = parse_household(MappingProxyType(data))
    assert household.co_applicants[0].relation is Relation.SPOUSE


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param([], "$", id="top level is a list"),
        pytest.param("household", "$", id="top level is a string"),
        pytest.param(None, "$", id="top level is null"),
        pytest.param({}, "applicant", id="applicant missing"),
        pytest.param({"applicant": None}, "applicant", id="applicant null"),
        pytest.param({"applicant": [35]}, "applicant", id="applicant a list"),
        pytest.param(without_applicant_key("sex"), "applicant.sex", id="sex missing"),
        pytest.param(
            without_applicant_key("marital_status"),
            "applicant.marital_status",
            id="marital status missing",
        ),
        pytest.param(without_applicant_key("hukou"), "applicant.hukou", id="hukou missing"),
    ],
)
def test_missing_or_non_object_parts(data: object, field: str) -> None:
    assert error_of(data).field == field


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(family(income=3000), "income", id="top level"),
        pytest.param(with_applicant(name="张三"), "applicant.name", id="applicant"),
        pytest.param(
            family(co_applicants=[{"relation": "spouse", "age": 37, "name": "李四"}]),
            "co_applicants[0].name",
            id="co-applicant",
        ),
        pytest.param(
            family(
                relatives_housing=[
                    {
                        "relation": "parent",
                        "units": 2,
                        "area_m2": 100,
                        "household_size": 2,
                        "address": "浔阳区",
                    }
                ]
            ),
            "relatives_housing[0].address",
            id="relative housing",
        ),
        pytest.param(
            family(divorce={"months_ago": 3, "eligible_before": True, "when": "2024"}),
            "divorce.when",
            id="divorce",
        ),
        pytest.param(family(Region="jiujiang"), "Region", id="keys are case-sensitive"),
    ],
)
def test_unknown_keys_are_errors(data: dict[str, Any], field: str) -> None:
    error = error_of(data)
    assert error.field == field
    assert field.rsplit(".", 1)[-1] in error.message


@pytest.mark.parametrize(
    ("data", "field"),
    [
        # integers: bools and floats are not integers, strings are not numbers
        pytest.param(with_applicant(age=True), "applicant.age", id="age true"),
        pytest.param(with_applicant(age=30.0), "applicant.age", id="age float"),
        pytest.param(with_applicant(age=-1), "applicant.age", id="age negative"),
        pytest.param(with_applicant(age=151), "applicant.age", id="age above 150"),
        pytest.param(with_applicant(age=None), "applicant.age", id="age null"),
        pytest.param(with_applicant(hukou_years="2"), "applicant.hukou_years", id="years str"),
        pytest.param(with_applicant(hukou_years=-1), "applicant.hukou_years", id="years neg"),
        pytest.param(with_applicant(pension_months=6.0), "applicant.pension_months", id="months"),
        pytest.param(family(same_hukou_others=False), "same_hukou_others", id="others bool"),
        # booleans: 0 and 1 are not booleans
        pytest.param(
            with_applicant(residence_permit=1), "applicant.residence_permit", id="permit 1"
        ),
        pytest.param(with_applicant(can_pay_rent=0), "applicant.can_pay_rent", id="rent 0"),
        pytest.param(
            with_applicant(business_license="true"), "applicant.business_license", id="str"
        ),
        pytest.param(
            with_applicant(central_unit_certificate=None),
            "applicant.central_unit_certificate",
            id="certificate null",
        ),
        pytest.param(family(had_reform_housing=1), "had_reform_housing", id="reform 1"),
        pytest.param(family(owns_company=0), "owns_company", id="company 0"),
        pytest.param(family(owns_consumer_vehicle="no"), "owns_consumer_vehicle", id="vehicle"),
        pytest.param(
            family(owns_commercial_property=None), "owns_commercial_property", id="shop null"
        ),
        # numbers
        pytest.param(family(owned_housing_m2=True), "owned_housing_m2", id="area true"),
        pytest.param(family(owned_housing_m2="60"), "owned_housing_m2", id="area str"),
        pytest.param(family(owned_housing_m2=-0.5), "owned_housing_m2", id="area negative"),
        pytest.param(family(owned_housing_m2=float("nan")), "owned_housing_m2", id="area nan"),
        pytest.param(family(owned_housing_m2=float("inf")), "owned_housing_m2", id="area inf"),
        pytest.param(family(owned_housing_m2=None), "owned_housing_m2", id="area null"),
        # enums
        pytest.param(with_applicant(sex="M"), "applicant.sex", id="sex"),
        pytest.param(with_applicant(hukou="CENTER_URBAN"), "applicant.hukou", id="hukou case"),
        pytest.param(with_applicant(work="farmer"), "applicant.work", id="work"),
        pytest.param(with_applicant(marital_status=1), "applicant.marital_status", id="marital"),
        pytest.param(family(civil_status="low"), "civil_status", id="civil status"),
        pytest.param(family(region="mars"), "region", id="unknown region"),
        pytest.param(family(region=None), "region", id="region null"),
        pytest.param(family(region=["jiujiang"]), "region", id="region list"),
        # lists and their items
        pytest.param(family(co_applicants={}), "co_applicants", id="co-applicants object"),
        pytest.param(family(co_applicants=None), "co_applicants", id="co-applicants null"),
        pytest.param(
            family(co_applicants=[{"relation": "spouse", "age": 37}, "child"]),
            "co_applicants[1]",
            id="co-applicant not object",
        ),
        pytest.param(
            family(co_applicants=[{"relation": "spouse"}]),
            "co_applicants[0].age",
            id="co-applicant age missing",
        ),
        pytest.param(
            family(co_applicants=[{"age": 3}]),
            "co_applicants[0].relation",
            id="co-applicant relation missing",
        ),
        pytest.param(
            family(co_applicants=[{"relation": "child", "age": 200}]),
            "co_applicants[0].age",
            id="co-applicant age 200",
        ),
        pytest.param(
            family(
                relatives_housing=[
                    {"relation": "parent", "units": 2, "area_m2": 100, "household_size": 0}
                ]
            ),
            "relatives_housing[0].household_size",
            id="relative household size 0",
        ),
        pytest.param(
            family(relatives_housing=[{"relation": "parent", "units": -1, "area_m2": 100}]),
            "relatives_housing[0].units",
            id="relative units negative",
        ),
        pytest.param(
            family(relatives_housing=[{"relation": "parent", "units": 2, "household_size": 2}]),
            "relatives_housing[0].area_m2",
            id="relative area missing",
        ),
        pytest.param(
            family(
                relatives_housing=[
                    {"relation": "uncle", "units": 2, "area_m2": 100, "household_size": 2}
                ]
            ),
            "relatives_housing[0].relation",
            id="relative relation unknown",
        ),
        pytest.param(
            family(priority_groups=["hero", "king"]), "priority_groups[1]", id="group unknown"
        ),
        pytest.param(family(priority_groups="hero"), "priority_groups", id="groups not a list"),
        # nullable month counts
        pytest.param(
            family(disposed_housing_months_ago=-1), "disposed_housing_months_ago", id="disposal"
        ),
        pytest.param(
            family(disposed_housing_months_ago=True),
            "disposed_housing_months_ago",
            id="disposal true",
        ),
        pytest.param(family(sanction_months_ago=1.5), "sanction_months_ago", id="sanction"),
        # divorce
        pytest.param(family(divorce={}), "divorce.months_ago", id="divorce empty"),
        pytest.param(family(divorce=True), "divorce", id="divorce true"),
        pytest.param(
            family(divorce={"months_ago": 3}), "divorce.eligible_before", id="eligible missing"
        ),
        pytest.param(
            family(divorce={"months_ago": 3, "eligible_before": 1}),
            "divorce.eligible_before",
            id="eligible 1",
        ),
        pytest.param(
            family(divorce={"months_ago": -3, "eligible_before": False}),
            "divorce.months_ago",
            id="divorce months negative",
        ),
    ],
)
def test_invalid_values_name_the_field(data: object, field: str) -> None:
    error = error_of(data)
    assert error.field == field
    assert CHINESE.search(error.message), error.message
    assert str(error) == f"{field}: {error.message}"
    assert error.to_dict() == {"field": field, "message": error.message}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(with_applicant(age=0), id="age 0"),
        pytest.param(with_applicant(age=150), id="age 150"),
        pytest.param(family(owned_housing_m2=0), id="area 0"),
        pytest.param(family(owned_housing_m2=60.25), id="area float"),
        pytest.param(family(owned_housing_m2=10**30), id="area huge int"),
        pytest.param(family(disposed_housing_months_ago=None), id="disposal null"),
        pytest.param(family(sanction_months_ago=0), id="sanction 0"),
        pytest.param(family(divorce=None), id="divorce null"),
        pytest.param(family(co_applicants=[]), id="no co-applicants"),
        pytest.param(family(priority_groups=[]), id="no groups"),
        pytest.param(
            family(
                relatives_housing=[
                    {"relation": "other", "units": 0, "area_m2": 0.0, "household_size": 1}
                ]
            ),
            id="relative minimum values",
        ),
    ],
)
def test_values_at_the_edge_of_the_ranges_are_accepted(data: dict[str, Any]) -> None:
    assert isinstance(parse_household(data), Household)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(with_applicant(age=151), "申请人年龄须为 0 到 150 之间的整数", id="age"),
        pytest.param(family(region="mars"), "jiujiang（九江市本级）", id="lists regions"),
        pytest.param(with_applicant(sex="M"), "male（男）、female（女）", id="lists choices"),
        pytest.param(family(income=1), "“income”", id="quotes unknown key"),
        pytest.param(without_applicant_key("age"), "请填写申请人年龄", id="missing"),
        pytest.param(with_applicant(can_pay_rent=1), "true（是）或 false（否）", id="bool"),
    ],
)
def test_error_messages_say_what_to_fix(data: object, expected: str) -> None:
    assert expected in error_of(data).message
