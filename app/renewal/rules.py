"""Rules of a renewal. Pure module: no Flask, no database.

- who may renew now (the window, arrears, violations) and why not;
- which policy a tenant's lease falls under;
- the proposed new term and its prices (from the unit the lease is on now);
- the order of the steps, so a step reached by URL too early is refused;
- the reading countdowns, enforced on the server from stored timestamps;
- whether a pasted commitment text matches (whitespace ignored);
- the statuses of a renewal and of its 经济状况核对, and their tables (the moves each may
  make, who may take them and what the tenant is told; ``app.status`` applies them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.auth.roles import Role
from app.core.blockers import Blocker as Blocker
from app.core.steps import Flow, Step, flag
from app.core.transitions import OWNER, Table, Tell, move
from app.housing.tenancy import Prices, RenewalWindow
from app.labels import Labelled


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
# Two flows on the one step engine (app/core/steps.py), each a step per page: 续租申请 and
# 合同签订. Where the tenant stands is read from the renewal's timestamps (RenewalFacts),
# so every device agrees; a page opened before its turn is refused by the engine, and a
# service step taken before its turn by what the step before it still needs (its check).


class ApplyStep(StrEnum):
    DECLARATION = "declaration"
    CONFIRM = "confirm"
    MATERIALS = "materials"
    DONE = "done"


@dataclass(frozen=True)
class RenewalFacts:
    """What the steps read: which of the renewal's steps have been taken."""

    declared: bool = False
    confirmed: bool = False
    submitted: bool = False
    started: bool = False  # the contract opened for signing (合同签署)
    sign_confirmed: bool = False
    read: bool = False
    copied: bool = False
    signed: bool = False


APPLY_FLOW: Flow[RenewalFacts] = Flow(
    "renewal.apply",
    steps=(
        Step(ApplyStep.DECLARATION, "申请声明", flag("declared", "请先阅读申请声明并勾选“个人续约声明”。"),
             endpoint="renewal.declaration"),
        Step(ApplyStep.CONFIRM, "确认续约信息", flag("confirmed", "请先确认续约信息。"),
             endpoint="renewal.confirm"),
        Step(ApplyStep.MATERIALS, "上传材料", flag("submitted", "请上传身份证正反面并提交。"),
             endpoint="renewal.materials"),
    ),
    done=Step(ApplyStep.DONE, "已提交", endpoint="renewal.submitted"),
)  # fmt: skip


class SignStep(StrEnum):
    CONTRACT = "contract"  # 个人租赁合同签订: the contract, 合同签署
    CONFIRM = "confirm"  # 确认续约信息
    COMMITMENT = "commitment"  # 阅读承诺书 with the countdown
    COPY = "copy"  # paste the commitment text
    FACE = "face"  # face verification and signing on the phone
    SIGNED = "signed"


SIGN_FLOW: Flow[RenewalFacts] = Flow(
    "renewal.sign",
    steps=(
        Step(SignStep.CONTRACT, "合同签署", flag("started", "请先查看合同并点击“合同签署”。"),
             endpoint="renewal.sign_contract"),
        Step(SignStep.CONFIRM, "确认续约信息", flag("sign_confirmed", "请先确认续约信息。"),
             endpoint="renewal.sign_confirm"),
        Step(SignStep.COMMITMENT, "阅读承诺书", flag("read", "请先阅读承诺书并点击“我已阅知”。"),
             endpoint="renewal.commitment"),
        Step(SignStep.COPY, "抄录承诺书", flag("copied", "请先阅读并抄录承诺书。"),
             endpoint="renewal.commitment_copy"),
        Step(SignStep.FACE, "人脸识别并签署", flag("signed", "请完成人脸识别并在手机上签署。"),
             endpoint="renewal.sign_face"),
    ),
    done=Step(SignStep.SIGNED, "签订成功", endpoint="renewal.sign_done"),
)  # fmt: skip


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


# -- statuses ------------------------------------------------------------------------


