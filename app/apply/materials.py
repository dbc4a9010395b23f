"""Which materials an application must upload: 九江 guide 001 四、申请材料, clause by clause.

One pure function of the household (:func:`required_materials`): its category, the
applicant's 户籍 and marital status, and the co-applicants. No Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.apply.categories import Category

# 居民身份证法 第二条: a citizen applies for an ID card from 16; a younger child's page
# in the 户口簿 identifies them (001 四.1 asks the 户口簿 anyway).
ID_CARD_AGE = 16
LOCAL_HUKOU = "center_urban"
# 001 二(一)3: a non-local applicant qualifies by work (居住证 + 养老保险), by a business
# (营业执照) or as staff of a 中央/省级直管单位 (工作证明).
OWN_RESIDENCY_PROOF = {Category.ENTREPRENEUR, Category.CENTRAL_UNIT}


@dataclass(frozen=True)
class Material:
    key: str
    label: str
    hint: str = ""
    required: bool = True
    clause: str = ""  # 001 四.n


def needs_work_residency_proof(category: str | None, hukou: str | None) -> bool:
    """001 二(一)3 and 四.9: every non-local applicant who is not an 外来创业人员 or 直管单位
    staff is an 外来就业人员 and shows a 居住证 and 6 months of 养老保险 (whatever the category)."""
    return hukou != LOCAL_HUKOU and category not in OWN_RESIDENCY_PROOF


def required_materials(category: str | None, data: dict[str, Any]) -> list[Material]:
    """The list for this household, in the guide's order; keys are stable per person."""
    applicant = data.get("applicant", {})
    members = data.get("members", [])
    hukou = applicant.get("hukou")
    items = [
        Material("id_applicant", "申请人身份证（正反面）",
                 "人像面和国徽面各拍一张，或合成一张", clause="四.1"),
        *(_member_id(member) for member in members),
        Material("hukou_book", "户口簿（户主页及本人页）", clause="四.1"),
        *_marriage_materials(applicant.get("marital_status"), applicant.get("remarried")),
        Material("relatives_statement", "直系亲属情况说明书",
                 "写明父母、子女（含配偶的父母）的姓名、住址和在中心城区的住房情况",
                 clause="四.4"),
        Material("relatives_ids", "直系亲属的身份证或户籍证明",
                 "说明书中写到的每位直系亲属一份；已去世的在说明书中写明", clause="四.5"),
        Material("housing_proof", "住房情况证明",
                 "不动产证、直管公房租赁证、单位公房证明、所承租房屋的租赁合同，或被借住人房屋不动产证",
                 clause="四.6"),
    ]  # fmt: skip
    if hukou == LOCAL_HUKOU:
        items.append(
            Material("no_homestead_proof", "无宅基地、无自建房证明",
                     "由户籍所在乡镇（街道）开具", clause="四.7")
        )  # fmt: skip
    if category == Category.LOW_INCOME:
        items.append(
            Material("civil_certificate", "低保、特困或支出型贫困低收入家庭认定证件",
                     clause="四.8")
        )  # fmt: skip
    if needs_work_residency_proof(category, hukou):
        items.append(Material("residence_permit", "中心城区居住证", clause="四.9"))
        items.append(
            Material("pension_record", "中心城区连续6个月以上城镇职工养老保险缴费记录",
                     clause="四.9")
        )  # fmt: skip
    if category == Category.ENTREPRENEUR:
        items.append(Material("business_licence", "中心城区工商营业执照", clause="四.10"))
    if category == Category.CENTRAL_UNIT:
        items.append(
            Material("work_certificate", "上级主管单位开具的在九江市中心城区的工作证明",
                     clause="二（一）3")
        )  # fmt: skip
    if data.get("priority_groups"):
        items.append(
            Material("priority_proof", "优惠政策对象证明（见义勇为、劳模、优抚、拆迁等）",
                     clause="四.11")
        )  # fmt: skip
    return items


def _member_id(member: dict[str, Any]) -> Material:
    name = member.get("name") or "共同申请人"
    if (member.get("age") or 0) >= ID_CARD_AGE:
        return Material(f"id_member_{member['uid']}", f"{name}的身份证（正反面）", clause="四.1")
    return Material(
        f"id_member_{member['uid']}",
        f"{name}的身份证（选传）",
        f"未满{ID_CARD_AGE}周岁没有办身份证的，户口簿上的本人页即可，不必另传",
        required=False,
        clause="四.1",
    )


def _marriage_materials(marital_status: str | None, remarried: str | None) -> list[Material]:
    """四.2 proof of the marriage (and of the divorce before a remarriage); 四.3 the pledge.

    ``marriage_proof`` is the first 婚姻状况 document for every status, as before issue 27,
    so an upload made then still counts for the same document."""
    pledge = Material("marital_pledge", "婚姻状况承诺书", "本人签字的承诺书", clause="四.3")
    if marital_status == "married":
        marriage = Material("marriage_proof", "结婚证", clause="四.2")
        if remarried == "yes":
            return [marriage, Material("divorce_proof", "前次婚姻的离婚证、离婚协议（或法院离婚判决书）",
                                       "离异再婚的，仍需提交", clause="四.2")]  # fmt: skip
        return [marriage]
    if marital_status == "divorced":
        divorce = Material("marriage_proof", "离婚证、离婚协议（或法院离婚判决书）", clause="四.2")
        return [divorce, pledge]
    return [Material("marriage_proof", pledge.label, pledge.hint, clause="四.3")]


def missing_materials(required: list[Material], uploaded_keys: set[str]) -> list[Material]:
    return [item for item in required if item.required and item.key not in uploaded_keys]
