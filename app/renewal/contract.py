"""The renewal contract's words, generated from the lease data. Pure: no Flask.

``contract_for(...)`` gathers the parties, unit, term and prices into a
``ContractData``; ``clauses(data)`` are the numbered terms shown on the page and
printed in the PDF. The declaration and the commitment letter are fixed texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.money import format_yuan

DECLARATION_TITLE = "个人续约声明"
DECLARATION = (
    "本人申请续租所承租的公共租赁住房，并声明：",
    "一、本人及家庭成员的住房、收入和财产状况未发生不符合保障条件的变化；如有变化，已如实申报。",
    "二、本人未将承租的公共租赁住房转租、转借、擅自调换或改变用途，未无正当理由闲置。",
    "三、本人所提交的身份证件及其他材料真实、有效，如有虚假，愿承担相应的法律责任。",
    "四、本人同意住房保障部门依法核查本人及家庭成员的相关信息。",
)

COMMITMENT_TITLE = "公共租赁住房承租人承诺书"
# What the tenant copies (or types) before signing; compared with whitespace ignored.
COMMITMENT_TEXT = (
    "本人承诺所提供的续约信息真实有效，遵守公共租赁住房管理规定和租赁合同约定，"
    "按时足额缴纳租金及相关费用，不转租、转借、擅自调换或改变房屋用途，"
    "不破坏或擅自装修房屋，不无正当理由闲置房屋。如有违反，自愿承担相应的法律责任，"
    "并同意出租人依法解除合同、收回房屋。"
)


@dataclass(frozen=True)
class ContractData:
    contract_number: str
    renewal_reference: str
    lessor: str
    tenant_name: str
    tenant_id_masked: str
    residents: tuple[tuple[str, str, str], ...]  # (name, relation, masked ID number)
    address: str  # community + building + unit
    community_address: str
    area_m2: str
    layout: str
    guarantee_label: str
    start_date: date
    end_date: date
    monthly_rent_fen: int
    property_fee_fen: int
    monthly_subsidy_fen: int
    # Policy figures the clauses quote (app.config.policy).
    rent_due_day: int
    arrears_reclaim_months: int
    renewal_window_days: int

    @property
    def term_text(self) -> str:
        return f"{self.start_date:%Y年%m月%d日}至{self.end_date:%Y年%m月%d日}"

    @property
    def tenant_pays_fen(self) -> int:
        return max(0, self.monthly_rent_fen - self.monthly_subsidy_fen)


def lessor_line(lessor: str, approved_on: date | None = None, approver_role: str = "") -> str:
    """甲方's line under the contract: 审批后生效 until approved, then when and by whom.

    The signed PDF keeps the first form for ever; only rendered views use the second."""
    if approved_on is None:
        return f"甲方：{lessor}（审批后生效）"
    return f"甲方：{lessor}（已于{approved_on:%Y年%m月%d日}经{approver_role}审批生效）"


def clauses(data: ContractData) -> list[tuple[str, str]]:
    """The contract's numbered clauses, (heading, text)."""
    subsidy = (
        f"承租人享受租金补贴每月{format_yuan(data.monthly_subsidy_fen)}，"
        f"实际每月应缴租金{format_yuan(data.tenant_pays_fen)}。"
        if data.monthly_subsidy_fen
        else ""
    )
    residents = (
        "、".join(f"{name}（{relation}）" for name, relation, _id in data.residents)
        if data.residents
        else "无"
    )
    return [
        (
            "第一条 房屋",
            f"出租人将位于{data.community_address}的{data.address}（建筑面积"
            f"{data.area_m2}平方米，{data.layout}）续租给承租人，作为{data.guarantee_label}"
            f"居住使用。共同居住人：{residents}。",
        ),
        ("第二条 租期", f"续租期限自{data.term_text}止。"),
        (
            "第三条 租金",
            f"月租金{format_yuan(data.monthly_rent_fen)}，物业服务费每月"
            f"{format_yuan(data.property_fee_fen)}。{subsidy}租金按月缴纳，"
            f"于每月{data.rent_due_day}日前缴清；逾期的，按规定计收滞纳金。",
        ),
        (
            "第四条 使用",
            "承租人应合理使用房屋及附属设施，不得转租、转借、擅自调换或改变用途，"
            "不得破坏或擅自装修，不得在房屋内从事违法活动，不得无正当理由连续6个月以上闲置。",
        ),
        (
            "第五条 合同解除",
            f"承租人有前条所列行为，或累计{data.arrears_reclaim_months}个月以上拖欠租金的，"
            "出租人有权解除合同、收回房屋。",
        ),
        (
            "第六条 续租",
            f"租期届满需要续租的，承租人应在租期届满前{data.renewal_window_days}天内提出申请，"
            "经审核符合条件的，续签合同。",
        ),
        (
            "第七条 其他",
            "本合同经承租人在线签署、出租人审批后生效。原合同与本合同不一致的，以本合同为准。",
        ),
    ]
