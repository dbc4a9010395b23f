"""An application's statuses and their Chinese names. Pure module: the review table
(``app.apply.workflow``) and the model (``app.apply.models``) both build on it."""

from __future__ import annotations

from enum import StrEnum


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CORRECTION_REQUESTED = "correction_requested"
    NOT_ACCEPTED = "not_accepted"
    ACCEPTED = "accepted"
    STREET_PUBLICITY = "street_publicity"
    DISTRICT_REVIEW = "district_review"
    DISTRICT_PUBLICITY = "district_publicity"
    CIVIL_CHECK = "civil_check"
    FINAL_REVIEW = "final_review"
    RESULT_PUBLICITY = "result_publicity"
    QUALIFIED = "qualified"
    REJECTED = "rejected"
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        """Still in the resident's hands or under review (counts as the one active application)."""
        return self not in CLOSED_STATUSES


STATUS_LABELS: dict[ApplicationStatus, str] = {
    ApplicationStatus.DRAFT: "草稿（暂存）",
    ApplicationStatus.SUBMITTED: "已提交，待街道受理",
    ApplicationStatus.CORRECTION_REQUESTED: "待补正材料",
    ApplicationStatus.NOT_ACCEPTED: "不予受理",
    ApplicationStatus.ACCEPTED: "已受理，街道初核中",
    ApplicationStatus.STREET_PUBLICITY: "一榜公示中",
    ApplicationStatus.DISTRICT_REVIEW: "区级审核中",
    ApplicationStatus.DISTRICT_PUBLICITY: "二榜公示中（区）",
    ApplicationStatus.CIVIL_CHECK: "民政经济状况核对中",
    ApplicationStatus.FINAL_REVIEW: "市住房保障部门终审中",
    ApplicationStatus.RESULT_PUBLICITY: "结果公示中",
    ApplicationStatus.QUALIFIED: "已取得保障资格",
    ApplicationStatus.REJECTED: "审核未通过",
    ApplicationStatus.STOPPED: "已终止",
    ApplicationStatus.WITHDRAWN: "已放弃",
}
CLOSED_STATUSES = frozenset(
    {
        ApplicationStatus.NOT_ACCEPTED,
        ApplicationStatus.QUALIFIED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.STOPPED,
        ApplicationStatus.WITHDRAWN,
    }
)
