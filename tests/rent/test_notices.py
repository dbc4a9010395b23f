"""Arrears notices in the message centre: overdue, 3 and 6 months; each posted once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.core.clock import today_in_china, utcnow
from app.extensions import db
from app.messages.models import Message
from app.rent.billing import Period
from app.rent.models import NoticeKind, RentNotice
from app.rent.notices import send_arrears_notices
from app.rent.statuses import BILLS
from app.status import change
from tests.factories import create_tenant
from tests.rent.builders import add_bill, add_overdue_bills

pytestmark = pytest.mark.usefixtures("app")


def messages_of(user_id: int) -> list[Message]:
    return list(
        db.session.scalars(select(Message).where(Message.user_id == user_id).order_by(Message.id))
    )


def test_a_bill_not_yet_due_gets_no_notice() -> None:
    tenant, lease = create_tenant()
    add_bill(lease, "2026-01", due_days_ago=0)
    assert send_arrears_notices() == 0
    assert messages_of(tenant.id) == []


def test_overdue_notice_is_posted_once_per_bill() -> None:
    tenant, lease = create_tenant()
    (bill,) = add_overdue_bills(lease, 1)
    assert send_arrears_notices() == 1
    assert send_arrears_notices() == 0
    (message,) = messages_of(tenant.id)
    assert message.category == "租金" and message.link == "/rent/"
    assert bill.period_label in message.title
    assert "滞纳金" in message.body and "万分之五" not in message.body and "0.05%" in message.body
    # The next month falling overdue gets its own notice, the first one not again.
    add_bill(lease, "2025-01", due_days_ago=3)
    assert send_arrears_notices() == 1
    assert "2025年1月" in messages_of(tenant.id)[-1].title


def test_three_and_six_months_of_arrears_are_announced_once_each() -> None:
    tenant, lease = create_tenant()
    bills = add_overdue_bills(lease, 3)
    assert send_arrears_notices() == 2  # overdue (one message for all) + 3 months
    titles = [m.title for m in messages_of(tenant.id)]
    assert "您已累计欠缴 3 个月租金" in titles
    assert not any("6 个月" in t for t in titles)
    assert send_arrears_notices() == 0

    # Three more months: now 6 in total, all still unpaid.
    oldest = bills[0]
    period = Period.parse(oldest.period)
    for days in (130, 160, 190):
        period = period.previous()
        add_bill(lease, period, due_days_ago=days)
    assert send_arrears_notices() == 3  # overdue for the new ones, 3 months, 6 months
    six = [m for m in messages_of(tenant.id) if "6 个月" in m.title]
    assert len(six) == 1
    assert "收回" in six[0].body
    assert send_arrears_notices() == 0
    kinds = set(db.session.scalars(select(RentNotice.kind)))
    assert kinds == {NoticeKind.OVERDUE, NoticeKind.ARREARS_3, NoticeKind.ARREARS_6}


def test_a_new_spell_of_arrears_after_paying_off_is_announced_again() -> None:
    tenant, lease = create_tenant()
    old = add_overdue_bills(lease, 3, newest_due_days_ago=400, months_back=12)
    send_arrears_notices()
    for bill in old:
        change(bill, BILLS, "pay", actor=None, commit=False)
        bill.paid_at = utcnow()
    db.session.commit()
    add_overdue_bills(lease, 3)
    send_arrears_notices()
    three = [m for m in messages_of(tenant.id) if m.title == "您已累计欠缴 3 个月租金"]
    assert len(three) == 2
    assert today_in_china()  # dates relative to today throughout
