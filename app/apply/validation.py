"""Validating what residents type into the wizard. No Flask.

Every function collects all problems at once into ``{field: message}`` so the page can
show each error next to its field and in the summary, and never loses what was typed.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from app.apply.categories import Category, GuaranteeMode, mode_problem
from app.apply.materials import needs_work_residency_proof
from app.auth.idcard import IdNumberError, normalise_id_number, parse_id_number
from app.auth.phone import is_mainland_mobile, normalise_phone
from app.core.numbers import LIMIT, NumberError, int_or_none, parse_decimal
from app.eligibility.household import CivilStatus, PriorityGroup

NAME = re.compile(r"^[\u4e00-\u9fff·]{2,20}$")
MARITAL = {"single": "未婚", "married": "已婚", "divorced": "离异", "widowed": "丧偶"}
HUKOU = {"center_urban": "市中心城区城镇常住户籍", "other": "其他户籍"}
EMPLOYMENT = {
    "employed": "在职",
    "flexible": "灵活就业",
    "self_employed": "个体经营",
    "retired": "退休",
    "unemployed": "无业",
    "student": "在校学生",
}
HOUSING_SITUATION = {
    "renting": "租住",
    "borrowing": "借住",
    "dormitory": "单位宿舍",
    "other": "其他",
}
# The applicant section's fields in the page's order (errors are listed in it too).
APPLICANT_FIELDS = (
    "phone", "marital_status", "remarried", "hukou", "hukou_years", "residence_permit",
    "pension_months", "employment_status", "employer", "monthly_income", "address",
    "housing_situation", "relatives_any", "relative_relation", "relative_units",
    "relative_area_m2", "relative_size",
)  # fmt: skip
YES_NO = {"no": "否", "yes": "是"}
CIVIL_STATUSES = {c.value: c.label for c in CivilStatus if c != CivilStatus.NONE}
RESIDENCE_PERMIT = {"yes": "已办理", "no": "未办理"}
FUNDING_RELATIONS = {"parent": "父母（含配偶的父母）", "child": "子女"}
RELATIONS = {
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "spouse_parent": "配偶的父母",
    "grandparent": "祖父母或外祖父母",
    "grandchild": "孙子女或外孙子女",
    "sibling": "兄弟姐妹",
}
Errors = dict[str, str]


class StepErrors(ValueError):
    def __init__(self, errors: Errors) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def clean_text(value: Any) -> str:
    """What was typed, trimmed; a stored 0 stays "0" (it is an answer)."""
    return "" if value is None or value is False else str(value).strip()


def text_problem(
    value: str, label: str, *, max_length: int = 100, required: bool = True
) -> str | None:
    """Free text: required, length, and no emoji or markup (they break printed forms)."""
    if not value:
        return f"请填写{label}" if required else None
    if len(value) > max_length:
        return f"{label}最多 {max_length} 个字，当前 {len(value)} 个字"
    if any(ord(ch) > 0xFFFF for ch in value):
        return f"{label}中不能包含表情符号"
    if any(ch in "<>{}" for ch in value):
        return f"{label}中不能包含 < > {{ }} 等符号"
    return None


def name_problem(value: str) -> str | None:
    if not value:
        return "请填写姓名"
    if len(value) > 20:
        return "姓名最多 20 个字"
    if not NAME.match(value):
        return "姓名应为2到20个汉字（少数民族姓名可含“·”），不能有字母、数字或表情"
    return None


def choice_problem(value: str, options: dict[str, str], label: str) -> str | None:
    return None if value in options else f"请选择{label}"


def int_in_range(
    value: Any, label: str, low: int, high: int, unit: str, errors: Errors, field: str
) -> int | None:
    text = clean_text(value)
    if not text:
        errors[field] = f"请填写{label}"
        return None
    number = int_or_none(text, minimum=-LIMIT, maximum=LIMIT)
    if number is None:
        errors[field] = f"{label}请填写整数（单位：{unit}），只用 0 到 9 的数字"
        return None
    if not low <= number <= high:
        errors[field] = f"{label}应在 {low} 到 {high}{unit} 之间"
        return None
    return number


def validate_applicant(
    form: dict[str, Any], category: str | None = None
) -> tuple[dict[str, Any], Errors]:
    """The applicant's own section; returns the cleaned values and the problems.

    ``category`` decides whether a non-local applicant answers for 居住证 and 养老保险
    (001 二(一)3: every 外来就业人员, whatever the category)."""
    errors: Errors = {}
    values: dict[str, Any] = {
        "phone": normalise_phone(clean_text(form.get("phone"))),
        "marital_status": clean_text(form.get("marital_status")),
        "hukou": clean_text(form.get("hukou")),
        "employment_status": clean_text(form.get("employment_status")),
        "employer": clean_text(form.get("employer")),
        "address": clean_text(form.get("address")),
        "housing_situation": clean_text(form.get("housing_situation")),
        "hukou_years": clean_text(form.get("hukou_years")),
        "monthly_income": clean_text(form.get("monthly_income")),
    }
    if not is_mainland_mobile(values["phone"]):
        errors["phone"] = "请填写正确的11位手机号码"
    for field, options, label in (
        ("marital_status", MARITAL, "婚姻状况"),
        ("hukou", HUKOU, "户籍类型"),
        ("employment_status", EMPLOYMENT, "就业状况"),
        ("housing_situation", HOUSING_SITUATION, "现居住情况"),
    ):
        problem = choice_problem(values[field], options, label)
        if problem:
            errors[field] = problem
    if values["hukou"] == "center_urban":
        values["hukou_years"] = int_in_range(
            values["hukou_years"], "落户年限", 0, 150, "年", errors, "hukou_years"
        )
    else:
        values["hukou_years"] = 0
    values["monthly_income"] = int_in_range(
        values["monthly_income"], "月收入", 0, 1_000_000, "元", errors, "monthly_income"
    )
    _marriage_details(form, values, errors)
    _residency_details(form, values, errors, category)
    _relatives_details(form, values, errors)
    needs_employer = values["employment_status"] in ("employed", "self_employed")
    for field, label, required in (
        ("employer", "工作单位", needs_employer),
        ("address", "现居住地址", True),
    ):
        problem = text_problem(values[field], label, required=required)
        if problem:
            errors[field] = problem
    return values, {field: errors[field] for field in APPLICANT_FIELDS if field in errors}


def applicant_section(data: dict[str, Any]) -> dict[str, Any]:
    """The applicant's answers in a draft. Drafts from before issue 27 kept the 居住证 and
    养老保险 answers with the category; they are read from there until answered again."""
    applicant = dict(data.get("applicant", {}))
    earlier = data.get("category_details", {})
    if "residence_permit" not in applicant and "residence_permit" in earlier:
        applicant["residence_permit"] = "yes" if earlier["residence_permit"] else "no"
    if "pension_months" not in applicant and "pension_months" in earlier:
        applicant["pension_months"] = earlier["pension_months"]
    return applicant


def _marriage_details(form: dict[str, Any], values: dict[str, Any], errors: Errors) -> None:
    """离异再婚 must still give the 离婚证 (001 四.2): ask it of everyone married."""
    values["remarried"] = clean_text(form.get("remarried"))
    if values["marital_status"] != "married":
        values["remarried"] = ""
    elif values["remarried"] not in YES_NO:
        errors["remarried"] = "请选择是否离异后再婚"


def _residency_details(
    form: dict[str, Any], values: dict[str, Any], errors: Errors, category: str | None
) -> None:
    values["residence_permit"] = clean_text(form.get("residence_permit"))
    values["pension_months"] = clean_text(form.get("pension_months"))
    if values["hukou"] not in HUKOU or not needs_work_residency_proof(category, values["hukou"]):
        values["residence_permit"] = values["pension_months"] = ""
        return
    if values["residence_permit"] not in RESIDENCE_PERMIT:
        errors["residence_permit"] = "请选择是否已办理中心城区居住证"
    values["pension_months"] = int_in_range(
        values["pension_months"], "连续缴纳养老保险月数", 0, 1200, "个月", errors, "pension_months"
    )


def _relatives_details(form: dict[str, Any], values: dict[str, Any], errors: Errors) -> None:
    """直系亲属 housing (001 二(一)2 有资助住房, 四.4): the one with the most housing."""
    values["relatives_any"] = clean_text(form.get("relatives_any"))
    for field in ("relative_relation", "relative_units", "relative_area_m2", "relative_size"):
        values[field] = clean_text(form.get(field))
    if values["relatives_any"] not in YES_NO:
        errors["relatives_any"] = "请选择父母、子女在中心城区有没有两套或以上住房"
        return
    if values["relatives_any"] == "no":
        for field in ("relative_relation", "relative_units", "relative_area_m2", "relative_size"):
            values[field] = ""
        return
    problem = choice_problem(values["relative_relation"], FUNDING_RELATIONS, "是哪位亲属")
    if problem:
        errors["relative_relation"] = problem
    for field, label, high, unit in (
        ("relative_units", "住房套数", 99, "套"),
        ("relative_size", "该亲属家庭人数", 50, "人"),
    ):
        values[field] = int_in_range(values[field], label, 1, high, unit, errors, field)
    try:
        area = parse_decimal(
            values["relative_area_m2"], places=2, minimum=Decimal("0.01"), maximum=100_000,
            label="住房建筑面积合计",
        )  # fmt: skip
    except NumberError as error:
        errors["relative_area_m2"] = (
            "住房建筑面积合计应大于 0，且不超过 100000 平方米"
            if error.kind in ("small", "large")
            else error.message
        )
    else:
        values["relative_area_m2"] = float(area)


def relatives_housing(applicant: dict[str, Any]) -> list[dict[str, Any]]:
    """The eligibility engine's ``relatives_housing`` from the wizard's answers."""
    if applicant.get("relatives_any") != "yes":
        return []
    try:
        return [
            {
                "relation": applicant["relative_relation"],
                "units": int(applicant["relative_units"]),
                "area_m2": float(applicant["relative_area_m2"]),
                "household_size": int(applicant["relative_size"]),
            }
        ]
    except (KeyError, TypeError, ValueError):  # not answered yet
        return []


def validate_member(form: dict[str, Any], today: date) -> tuple[dict[str, Any], Errors]:
    """One co-applicant; the ID number yields birth date, sex and age."""
    errors: Errors = {}
    values: dict[str, Any] = {
        "name": clean_text(form.get("name")),
        "id_number": normalise_id_number(clean_text(form.get("id_number"))),
        "relation": clean_text(form.get("relation")),
        "employment_status": clean_text(form.get("employment_status")),
        "employer": clean_text(form.get("employer")),
        "address": clean_text(form.get("address")),
    }
    problem = name_problem(values["name"])
    if problem:
        errors["name"] = problem
    if not values["id_number"]:
        errors["id_number"] = "请填写身份证号码"
    else:
        try:
            resident = parse_id_number(values["id_number"], today)
        except IdNumberError as error:
            errors["id_number"] = str(error)
        else:
            values.update(
                birth_date=resident.birth_date.isoformat(),
                sex=resident.sex,
                age=resident.age_on(today),
            )
    for field, options, label in (
        ("relation", RELATIONS, "与申请人的关系"),
        ("employment_status", EMPLOYMENT, "就业状况"),
    ):
        problem = choice_problem(values[field], options, label)
        if problem:
            errors[field] = problem
    for field, label in (("employer", "工作单位"), ("address", "现居住地址")):
        problem = text_problem(values[field], label, required=False)
        if problem:
            errors[field] = problem
    return values, errors


def household_problems(marital_status: str, members: list[dict[str, Any]]) -> list[str]:
    """Rules across the household, shown in the summary when moving on."""
    problems = [
        f"请补充第 {index} 位共同申请人的姓名和身份证号码（点“修改”）"
        for index, member in enumerate(members, start=1)
        if not member.get("id_digest")
    ]
    spouses = [member for member in members if member.get("relation") == "spouse"]
    if marital_status == "married" and not spouses:
        problems.append("您已婚，须与配偶共同申请：请添加配偶为共同申请人")
    if len(spouses) > 1:
        problems.append("只能有一位配偶，请删除多余的一位")
    if marital_status != "married" and spouses:
        problems.append("您的婚姻状况不是“已婚”，共同申请人中不应有配偶")
    return problems


def validate_category(form: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """申请类别: 保障类别, 保障方式 (open to the category), the 民政 certification of a
    低保/特困 household and the priority groups (unknown ones dropped)."""
    errors: Errors = {}
    mode = form.get("guarantee_mode", "")
    category = form.get("category", "")
    details: dict[str, Any] = {}
    if mode not in {m.value for m in GuaranteeMode}:
        errors["guarantee_mode"] = "请选择保障方式"
    if category not in {c.value for c in Category}:
        errors["category"] = "请选择保障类别"
    if category == Category.LOW_INCOME:
        details["civil_status"] = form.get("civil_status", "")
        if details["civil_status"] not in CIVIL_STATUSES:
            errors["civil_status"] = "请选择民政认定的类别"
    if not errors.keys() & {"guarantee_mode", "category"}:
        problem = mode_problem(category, mode)
        if problem:
            errors["guarantee_mode"] = problem
    offered = {p.value for p in PriorityGroup}
    groups = [group for group in form.get("priority_groups", []) if group in offered]
    values = {"guarantee_mode": mode, "category": category, "details": details, "groups": groups}
    return values, errors


# -- 6. 家庭财产 ------------------------------------------------------------------------

ASSET_FIELDS: dict[str, tuple[tuple[str, str, int], ...]] = {
    # kind: (field, label, max length)
    "vehicles": (("plate", "车牌号码", 10), ("model", "品牌型号", 40)),
    "real_estate": (
        ("address", "房屋坐落", 100),
        ("area_m2", "建筑面积（平方米）", 10),
        ("use", "用途", 10),
    ),
    "businesses": (("name", "企业或个体户名称", 60), ("credit_code", "统一社会信用代码", 18)),
}
REAL_ESTATE_USES = {"住宅": "住宅", "营业性非住宅": "营业性非住宅", "其他": "其他"}


def validate_asset(kind: str, form: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """One vehicle, property or business of ``ASSET_FIELDS[kind]``."""
    errors: Errors = {}
    item: dict[str, Any] = {}
    for field, label, max_length in ASSET_FIELDS[kind]:
        value = clean_text(form.get(field))
        item[field] = value
        if field == "area_m2":
            try:
                area = parse_decimal(
                    value, places=2, minimum=Decimal("0.01"), maximum=10_000, label="建筑面积"
                )
            except NumberError as error:
                errors[field] = (
                    "建筑面积应大于 0，且不超过 10000 平方米"
                    if error.kind in ("small", "large")
                    else error.message
                )
                continue
            item[field] = float(area)
        elif field == "use":
            if value not in REAL_ESTATE_USES:
                errors[field] = "请选择用途"
        else:
            problem = text_problem(value, label, max_length=max_length)
            if problem:
                errors[field] = problem
    return item, errors


def consent_problem(chosen: list[str], scopes: tuple[str, ...]) -> str | None:
    """服务授权: each sensitive-information scope is agreed to on its own (PIPL art. 29)."""
    if set(chosen) != set(scopes):
        return "请逐项勾选同意，才能继续办理（身份信息、人脸信息、家庭经济状况信息）"
    return None
