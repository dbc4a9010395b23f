"""Reading one 资格自评 answer from the submitted form, or ``AnswerError`` saying what to
fix. No Flask."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.numbers import NumberError, parse_decimal, parse_int
from app.eligibility.household import MaritalStatus, Relation, RelativeRelation
from app.eligibility.questions import Answers, Kind, Question


class AnswerError(ValueError):
    """An impossible or missing answer; ``field`` is the input name it concerns."""

    def __init__(self, message: str, field: str = "answer") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def parse_answer(question: Question, form: Mapping[str, Any]) -> Any:
    """Turn submitted form values into the stored answer, or raise ``AnswerError``.

    ``form`` maps names to a string or, for MULTI, a list of strings.
    """
    raw = form.get("answer")
    if question.kind in (Kind.CHOICE, Kind.YES_NO):
        return _parse_choice(question, raw)
    if question.kind == Kind.INTEGER:
        return parse_integer(raw, question.minimum, question.maximum, question.unit)
    if question.kind == Kind.AREA:
        return parse_area(raw)
    if question.kind == Kind.MULTI:
        return _parse_multi(question, raw)
    raise AnswerError("此问题的答案请用页面上的添加和删除按钮填写")


def _parse_choice(question: Question, raw: Any) -> Any:
    if question.kind == Kind.YES_NO:
        if raw in ("yes", "no"):
            return raw == "yes"
        raise AnswerError("请选择“是”或“否”")
    if raw in {option.value for option in question.options}:
        return raw
    raise AnswerError("请选择一项")


def parse_integer(raw: Any, minimum: int, maximum: int, unit: str, field: str = "answer") -> int:
    try:
        return parse_int(raw, minimum=minimum, maximum=maximum, label="", unit=unit)
    except NumberError as error:
        message = {
            "empty": "请填写一个数字",
            "format": f"请填写整数（单位：{unit}），只用 0 到 9 的数字，不要填文字或小数",
        }.get(error.kind, error.message)
        raise AnswerError(message, field) from None


def parse_area(raw: Any, field: str = "answer", *, maximum: int = 100_000) -> float:
    try:
        value = parse_decimal(raw, places=2, maximum=maximum, label="面积", unit=" 平方米")
    except NumberError as error:
        message = {
            "empty": "请填写建筑面积",
            "format": "请填写数字，例如 58.5",
            "places": "面积最多保留两位小数",
            "small": "面积不能是负数",
            "large": f"面积不能超过 {maximum} 平方米，请检查是否填错",
        }[error.kind]
        raise AnswerError(message, field) from None
    return float(value)


def _parse_multi(question: Question, raw: Any) -> list[str]:
    values = raw if isinstance(raw, list) else ([raw] if raw else [])
    if not values:
        raise AnswerError(f"请至少选择一项；都没有请选“{question.none_option}”")
    if "none" in values:
        if len(values) > 1:
            raise AnswerError(f"已选“{question.none_option}”时不能再选其他项")
        return []
    allowed = {option.value for option in question.options}
    if not set(values) <= allowed:
        raise AnswerError("请从列出的选项中选择")
    return [option.value for option in question.options if option.value in values]


def parse_member(form: Mapping[str, Any]) -> dict[str, Any]:
    """One co-applicant: relation and age."""
    relation = form.get("relation")
    if relation not in {member.value for member in Relation}:
        raise AnswerError("请选择与您的关系", "relation")
    age = parse_integer(form.get("member_age"), 0, 150, "周岁", field="member_age")
    return {"relation": relation, "age": age}


def parse_relative(form: Mapping[str, Any]) -> dict[str, Any]:
    """One relative owning housing in the center city."""
    relation = form.get("relative_relation")
    if relation not in {member.value for member in RelativeRelation}:
        raise AnswerError("请选择亲属关系", "relative_relation")
    units = parse_integer(form.get("units"), 0, 100, "套", field="units")
    area = parse_area(form.get("area_m2"), field="area_m2")
    size = parse_integer(form.get("household_size"), 1, 50, "人", field="household_size")
    return {"relation": relation, "units": units, "area_m2": area, "household_size": size}


def validate_members(members: list[dict[str, Any]], answers: Answers) -> None:
    """The whole list when moving on: a married applicant needs exactly one spouse."""
    spouses = sum(1 for member in members if member["relation"] == Relation.SPOUSE)
    if spouses > 1:
        raise AnswerError("只能有一位配偶，请删除多余的一位")
    if answers.get("marital_status") != MaritalStatus.MARRIED and spouses:
        raise AnswerError(
            "您的婚姻状况不是“已婚”，共同申请人中不应有配偶；请检查婚姻状况或删除配偶"
        )


def read_answer(question: Question, form: Mapping[str, Any], answers: Answers) -> Any:
    """The answer to store for ``question``: parsed from ``form``, or for a list question
    the list added so far (checked as a whole)."""
    if question.kind == Kind.MEMBERS:
        members = list(answers.get(question.id, []))
        validate_members(members, answers)
        return members
    if question.kind == Kind.RELATIVES:
        relatives = list(answers.get(question.id, []))
        if not relatives:
            raise AnswerError("请至少添加一位亲属；如果没有，请点“上一步”改为“否”")
        return relatives
    return parse_answer(question, form)
