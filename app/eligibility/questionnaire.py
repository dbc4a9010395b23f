"""The 资格自评 questionnaire: one question per screen, with skip logic. No Flask.

Answers are a plain JSON-able dict keyed by question id. ``applicable`` walks the
questions in order and keeps only those that can still matter given the answers so
far (no hukou-years question for non-hukou applicants, no divorce questions for the
never-married, no 廉租房-only questions once 廉租房 is out of reach ...).
``to_household`` turns the answers into the rules engine's input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.core.numbers import NumberError, parse_decimal, parse_int
from app.eligibility.household import (
    CivilStatus,
    Hukou,
    MaritalStatus,
    PriorityGroup,
    Relation,
    RelativeRelation,
    Sex,
    Work,
)

Answers = dict[str, Any]
MAX_MEMBERS = 12
MAX_RELATIVES = 8


class Kind(StrEnum):
    CHOICE = "choice"
    YES_NO = "yes_no"
    INTEGER = "integer"
    AREA = "area"
    MULTI = "multi"
    MEMBERS = "members"
    RELATIVES = "relatives"


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    hint: str = ""


class AnswerError(ValueError):
    """An impossible or missing answer; ``field`` is the input name it concerns."""

    def __init__(self, message: str, field: str = "answer") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _always(_answers: Answers) -> bool:
    return True


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    kind: Kind
    hint: str = ""
    options: tuple[Option, ...] = ()
    unit: str = ""
    minimum: int = 0
    maximum: int = 100_000
    help_terms: tuple[str, ...] = ()
    applies: Callable[[Answers], bool] = field(default=_always)
    none_option: str = ""  # MULTI: the label of "none of these"


def _options(enum: type, *, exclude: tuple[str, ...] = ()) -> tuple[Option, ...]:
    return tuple(Option(member.value, member.label) for member in enum if member not in exclude)


# -- predicates ------------------------------------------------------------------


def _is(question_id: str, value: object) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(question_id) == value


def _center_hukou(answers: Answers) -> bool:
    return answers.get("hukou") == Hukou.CENTER_URBAN


def _outsider(answers: Answers) -> bool:
    return answers.get("hukou") == Hukou.OTHER


def lianzu_possible(answers: Answers) -> bool:
    """廉租房 needs center-city hukou and a 民政 certification; otherwise skip its questions."""
    return _center_hukou(answers) and answers.get("civil_status") not in (None, CivilStatus.NONE)


def _may_have_divorced(answers: Answers) -> bool:
    return lianzu_possible(answers) and answers.get("marital_status") in (
        MaritalStatus.MARRIED,
        MaritalStatus.WIDOWED,
    )


def _divorced(answers: Answers) -> bool:
    if not lianzu_possible(answers):
        return False
    status = answers.get("marital_status")
    return status == MaritalStatus.DIVORCED or (
        _may_have_divorced(answers) and answers.get("divorced_before") is True
    )


def _all(*predicates: Callable[[Answers], bool]) -> Callable[[Answers], bool]:
    return lambda answers: all(predicate(answers) for predicate in predicates)


# -- the questions, in order -------------------------------------------------------

QUESTIONS: tuple[Question, ...] = (
    Question(
        "age",
        "您（申请人）今年多少周岁？",
        Kind.INTEGER,
        unit="周岁",
        maximum=150,
        hint="按身份证上的出生日期计算，填写整数。",
    ),
    Question("sex", "您的性别是？", Kind.CHOICE, options=_options(Sex)),
    Question(
        "marital_status", "您目前的婚姻状况是？", Kind.CHOICE, options=_options(MaritalStatus)
    ),
    Question(
        "hukou",
        "您是九江市中心城区城镇常住户籍吗？",
        Kind.CHOICE,
        options=(
            Option(Hukou.CENTER_URBAN, "是", "户口簿登记在市中心城区的城镇户籍"),
            Option(Hukou.OTHER, "不是", "外地户籍，或中心城区以外的户籍"),
        ),
        help_terms=("city_hukou",),
    ),
    Question(
        "hukou_years",
        "您在中心城区落户满多少年？",
        Kind.INTEGER,
        unit="年",
        maximum=150,
        hint="不满1年填0。",
        applies=_center_hukou,
    ),
    Question(
        "work",
        "您在中心城区是哪种就业情况？",
        Kind.CHOICE,
        options=(
            Option(Work.EMPLOYED, "外来就业", "在中心城区的单位工作"),
            Option(Work.ENTREPRENEUR, "外来创业", "在中心城区办了个体户或企业"),
            Option(Work.CENTRAL_UNIT, "中央和省级直管单位", "工作地在九江市中心城区"),
            Option(Work.NONE, "以上都不是"),
        ),
        applies=_outsider,
    ),
    Question(
        "residence_permit",
        "您办理了九江市中心城区居住证吗？",
        Kind.YES_NO,
        applies=_all(_outsider, _is("work", Work.EMPLOYED)),
    ),
    Question(
        "pension_months",
        "您在中心城区已连续缴纳城镇职工基本养老保险多少个月？",
        Kind.INTEGER,
        unit="个月",
        maximum=1200,
        hint="只算目前仍在缴纳的连续月数；没有缴纳填0。",
        applies=_all(_outsider, _is("work", Work.EMPLOYED)),
    ),
    Question(
        "business_license",
        "您有中心城区的工商营业执照（统一社会信用代码）吗？",
        Kind.YES_NO,
        applies=_all(_outsider, _is("work", Work.ENTREPRENEUR)),
    ),
    Question(
        "central_unit_certificate",
        "您能提供上级主管单位开具的在九江市中心城区的工作证明吗？",
        Kind.YES_NO,
        applies=_all(_outsider, _is("work", Work.CENTRAL_UNIT)),
    ),
    Question(
        "co_applicants",
        "除您以外，还有哪些家庭成员一起申请？",
        Kind.MEMBERS,
        hint="已婚须与配偶共同申请。单身申请可直接点“下一步”。",
    ),
    Question(
        "can_pay_rent",
        "您有能力按时缴纳租金吗？",
        Kind.YES_NO,
        hint="公租房需要按月缴纳租金和物业费。",
    ),
    Question(
        "civil_status",
        "您家是否享受民政部门认定的以下救助？",
        Kind.CHOICE,
        options=(
            Option(CivilStatus.DIBAO, "城镇低保", "持有中心城区城镇最低生活保障证"),
            Option(CivilStatus.TEKUN, "城镇特困人员", "民政认定的特困供养人员"),
            Option(CivilStatus.ZHICHU_POOR, "支出型贫困低收入家庭", "因病、因学等支出过大导致困难"),
            Option(CivilStatus.NONE, "以上都没有"),
        ),
        help_terms=("zhichu_poor",),
        applies=_center_hukou,
    ),
    Question(
        "has_housing",
        "您和共同申请人在中心城区有住房吗？",
        Kind.YES_NO,
        hint="包括自有产权房、房改房等登记在您家名下的住房。",
    ),
    Question(
        "owned_housing_m2",
        "这些住房的建筑面积合计多少平方米？",
        Kind.AREA,
        unit="平方米",
        hint="按不动产证上的建筑面积填写，可以有小数。",
        help_terms=("area_per_person",),
        applies=_is("has_housing", True),
    ),
    Question(
        "same_hukou_others",
        "户口簿上还有几位家人没有作为共同申请人？",
        Kind.INTEGER,
        unit="人",
        maximum=50,
        hint="计算廉租房人均住房面积时要算上他们；没有填0。",
        applies=_all(lianzu_possible, _is("has_housing", True)),
    ),
    Question(
        "relatives_any",
        "您或共同申请人的父母、子女在中心城区有两套或以上住房吗？",
        Kind.YES_NO,
        help_terms=("funded_housing",),
    ),
    Question(
        "relatives_housing",
        "请填写有住房的亲属情况",
        Kind.RELATIVES,
        hint="每位亲属一行：他（她）名下中心城区住房的套数、建筑面积合计和家庭人数。",
        help_terms=("funded_housing",),
        applies=_is("relatives_any", True),
    ),
    Question(
        "had_reform_housing", "您家享受过房改房或集资建房吗？", Kind.YES_NO, applies=lianzu_possible
    ),
    Question(
        "disposed_housing",
        "您家出售、赠与或以其他方式处置过私房或公房吗？",
        Kind.YES_NO,
        applies=lianzu_possible,
    ),
    Question(
        "disposed_months",
        "处置住房距今多少个月？",
        Kind.INTEGER,
        unit="个月",
        maximum=1200,
        applies=_all(lianzu_possible, _is("disposed_housing", True)),
    ),
    Question("divorced_before", "您以前离过婚吗？", Kind.YES_NO, applies=_may_have_divorced),
    Question(
        "divorce_months",
        "最近一次离婚距今多少个月？",
        Kind.INTEGER,
        unit="个月",
        maximum=1200,
        applies=_divorced,
    ),
    Question(
        "divorce_eligible_before",
        "离婚前，您家符合廉租房保障条件吗？",
        Kind.YES_NO,
        hint="即离婚前已是低保、特困或支出型贫困家庭且住房困难。",
        applies=_divorced,
    ),
    Question(
        "assets",
        "您家有下列哪些财产？",
        Kind.MULTI,
        options=(
            Option("commercial_property", "营业性非住宅", "商铺、写字楼等经营用房"),
            Option("consumer_vehicle", "消费性车辆", "私家车等非营运车辆"),
            Option("company", "在工商部门注册的企业"),
        ),
        none_option="都没有",
        applies=lianzu_possible,
    ),
    Question(
        "sanctioned", "您是否曾因提供虚假材料被取消保障资格，或放弃过已分配的保障房？", Kind.YES_NO
    ),
    Question(
        "sanction_months",
        "那是多少个月以前？",
        Kind.INTEGER,
        unit="个月",
        maximum=1200,
        applies=_is("sanctioned", True),
    ),
    Question(
        "priority_groups",
        "您家属于以下哪些情况？",
        Kind.MULTI,
        options=_options(PriorityGroup),
        none_option="都不属于",
        hint="属于这些情况的家庭可以优先实物保障（优先配租）。",
    ),
)

BY_ID: dict[str, Question] = {question.id: question for question in QUESTIONS}

HELP: dict[str, tuple[str, str]] = {
    "city_hukou": (
        "什么是“中心城区城镇常住户籍”？",
        "指户口登记在九江市中心城区（濂溪区、浔阳区、柴桑区等中心城区范围）且为城镇户籍。"
        "集体户口、挂靠户口是否算在内，请以街道认定为准。",
    ),
    "area_per_person": (
        "人均住房建筑面积怎么算？",
        "把家庭在中心城区所有住房的建筑面积加起来，除以家庭人数。例如：一家三口有一套60平方米的房子，"
        "人均就是 60 ÷ 3 = 20 平方米，刚好“在20平方米以下”，符合公租房条件；"
        "若是60.3平方米，人均20.1平方米，就超过了。申请廉租房时，户口簿上未一起申请的家人也要算进人数。",
    ),
    "funded_housing": (
        "什么是“资助住房”？",
        "如果您或共同申请人的父母、子女（直系亲属）在中心城区有两套或两套以上住房，"
        "并且按他们家和您家的总人数算，人均住房面积在40平方米以上，就视为“有资助住房”，不能申请。",
    ),
    "zhichu_poor": (
        "什么是“支出型贫困低收入家庭”？",
        "指收入虽不低于低保标准，但因重病、残疾、子女上学等刚性支出过大，"
        "导致实际生活困难、经民政部门认定的家庭。",
    ),
}


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


# -- reading one answer ------------------------------------------------------------


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
