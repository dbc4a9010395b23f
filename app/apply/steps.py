"""The application wizard on the one step engine (app/core/steps.py): its steps in the seed's
order (公租房申请一件事, phone channel), what each requires before the application can be
submitted, and each step's page. No Flask, no database: ``completeness.facts`` reads the
stored application into :class:`ApplicationFacts`.

The wizard is a free-order flow: a step may be opened (to go back and change an answer)
once the steps it needs are complete (the region after consent, the face check after the
region), the resident resumes at the step kept on the application (``current_step``, so on any
device), and submitting needs every step's check to pass. The materials a household must
upload depend on earlier answers (the category, the members' marriages and residency).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.apply import validation
from app.apply.categories import mode_problem
from app.apply.materials import Material, missing_materials, required_materials
from app.core.steps import Flow, Step, flag


@dataclass(frozen=True)
class ApplicationFacts:
    """What the wizard's checks read from one application and the resident filling it in."""

    consented: bool = False
    region_confirmed: bool = False
    identity_verified: bool = False
    category: str | None = None
    guarantee_mode: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    signed: bool = False  # the handwritten signature on the 授权书
    uploaded: frozenset[str] = frozenset()  # material keys with a file


def _category(facts: ApplicationFacts) -> str | None:
    if not facts.category or not facts.guarantee_mode:
        return "尚未选择申请类别"
    return mode_problem(facts.category, facts.guarantee_mode)


def _members(facts: ApplicationFacts) -> str | None:
    applicant = validation.applicant_section(facts.data)
    _values, errors = validation.validate_applicant(applicant, facts.category)
    household = validation.household_problems(
        applicant.get("marital_status", ""), facts.data.get("members", [])
    )
    if not errors and not household:
        return None
    return "家庭成员信息不完整：" + "；".join([*errors.values(), *household])


def missing_items(facts: ApplicationFacts) -> list[Material]:
    """The materials still to upload: what the household's answers require, less uploads."""
    required = required_materials(facts.category, facts.data)
    return missing_materials(required, set(facts.uploaded))


def _materials(facts: ApplicationFacts) -> str | None:
    missing = missing_items(facts)
    if not missing:
        return None
    return "缺少材料：" + "、".join(item.label for item in missing)


FLOW: Flow[ApplicationFacts] = Flow(
    "apply",
    steps=(
        Step("consent", "服务授权", flag("consented", "尚未同意服务授权"),
             endpoint="apply.consent"),
        Step("region", "选择申请区域", flag("region_confirmed", "尚未确认申请区域"),
             endpoint="apply.region", needs=("consent",)),
        Step("identity", "身份验证", flag("identity_verified", "尚未完成扫脸认证"),
             endpoint="apply.identity", needs=("region",)),
        Step("category", "申请类别", _category, endpoint="apply.category"),
        Step("members", "家庭成员", _members, endpoint="apply.members"),
        # 家庭财产 ends with the handwritten signature on the 授权书.
        Step("assets", "家庭财产", flag("signed", "尚未手写签名"), endpoint="apply.assets"),
        Step("materials", "申请材料", _materials, endpoint="apply.materials"),
        Step("review", "确认提交", endpoint="apply.review"),
    ),
    ordered=False,
)  # fmt: skip
