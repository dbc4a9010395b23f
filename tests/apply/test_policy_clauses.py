"""What the wizard applies, clause by clause of 九江 guide 001 (2025), which prevails over
002 (2019). Each test failed on the code before issue 27."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from app.apply.categories import Category, GuaranteeMode, mode_problem, modes_for
from app.apply.completeness import submission_problems
from app.apply.household import household_from_application
from app.apply.prefill import _relatives
from app.apply.validation import applicant_section
from app.eligibility.household import parse_household
from app.eligibility.rules import assess
from tests.conftest import page_text

TODAY = date(2026, 12, 6)
APPLICANT_USER = SimpleNamespace(birth_date=date(1995, 3, 1), sex="male")


def _application(category: str, applicant: dict, **data) -> SimpleNamespace:
    return SimpleNamespace(category=category, data={"applicant": applicant, **data})


@pytest.mark.parametrize(
    ("category", "subsidy_open"),
    [
        (Category.LOW_INCOME, True),
        (Category.LOW_MIDDLE_INCOME, False),
        (Category.NEW_EMPLOYEE, False),
        (Category.MIGRANT_WORKER, False),
        (Category.ENTREPRENEUR, False),
        (Category.CENTRAL_UNIT, False),
    ],
)
def test_rent_subsidy_is_for_civil_affairs_households_only_per_001_2_2_2(
    category: Category, subsidy_open: bool
) -> None:
    """001 二（二）2: 租赁补贴 (廉租房) is for 民政-recognised 低保、特困、支出型贫困 households."""
    assert (GuaranteeMode.SUBSIDY in modes_for(category)) is subsidy_open
    assert GuaranteeMode.PHYSICAL in modes_for(category)
    problem = mode_problem(category, GuaranteeMode.SUBSIDY)
    assert (problem is None) is subsidy_open
    assert problem is None or "民政" in problem


def test_the_category_step_explains_a_mode_that_is_not_open(wizard) -> None:
    wizard.start()
    wizard.consent()
    wizard.region()
    wizard.verify_identity()
    response = wizard.post(
        "/apply/category",
        {"guarantee_mode": "subsidy", "category": "new_employee", "action": "next"},
    )
    assert response.status_code == 200
    assert "租赁补贴只面向民政部门认定" in page_text(response)
    assert wizard.application.guarantee_mode is None  # nothing half-right was kept
    # The service refuses it too, whatever wrote the columns.
    application = wizard.application
    application.category, application.guarantee_mode = "new_employee", "subsidy"
    problems = submission_problems(application, wizard.user)
    assert any(p.step == "category" and "民政" in p.message for p in problems)


@pytest.mark.parametrize(
    ("category", "permit", "months", "residency_passes"),
    [
        (Category.NEW_EMPLOYEE, "yes", 7, True),  # failed: no 'work' for a new employee
        (Category.LOW_MIDDLE_INCOME, "yes", 6, True),  # failed likewise
        (Category.NEW_EMPLOYEE, "yes", 5, False),
        (Category.LOW_MIDDLE_INCOME, "no", 12, False),
        (Category.MIGRANT_WORKER, "yes", 6, True),
    ],
)
def test_residency_follows_the_hukou_for_every_non_local_worker_per_001_2_1_3(
    category: Category, permit: str, months: int, residency_passes: bool
) -> None:
    """001 二（一）3 applies to every non-local applicant, not only the 外来务工 category."""
    applicant = {
        "marital_status": "single", "hukou": "other", "residence_permit": permit,
        "pension_months": months, "relatives_any": "no",
    }  # fmt: skip
    household = household_from_application(_application(category, applicant), APPLICANT_USER, TODAY)
    assert household["applicant"]["work"] == "employed"
    result = assess(parse_household(household)).to_dict()
    residency = next(c for c in result["gongzu"]["checks"] if c["id"] == "residency")
    assert residency["ok"] is residency_passes


def test_relatives_housing_from_the_wizard_reaches_the_precheck_per_001_2_1_2() -> None:
    """有资助住房 (001 二（一）2) was judged only when 资格自评 came first."""
    applicant = {
        "marital_status": "single", "hukou": "center_urban", "hukou_years": 5,
        "relatives_any": "yes", "relative_relation": "parent", "relative_units": 3,
        "relative_area_m2": 300.0, "relative_size": 2,
    }  # fmt: skip
    application = _application(Category.LOW_MIDDLE_INCOME, applicant)
    household = household_from_application(application, APPLICANT_USER, TODAY)
    assert household["relatives_housing"] == [
        {"relation": "parent", "units": 3, "area_m2": 300.0, "household_size": 2}
    ]
    result = assess(parse_household(household)).to_dict()
    funded = next(c for c in result["gongzu"]["checks"] if c["id"] == "funded")
    assert funded["ok"] is False


def test_a_draft_from_before_keeps_its_residency_answers() -> None:
    """Drafts saved before issue 27 kept 居住证 and 养老保险 with the category."""
    data = {
        "applicant": {"marital_status": "single", "hukou": "other", "relatives_any": "no"},
        "category_details": {"residence_permit": True, "pension_months": 8},
    }
    applicant = applicant_section(data)
    assert (applicant["residence_permit"], applicant["pension_months"]) == ("yes", 8)
    application = SimpleNamespace(category=Category.MIGRANT_WORKER, data=data)
    household = household_from_application(application, APPLICANT_USER, TODAY)
    assert household["applicant"]["residence_permit"] is True
    assert household["applicant"]["pension_months"] == 8


@pytest.mark.parametrize(
    ("relatives", "answer"),
    [
        ([], "no"),
        ([{"relation": "parent", "units": 1, "area_m2": 90.0, "household_size": 2}], "no"),
        ([{"relation": "other", "units": 3, "area_m2": 300.0, "household_size": 2}], "no"),
        ([{"relation": "child", "units": 2, "area_m2": 150.0, "household_size": 3}], "yes"),
    ],
)
def test_the_questionnaire_prefills_the_two_homes_question_per_001_2_1_2(relatives, answer):
    """有资助住房 counts parents and children with two or more homes (002 政策问答6)."""
    assert _relatives(relatives)["relatives_any"] == answer
