"""The materials list follows the category and the household (guide 001, 四、申请材料)."""

from __future__ import annotations

import pytest

from app.apply.materials import missing_materials, required_materials

ADULT = {"uid": "a1", "name": "王小二", "age": 40, "relation": "spouse"}
CHILD = {"uid": "c1", "name": "王小三", "age": 9, "relation": "child"}


def keys(category: str | None, **data) -> list[str]:
    return [item.key for item in required_materials(category, data)]


def test_every_household_needs_id_hukou_marriage_and_housing_proof() -> None:
    assert keys("low_middle_income", applicant={"marital_status": "single"}) == [
        "id_applicant", "hukou_book", "marriage_proof", "housing_proof",
    ]  # fmt: skip


def test_id_cards_for_adult_members_only_and_relatives_statement() -> None:
    result = keys(
        "low_middle_income", applicant={"marital_status": "married"}, members=[ADULT, CHILD]
    )
    assert "id_member_a1" in result and "id_member_c1" not in result
    assert "relatives_statement" in result


@pytest.mark.parametrize(
    ("category", "expected", "absent"),
    [
        ("low_income", {"civil_certificate"}, {"residence_permit", "business_licence"}),
        ("migrant_worker", {"residence_permit", "pension_record"}, {"civil_certificate"}),
        ("entrepreneur", {"business_licence"}, {"pension_record"}),
        ("central_unit", {"work_certificate"}, {"business_licence"}),
        ("low_middle_income", set(), {"civil_certificate", "residence_permit", "business_licence"}),
        ("new_employee", set(), {"civil_certificate"}),
    ],
)
def test_category_specific_materials(category: str, expected: set[str], absent: set[str]) -> None:
    result = set(keys(category, applicant={"marital_status": "single"}))
    assert expected <= result and not absent & result


@pytest.mark.parametrize(
    ("status", "word"),
    [("married", "结婚证"), ("divorced", "离婚证"), ("single", "承诺书"), ("widowed", "承诺书")],
)
def test_marriage_proof_depends_on_status(status: str, word: str) -> None:
    items = required_materials("low_middle_income", {"applicant": {"marital_status": status}})
    marriage = next(item for item in items if item.key == "marriage_proof")
    assert word in marriage.label


def test_priority_groups_need_proof_and_missing_is_computed() -> None:
    items = required_materials("low_middle_income", {"priority_groups": ["hero"]})
    assert "priority_proof" in [item.key for item in items]
    missing = missing_materials(items, {"id_applicant", "hukou_book"})
    assert [item.key for item in missing] == ["marriage_proof", "housing_proof", "priority_proof"]
