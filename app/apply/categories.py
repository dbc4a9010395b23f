"""保障方式 and 保障类别 of an application. Pure module, no Flask."""

from __future__ import annotations

from enum import StrEnum


class GuaranteeMode(StrEnum):
    PHYSICAL = "physical"
    SUBSIDY = "subsidy"

    @property
    def label(self) -> str:
        return {"physical": "实物配租", "subsidy": "租赁补贴"}[self.value]


class Category(StrEnum):
    LOW_MIDDLE_INCOME = "low_middle_income"
    LOW_INCOME = "low_income"
    NEW_EMPLOYEE = "new_employee"
    MIGRANT_WORKER = "migrant_worker"
    ENTREPRENEUR = "entrepreneur"
    CENTRAL_UNIT = "central_unit"

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[Category, str] = {
    Category.LOW_MIDDLE_INCOME: "城镇中等偏下收入住房困难家庭",
    Category.LOW_INCOME: "城镇低保、特困、支出型贫困住房困难家庭",
    Category.NEW_EMPLOYEE: "新就业职工",
    Category.MIGRANT_WORKER: "外来务工人员",
    Category.ENTREPRENEUR: "外来创业人员",
    Category.CENTRAL_UNIT: "中央和省级直管单位职工",
}
