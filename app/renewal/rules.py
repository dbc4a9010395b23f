"""Rules of a renewal. Pure module: no Flask, no database.

- who may renew now (the window, arrears, violations) and why not;
- which policy a tenant's lease falls under;
- the proposed new term and its prices (from the unit the lease is on now);
- the order of the steps, so a step reached by URL too early is refused;
- the reading countdowns, enforced on the server from stored timestamps;
- whether a pasted commitment text matches (whitespace ignored).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.housing.tenancy import RenewalWindow


@dataclass(frozen=True)
class Blocker:
    """Why the tenant cannot renew now, in Chinese, with what to do about it."""

    code: str
    message: str


def renewal_blockers(
    window: RenewalWindow,
    today: date,
    *,
    has_arrears: bool,
    violations: list[str],
) -> list[Blocker]:
    """Every reason the tenant cannot apply today; empty when they can."""
    blockers: list[Blocker] = []
    if today < window.opens_on:
        blockers.append(
            Blocker(
                "window_not_open",
                f"续约申请将于 {window.opens_on:%Y年%m月%d日} 开放"
                f"（租约到期前 {(window.lease_ends_on - window.opens_on).days} 天起可申请）。",
            )
        )
    elif today > window.lease_ends_on:
        blockers.append(
            Blocker(
                "lease_ended",
                f"租约已于 {window.lease_ends_on:%Y年%m月%d日} 到期，无法在线续约，"
                "请到服务窗口咨询办理。",
            )
        )
    if has_arrears:
        blockers.append(
            Blocker(
                "arrears",
                "您有逾期未缴的租金。请先在“租金缴纳”中缴清欠款（含滞纳金），缴清后即可申请续约。",
            )
        )
    for detail in violations:
        blockers.append(
            Blocker(
                "violation",
                f"您的租约有未处理的违规记录：{detail}。请联系租赁管理人员整改，"
                "处理完毕后即可申请续约。",
            )
        )
    return blockers


def lease_policy(first_term_start: date, new_policy_since: date) -> str:
    """``old`` for leases first signed before the new policy took effect, else ``new``."""
    return "old" if first_term_start < new_policy_since else "new"


def proposed_term(current_end: date, years: int) -> tuple[date, date]:
    """The new term: from the day after the current end, for ``years`` years."""
    start = current_end + timedelta(days=1)
    try:
        anniversary = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + years, day=28) + timedelta(days=1)
    return start, anniversary - timedelta(days=1)


@dataclass(frozen=True)
class Prices:
    """A term's monthly prices, in fen."""

    monthly_rent_fen: int
    property_fee_fen: int
    monthly_subsidy_fen: int


def renewal_prices(current: Prices, moved_into: Prices | None) -> Prices:
    """The new term's prices. Rent and 物业费 go with the unit, the 租金补贴 with the household.
    ``moved_into`` is what the unit the lease moved into by a 互换 was let for (002 Q&A 10),
    None when the lease has not moved since its current term was agreed: a swap keeps the
    lease's terms, so the current term still carries the old unit's rent and fee."""
    if moved_into is None:
        return current
    return Prices(
        monthly_rent_fen=moved_into.monthly_rent_fen,
        property_fee_fen=moved_into.property_fee_fen,
        monthly_subsidy_fen=current.monthly_subsidy_fen,
    )


# -- steps ---------------------------------------------------------------------------


class ApplyStep(StrEnum):
    DECLARATION = "declaration"
    CONFIRM = "confirm"
    MATERIALS = "materials"
    DONE = "done"

    @property
    def label(self) -> str:
        return {
            "declaration": "申请声明",
            "confirm": "确认续约信息",
            "materials": "上传材料",
            "done": "已提交",
        }[self.value]


APPLY_STEPS = [ApplyStep.DECLARATION, ApplyStep.CONFIRM, ApplyStep.MATERIALS]


def apply_step(*, declared: bool, confirmed: bool, submitted: bool) -> ApplyStep:
    """The furthest application step the tenant may be on."""
    if submitted:
        return ApplyStep.DONE
    if not declared:
        return ApplyStep.DECLARATION
    if not confirmed:
        return ApplyStep.CONFIRM
    return ApplyStep.MATERIALS


class SignStep(StrEnum):
    CONTRACT = "contract"  # 个人租赁合同签订: the contract, 合同签署
    CONFIRM = "confirm"  # 确认续约信息
    COMMITMENT = "commitment"  # 阅读承诺书 with the countdown
    COPY = "copy"  # paste the commitment text
    FACE = "face"  # face verification and signing on the phone
    SIGNED = "signed"

    @property
    def label(self) -> str:
        return {
            "contract": "合同签署",
            "confirm": "确认续约信息",
            "commitment": "阅读承诺书",
            "copy": "抄录承诺书",
            "face": "人脸识别并签署",
            "signed": "签订成功",
        }[self.value]


SIGN_STEPS = [
    SignStep.CONTRACT,
    SignStep.CONFIRM,
    SignStep.COMMITMENT,
    SignStep.COPY,
    SignStep.FACE,
]


def sign_step(
    *, started: bool, confirmed: bool, read: bool, copied: bool, signed: bool
) -> SignStep:
    """The furthest signing step the tenant may be on."""
    if signed:
        return SignStep.SIGNED
    if not started:
        return SignStep.CONTRACT
    if not confirmed:
        return SignStep.CONFIRM
    if not read:
        return SignStep.COMMITMENT
    if not copied:
        return SignStep.COPY
    return SignStep.FACE


def step_reached(steps: list, current, wanted) -> bool:
    """True when ``wanted`` is at or before ``current`` in ``steps`` (done steps count)."""
    if current not in steps:
        return True
    return steps.index(wanted) <= steps.index(current)


# -- countdowns ----------------------------------------------------------------------


def seconds_left(shown_at: datetime | None, now: datetime, required_seconds: int) -> int:
    """Whole seconds still to wait since ``shown_at``; the full time if never shown."""
    if shown_at is None:
        return required_seconds
    remaining = timedelta(seconds=required_seconds) - (now - shown_at)
    if remaining <= timedelta(0):
        return 0
    return int(-(-remaining.total_seconds() // 1))  # round up: never allow early


# -- the commitment text -------------------------------------------------------------

_INVISIBLE = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def normalise_commitment(text: str) -> str:
    """The text without any whitespace (incl. full-width and zero-width spaces), NFC."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text or ""))


def commitment_matches(expected: str, typed: str) -> bool:
    """True when ``typed`` is ``expected`` apart from whitespace and line breaks."""
    return bool(typed) and normalise_commitment(expected) == normalise_commitment(typed)
