"""The materials list is one pure function of the household: 九江 guide 001 四、申请材料,
one table per clause. The Chinese clause numbers are 001's unless said otherwise."""

from __future__ import annotations

import pytest

from app.apply.materials import missing_materials, required_materials

SPOUSE = {"uid": "a1", "name": "王小二", "age": 40, "relation": "spouse"}
TEEN = {"uid": "t1", "name": "王小四", "age": 16, "relation": "child"}
CHILD = {"uid": "c1", "name": "王小三", "age": 9, "relation": "child"}
LOCAL = {"hukou": "center_urban", "marital_status": "single"}
NON_LOCAL = {"hukou": "other", "marital_status": "single"}
MARITAL_KEYS = {"marriage_proof", "divorce_proof", "marital_pledge"}


def items(category: str | None = "low_middle_income", **data):
    return {item.key: item for item in required_materials(category, data)}


def required_keys(category: str | None = "low_middle_income", **data) -> set[str]:
    return {key for key, item in items(category, **data).items() if item.required}


def test_clause_4_1_every_id_card_and_the_hukou_book() -> None:
    """四.1 申请人及共同申请人身份证，户口簿: every co-applicant's ID; a child under 16 may
    have none, and the 户口簿 covers them (said on the item, which is then optional)."""
    found = items(applicant={"marital_status": "married"}, members=[SPOUSE, TEEN, CHILD])
    assert {"id_applicant", "hukou_book", "id_member_a1", "id_member_t1"} <= required_keys(
        applicant={"marital_status": "married"}, members=[SPOUSE, TEEN, CHILD]
    )
    child = found["id_member_c1"]
    assert not child.required and "户口簿" in child.hint
    assert found["id_member_t1"].required


@pytest.mark.parametrize(
    ("marital_status", "remarried", "expected"),
    [
        ("married", "no", {"marriage_proof": "结婚证"}),
        ("married", "yes", {"marriage_proof": "结婚证", "divorce_proof": "离婚证"}),
        ("divorced", "", {"marriage_proof": "离婚证", "marital_pledge": "承诺书"}),
        ("widowed", "", {"marriage_proof": "承诺书"}),
        ("single", "", {"marriage_proof": "承诺书"}),
    ],
)
def test_clauses_4_2_and_4_3_marriage_divorce_and_the_pledge(
    marital_status: str, remarried: str, expected: dict[str, str]
) -> None:
    """四.2 离异再婚的，仍需提交离婚证、离婚协议 — required, not a hint; 四.3 单人未婚、离异未再婚、
    丧偶未再婚 give the 婚姻状况承诺书. The first document keeps the key it had before, so an
    earlier upload still counts for it."""
    found = items(applicant={"marital_status": marital_status, "remarried": remarried})
    marital = {key: item for key, item in found.items() if key in MARITAL_KEYS}
    assert set(marital) == set(expected)
    assert all(item.required and expected[key] in item.label for key, item in marital.items())


@pytest.mark.parametrize("members", [[], [SPOUSE]])
def test_clauses_4_4_and_4_5_relatives_statement_and_ids_for_every_household(members) -> None:
    """四.4 直系亲属情况说明书 and 四.5 直系亲属有效身份证件或户籍证明 apply to every
    applicant, single ones included (they were asked only with co-applicants)."""
    status = "married" if members else "single"
    keys = required_keys(applicant={"marital_status": status, "remarried": "no"}, members=members)
    assert {"relatives_statement", "relatives_ids"} <= keys


def test_clause_4_6_housing_proof_for_everyone() -> None:
    """四.6 不动产证、直管公房租赁证 … or the lease of the home rented."""
    assert "housing_proof" in required_keys(applicant=NON_LOCAL)
    assert "租赁合同" in items(applicant=LOCAL)["housing_proof"].hint


@pytest.mark.parametrize(("hukou", "needed"), [("center_urban", True), ("other", False)])
def test_clause_4_7_no_homestead_proof_from_the_hukou_township(hukou: str, needed: bool) -> None:
    """四.7 市中心城区户籍所在乡镇开具的无宅基地、无自建房证明: for a 中心城区 户籍."""
    assert ("no_homestead_proof" in required_keys(applicant={"hukou": hukou})) is needed


@pytest.mark.parametrize(
    ("category", "needed"), [("low_income", True), ("low_middle_income", False)]
)
def test_clause_4_8_civil_affairs_certificate(category: str, needed: bool) -> None:
    """四.8 民政部门认定的低保、特困、支出型贫困低收入家庭证件."""
    assert ("civil_certificate" in required_keys(category, applicant=LOCAL)) is needed


@pytest.mark.parametrize(
    ("category", "hukou", "needed"),
    [
        ("new_employee", "other", True),  # was asked for none
        ("low_middle_income", "other", True),  # was asked for none
        ("migrant_worker", "other", True),
        ("entrepreneur", "other", False),  # 四.10 instead
        ("central_unit", "other", False),  # 二（一）3 工作证明 instead
        ("new_employee", "center_urban", False),
        ("migrant_worker", "center_urban", False),
    ],
)
def test_clause_4_9_residence_permit_and_pension_follow_the_hukou_not_the_category(
    category: str, hukou: str, needed: bool
) -> None:
    """四.9 and 二（一）3: every non-local 外来就业人员 shows a 居住证 and 6 months' 养老保险."""
    keys = required_keys(category, applicant={"hukou": hukou})
    assert ({"residence_permit", "pension_record"} <= keys) is needed
    assert not needed or not {"residence_permit", "pension_record"} - keys


@pytest.mark.parametrize(
    ("category", "key"),
    [("entrepreneur", "business_licence"), ("central_unit", "work_certificate")],
)
def test_clause_4_10_business_licence_and_central_unit_certificate(category: str, key: str) -> None:
    """四.10 外来创业人员 营业执照; 二（一）3 直管单位 工作证明."""
    assert key in required_keys(category, applicant=NON_LOCAL)
    assert key not in required_keys("low_middle_income", applicant=NON_LOCAL)


def test_clause_4_11_priority_proof_and_missing_is_computed() -> None:
    """四.11 优惠政策对象提供相关证明; an optional item is never 'missing'."""
    found = required_materials(
        "low_middle_income",
        {"applicant": LOCAL, "members": [CHILD], "priority_groups": ["hero"]},
    )
    assert "priority_proof" in [item.key for item in found]
    uploaded = {"id_applicant", "hukou_book", "marriage_proof", "relatives_statement"}
    missing = [item.key for item in missing_materials(found, uploaded)]
    assert missing == ["relatives_ids", "housing_proof", "no_homestead_proof", "priority_proof"]


def test_every_item_cites_its_clause() -> None:
    found = required_materials(
        "entrepreneur",
        {"applicant": {"marital_status": "married", "remarried": "yes", "hukou": "other"},
         "members": [SPOUSE, CHILD], "priority_groups": ["hero"]},
    )  # fmt: skip
    assert all(item.clause for item in found)
