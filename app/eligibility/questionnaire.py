"""The 资格自评 questionnaire: one question per screen, with skip logic. No Flask.

Answers are a plain JSON-able dict keyed by question id. ``applicable`` walks the
questions (``questions``) in order and keeps only those that can still matter given the
answers so far; reading one answer is in ``answer_parsing``. ``to_household`` turns the
answers into the rules engine's input.
"""

from __future__ import annotations

from typing import Any

from app.eligibility.household import CivilStatus, Work
from app.eligibility.questions import QUESTIONS, Answers, Question

# -- walking the questions ---------------------------------------------------------


def applicable(answers: Answers) -> list[Question]:
    return [question for question in QUESTIONS if question.applies(answers)]


def _neighbour(question_id: str, answers: Answers, step: int) -> Question | None:
    questions = applicable(answers)
    ids = [question.id for question in questions]
    if question_id not in ids:
        return questions[0] if step > 0 and questions else None
    index = ids.index(question_id) + step
    return questions[index] if 0 <= index < len(questions) else None


def next_question(question_id: str, answers: Answers) -> Question | None:
    return _neighbour(question_id, answers, +1)


def previous_question(question_id: str, answers: Answers) -> Question | None:
    return _neighbour(question_id, answers, -1)


def first_unanswered(answers: Answers) -> Question | None:
    return next((q for q in applicable(answers) if q.id not in answers), None)


def is_complete(answers: Answers) -> bool:
    return first_unanswered(answers) is None


def progress(question_id: str, answers: Answers) -> tuple[int, int]:
    """(position, total) of the question among those that apply now."""
    ids = [question.id for question in applicable(answers)]
    position = ids.index(question_id) + 1 if question_id in ids else 1
    return position, len(ids)


# -- to the rules engine -----------------------------------------------------------


def to_household(answers: Answers, region: str = "jiujiang") -> dict[str, Any]:
    """The rules engine's input for the answers that apply (stale answers are ignored)."""
    asked = {question.id for question in applicable(answers)}

    def answer(question_id: str, default: Any) -> Any:
        return answers.get(question_id, default) if question_id in asked else default

    applicant = {
        "age": answers["age"],
        "sex": answers["sex"],
        "marital_status": answers["marital_status"],
        "hukou": answers["hukou"],
        "hukou_years": answer("hukou_years", 0),
        "work": answer("work", Work.NONE.value),
        "residence_permit": answer("residence_permit", False),
        "pension_months": answer("pension_months", 0),
        "business_license": answer("business_license", False),
        "central_unit_certificate": answer("central_unit_certificate", False),
        "can_pay_rent": answer("can_pay_rent", True),
    }
    assets = set(answer("assets", []))
    divorced = "divorce_months" in asked and "divorce_months" in answers
    return {
        "region": region,
        "applicant": applicant,
        "co_applicants": list(answers.get("co_applicants", [])),
        "same_hukou_others": answer("same_hukou_others", 0),
        "owned_housing_m2": answer("owned_housing_m2", 0),
        "relatives_housing": list(answer("relatives_housing", [])),
        "civil_status": answer("civil_status", CivilStatus.NONE.value),
        "had_reform_housing": answer("had_reform_housing", False),
        "disposed_housing_months_ago": answer("disposed_months", None),
        "divorce": {
            "months_ago": answers["divorce_months"],
            "eligible_before": answers.get("divorce_eligible_before", False),
        }
        if divorced
        else None,
        "owns_commercial_property": "commercial_property" in assets,
        "owns_consumer_vehicle": "consumer_vehicle" in assets,
        "owns_company": "company" in assets,
        "sanction_months_ago": answer("sanction_months", None),
        "priority_groups": list(answer("priority_groups", [])),
    }


# Which questions feed each check, so the result page only states what was asked.
CHECK_QUESTIONS: dict[str, tuple[str, ...]] = {
    "age": ("age",),
    "rent": ("can_pay_rent",),
    "spouse": ("marital_status", "co_applicants"),
    "relation": ("co_applicants",),
    "housing": ("has_housing",),
    "funded": ("relatives_any",),
    "residency": ("hukou",),
    "sanction": ("sanctioned",),
    "hukou": ("hukou",),
    "single_age": ("marital_status",),
    "low_income": ("civil_status",),
    "reform_housing": ("had_reform_housing",),
    "disposal": ("disposed_housing",),
    "divorce": ("divorced_before", "divorce_months"),
    "assets": ("assets",),
}

ADVICE: dict[str, str] = {
    "age": "年满18周岁后可以申请；也可以由家中符合条件的成年成员作为申请人。",
    "rent": "公租房需要按月缴纳租金。如确有困难，可咨询是否符合廉租房（租金补贴）条件。",
    "spouse": "已婚须与配偶共同申请：请在共同申请人中添加配偶；未婚、离异或丧偶的不应填写配偶。",
    "relation": "共同申请人须是与您有赡养、抚养、扶养关系的家人，请删除其他关系的人。",
    "housing": "家庭人均住房面积超过标准的，暂不能申请；住房情况变化后可以重新自评。",
    "funded": "直系亲属住房较多、可资助您居住的，暂不能申请。",
    "residency": "外来就业人员需办理中心城区居住证，并连续缴纳城镇职工养老保险满规定月数；"
    "外来创业人员需办理中心城区营业执照。条件满足后再来申请。",
    "sanction": "被取消资格或放弃配租后，须满规定年限才能再次申请。",
    "hukou": "廉租房要求中心城区城镇户籍满规定年限的成年人；可先申请公租房。",
    "single_age": "单身申请廉租房有年龄要求；可先申请公租房。",
    "low_income": "廉租房面向民政认定的低保、特困和支出型贫困低收入家庭；可先申请公租房。",
    "reform_housing": "享受过房改房或集资建房的家庭不能申请廉租房；可先申请公租房。",
    "disposal": "处置住房须满规定年限后才能申请廉租房。",
    "divorce": "离婚前不符合条件的，离婚须满规定年限后才能申请廉租房。",
    "assets": "拥有营业性非住宅、消费性车辆或注册企业的家庭不能申请廉租房；可先申请公租房。",
}


def asked_check(check_id: str, answers: Answers) -> bool:
    """True when the questionnaire asked something this check depends on."""
    asked = {question.id for question in applicable(answers)}
    return any(question_id in asked for question_id in CHECK_QUESTIONS.get(check_id, ()))
