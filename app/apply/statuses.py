"""An application's statuses and their Chinese names. Pure module: the review table
(``app.apply.workflow``) and the model (``app.apply.models``) both build on it."""

from __future__ import annotations

from app.labels import Labelled


class ApplicationStatus(Labelled):
    DRAFT = "draft", "草稿（暂存）"
    SUBMITTED = "submitted", "已提交，待街道受理"
    CORRECTION_REQUESTED = "correction_requested", "待补正材料"
    NOT_ACCEPTED = "not_accepted", "不予受理"
    ACCEPTED = "accepted", "已受理，街道初核中"
    STREET_PUBLICITY = "street_publicity", "一榜公示中"
    DISTRICT_REVIEW = "district_review", "区级审核中"
    DISTRICT_PUBLICITY = "district_publicity", "二榜公示中（区）"
    CIVIL_CHECK = "civil_check", "民政经济状况核对中"
    FINAL_REVIEW = "final_review", "市住房保障部门终审中"
    RESULT_PUBLICITY = "result_publicity", "结果公示中"
    QUALIFIED = "qualified", "已取得保障资格"
    REJECTED = "rejected", "审核未通过"
    STOPPED = "stopped", "已终止"
    WITHDRAWN = "withdrawn", "已放弃"

    @property
    def is_open(self) -> bool:
        """Still in the resident's hands or under review (counts as the one active application)."""
        return self not in CLOSED_STATUSES


CLOSED_STATUSES = frozenset(
    {
        ApplicationStatus.NOT_ACCEPTED,
        ApplicationStatus.QUALIFIED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.STOPPED,
        ApplicationStatus.WITHDRAWN,
    }
)
