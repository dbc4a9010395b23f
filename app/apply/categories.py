"""保障方式 and 保障类别 of an application. Pure module, no Flask."""

from __future__ import annotations

from app.labels import Labelled


class GuaranteeMode(Labelled):
    PHYSICAL = "physical", "实物配租"
    SUBSIDY = "subsidy", "租赁补贴"


class Category(Labelled):
    LOW_MIDDLE_INCOME = "low_middle_income", "城镇中等偏下收入住房困难家庭"
    LOW_INCOME = "low_income", "城镇低保、特困、支出型贫困住房困难家庭"
    NEW_EMPLOYEE = "new_employee", "新就业职工"
    MIGRANT_WORKER = "migrant_worker", "外来务工人员"
    ENTREPRENEUR = "entrepreneur", "外来创业人员"
    CENTRAL_UNIT = "central_unit", "中央和省级直管单位职工"


# 租赁补贴 (廉租房 rent subsidy) is for households 民政 recognises as 低保、特困 or
# 支出型贫困 (001 二(二)2; 002 (四) and 政策问答 7); they may also take 实物配租 (001 五(五)).
MODES_BY_CATEGORY: dict[Category, frozenset[GuaranteeMode]] = {
    category: frozenset({GuaranteeMode.PHYSICAL}) for category in Category
} | {Category.LOW_INCOME: frozenset(GuaranteeMode)}

SUBSIDY_ONLY_LOW_INCOME = (
    "租赁补贴只面向民政部门认定的城镇低保、特困和支出型贫困家庭。"
    "您选择的类别请选“实物配租”；如果家里已经民政认定，请把类别改为“城镇低保、特困、支出型贫困住房困难家庭”。"
)


def modes_for(category: str | None) -> frozenset[GuaranteeMode]:
    """The 保障方式 open to ``category`` (every mode while no category is chosen)."""
    if category not in {c.value for c in Category}:
        return frozenset(GuaranteeMode)
    return MODES_BY_CATEGORY[Category(category)]


def mode_problem(category: str | None, mode: str | None) -> str | None:
    """Why ``mode`` is not open to ``category``, in Chinese; None when it is."""
    if not category or not mode or mode not in {m.value for m in GuaranteeMode}:
        return None
    return None if GuaranteeMode(mode) in modes_for(category) else SUBSIDY_ONLY_LOW_INCOME
