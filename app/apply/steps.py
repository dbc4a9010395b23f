"""The wizard's steps in the seed's order (公租房申请一件事, phone channel). No Flask."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    id: str
    label: str
    endpoint: str


STEPS: tuple[Step, ...] = (
    Step("consent", "服务授权", "apply.consent"),
    Step("region", "选择申请区域", "apply.region"),
    Step("identity", "身份验证", "apply.identity"),
    Step("category", "申请类别", "apply.category"),
    Step("members", "家庭成员", "apply.members"),
    Step("assets", "家庭财产", "apply.assets"),
    Step("materials", "申请材料", "apply.materials"),
    Step("review", "确认提交", "apply.review"),
)
BY_ID = {step.id: step for step in STEPS}
ORDER = [step.id for step in STEPS]


def step_number(step_id: str) -> int:
    return ORDER.index(step_id) + 1


def next_step(step_id: str) -> Step | None:
    index = ORDER.index(step_id) + 1
    return STEPS[index] if index < len(STEPS) else None


def previous_step(step_id: str) -> Step | None:
    index = ORDER.index(step_id) - 1
    return STEPS[index] if index >= 0 else None


def furthest(current: str, candidate: str) -> str:
    """Keep the furthest step reached, so going back to edit does not lose progress."""
    return candidate if ORDER.index(candidate) > ORDER.index(current) else current
