"""我的申请: the review stages as a timeline, with the legal time limit. No Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.apply.models import ApplicationStatus

LEGAL_LIMIT_WORKING_DAYS = 30

# stage id, label, what happens there, statuses that mean the stage is reached
STAGES: tuple[tuple[str, str, str, frozenset[str]], ...] = (
    ("submitted", "提交申请", "申请已提交，系统已完成大数据资格预审。", frozenset()),
    ("street_review", "街道初审", "街道办事处审查材料，齐全的当场受理，不齐的一次性告知补正。",
     frozenset({"submitted", "correction_requested", "not_accepted"})),
    ("street_publicity", "一榜公示", "街道初核后公示5个工作日，无异议后报市住房保障部门。",
     frozenset({"street_publicity"})),
    ("civil_check", "民政核对", "民政部门核对家庭经济状况，15个工作日内出具报告。",
     frozenset({"civil_check"})),
    ("final_review", "终审", "市住房保障部门参考核对报告进行资格终审。", frozenset({"final_review"})),
    ("result_publicity", "结果公示", "终审结果公示5个工作日。", frozenset({"result_publicity"})),
    ("qualified", "资格证明", "公示无异议后发放保障资格证明，有效期3年。", frozenset({"qualified"})),
)  # fmt: skip
ORDER = {status: index for index, (_, _, _, statuses) in enumerate(STAGES) for status in statuses}


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    explanation: str
    state: str  # done / current / waiting
    reached_at: datetime | None


def timeline(application: Any) -> list[Stage]:
    status = application.status
    current = ORDER.get(status, 1)
    reached: dict[int, datetime] = {}
    if application.submitted_at:
        reached[0] = application.submitted_at
    for event in application.events:
        index = ORDER.get(event.to_status)
        if index is not None:
            reached.setdefault(index, event.created_at)
    finished = status in (ApplicationStatus.QUALIFIED,)
    stages = []
    for index, (stage_id, label, explanation, _statuses) in enumerate(STAGES):
        if index < current or (finished and index == current):
            state = "done"
        elif index == current:
            state = "current"
        else:
            state = "waiting"
        stages.append(Stage(stage_id, label, explanation, state, reached.get(index)))
    return stages
