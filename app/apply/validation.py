"""Validating what residents type into the wizard. No Flask.

Every function collects all problems at once into ``{field: message}`` so the page can
show each error next to its field and in the summary, and never loses what was typed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from app.auth.idcard import IdNumberError, normalise_id_number, parse_id_number
from app.auth.phone import is_mainland_mobile, normalise_phone
from app.core.numbers import LIMIT, int_or_none

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
    return str(value or "").strip()


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


def validate_applicant(form: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    """The applicant's own section; returns the cleaned values and the problems."""
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
    needs_employer = values["employment_status"] in ("employed", "self_employed")
    for field, label, required in (
        ("employer", "工作单位", needs_employer),
        ("address", "现居住地址", True),
    ):
        problem = text_problem(values[field], label, required=required)
        if problem:
            errors[field] = problem
    return values, errors


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
