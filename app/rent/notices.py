"""Rent: the overdue and arrears notices posted to tenants, each exactly once."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.clock import today_in_china
from app.core.money import format_yuan
from app.extensions import batches, db
from app.housing.models import Lease
from app.messages.services import post_message
from app.rent.billing import Period
from app.rent.fees import LateFeePolicy
from app.rent.models import Bill, NoticeKind, RentNotice
from app.rent.policy import (
    MESSAGE_CATEGORY,
    arrears_thresholds,
    late_fee_policy,
    policy_figure,
    reclaim_months,
)
from app.rent.standing import is_unpaid


def send_arrears_notices(today: date | None = None) -> int:
    """Post the overdue notice for each newly overdue bill, and the 3- and 6-month arrears
    notices; each exactly once (unique per lease, kind and period). Returns messages posted."""
    today = today or today_in_china()
    policy = late_fee_policy()
    rows = db.session.execute(
        select(Bill.lease_id, Bill.period, Bill.due_date, Bill.amount_due_fen, Lease.tenant_id)
        .join(Lease, Lease.id == Bill.lease_id)
        .where(is_unpaid(), Bill.due_date < today)
        .order_by(Bill.lease_id, Bill.period)
    ).all()
    by_lease: dict[int, list] = defaultdict(list)
    for row in rows:
        by_lease[row.lease_id].append(row)
    sent = _notices_sent(list(by_lease))
    posted = 0
    for lease_id, bills in by_lease.items():
        tenant_id = bills[0].tenant_id
        fresh = [b for b in bills if (lease_id, NoticeKind.OVERDUE, b.period) not in sent]
        if fresh and _post_overdue_notice(lease_id, tenant_id, fresh, policy):
            posted += 1
        oldest = bills[0].period
        for threshold, kind in arrears_thresholds():
            if len(bills) >= threshold and (lease_id, kind, oldest) not in sent:
                posted += _post_arrears_notice(lease_id, tenant_id, kind, bills, today)
    db.session.commit()
    return posted


def _notices_sent(lease_ids: list[int]) -> set[tuple[int, str, str]]:
    sent: set[tuple[int, str, str]] = set()
    for chunk in batches(lease_ids):
        sent.update(
            (row.lease_id, row.kind, row.period)
            for row in db.session.execute(
                select(RentNotice.lease_id, RentNotice.kind, RentNotice.period).where(
                    RentNotice.lease_id.in_(chunk)
                )
            )
        )
    return sent


def _post_once(
    lease_id: int, tenant_id: int, keys: list[tuple[str, str]], title: str, body: str
) -> bool:
    """Post one message and record its notice keys, all or nothing; False if a concurrent
    run recorded any of them first."""
    try:
        with db.session.begin_nested():
            message = post_message(
                tenant_id, category=MESSAGE_CATEGORY, title=title, body=body, link="/rent/"
            )
            db.session.flush()
            for kind, period in keys:
                db.session.add(
                    RentNotice(lease_id=lease_id, kind=kind, period=period, message_id=message.id)
                )
    except IntegrityError:
        return False
    return True


def _post_overdue_notice(lease_id: int, tenant_id: int, bills: list, policy: LateFeePolicy) -> bool:
    labels = "、".join(Period.parse(b.period).label for b in bills)
    principal = sum(b.amount_due_fen for b in bills)
    first_due = bills[0].due_date
    title = f"租金逾期提醒：{labels}" if len(bills) <= 2 else f"您有 {len(bills)} 期租金已逾期"
    body = (
        f"您 {labels} 的租金共 {format_yuan(principal)} 已过缴费期限"
        f"（{first_due:%Y年%m月%d日}到期）。"
        f"逾期超过 {policy.grace_days} 天起，按每日 {policy.rate_label} 计收滞纳金。"
        "请尽快在“租金缴纳”中缴清；如有困难，请联系所在小区服务站。"
    )
    keys = [(NoticeKind.OVERDUE.value, b.period) for b in bills]
    return _post_once(lease_id, tenant_id, keys, title[:100], body)


def _post_arrears_notice(
    lease_id: int, tenant_id: int, kind: NoticeKind, bills: list, today: date
) -> int:
    months = len(bills)
    since = Period.parse(bills[0].period).label
    principal = format_yuan(sum(b.amount_due_fen for b in bills))
    reclaim = reclaim_months()
    if kind is NoticeKind.ARREARS_6:
        title = f"您已累计欠缴 {reclaim} 个月租金，住房可能被依规收回"
        body = (
            f"截至 {today:%Y年%m月%d日}，您已累计欠缴 {months} 个月租金（自 {since} 起），"
            f"本金共 {principal}，另计滞纳金。根据公共租赁住房管理规定，承租人累计 {reclaim} "
            "个月以上拖欠租金的，住房保障部门可以依规收回其承租的住房。请立即缴清欠款，"
            "或尽快到所在小区服务站说明情况。"
        )
    else:
        title = f"您已累计欠缴 {policy_figure('RENT_ARREARS_WARNING_MONTHS')} 个月租金"
        body = (
            f"截至 {today:%Y年%m月%d日}，您已累计欠缴 {months} 个月租金（自 {since} 起），"
            f"本金共 {principal}，另计滞纳金。请尽快缴清。累计欠缴 {reclaim} 个月以上的，"
            "住房保障部门可以依规收回承租的住房。"
        )
    return int(_post_once(lease_id, tenant_id, [(kind.value, bills[0].period)], title, body))
