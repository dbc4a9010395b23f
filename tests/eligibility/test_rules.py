"""The rules engine: the contract's worked cases, each check's boundaries, messages, policies."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.eligibility.household import HouseholdError, parse_household
from app.eligibility.policy import (
    CHECK_SPECS,
    PROGRAMME_CHECKS,
    PolicyError,
    available_regions,
    load_policy,
    load_policy_file,
)
from app.eligibility.rules import GONGZU_RULES, LIANZU_RULES, assess, assess_dict

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
VALID_CASES = [case for case in CASES if "expect" in case]
ERROR_CASES = [case for case in CASES if "error_field" in case]

# The contract's check order, written out here so the engine cannot drift from it.
GONGZU_ORDER = ["age", "rent", "spouse", "relation", "housing", "funded", "residency", "sanction"]
LIANZU_ORDER = [
    "hukou",
    "spouse",
    "single_age",
    "relation",
    "low_income",
    "housing",
    "funded",
    "reform_housing",
    "disposal",
    "divorce",
    "assets",
    "sanction",
]

POLICY_FILE = Path(__file__).parents[2] / "app" / "eligibility" / "policies" / "jiujiang.json"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def household(applicant: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """A 低保 couple with a child, eligible for both programmes, with ``changes`` applied."""
    data: dict[str, Any] = {
        "applicant": {
            "age": 35,
            "sex": "female",
            "marital_status": "married",
            "hukou": "center_urban",
            "hukou_years": 10,
        },
        "co_applicants": [{"relation": "spouse", "age": 37}, {"relation": "child", "age": 9}],
        "civil_status": "dibao",
    }
    data["applicant"].update(applicant or {})
    data.update(changes)
    return data


def single(sex: str, age: int, **changes: Any) -> dict[str, Any]:
    """A single applicant applying alone (单身申请)."""
    applicant = {"sex": sex, "age": age, "marital_status": "single"}
    return household(applicant, **{"co_applicants": [], **changes})


def outsider(**applicant: Any) -> dict[str, Any]:
    """A family whose applicant has no center-city hukou."""
    return household({"hukou": "other", "hukou_years": 0, **applicant})


def parents_housing(units: int, area_m2: float, household_size: int = 2) -> list[dict[str, Any]]:
    entry = {"relation": "parent", "units": units, "area_m2": area_m2}
    return [{**entry, "household_size": household_size}]


def check_of(result: dict[str, Any], programme: str, check_id: str) -> dict[str, Any]:
    return next(check for check in result[programme]["checks"] if check["id"] == check_id)


# --- the contract's worked cases -----------------------------------------------------------


@pytest.mark.parametrize("case", VALID_CASES, ids=[case["name"] for case in VALID_CASES])
def test_worked_case(case: dict[str, Any]) -> None:
    result = assess(parse_household(case["input"])).to_dict()
    for programme in ("gongzu", "lianzu"):
        assert result[programme]["eligible"] == case["expect"][programme]["eligible"]
        assert result[programme]["failed"] == case["expect"][programme]["failed"]
    assert result["priority"] == case["expect"]["priority"]


@pytest.mark.parametrize("case", ERROR_CASES, ids=[case["name"] for case in ERROR_CASES])
def test_worked_error_case(case: dict[str, Any]) -> None:
    with pytest.raises(HouseholdError) as caught:
        assess_dict(case["input"])
    assert caught.value.field == case["error_field"]


@pytest.mark.parametrize("case", VALID_CASES, ids=[case["name"] for case in VALID_CASES])
def test_output_has_the_contract_shape(case: dict[str, Any]) -> None:
    result = assess_dict(case["input"])
    assert list(result) == ["gongzu", "lianzu", "priority"]
    assert isinstance(result["priority"], bool)
    for programme, order in (("gongzu", GONGZU_ORDER), ("lianzu", LIANZU_ORDER)):
        verdict = result[programme]
        assert list(verdict) == ["eligible", "failed", "checks"]
        assert [check["id"] for check in verdict["checks"]] == order
        assert all(list(check) == ["id", "ok", "message"] for check in verdict["checks"])
        assert verdict["failed"] == [c["id"] for c in verdict["checks"] if not c["ok"]]
        assert verdict["eligible"] is (not verdict["failed"])
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result


def test_engine_order_matches_the_contract() -> None:
    assert list(PROGRAMME_CHECKS["gongzu"]) == GONGZU_ORDER
    assert list(PROGRAMME_CHECKS["lianzu"]) == LIANZU_ORDER
    assert [check_id for check_id, _ in GONGZU_RULES] == GONGZU_ORDER
    assert [check_id for check_id, _ in LIANZU_RULES] == LIANZU_ORDER


# --- boundaries of each check ---------------------------------------------------------------

# (programme, check id, household, passes?)
BOUNDARIES = [
    # 公租房 age: 年满18周岁
    pytest.param("gongzu", "age", household({"age": 17}), False, id="gongzu age 17"),
    pytest.param("gongzu", "age", household({"age": 18}), True, id="gongzu age 18"),
    # rent
    pytest.param("gongzu", "rent", household({"can_pay_rent": False}), False, id="no rent"),
    pytest.param("gongzu", "rent", household({"can_pay_rent": True}), True, id="pays rent"),
    # spouse: 已婚的必须与配偶共同申请
    pytest.param("gongzu", "spouse", household(), True, id="married with spouse"),
    pytest.param(
        "gongzu",
        "spouse",
        household(co_applicants=[{"relation": "child", "age": 9}]),
        False,
        id="married without spouse",
    ),
    pytest.param(
        "lianzu",
        "spouse",
        household(co_applicants=[{"relation": "spouse", "age": 37}] * 2),
        False,
        id="two spouses",
    ),
    pytest.param("lianzu", "spouse", single("male", 40), True, id="single alone"),
    pytest.param(
        "gongzu",
        "spouse",
        household({"marital_status": "divorced"}),
        False,
        id="divorced with spouse",
    ),
    pytest.param(
        "lianzu",
        "spouse",
        household({"marital_status": "widowed"}, co_applicants=[{"relation": "child", "age": 9}]),
        True,
        id="widowed with child",
    ),
    # relation: 法定赡养、抚养、扶养关系 (公租房) / 直系亲属 (廉租房)
    *[
        pytest.param(
            programme,
            "relation",
            household(co_applicants=[{"relation": "spouse", "age": 37}, {"relation": r, "age": 9}]),
            r in allowed,
            id=f"{programme} relation {r}",
        )
        for programme, allowed in (
            (
                "gongzu",
                {"child", "parent", "spouse_parent", "grandparent", "grandchild", "sibling"},
            ),
            ("lianzu", {"child", "parent", "grandparent", "grandchild"}),
        )
        for r in (
            "child",
            "parent",
            "spouse_parent",
            "grandparent",
            "grandchild",
            "sibling",
            "other",
        )
    ],
    pytest.param("gongzu", "relation", single("female", 30), True, id="gongzu relation alone"),
    pytest.param("lianzu", "relation", single("female", 30), True, id="lianzu relation alone"),
    # 公租房 housing: 人均20平方米以下 (includes 20), n = 3
    pytest.param("gongzu", "housing", household(owned_housing_m2=0), True, id="no housing"),
    pytest.param("gongzu", "housing", household(owned_housing_m2=0.0), True, id="no housing 0.0"),
    pytest.param("gongzu", "housing", household(owned_housing_m2=60), True, id="gongzu 60/3"),
    pytest.param("gongzu", "housing", household(owned_housing_m2=60.0), True, id="gongzu 60.0/3"),
    pytest.param("gongzu", "housing", household(owned_housing_m2=60.3), False, id="gongzu 60.3/3"),
    pytest.param(
        "gongzu",
        "housing",
        household(owned_housing_m2=60.00000000000001),
        False,
        id="gongzu a hair above 60",
    ),
    pytest.param(
        "gongzu", "housing", household(owned_housing_m2=59.99), True, id="gongzu just under 60"
    ),
    pytest.param(
        "gongzu",
        "housing",
        household(owned_housing_m2=60, same_hukou_others=5),
        True,
        id="gongzu ignores same-hukou others",
    ),
    pytest.param(
        "gongzu", "housing", single("male", 30, owned_housing_m2=20), True, id="gongzu 20/1"
    ),
    pytest.param(
        "gongzu", "housing", single("male", 30, owned_housing_m2=20.01), False, id="gongzu 20.01/1"
    ),
    pytest.param(
        "gongzu", "housing", household(owned_housing_m2=10**30), False, id="gongzu huge area"
    ),
    # 廉租房 housing: 人均10平方米以下, counting same-hukou members who are not co-applicants
    pytest.param("lianzu", "housing", household(owned_housing_m2=30), True, id="lianzu 30/3"),
    pytest.param("lianzu", "housing", household(owned_housing_m2=30.1), False, id="lianzu 30.1/3"),
    pytest.param(
        "lianzu",
        "housing",
        household(owned_housing_m2=40, same_hukou_others=1),
        True,
        id="lianzu 40/(3+1)",
    ),
    pytest.param(
        "lianzu",
        "housing",
        household(owned_housing_m2=40.5, same_hukou_others=1),
        False,
        id="lianzu 40.5/(3+1)",
    ),
    # funded: parent or child with 2+ units and 40 m² or more per person (n + their household)
    pytest.param(
        "gongzu",
        "funded",
        household(relatives_housing=parents_housing(2, 200)),
        False,
        id="funded 200/(3+2)",
    ),
    pytest.param(
        "lianzu",
        "funded",
        household(relatives_housing=parents_housing(2, 199.99)),
        True,
        id="funded 199.99/(3+2)",
    ),
    pytest.param(
        "gongzu",
        "funded",
        household(relatives_housing=parents_housing(1, 1000)),
        True,
        id="funded one unit",
    ),
    pytest.param(
        "gongzu",
        "funded",
        household(relatives_housing=parents_housing(5, 240, household_size=3)),
        False,
        id="funded 240/(3+3)",
    ),
    pytest.param(
        "gongzu",
        "funded",
        household(
            relatives_housing=[
                {"relation": "child", "units": 3, "area_m2": 400, "household_size": 4}
            ]
        ),
        False,
        id="funded by a child",
    ),
    pytest.param(
        "gongzu",
        "funded",
        household(
            relatives_housing=[
                {"relation": "other", "units": 5, "area_m2": 2000, "household_size": 1}
            ]
        ),
        True,
        id="other relatives do not fund",
    ),
    pytest.param(
        "gongzu",
        "funded",
        household(relatives_housing=parents_housing(1, 100) + parents_housing(2, 200)),
        False,
        id="funded by the second entry",
    ),
    # residency
    pytest.param("gongzu", "residency", household(), True, id="center hukou"),
    pytest.param(
        "gongzu",
        "residency",
        household({"hukou_years": 0, "work": "none"}),
        True,
        id="center hukou of any length",
    ),
    pytest.param("gongzu", "residency", outsider(), False, id="outsider without work"),
    pytest.param(
        "gongzu",
        "residency",
        outsider(work="employed", residence_permit=True, pension_months=6),
        True,
        id="employed 6 months",
    ),
    pytest.param(
        "gongzu",
        "residency",
        outsider(work="employed", residence_permit=True, pension_months=5),
        False,
        id="employed 5 months",
    ),
    pytest.param(
        "gongzu",
        "residency",
        outsider(work="employed", residence_permit=False, pension_months=60),
        False,
        id="employed without permit",
    ),
    pytest.param(
        "gongzu",
        "residency",
        outsider(work="employed", residence_permit=False, pension_months=0),
        False,
        id="employed without permit or pension",
    ),
    pytest.param(
        "gongzu",
        "residency",
        outsider(work="entrepreneur", business_license=True),
        True,
        id="entrepreneur with licence",
    ),
    pytest.param(
        "gongzu",
        "residency",
        outsider(work="entrepreneur", business_license=False, residence_permit=True),
        False,
        id="entrepreneur without licence",
    ),
    pytest.param(
        "gongzu",
        "residency",
        outsider(work="central_unit", central_unit_certificate=True),
        True,
        id="central unit with certificate",
    ),
    pytest.param(
        "gongzu",
        "residency",
        outsider(work="central_unit", business_license=True),
        False,
        id="central unit without certificate",
    ),
    # sanction: 五年内不得申请 (60 months admits)
    pytest.param("gongzu", "sanction", household(sanction_months_ago=None), True, id="never"),
    pytest.param("gongzu", "sanction", household(sanction_months_ago=0), False, id="sanction 0"),
    pytest.param("lianzu", "sanction", household(sanction_months_ago=59), False, id="sanction 59"),
    pytest.param("lianzu", "sanction", household(sanction_months_ago=60), True, id="sanction 60"),
    # 廉租房 hukou: 市中心城区城镇常住户籍满2年以上的法定成年人
    pytest.param("lianzu", "hukou", household({"hukou_years": 1}), False, id="hukou 1 year"),
    pytest.param("lianzu", "hukou", household({"hukou_years": 2}), True, id="hukou 2 years"),
    pytest.param("lianzu", "hukou", outsider(), False, id="hukou elsewhere"),
    pytest.param(
        "lianzu",
        "hukou",
        outsider(hukou_years=10, work="central_unit", central_unit_certificate=True),
        False,
        id="hukou elsewhere despite years",
    ),
    pytest.param("lianzu", "hukou", household({"age": 17}), False, id="hukou minor"),
    pytest.param(
        "lianzu", "hukou", household({"age": 17, "hukou_years": 1}), False, id="minor 1 year"
    ),
    pytest.param("lianzu", "hukou", household({"age": 18}), True, id="hukou adult"),
    # single_age: 单身申请 men 年满30, women 年满28
    pytest.param("lianzu", "single_age", single("male", 29), False, id="single man 29"),
    pytest.param("lianzu", "single_age", single("male", 30), True, id="single man 30"),
    pytest.param("lianzu", "single_age", single("female", 27), False, id="single woman 27"),
    pytest.param("lianzu", "single_age", single("female", 28), True, id="single woman 28"),
    pytest.param(
        "lianzu",
        "single_age",
        household({"marital_status": "divorced", "age": 25}, co_applicants=[]),
        False,
        id="divorced alone 25",
    ),
    pytest.param(
        "lianzu",
        "single_age",
        household({"marital_status": "widowed", "sex": "male", "age": 30}, co_applicants=[]),
        True,
        id="widower alone 30",
    ),
    pytest.param(
        "lianzu",
        "single_age",
        single("male", 20, co_applicants=[{"relation": "parent", "age": 50}]),
        True,
        id="young with a parent",
    ),
    pytest.param(
        "lianzu",
        "single_age",
        household({"age": 20}, co_applicants=[]),
        True,
        id="married without co-applicants",
    ),
    # low income: 民政认定
    pytest.param("lianzu", "low_income", household(civil_status="none"), False, id="no status"),
    *[
        pytest.param("lianzu", "low_income", household(civil_status=s), True, id=f"status {s}")
        for s in ("dibao", "tekun", "zhichu_poor")
    ],
    # exclusions of 廉租房
    pytest.param(
        "lianzu", "reform_housing", household(had_reform_housing=True), False, id="reform"
    ),
    pytest.param(
        "lianzu", "reform_housing", household(had_reform_housing=False), True, id="no reform"
    ),
    pytest.param(
        "lianzu", "disposal", household(disposed_housing_months_ago=None), True, id="no disposal"
    ),
    pytest.param(
        "lianzu", "disposal", household(disposed_housing_months_ago=23), False, id="disposal 23"
    ),
    pytest.param(
        "lianzu", "disposal", household(disposed_housing_months_ago=24), True, id="disposal 24"
    ),
    pytest.param("lianzu", "divorce", household(divorce=None), True, id="no divorce"),
    pytest.param(
        "lianzu",
        "divorce",
        household(divorce={"months_ago": 23, "eligible_before": False}),
        False,
        id="divorce 23 not eligible before",
    ),
    pytest.param(
        "lianzu",
        "divorce",
        household(divorce={"months_ago": 24, "eligible_before": False}),
        True,
        id="divorce 24",
    ),
    pytest.param(
        "lianzu",
        "divorce",
        household(divorce={"months_ago": 0, "eligible_before": True}),
        True,
        id="divorce 0 eligible before",
    ),
    pytest.param("lianzu", "assets", household(), True, id="no assets"),
    *[
        pytest.param("lianzu", "assets", household(**{flag: True}), False, id=flag)
        for flag in ("owns_commercial_property", "owns_consumer_vehicle", "owns_company")
    ],
]


@pytest.mark.parametrize(("programme", "check_id", "data", "passes"), BOUNDARIES)
def test_check_boundary(programme: str, check_id: str, data: dict[str, Any], passes: bool) -> None:
    result = assess_dict(data)
    assert check_of(result, programme, check_id)["ok"] is passes
    assert (check_id in result[programme]["failed"]) is (not passes)


def test_base_household_is_eligible_for_both() -> None:
    result = assess_dict(household())
    assert result["gongzu"]["eligible"] and result["lianzu"]["eligible"]


@pytest.mark.parametrize(
    ("data", "gongzu", "lianzu"),
    [
        pytest.param(household(owned_housing_m2=60.3), False, False, id="60.3 fails both"),
        pytest.param(household(owned_housing_m2=30), True, True, id="30 passes both"),
        pytest.param(household(had_reform_housing=True), True, False, id="reform: gongzu only"),
        pytest.param(household({"can_pay_rent": False}), False, True, id="no rent: lianzu only"),
        pytest.param(household(sanction_months_ago=12), False, False, id="sanction blocks both"),
    ],
)
def test_programmes_are_decided_separately(
    data: dict[str, Any], gongzu: bool, lianzu: bool
) -> None:
    result = assess_dict(data)
    assert (result["gongzu"]["eligible"], result["lianzu"]["eligible"]) == (gongzu, lianzu)


@pytest.mark.parametrize(
    ("data", "priority"),
    [
        pytest.param(household(), True, id="lianzu eligible"),
        pytest.param(household(civil_status="none"), False, id="gongzu only, no group"),
        *[
            pytest.param(
                household(civil_status="none", priority_groups=[group]), True, id=f"group {group}"
            )
            for group in (
                "hero",
                "model_worker",
                "veteran_care",
                "shantytown",
                "lost_only_child",
                "three_child",
                "fisherman",
            )
        ],
        pytest.param(
            household(owned_housing_m2=500, priority_groups=["hero"]), False, id="eligible nowhere"
        ),
        pytest.param(household({"can_pay_rent": False}), True, id="lianzu eligible, gongzu not"),
        pytest.param(
            household({"can_pay_rent": False}, civil_status="none", priority_groups=["hero"]),
            False,
            id="group but eligible nowhere",
        ),
    ],
)
def test_priority(data: dict[str, Any], priority: bool) -> None:
    assert assess_dict(data)["priority"] is priority


# --- messages -------------------------------------------------------------------------------

EXAMPLES = [case["input"] for case in VALID_CASES] + [param.values[2] for param in BOUNDARIES]


def _all_checks() -> list[tuple[str, dict[str, Any]]]:
    return [
        (programme, check)
        for data in EXAMPLES
        for programme, verdict in assess_dict(data).items()
        if programme != "priority"
        for check in verdict["checks"]
    ]


def test_every_message_is_chinese_and_cites_its_clause() -> None:
    policy = load_policy("jiujiang")
    for programme, check in _all_checks():
        message = check["message"]
        clause = policy.texts[programme][check["id"]].clause
        assert clause.startswith("《") and "》" in clause
        assert message.endswith(f"（{clause}）。"), message
        said = message.removesuffix(f"（{clause}）。")
        assert len(CHINESE.findall(said)) >= 6, message
        assert not re.search(r"[{}]|None|True|False", message), message


def test_failing_messages_differ_from_passing_ones() -> None:
    passing = {check["message"] for _, check in _all_checks() if check["ok"]}
    failing = {check["message"] for _, check in _all_checks() if not check["ok"]}
    assert passing.isdisjoint(failing)
    assert len(failing) > 30


def test_examples_reach_every_outcome_of_every_check() -> None:
    """Each message variant in the policy is produced by some example, with its facts."""
    policy = load_policy("jiujiang")
    reached: set[tuple[str, str, bool, str]] = set()
    for data in EXAMPLES:
        parsed = parse_household(data)
        for programme, rules in (("gongzu", GONGZU_RULES), ("lianzu", LIANZU_RULES)):
            for check_id, rule in rules:
                ok, variants, facts = rule(parsed, policy.thresholds)
                spec = CHECK_SPECS[check_id]
                allowed = spec.passes if ok else spec.fails
                for variant in variants:
                    assert variant in allowed, (check_id, variant)
                    assert allowed[variant] <= facts.keys(), (check_id, variant, facts)
                    reached.add((programme, check_id, ok, variant))
    expected = {
        (programme, check_id, ok, variant)
        for programme, check_ids in PROGRAMME_CHECKS.items()
        for check_id in check_ids
        for ok, variants in (
            (True, CHECK_SPECS[check_id].passes),
            (False, CHECK_SPECS[check_id].fails),
        )
        for variant in variants
    }
    assert expected - reached == set()


@pytest.mark.parametrize(
    ("data", "programme", "check_id", "fragments"),
    [
        pytest.param(
            household(owned_housing_m2=60.3),
            "gongzu",
            "housing",
            ["60.3平方米", "按3人计算", "人均20.1平方米", "超过了20平方米", "二（一）2"],
            id="housing over",
        ),
        pytest.param(
            household(owned_housing_m2=60),
            "gongzu",
            "housing",
            ["人均20平方米", "没有超过20平方米"],
            id="housing exactly at the limit",
        ),
        pytest.param(
            household(owned_housing_m2=31),
            "lianzu",
            "housing",
            ["人均约10.34平方米", "超过了10平方米"],
            id="rounded figure stays above the limit",
        ),
        pytest.param(
            household(owned_housing_m2=29.99),
            "lianzu",
            "housing",
            ["人均约9.99平方米", "没有超过10平方米"],
            id="rounded figure stays within the limit",
        ),
        pytest.param(
            household(owned_housing_m2=40, same_hukou_others=1),
            "lianzu",
            "housing",
            ["同户籍其他成员1人", "共4人", "人均10平方米"],
            id="same-hukou members counted",
        ),
        pytest.param(
            household(relatives_housing=parents_housing(2, 200)),
            "gongzu",
            "funded",
            ["父母", "2套", "200平方米", "共5人", "人均40平方米", "资助住房", "第6问"],
            id="funded",
        ),
        pytest.param(
            household(sanction_months_ago=59),
            "gongzu",
            "sanction",
            ["4年11个月", "未满5年", "再过1个月"],
            id="sanction",
        ),
        pytest.param(
            household(divorce={"months_ago": 6, "eligible_before": False}),
            "lianzu",
            "divorce",
            ["6个月", "未满2年", "再过1年6个月", "4（3）"],
            id="divorce",
        ),
        pytest.param(
            household(disposed_housing_months_ago=0),
            "lianzu",
            "disposal",
            ["不到1个月", "再过2年"],
            id="disposal this month",
        ),
        pytest.param(
            single("male", 29),
            "lianzu",
            "single_age",
            ["男性", "30周岁", "29周岁", "还差1年"],
            id="single man",
        ),
        pytest.param(
            outsider(work="employed", residence_permit=False, pension_months=3),
            "gongzu",
            "residency",
            ["居住证", "3个月", "满6个月"],
            id="both residency problems are named",
        ),
        pytest.param(
            household({"age": 17, "hukou_years": 1}),
            "lianzu",
            "hukou",
            ["1年", "满2年", "17周岁", "法定成年人"],
            id="both hukou problems are named",
        ),
        pytest.param(
            household(owns_consumer_vehicle=True, owns_company=True),
            "lianzu",
            "assets",
            ["消费性车辆、在工商部门注册的企业", "不影响申请公租房"],
            id="assets",
        ),
        pytest.param(
            household(
                co_applicants=[
                    {"relation": "spouse", "age": 37},
                    {"relation": "sibling", "age": 30},
                ]
            ),
            "lianzu",
            "relation",
            ["兄弟姐妹", "直系亲属"],
            id="relation",
        ),
        pytest.param(
            household(civil_status="tekun"), "lianzu", "low_income", ["城镇特困人员"], id="tekun"
        ),
        pytest.param(household({"age": 17}), "gongzu", "age", ["17周岁", "年满18周岁"], id="age"),
    ],
)
def test_messages_say_what_was_found(
    data: dict[str, Any], programme: str, check_id: str, fragments: list[str]
) -> None:
    message = check_of(assess_dict(data), programme, check_id)["message"]
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_assess_dict_matches_assess() -> None:
    data = household(owned_housing_m2=45.5, priority_groups=["hero"])
    assert assess_dict(data) == assess(parse_household(data)).to_dict()


def test_assessment_objects() -> None:
    assessment = assess(parse_household(household({"age": 17})))
    assert assessment.gongzu.eligible is False
    assert assessment.gongzu.failed == ("age",)
    assert isinstance(assessment.gongzu.checks, tuple)
    assert assessment.gongzu.checks[0].id == "age"
    assert assessment.gongzu.checks[0].ok is False
    assert assessment.priority is False


# --- policies -------------------------------------------------------------------------------


def test_jiujiang_policy_holds_the_thresholds() -> None:
    policy = load_policy("jiujiang")
    assert "jiujiang" in available_regions()
    assert policy is load_policy("jiujiang")
    assert policy.name == "九江市本级"
    thresholds = policy.thresholds
    assert (thresholds.adult_age, thresholds.min_hukou_years, thresholds.min_pension_months) == (
        18,
        2,
        6,
    )
    assert (thresholds.gongzu_max_m2_per_person, thresholds.lianzu_max_m2_per_person) == (20, 10)
    assert (thresholds.funded_min_units, thresholds.funded_min_m2_per_person) == (2, 40)
    assert (thresholds.single_male_min_age, thresholds.single_female_min_age) == (30, 28)
    assert (
        thresholds.sanction_months,
        thresholds.disposal_months,
        thresholds.divorce_months,
    ) == (60, 24, 24)


def test_unknown_region_has_no_policy() -> None:
    with pytest.raises(PolicyError):
        load_policy("mars")


def write_policy(tmp_path: Path, change: Any) -> Path:
    """A copy of the Jiujiang policy file with ``change(data)`` applied."""
    data = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def stricter_city(data: dict[str, Any]) -> None:
    data["region"] = "testcity"
    data["name"] = "测试市"
    data["thresholds"].update(
        adult_age=20,
        gongzu_max_m2_per_person=10.2,
        single_male_min_age=25,
        min_pension_months=12,
        sanction_months=36,
        funded_min_units=3,
    )


@pytest.mark.parametrize(
    ("data", "programme", "check_id", "in_jiujiang", "in_testcity"),
    [
        pytest.param(household({"age": 19}), "gongzu", "age", True, False, id="adult age"),
        pytest.param(
            household(owned_housing_m2=30.6), "gongzu", "housing", True, True, id="10.2 x 3 exact"
        ),
        pytest.param(
            household(owned_housing_m2=30.7), "gongzu", "housing", True, False, id="housing limit"
        ),
        pytest.param(
            outsider(work="employed", residence_permit=True, pension_months=6),
            "gongzu",
            "residency",
            True,
            False,
            id="pension months",
        ),
        pytest.param(
            household(sanction_months_ago=40), "lianzu", "sanction", False, True, id="sanction"
        ),
        pytest.param(single("male", 26), "lianzu", "single_age", False, True, id="single man"),
        pytest.param(
            household(relatives_housing=parents_housing(2, 400)),
            "gongzu",
            "funded",
            False,
            True,
            id="funded units",
        ),
    ],
)
def test_another_policy_file_changes_the_results(
    tmp_path: Path,
    data: dict[str, Any],
    programme: str,
    check_id: str,
    in_jiujiang: bool,
    in_testcity: bool,
) -> None:
    testcity = load_policy_file(write_policy(tmp_path, stricter_city))
    parsed = parse_household(data)
    assert check_of(assess(parsed).to_dict(), programme, check_id)["ok"] is in_jiujiang
    result = assess(parsed, testcity).to_dict()
    assert check_of(result, programme, check_id)["ok"] is in_testcity


def test_another_policy_file_changes_the_messages(tmp_path: Path) -> None:
    testcity = load_policy_file(write_policy(tmp_path, stricter_city))
    assert testcity.region == "testcity" and testcity.name == "测试市"
    result = assess(parse_household(household({"age": 19}, sanction_months_ago=40)), testcity)
    messages = {check.id: check.message for check in result.gongzu.checks}
    assert "还未年满20周岁" in messages["age"]
    assert "已满3年" in messages["sanction"]


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        pytest.param(lambda d: d["checks"]["gongzu"].pop("age"), "missing", id="check missing"),
        pytest.param(
            lambda d: d["checks"]["lianzu"].update(extra=d["checks"]["lianzu"]["assets"]),
            "unknown",
            id="unknown check",
        ),
        pytest.param(
            lambda d: d["checks"]["gongzu"]["housing"]["pass"].pop("no_housing"),
            "missing",
            id="variant missing",
        ),
        pytest.param(
            lambda d: d["checks"]["gongzu"]["age"]["pass"].update(ok="您{income}元。"),
            "placeholder",
            id="unknown placeholder",
        ),
        pytest.param(
            lambda d: d["checks"]["gongzu"]["rent"]["pass"].update(ok="您{age}周岁。"),
            "placeholder",
            id="fact the outcome does not report",
        ),
        pytest.param(
            lambda d: d["checks"]["gongzu"]["age"]["pass"].update(ok="{age:>5}"),
            "format",
            id="format spec",
        ),
        pytest.param(
            lambda d: d["checks"]["gongzu"]["age"].update(clause=""), "clause", id="empty clause"
        ),
        pytest.param(
            lambda d: d["thresholds"].update(adult_age=True), "adult_age", id="bool threshold"
        ),
        pytest.param(lambda d: d["thresholds"].update(adult_age=18.5), "adult_age", id="float age"),
        pytest.param(lambda d: d["thresholds"].pop("divorce_months"), "missing", id="threshold"),
        pytest.param(lambda d: d.update(extra=1), "unknown", id="unknown top-level key"),
    ],
)
def test_malformed_policy_files_are_refused(tmp_path: Path, change: Any, complaint: str) -> None:
    with pytest.raises(PolicyError, match=complaint):
        load_policy_file(write_policy(tmp_path, change))


def test_policy_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"broken\.json"):
        load_policy_file(path)


def test_templates_may_quote_literal_braces(tmp_path: Path) -> None:
    def braces(data: dict[str, Any]) -> None:
        data["checks"]["gongzu"]["rent"]["pass"]["ok"] = "符合{{租金}}要求。"
        data["checks"]["gongzu"]["age"]["pass"]["ok"] = "{{注}}申请人{age}周岁。"

    policy = load_policy_file(write_policy(tmp_path, braces))
    checks = {c.id: c.message for c in assess(parse_household(household()), policy).gongzu.checks}
    assert checks["rent"].startswith("符合{租金}要求（")
    assert checks["age"].startswith("{注}申请人35周岁（")


def test_policy_data_is_not_shared_between_loads(tmp_path: Path) -> None:
    path = write_policy(tmp_path, lambda data: None)
    first, second = load_policy_file(path), load_policy_file(path)
    assert first is not second
    assert first.thresholds == second.thresholds == load_policy("jiujiang").thresholds


def test_engine_does_not_modify_its_input() -> None:
    data = household(relatives_housing=parents_housing(2, 200), priority_groups=["hero"])
    before = copy.deepcopy(data)
    assess_dict(data)
    assert data == before
