"""What a finished 资格自评 tells the application wizard. Pure module, no Flask."""

from __future__ import annotations

from typing import Any

from app.apply.categories import Category
from app.eligibility.household import CivilStatus, Hukou, Work
from app.eligibility.questionnaire import to_household
from app.eligibility.questions import Answers


def category_from_answers(answers: Answers) -> Category:
    household = to_household(answers)
    applicant = household["applicant"]
    if household["civil_status"] != CivilStatus.NONE:
        return Category.LOW_INCOME
    if applicant["hukou"] == Hukou.OTHER:
        return {
            Work.EMPLOYED: Category.MIGRANT_WORKER,
            Work.ENTREPRENEUR: Category.ENTREPRENEUR,
            Work.CENTRAL_UNIT: Category.CENTRAL_UNIT,
        }.get(applicant["work"], Category.MIGRANT_WORKER)
    return Category.LOW_MIDDLE_INCOME


def draft_data_from_answers(answers: Answers) -> dict[str, Any]:
    """Members and assets the wizard starts with; the resident completes the rest."""
    household = to_household(answers)
    applicant = household["applicant"]
    real_estate = []
    if household["owned_housing_m2"]:
        real_estate.append({"use": "住宅", "area_m2": household["owned_housing_m2"]})
    if household["owns_commercial_property"]:
        real_estate.append({"use": "营业性非住宅", "area_m2": None})
    return {
        "source": "eligibility",
        "applicant": {
            "marital_status": applicant["marital_status"],
            "hukou": applicant["hukou"],
            "hukou_years": applicant["hukou_years"],
            **_residency(applicant),
            **_relatives(household["relatives_housing"]),
        },
        "members": [
            {"relation": member["relation"], "age": member["age"]}
            for member in household["co_applicants"]
        ],
        "assets": {
            "vehicles": [{"kind": "消费性车辆"}] if household["owns_consumer_vehicle"] else [],
            "real_estate": real_estate,
            "businesses": [{"kind": "工商注册企业"}] if household["owns_company"] else [],
        },
        "category_details": {"civil_status": household["civil_status"]},
        "priority_groups": household["priority_groups"],
    }


def _residency(applicant: dict[str, Any]) -> dict[str, Any]:
    if applicant["hukou"] != Hukou.OTHER:
        return {}
    return {
        "residence_permit": "yes" if applicant["residence_permit"] else "no",
        "pension_months": applicant["pension_months"],
    }


def _relatives(relatives: list[dict[str, Any]]) -> dict[str, Any]:
    """The wizard asks for the relative with the most housing (the 说明书 lists them all)."""
    # The wizard's question is 两套或以上住房: a relative with one home does not make it "yes".
    funding = [r for r in relatives if r["relation"] in ("parent", "child") and r["units"] >= 2]
    if not funding:
        return {"relatives_any": "no"}
    most = max(funding, key=lambda r: (r["units"], r["area_m2"]))
    return {
        "relatives_any": "yes",
        "relative_relation": most["relation"],
        "relative_units": most["units"],
        "relative_area_m2": most["area_m2"],
        "relative_size": most["household_size"],
    }
