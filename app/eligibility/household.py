"""A household's facts, parsed and validated from JSON-like data (no Flask here).

The input format is the eligibility contract (``/work/shared/eligibility/README.md``):
unknown keys are an error, fields with a default may be left out, booleans must be
real booleans and integers real integers. Every error names the field's path
(``applicant.age``, ``co_applicants[1].relation``) and says in Chinese what to fix.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.eligibility.policy import DEFAULT_REGION, available_regions, load_policy
from app.labels import Labelled

WHOLE_DOCUMENT = "$"
"""The field path used when the error concerns the whole input, not one field."""


class Sex(Labelled):
    MALE = "male", "男"
    FEMALE = "female", "女"


class MaritalStatus(Labelled):
    SINGLE = "single", "未婚"
    MARRIED = "married", "已婚"
    DIVORCED = "divorced", "离异"
    WIDOWED = "widowed", "丧偶"


class Hukou(Labelled):
    CENTER_URBAN = "center_urban", "市中心城区城镇常住户籍"
    OTHER = "other", "非市中心城区城镇户籍"


class Work(Labelled):
    NONE = "none", "未在市中心城区就业或创业"
    EMPLOYED = "employed", "外来就业"
    ENTREPRENEUR = "entrepreneur", "外来创业"
    CENTRAL_UNIT = "central_unit", "中央和省级直管单位"


class Relation(Labelled):
    """How a co-applicant is related to the applicant."""

    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    SPOUSE_PARENT = "spouse_parent", "配偶的父母"
    GRANDPARENT = "grandparent", "祖父母或外祖父母"
    GRANDCHILD = "grandchild", "孙子女或外孙子女"
    SIBLING = "sibling", "兄弟姐妹"
    OTHER = "other", "其他关系的人"


class RelativeRelation(Labelled):
    """How a relative who owns housing is related to the applicant."""

    PARENT = "parent", "父母"
    CHILD = "child", "子女"
    OTHER = "other", "其他亲属"


class CivilStatus(Labelled):
    """The 民政 certification the household holds, if any."""

    NONE = "none", "无民政认定"
    DIBAO = "dibao", "城镇低保对象"
    TEKUN = "tekun", "城镇特困人员"
    ZHICHU_POOR = "zhichu_poor", "支出型贫困低收入家庭"


class PriorityGroup(Labelled):
    """Groups that the policy houses first (优先实物保障)."""

    HERO = "hero", "见义勇为人员"
    MODEL_WORKER = "model_worker", "省部级以上劳模"
    VETERAN_CARE = "veteran_care", "重点优抚人员"
    SHANTYTOWN = "shantytown", "棚改拆迁对象"
    LOST_ONLY_CHILD = "lost_only_child", "失独家庭"
    THREE_CHILD = "three_child", "有未成年子女的三孩家庭"
    FISHERMAN = "fisherman", "上岸渔民"


@dataclass(frozen=True, slots=True)
class Applicant:
    age: int
    sex: Sex
    marital_status: MaritalStatus
    hukou: Hukou
    hukou_years: int = 0
    work: Work = Work.NONE
    residence_permit: bool = False
    pension_months: int = 0
    business_license: bool = False
    central_unit_certificate: bool = False
    can_pay_rent: bool = True


@dataclass(frozen=True, slots=True)
class CoApplicant:
    relation: Relation
    age: int


@dataclass(frozen=True, slots=True)
class RelativeHousing:
    """Housing owned in the center city by one relative (area summed over their units)."""

    relation: RelativeRelation
    units: int
    area_m2: float
    household_size: int


@dataclass(frozen=True, slots=True)
class Divorce:
    months_ago: int
    eligible_before: bool


@dataclass(frozen=True, slots=True)
class Household:
    applicant: Applicant
    region: str = DEFAULT_REGION
    co_applicants: tuple[CoApplicant, ...] = ()
    same_hukou_others: int = 0
    owned_housing_m2: float = 0
    relatives_housing: tuple[RelativeHousing, ...] = ()
    civil_status: CivilStatus = CivilStatus.NONE
    had_reform_housing: bool = False
    disposed_housing_months_ago: int | None = None
    divorce: Divorce | None = None
    owns_commercial_property: bool = False
    owns_consumer_vehicle: bool = False
    owns_company: bool = False
    sanction_months_ago: int | None = None
    priority_groups: tuple[PriorityGroup, ...] = ()

    @property
    def size(self) -> int:
        """Household size n: the applicant plus the co-applicants."""
        return 1 + len(self.co_applicants)


class HouseholdError(ValueError):
    """The input is not a valid household; ``field`` is the path, ``message`` is Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


