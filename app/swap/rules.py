"""Rules of the swap board. Pure module: no Flask, no database.

- a listing's life: 60 days from publishing, renewable with one tap in its last 7 days
  (or once expired);
- what a message may say before the other tenant has accepted (no phone numbers);
- the formal application (申请互换): each tenant gives a reason with proof, signs the
  承诺书 and pre-pays a year of rent, in that order; when both have, it goes to staff.

The statuses and their tables are in ``app.swap.statuses``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.core.steps import Flow
from app.core.steps import Step as FlowStep
from app.swap.statuses import APPLICATIONS
from app.swap.statuses import ApplicationStatus as ApplicationStatus

LISTING_DAYS = 60
RENEW_WINDOW_DAYS = 7
MAX_PHOTOS = 6
MAX_PROOF_FILES = 6
# The months of rent pre-paid before a swap: SWAP_PREPAY_MONTHS (app.config.policy).


# --- listings ---------------------------------------------------------------------------


def expiry_from(published_at: datetime) -> datetime:
    return published_at + timedelta(days=LISTING_DAYS)


def is_expired(expires_at: datetime, now: datetime) -> bool:
    return expires_at <= now


def can_renew(expires_at: datetime, now: datetime) -> bool:
    """Renewal opens in the listing's last ``RENEW_WINDOW_DAYS`` days and stays open after."""
    return now >= expires_at - timedelta(days=RENEW_WINDOW_DAYS)


def days_left(expires_at: datetime, now: datetime) -> int:
    """Whole days until expiry, rounded up (0 once expired)."""
    seconds = (expires_at - now).total_seconds()
    return max(0, -int(-seconds // 86400))


# --- messages ---------------------------------------------------------------------------

# A mainland mobile number, even when typed with spaces, dashes or full-width digits.
_PHONE = re.compile(r"1[3-9](?:[\s\-－]*\d){9}")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def mentions_phone(text: str) -> bool:
    return bool(_PHONE.search(text.translate(_FULL_WIDTH)))


def message_problem(text: str, *, accepted: bool) -> str | None:
    """Why a message cannot be sent as written; None when it can."""
    body = text.strip()
    if not body:
        return "请填写留言内容"
    if len(body) > 500:
        return "留言请不超过500字"
    if not accepted and mentions_phone(body):
        return "对方接受换房请求前，请不要在留言中填写电话号码；接受后双方都能看到对方的联系方式。"
    return None


# --- the formal application -------------------------------------------------------------


class Step(StrEnum):
    REASON = "reason"
    SIGN = "sign"
    PREPAY = "prepay"


@dataclass(frozen=True)
class PartyProgress:
    """One tenant's part of the application: the state the flow's steps read."""

    has_reason: bool
    proof_files: int
    signed: bool
    prepay_issued: bool
    prepaid: bool

    def done(self, step: Step | str) -> bool:
        return FLOW.complete(self, Step(step))

    @property
    def next_step(self) -> Step | None:
        """The first step not done yet; None when this tenant has done everything."""
        found = FLOW.first_incomplete(self)
        return Step(found.id) if found else None

    def may_do(self, step: Step | str) -> bool:
        """Steps go in order; the reason can be changed until the 承诺书 is signed."""
        return FLOW.refusal(self, Step(step)) is None


# The three steps, on the one step engine (app/core/steps.py). They are all done on the
# application's page (a task list), so no step has a page of its own.
FLOW: Flow[PartyProgress] = Flow(
    "swap.application",
    steps=(
        FlowStep(
            Step.REASON,
            "填写互换理由并上传证明材料",
            lambda p: None if p.has_reason and p.proof_files > 0 else "尚未填写理由并上传证明",
            locked=lambda p: (
                "您已签署《承诺书》，互换理由和证明材料不能再修改。" if p.signed else None
            ),
        ),
        FlowStep(Step.SIGN, "签署《承诺书》", lambda p: None if p.signed else "尚未签署承诺书"),
        FlowStep(Step.PREPAY, "预缴一年租金", lambda p: None if p.prepaid else "尚未预缴租金"),
    ),
    blocked="请先完成上一步：{label}。",
)


def ready_for_review(parties: list[PartyProgress]) -> bool:
    return len(parties) == 2 and all(FLOW.finished(party) for party in parties)


def step_refusal(progress: PartyProgress, step: Step) -> str | None:
    """Why ``step`` cannot be done now, in Chinese; None when it can."""
    refusal = FLOW.refusal(progress, step)
    return refusal.message if refusal else None


def can_move(current: ApplicationStatus, target: ApplicationStatus) -> bool:
    """Whether any move of the application's table goes from ``current`` to ``target``."""
    return any(m.source == current and m.target == target for m in APPLICATIONS.moves)