class RenewalError(Exception):
    """A renewal step refused, with a Chinese message saying why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RenewalStatus(Labelled):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "待审核"
    REJECTED = "rejected", "审核不通过"
    APPROVED = "approved", "审核通过，待签订合同"
    SIGNED = "signed", "合同已签订，待审批"
    COMPLETED = "completed", "续约完成"

    @property
    def is_open(self) -> bool:
        return self is not RenewalStatus.REJECTED and self is not RenewalStatus.COMPLETED


class IncomeCheckStatus(Labelled):
    REQUESTED = "requested", "核对中"
    PASSED = "passed", "符合要求"
    FAILED = "failed", "不符合要求"


STALE = "此续约已在其他页面或设备上更新，本次操作未保存，请刷新页面后再试。"
MESSAGE_CATEGORY = "续约"
R = RenewalStatus
# The actions are the audit actions ("renewal.submitted") and the history lines (审核详情).
# fmt: off
_RENEWAL_MOVES = (
    *move(
        "submitted", R.DRAFT, R.SUBMITTED, OWNER, "提交",
        Tell("续约申请已提交", "续约申请 {reference} 已提交，租赁管理人员审核后会通知您。"),
    ),
    *move(
        "approved", R.SUBMITTED, R.APPROVED, Role.LEASE_MANAGER, "审核通过",
        Tell(
            "续约申请审核通过，请签订合同",
            "请进入“个人租赁合同签订”，确认信息、阅读承诺书并完成人脸识别后签署续约合同。",
        ),
    ),
    *move(
        "rejected", R.SUBMITTED, R.REJECTED, Role.LEASE_MANAGER, "审核不通过",
        Tell("续约申请审核不通过", "原因：{note}"),
    ),
    *move(
        "signed", R.APPROVED, R.SIGNED, OWNER, "马上签署",
        Tell("续约合同已签署", "续约合同已签署，待租赁管理人员审批后生效。"),
    ),
    *move(
        "completed", R.SIGNED, R.COMPLETED, Role.LEASE_MANAGER, "审批续约合同",
        Tell(
            "续约合同已生效",
            "新租期 {start:%Y年%m月%d日} 至 {end:%Y年%m月%d日}。"
            "可在“我的续约”中预览和打印合同。",
        ),
    ),
)
# fmt: on
RENEWAL_STATUS = Table(
    name="Renewal.status",
    moves=_RENEWAL_MOVES,
    statuses=tuple(RenewalStatus),
    audit="renewal",
    subject="renewal",
    stale=STALE,
    category=MESSAGE_CATEGORY,
    owners=lambda renewal: (renewal.tenant_id,),
    labels=lambda status: RenewalStatus(status).label,
    error=RenewalError,
)

C = IncomeCheckStatus
_CHECK_LINK = "/renewal/income-check"
# fmt: off
_INCOME_CHECK_MOVES = (
    *move(
        "passed", C.REQUESTED, C.PASSED, Role.CIVIL_AFFAIRS, "符合要求",
        Tell(
            "收入财产核对结果：符合要求",
            "核对报告（编号 {report_number}）符合要求，您可以按新政策申请续租。",
            _CHECK_LINK,
        ),
    ),
    *move(
        "failed", C.REQUESTED, C.FAILED, Role.CIVIL_AFFAIRS, "不符合要求",
        Tell(
            "收入财产核对结果：不符合要求",
            "核对报告（编号 {report_number}）不符合新政策续租条件。{note}",
            _CHECK_LINK,
        ),
    ),
)
# fmt: on
INCOME_CHECK_STATUS = Table(
    name="IncomeCheck.status",
    moves=_INCOME_CHECK_MOVES,
    statuses=tuple(IncomeCheckStatus),
    audit="renewal.income_check",
    subject="income_check",
    stale=STALE,
    category=MESSAGE_CATEGORY,
    owners=lambda check: (check.tenant_id,),
    labels=lambda status: IncomeCheckStatus(status).label,
    error=RenewalError,
)
