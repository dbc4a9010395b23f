"""政策参数: every policy figure in force, with its source, for any staff role (read-only).

The figures come from ``app.config.policy`` (value from ``app.config``), the
eligibility thresholds from the loaded eligibility policy with the clause of the check
that applies each one. Attached to the staff blueprint, so its sign-in check applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from app.config.policy import PARAMETERS, Area, Parameter
from app.eligibility.policy import GONGZU, LIANZU, Policy, format_number, load_policy, months_text
from app.htmx import render
from app.staff import bp


@dataclass(frozen=True)
class Figure:
    parameter: Parameter
    shown: str


@dataclass(frozen=True)
class Threshold:
    label: str
    shown: str
    clause: str


# threshold name -> (label, unit, (programme, check) whose clause the figure comes from);
# a unit of "months" is shown as 5年 / 2年 / 6个月.
THRESHOLD_ROWS: tuple[tuple[str, str, str, tuple[str, str]], ...] = (
    ("adult_age", "公租房申请人年龄", "周岁以上", (GONGZU, "age")),
    ("gongzu_max_m2_per_person", "公租房：家庭人均住房建筑面积", "平方米以下", (GONGZU, "housing")),
    ("min_pension_months", "外来就业人员连续缴纳养老保险", "个月以上", (GONGZU, "residency")),
    ("funded_min_units", "资助住房：直系亲属在中心城区的住房", "套及以上", (GONGZU, "funded")),
    ("funded_min_m2_per_person", "资助住房：直系亲属人均住房面积", "平方米以上",
     (GONGZU, "funded")),
    ("min_hukou_years", "廉租房：中心城区城镇户籍", "年以上", (LIANZU, "hukou")),
    ("single_male_min_age", "廉租房：单身男性申请人年龄", "周岁以上", (LIANZU, "single_age")),
    ("single_female_min_age", "廉租房：单身女性申请人年龄", "周岁以上", (LIANZU, "single_age")),
    ("lianzu_max_m2_per_person", "廉租房：家庭人均住房建筑面积", "平方米以下", (LIANZU, "housing")),
    ("disposal_months", "廉租房：处置私房或公房后须满", "months", (LIANZU, "disposal")),
    ("divorce_months", "廉租房：离婚前不符合条件的，离婚后须满", "months", (LIANZU, "divorce")),
    ("sanction_months", "放弃已中签保障房等情形后不得再申请", "months", (GONGZU, "sanction")),
)  # fmt: skip


def figures_by_area(config: Any) -> list[tuple[Area, list[Figure]]]:
    """Every declared figure with the value in force, grouped by area in declared order."""
    return [
        (
            area,
            [
                Figure(parameter, parameter.shown(config[parameter.key]))
                for parameter in PARAMETERS
                if parameter.area is area
            ],
        )
        for area in Area
    ]


def thresholds(policy: Policy) -> list[Threshold]:
    """The eligibility thresholds with the clause of the check that applies each."""
    rows = []
    for name, label, unit, (programme, check) in THRESHOLD_ROWS:
        number = getattr(policy.thresholds, name)
        shown = months_text(number) if unit == "months" else f"{format_number(number)}{unit}"
        rows.append(Threshold(label, shown, policy.texts[programme][check].clause))
    return rows


@bp.get("/policy")
def policy_parameters():
    policy = load_policy(current_app.config["POLICY_REGION"])
    return render(
        "staff/policy.html",
        title="政策参数",
        areas=figures_by_area(current_app.config),
        policy_name=policy.name,
        thresholds=thresholds(policy),
    )
