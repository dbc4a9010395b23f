"""Which materials an application must upload (九江 guide 001, 四、申请材料). No Flask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.apply.categories import Category

ADULT_AGE = 18


@dataclass(frozen=True)
class Material:
    key: str
    label: str
    hint: str = ""
    required: bool = True


def required_materials(category: str | None, data: dict[str, Any]) -> list[Material]:
    """The list for this household, in the guide's order; keys are stable per person."""
    applicant = data.get("applicant", {})
    members = data.get("members", [])
    items = [
        Material("id_applicant", "申请人身份证（正反面）", "人像面和国徽面各拍一张，或合成一张")
    ]
    for member in members:
        if (member.get("age") or 0) >= ADULT_AGE:
            items.append(
                Material(
                    f"id_member_{member['uid']}",
                    f"{member.get('name') or '共同申请人'}的身份证（正反面）",
                )
            )
    items.append(Material("hukou_book", "户口簿（户主页及本人页）"))
    items.append(_marriage_material(applicant.get("marital_status")))
    if members:
        items.append(Material("relatives_statement", "直系亲属情况说明书"))
    items.append(
        Material(
            "housing_proof",
            "住房情况证明",
            "不动产证、直管公房租赁证、单位公房证明、所承租房屋的租赁合同，或被借住人房屋不动产证",
        )
    )
    if category == Category.LOW_INCOME:
        items.append(Material("civil_certificate", "低保、特困或支出型贫困低收入家庭认定证件"))
    if category == Category.MIGRANT_WORKER:
        items.append(Material("residence_permit", "中心城区居住证"))
        items.append(Material("pension_record", "中心城区连续6个月以上城镇职工养老保险缴费记录"))
    if category == Category.ENTREPRENEUR:
        items.append(Material("business_licence", "中心城区工商营业执照"))
    if category == Category.CENTRAL_UNIT:
        items.append(Material("work_certificate", "上级主管单位开具的在九江市中心城区的工作证明"))
    if data.get("priority_groups"):
        items.append(Material("priority_proof", "优惠政策对象证明（见义勇为、劳模、优抚、拆迁等）"))
    return items


def _marriage_material(marital_status: str | None) -> Material:
    if marital_status == "married":
        return Material("marriage_proof", "结婚证", "离异再婚的，还需提交离婚证、离婚协议")
    if marital_status == "divorced":
        return Material("marriage_proof", "离婚证及离婚协议（或法院判决书）和婚姻状况承诺书")
    return Material(
        "marriage_proof", "婚姻状况承诺书", "单身未婚、丧偶未再婚的提交本人签字的承诺书"
    )


def missing_materials(required: list[Material], uploaded_keys: set[str]) -> list[Material]:
    return [item for item in required if item.required and item.key not in uploaded_keys]
