"""经济状况核对 (收入财产核对) for a renewal under the new policy: the tenant asks for it,
民政核对 staff record the result (``rules.INCOME_CHECK_STATUS``), the tenant is told.
"""

from __future__ import annotations

from sqlalchemy import select

from app.audit.services import record
from app.auth.models import User
from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Lease
from app.messages.services import post_message
from app.renewal.models import IncomeCheck, IncomeCheckStatus
from app.renewal.rules import INCOME_CHECK_STATUS, MESSAGE_CATEGORY, RenewalError
from app.status import change, commit_or_stale


def latest_income_check(lease_id: int) -> IncomeCheck | None:
    return db.session.scalar(
        select(IncomeCheck)
        .where(IncomeCheck.lease_id == lease_id)
        .order_by(IncomeCheck.id.desc())
        .limit(1)
    )


def request_income_check(user: User, lease: Lease, *, ip: str | None = None) -> IncomeCheck:
    """发起收入财产核对: one running check per lease at a time."""
    if lease.tenant_id != user.id:
        raise RenewalError("只能为本人承租的房屋发起核对。")
    latest = latest_income_check(lease.id)
    if latest is not None and latest.status is IncomeCheckStatus.REQUESTED:
        raise RenewalError("您已发起收入财产核对，正在核对中，请耐心等待结果。")
    if latest is not None and latest.status is IncomeCheckStatus.PASSED:
        raise RenewalError("您的核对报告已符合要求，可以直接申请续租。")
    check = IncomeCheck(tenant_id=user.id, lease_id=lease.id)
    db.session.add(check)
    db.session.flush()
    record(
        "renewal.income_check_requested",
        actor_id=user.id,
        subject_type="income_check",
        subject_id=check.id,
        ip=ip,
    )
    post_message(
        user.id,
        category=MESSAGE_CATEGORY,
        title="已发起收入财产核对",
        body="民政部门将核对您家庭的收入和财产状况，结果会在消息中心通知您。",
        link="/renewal/income-check",
    )
    db.session.commit()
    return check


def decide_income_check(
    check: IncomeCheck,
    staff: User,
    *,
    passed: bool,
    report_number: str,
    note: str = "",
    ip: str | None = None,
) -> None:
    action = "passed" if passed else "failed"
    if INCOME_CHECK_STATUS.find(check.status, action) is None:
        raise RenewalError("该核对已录入结果（可能已被他人办理），请返回查看。")
    change(
        check,
        INCOME_CHECK_STATUS,
        action,
        actor=staff,
        note=report_number,
        say={"report_number": report_number, "note": note.rstrip()},
        ip=ip,
        commit=False,  # refused before anything below is written
    )
    check.decided_at = utcnow()
    check.decided_by = staff.id
    check.report_number = report_number
    check.note = note or None
    commit_or_stale(INCOME_CHECK_STATUS)