Reader = Callable[[Any, str], Any]
"""Reads one field's JSON value found at a path; raises ``HouseholdError`` when invalid."""


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    read: Reader
    required: bool = False


@dataclass(frozen=True, slots=True)
class Shape:
    """The fields of one JSON object; fields left out take the dataclass defaults."""

    label: str
    fields: Mapping[str, Field]


def parse_household(data: object) -> Household:
    """Validate JSON-like ``data`` and return the household, or raise ``HouseholdError``."""
    return Household(**_read_object(data, "", HOUSEHOLD_SHAPE))


def _read_object(raw: object, path: str, shape: Shape) -> dict[str, Any]:
    """The parsed values of the keys present in ``raw``, checked against ``shape``."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        message = f"{shape.label}须为 JSON 对象（用花括号 {{}} 括起的键值对）"
        raise HouseholdError(path or WHOLE_DOCUMENT, message)
    fields = shape.fields
    values = {}
    for key, value in raw.items():
        field = fields.get(key)
        if field is None:
            raise HouseholdError(
                _join(path, str(key)), f"无法识别的字段“{key}”，请检查拼写或删除该字段"
            )
        values[key] = field.read(value, _join(path, key))
    if len(values) < len(fields):
        _require_present(values, path, fields)
    return values


def _require_present(values: dict[str, Any], path: str, fields: Mapping[str, Field]) -> None:
    for key, field in fields.items():
        if field.required and key not in values:
            raise HouseholdError(_join(path, key), f"请填写{field.label}")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- fields -------------------------------------------------------------------------------


def _int_field(
    label: str, *, minimum: int = 0, maximum: int | None = None, required: bool = False
) -> Field:
    if maximum is None:
        message = f"{label}须为不小于 {minimum} 的整数"
    else:
        message = f"{label}须为 {minimum} 到 {maximum} 之间的整数"

    def read(value: Any, path: str) -> int:
        # type() rather than isinstance(): True and False are ints to Python, not to us.
        if type(value) is int and value >= minimum and (maximum is None or value <= maximum):
            return value
        raise HouseholdError(path, message)

    return Field(label, read, required)


def _months_ago_field(label: str) -> Field:
    """Months since something happened, or null when it never did."""
    message = f"{label}须为不小于 0 的整数，从未发生时填 null"

    def read(value: Any, path: str) -> int | None:
        if value is None or (type(value) is int and value >= 0):
            return value
        raise HouseholdError(path, message)

    return Field(label, read)


def _area_field(label: str, *, required: bool = False) -> Field:
    message = f"{label}须为不小于 0 的数字（单位：平方米）"

    def read(value: Any, path: str) -> float:
        value_type = type(value)
        if value_type is int and value >= 0:
            return value
        if value_type is float and value >= 0 and math.isfinite(value):
            return value
        raise HouseholdError(path, message)

    return Field(label, read, required)


def _bool_field(label: str, *, required: bool = False) -> Field:
    message = f"{label}须填写 true（是）或 false（否）"

    def read(value: Any, path: str) -> bool:
        if value is True or value is False:
            return value
        raise HouseholdError(path, message)

    return Field(label, read, required)


def _enum_reader(label: str, enum: type[Labelled]) -> Reader:
    members: dict[str, Labelled] = {member.value: member for member in enum}
    choices = "、".join(f"{member.value}（{member.label}）" for member in enum)
    message = f"{label}须为以下之一：{choices}"

    def read(value: Any, path: str) -> Labelled:
        member = members.get(value) if type(value) is str else None
        if member is None:
            raise HouseholdError(path, message)
        return member

    return read


def _enum_field(label: str, enum: type[Labelled], *, required: bool = False) -> Field:
    return Field(label, _enum_reader(label, enum), required)


def _list_field(label: str, read_item: Reader) -> Field:
    message = f"{label}须为列表（用方括号 [] 括起），没有可填 []"

    def read(value: Any, path: str) -> tuple[Any, ...]:
        if type(value) is not list and not isinstance(value, tuple):
            raise HouseholdError(path, message)
        return tuple(read_item(item, f"{path}[{i}]") for i, item in enumerate(value))

    return Field(label, read)


def _read_region(value: Any, path: str) -> str:
    regions = available_regions()
    if type(value) is str and value in regions:
        return value
    supported = "、".join(f"{code}（{load_policy(code).name}）" for code in regions)
    raise HouseholdError(path, f"不支持这个地区，目前支持：{supported}")


def _read_applicant(value: Any, path: str) -> Applicant:
    return Applicant(**_read_object(value, path, APPLICANT_SHAPE))


def _read_co_applicant(value: Any, path: str) -> CoApplicant:
    return CoApplicant(**_read_object(value, path, CO_APPLICANT_SHAPE))


def _read_relative_housing(value: Any, path: str) -> RelativeHousing:
    return RelativeHousing(**_read_object(value, path, RELATIVE_HOUSING_SHAPE))


def _read_divorce(value: Any, path: str) -> Divorce | None:
    if value is None:
        return None
    return Divorce(**_read_object(value, path, DIVORCE_SHAPE))


_MAX_AGE = 150

APPLICANT_SHAPE = Shape(
    "申请人信息",
    {
        "age": _int_field("申请人年龄", maximum=_MAX_AGE, required=True),
        "sex": _enum_field("申请人性别", Sex, required=True),
        "marital_status": _enum_field("婚姻状况", MaritalStatus, required=True),
        "hukou": _enum_field("户籍", Hukou, required=True),
        "hukou_years": _int_field("市中心城区城镇户籍年数"),
        "work": _enum_field("就业情况", Work),
        "residence_permit": _bool_field("是否有市中心城区居住证"),
        "pension_months": _int_field("连续缴纳城镇职工养老保险的月数"),
        "business_license": _bool_field("是否有市中心城区工商营业执照"),
        "central_unit_certificate": _bool_field("是否有上级主管单位开具的工作证明"),
        "can_pay_rent": _bool_field("是否具有租金支付能力"),
    },
)
CO_APPLICANT_SHAPE = Shape(
    "每位共同申请人",
    {
        "relation": _enum_field("与申请人的关系", Relation, required=True),
        "age": _int_field("共同申请人年龄", maximum=_MAX_AGE, required=True),
    },
)
RELATIVE_HOUSING_SHAPE = Shape(
    "每条亲属住房",
    {
        "relation": _enum_field("亲属关系", RelativeRelation, required=True),
        "units": _int_field("住房套数", required=True),
        "area_m2": _area_field("住房总建筑面积", required=True),
        "household_size": _int_field("该亲属家庭人数", minimum=1, required=True),
    },
)
DIVORCE_SHAPE = Shape(
    "离婚情况",
    {
        "months_ago": _int_field("离婚距今的月数", required=True),
        "eligible_before": _bool_field("离婚前是否符合廉租房保障条件", required=True),
    },
)
HOUSEHOLD_SHAPE = Shape(
    "家庭信息",
    {
        "region": Field("地区", _read_region),
        "applicant": Field("申请人信息", _read_applicant, required=True),
        "co_applicants": _list_field("共同申请人", _read_co_applicant),
        "same_hukou_others": _int_field("同户籍未列入共同申请人的人数"),
        "owned_housing_m2": _area_field("市中心城区自有住房建筑面积"),
        "relatives_housing": _list_field("亲属住房", _read_relative_housing),
        "civil_status": _enum_field("民政认定类别", CivilStatus),
        "had_reform_housing": _bool_field("是否享受过房改房或集资建房"),
        "disposed_housing_months_ago": _months_ago_field("处置住房距今的月数"),
        "divorce": Field("离婚情况", _read_divorce),
        "owns_commercial_property": _bool_field("是否拥有营业性非住宅"),
        "owns_consumer_vehicle": _bool_field("是否拥有消费性车辆"),
        "owns_company": _bool_field("是否在工商部门注册企业"),
        "sanction_months_ago": _months_ago_field("被取消资格或放弃中签住房距今的月数"),
        "priority_groups": _list_field("优先保障类别", _enum_reader("优先保障类别", PriorityGroup)),
    },
)
