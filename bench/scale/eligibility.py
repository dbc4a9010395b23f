"""资格自评 answers for the scale seed: the questionnaire walked question by question (its
own skip logic decides what is asked), answered the way this household would."""

from __future__ import annotations

import random
from datetime import date
from typing import TYPE_CHECKING, Any

from app.eligibility import questionnaire
from app.eligibility.household import PriorityGroup
from bench.scale.people import age_on

if TYPE_CHECKING:
    from bench.scale.applications import Household
    from bench.scale.residents import Resident

WORK_BY_CATEGORY = {
    "migrant_worker": "employed",
    "entrepreneur": "entrepreneur",
    "central_unit": "central_unit",
}


def answers_for(
    rng: random.Random, resident: Resident, household: Household, today: date
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    age = resident.age_on(today) if resident.person else rng.randrange(20, 70)
    sex = resident.person.sex if resident.person else rng.choice(("male", "female"))
    members = [
        {"relation": member["relation"], "age": age_on(member["person"].birth_date, today)}
        for member in household.members
    ]
    known = {
        "age": age,
        "sex": sex,
        "marital_status": household.married,
        "hukou": household.hukou,
        "hukou_years": household.hukou_years,
        "work": WORK_BY_CATEGORY.get(household.category.value, "none"),
        "co_applicants": members,
        "civil_status": household.civil_status,
    }
    while (question := questionnaire.first_unanswered(answers)) is not None:
        found = known.get(question.id)
        answers[question.id] = found if found is not None else _typical(rng, question.id)
    return answers


def _typical(rng: random.Random, question_id: str) -> Any:
    """What most households answer (with now and then the other answer)."""
    chance = rng.random()
    answers = {
        "residence_permit": chance < 0.9,
        "pension_months": rng.randrange(6, 120),
        "business_license": chance < 0.9,
        "central_unit_certificate": True,
        "can_pay_rent": chance < 0.96,
        "has_housing": chance < 0.1,
        "owned_housing_m2": round(rng.uniform(12, 45), 1),
        "same_hukou_others": rng.choice((0, 0, 1, 2)),
        "relatives_any": chance < 0.08,
        "relatives_housing": [
            {"relation": "parent", "units": 2, "area_m2": 130.0, "household_size": 3}
        ],
        "had_reform_housing": chance < 0.04,
        "disposed_housing": chance < 0.04,
        "disposed_months": rng.randrange(12, 120),
        "divorced_before": chance < 0.1,
        "divorce_months": rng.randrange(12, 120),
        "divorce_eligible_before": chance < 0.5,
        "assets": ["consumer_vehicle"] if chance < 0.08 else [],
        "sanctioned": chance < 0.02,
        "sanction_months": rng.randrange(24, 120),
        "priority_groups": [rng.choice(list(PriorityGroup)).value] if chance < 0.08 else [],
    }
    return answers[question_id]
