"""The 资格自评 questions, in order, with their skip logic and help texts. No Flask.

Answers are a plain JSON-able dict keyed by question id. Each question says when it
applies given the answers so far (no hukou-years question for non-hukou applicants, no
divorce questions for the never-married, no 廉租房-only questions once 廉租房 is out of
reach ...); ``questionnaire`` walks them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.eligibility.household import (
    CivilStatus,
    Hukou,
    Labelled,
    MaritalStatus,
    PriorityGroup,
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


def _options(enum: type[Labelled], *, exclude: tuple[str, ...] = ()) -> tuple[Option, ...]:
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
