"""How a draft conflict is shown: each field's Chinese name and both values as text.

Pure module, no Flask: :func:`rows` turns :class:`app.apply.drafts.Conflict` records into
what the conflict panel lists ("另一台设备已修改：现居住地址 …").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.apply import validation
from app.apply.categories import Category, GuaranteeMode
from app.apply.drafts import Conflict, conflict_key
from app.eligibility.household import CivilStatus, PriorityGroup

EMPTY = "（未填写）"

APPLICANT_LABELS = {
    "phone": "联系电话",
    "marital_status": "婚姻状况",
    "remarried": "是否离异后再婚",
    "hukou": "户籍类型",
    "hukou_years": "中心城区落户年限（年）",
    "residence_permit": "中心城区居住证",
    "pension_months": "连续缴纳养老保险月数",
    "employment_status": "就业状况",
    "employer": "工作单位",
    "monthly_income": "本人月收入（元）",
    "address": "现居住地址",
    "housing_situation": "现居住情况",
    "relatives_any": "父母、子女在中心城区有两套或以上住房",
    "relative_relation": "住房最多的亲属",
    "relative_units": "该亲属住房套数",
    "relative_area_m2": "该亲属住房建筑面积合计（平方米）",
    "relative_size": "该亲属家庭人数",
}
APPLICANT_OPTIONS = {
    "marital_status": validation.MARITAL,
    "remarried": validation.YES_NO,
    "residence_permit": validation.RESIDENCE_PERMIT,
    "relatives_any": validation.YES_NO,
    "relative_relation": validation.FUNDING_RELATIONS,
    "hukou": validation.HUKOU,
    "employment_status": validation.EMPLOYMENT,
    "housing_situation": validation.HOUSING_SITUATION,
}
FIELD_LABELS = {
    **{f"applicant.{name}": label for name, label in APPLICANT_LABELS.items()},
    "column.guarantee_mode": "保障方式",
    "column.category": "保障类别",
    "category_details": "民政认定类别",
    "priority_groups": "优惠政策对象",
}


@dataclass(frozen=True)
class Row:
    """One line of the conflict panel."""

    field: str
    label: str
    mine: str
    theirs: str
    touched: bool


@dataclass(frozen=True)
class Panel:
    rows: tuple[Row, ...]
    seen: int
    key: str

    def __bool__(self) -> bool:
        return bool(self.rows)


def _details(value: dict[str, Any]) -> str:
    parts = []
    if value.get("civil_status"):
        civil = {status.value: status.label for status in CivilStatus}
        parts.append(civil.get(value["civil_status"], str(value["civil_status"])))
    if "residence_permit" in value:
        parts.append("已办居住证" if value["residence_permit"] else "未办居住证")
    if value.get("pension_months") not in (None, ""):
        parts.append(f"养老保险 {value['pension_months']} 个月")
    return "，".join(parts)


def _labelled(values: Iterable[str], labels: dict[str, str]) -> str:
    return "、".join(labels.get(value, value) for value in values)


def _member(value: dict[str, Any]) -> str:
    parts = [
        value.get("name") or "",
        validation.RELATIONS.get(value.get("relation", ""), ""),
        value.get("id_masked") or "",
        validation.EMPLOYMENT.get(value.get("employment_status", ""), ""),
        value.get("employer") or "",
        value.get("address") or "",
    ]
    return "，".join(part for part in parts if part)


def display(field: str, value: Any) -> str:
    """A stored value as the person would read it."""
    if field.startswith("members."):
        return _member(value) if isinstance(value, dict) else "（已删除）"
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    short = field.removeprefix("applicant.")
    if short in APPLICANT_OPTIONS:
        return APPLICANT_OPTIONS[short].get(str(value), str(value))
    if field == "column.guarantee_mode":
        return {mode.value: mode.label for mode in GuaranteeMode}.get(value, str(value))
    if field == "column.category":
        return {key.value: key.label for key in Category}.get(value, str(value))
    if field == "category_details" and isinstance(value, dict):
        return _details(value) or EMPTY
    if field == "priority_groups" and isinstance(value, list):
        return _labelled(value, {group.value: group.label for group in PriorityGroup})
    return str(value)


def label(field: str) -> str:
    if field.startswith("members."):
        return "共同申请人"
    return FIELD_LABELS.get(field, field)


def panel(conflicts: list[Conflict], seen: int) -> Panel:
    """What the panel shows; ``seen`` is the draft's version the person decides against."""
    rows = tuple(
        Row(
            field=conflict.field,
            label=label(conflict.field),
            mine=display(conflict.field, conflict.mine),
            theirs=display(conflict.field, conflict.theirs),
            touched=conflict.touched,
        )
        for conflict in conflicts
    )
    return Panel(rows=rows, seen=seen, key=conflict_key(conflicts))
