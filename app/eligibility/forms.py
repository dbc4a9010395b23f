"""Forms of the 资格自评 questionnaire. The rules are ``answer_parsing``'s (no Flask); each
form reads what was typed, hands it to them and shows their message with its field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from wtforms import SelectField, StringField

from app.eligibility import answer_parsing
from app.eligibility.answer_parsing import AnswerError
from app.eligibility.household import Relation, RelativeRelation
from app.eligibility.questions import Answers, Kind, Question
from app.inputs import CheckboxesField, CheckedForm, SelectChoice
from app.labels import Labelled


def _checked(parse: Callable[[], Any]) -> tuple[Any, Mapping[str, str]]:
    """``parse()``'s value, or its ``AnswerError`` as ``{field: message}``."""
    try:
        return parse(), {}
    except AnswerError as problem:
        return None, {problem.field: problem.message}


def _number(label: str, inputmode: str = "numeric") -> Any:
    return StringField(
        label, render_kw={"inputmode": inputmode, "autocomplete": "off", "maxlength": 12}
    )


def _relation(label: str, relations: type[Labelled]) -> Any:
    offered = [SelectChoice(member.value, member.label) for member in relations]
    return SelectField(label, choices=[SelectChoice("", "请选择"), *offered], validate_choice=False)


# -- one answer ------------------------------------------------------------------------


class AnswerForm(CheckedForm):
    """A question's answer (a list question has none: its list is checked as a whole).
    The page lays the answer out itself; the problem is ``problems["answer"]``."""

    def __init__(self, *args: Any, question: Question, answers: Answers, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question, self.answers = question, answers

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        return _checked(lambda: answer_parsing.read_answer(self.question, typed, self.answers))


class TypedAnswerForm(AnswerForm):
    answer = StringField()


class ChosenAnswerForm(AnswerForm):
    answer = CheckboxesField()


def answer_form(question: Question, answers: Answers) -> AnswerForm:
    """The posted answer to ``question`` as a form of the kind the question takes."""
    if question.kind == Kind.MULTI:
        return ChosenAnswerForm(question=question, answers=answers)
    if question.kind in (Kind.MEMBERS, Kind.RELATIVES):
        return AnswerForm(question=question, answers=answers)
    return TypedAnswerForm(question=question, answers=answers)


# -- one co-applicant or relative added to a list question ---------------------------------


class MemberItemForm(CheckedForm):
    relation = _relation("与您的关系", Relation)
    member_age = _number("年龄（周岁）")

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        return _checked(lambda: answer_parsing.parse_member(typed))


class RelativeItemForm(CheckedForm):
    relative_relation = _relation("亲属关系", RelativeRelation)
    units = _number("中心城区住房套数")
    area_m2 = _number("建筑面积合计（平方米）", "decimal")
    household_size = _number("该亲属家庭人数")

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        return _checked(lambda: answer_parsing.parse_relative(typed))


ITEM_FORMS: dict[str, type[CheckedForm]] = {
    Kind.MEMBERS: MemberItemForm,
    Kind.RELATIVES: RelativeItemForm,
}
