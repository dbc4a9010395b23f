"""From a filled-in application to the rules engine's household facts. No Flask.

The wizard asks what a reviewer needs (relatives' housing and a non-local applicant's
居住证 and 养老保险 included); facts it does not ask (e.g. past disposals) come from the resident's 资格自评 answers when the draft was
started from them, and otherwise take the contract's defaults. The pre-check is
advice for reviewers, never a decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.apply.categories import Category
from app.apply.validation import applicant_section, relatives_housing
from app.eligibility.questionnaire import to_household

# 001 二(一)3: a non-local applicant is an 外来创业人员, 直管单位 staff, or else an
# 外来就业人员 (a 新就业职工 or 中等偏下收入 applicant from elsewhere included).
WORK_BY_CATEGORY = {
    Category.ENTREPRENEUR: "entrepreneur",
    Category.CENTRAL_UNIT: "central_unit",
}
RESIDENTIAL = "住宅"


def _age(birth: date | None, today: date) -> int:
    if birth is None:
        return 0
    had_birthday = (today.month, today.day) >= (birth.month, birth.day)
    return today.year - birth.year - (0 if had_birthday else 1)


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):  # an autosaved, not yet valid answer
        return 0


def _from_questionnaire(data: dict[str, Any]) -> dict[str, Any]:
    answers = data.get("eligibility") or {}
    try:
        return to_household(answers) if answers else {}
    except KeyError:  # an incomplete questionnaire: use nothing from it
        return {}


def household_from_application(application: Any, user: Any, today: date) -> dict[str, Any]:
    data = application.data or {}
    applicant = applicant_section(data)
    extra = data.get("category_details", {})
    assets = data.get("assets", {})
    earlier = _from_questionnaire(data)
    category = application.category
    work = (
        WORK_BY_CATEGORY.get(category, "employed") if applicant.get("hukou") == "other" else "none"
    )
    relatives = (
        relatives_housing(applicant)
        if applicant.get("relatives_any") in ("yes", "no")
        else earlier.get("relatives_housing", [])
    )
    real_estate = assets.get("real_estate", [])
    return {
        "applicant": {
            "age": _age(user.birth_date, today),
            "sex": user.sex or "male",
            "marital_status": applicant.get("marital_status", "single"),
            "hukou": applicant.get("hukou", "other"),
            "hukou_years": applicant.get("hukou_years") or 0,
            "work": work,
            "residence_permit": applicant.get("residence_permit") == "yes",
            "pension_months": _int(applicant.get("pension_months")),
            "business_license": category == Category.ENTREPRENEUR,
            "central_unit_certificate": category == Category.CENTRAL_UNIT,
            "can_pay_rent": True,
        },
        "co_applicants": [
            {"relation": member["relation"], "age": member.get("age", 0)}
            for member in data.get("members", [])
        ],
        "same_hukou_others": earlier.get("same_hukou_others", 0),
        "owned_housing_m2": sum(
            float(item.get("area_m2") or 0)
            for item in real_estate
            if item.get("use") == RESIDENTIAL
        ),
        "relatives_housing": relatives,
        "civil_status": extra.get("civil_status", "none")
        if category == Category.LOW_INCOME
        else "none",
        "had_reform_housing": earlier.get("had_reform_housing", False),
        "disposed_housing_months_ago": earlier.get("disposed_housing_months_ago"),
        "divorce": earlier.get("divorce"),
        "owns_commercial_property": any(item.get("use") != RESIDENTIAL for item in real_estate),
        "owns_consumer_vehicle": bool(assets.get("vehicles")),
        "owns_company": bool(assets.get("businesses")),
        "sanction_months_ago": earlier.get("sanction_months_ago"),
        "priority_groups": data.get("priority_groups", []),
    }
