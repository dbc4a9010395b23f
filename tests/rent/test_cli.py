"""``flask rent generate-bills`` / ``mark-overdue``: safe to run twice, clear on bad input."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.core.clock import today_in_china
from app.extensions import db
from app.housing.models import GuaranteeType
from app.housing.statuses import LEASES
from app.messages.models import Message
from app.rent import bill_generation
from app.rent.billing import Period
from app.rent.models import Bill
from app.status import change
from tests.factories import create_tenant
from tests.rent.builders import add_overdue_bills, count


def bills_for(period: Period) -> list[Bill]:
    return list(db.session.scalars(select(Bill).where(Bill.period == str(period))))


def test_generate_bills_twice_creates_each_bill_once(runner) -> None:
    _tenant, lease = create_tenant()
    _other, other_lease = create_tenant()
    period = Period.of(today_in_china())
    first = runner.invoke(args=["rent", "generate-bills", "--month", str(period)])
    assert first.exit_code == 0, first.output
    assert "新生成 2 张" in first.output and "已存在 0 张" in first.output
    second = runner.invoke(args=["rent", "generate-bills", "--month", str(period)])
    assert second.exit_code == 0, second.output
    assert "新生成 0 张" in second.output and "已存在 2 张" in second.output
    bills = bills_for(period)
    assert sorted(bill.lease_id for bill in bills) == sorted([lease.id, other_lease.id])
    bill = next(b for b in bills if b.lease_id == lease.id)
    assert (bill.rent_fen, bill.property_fee_fen, bill.amount_due_fen) == (60_000, 8_000, 68_000)
    assert bill.due_date == period.due_date(15)


def test_default_month_is_this_month(runner) -> None:
    create_tenant()
    result = runner.invoke(args=["rent", "generate-bills"])
    assert result.exit_code == 0, result.output
    assert len(bills_for(Period.of(today_in_china()))) == 1


def test_bad_month_is_explained_in_chinese_with_exit_2(runner) -> None:
    create_tenant()
    for bad in ("2026-13", "2026/12", "december"):
        result = runner.invoke(args=["rent", "generate-bills", "--month", bad])
        assert result.exit_code == 2, (bad, result.output)
        assert "--month 有误" in result.output
        assert "YYYY-MM" in result.output or "月份" in result.output
    assert count(Bill) == 0


def test_months_outside_the_lease_and_ended_leases_get_no_bill(runner) -> None:
    _tenant, lease = create_tenant(lease_ends_in_days=10)
    _ended_tenant, ended = create_tenant()
    change(ended, LEASES, "end", actor=None)
    later = Period.of(today_in_china() + timedelta(days=70))
    result = runner.invoke(args=["rent", "generate-bills", "--month", str(later)])
    assert result.exit_code == 0, result.output
    assert "不在租期内 1 个租约" in result.output
    assert bills_for(later) == []
    assert lease.id  # the active lease was considered, the ended one not at all


def test_a_bill_created_by_a_concurrent_run_is_counted_not_duplicated(app, monkeypatch) -> None:
    """Another machine inserts the bill after this run read which leases were billed: the
    unique constraint decides, the IntegrityError is handled for that bill alone."""
    _tenant, lease = create_tenant()
    _other, other_lease = create_tenant()
    period = Period.of(today_in_china())
    db.session.add(bill_generation.build_bill(lease, period))
    db.session.commit()
    real_scalars = db.session.scalars

    def stale_read(statement, *args, **kwargs):
        result = real_scalars(statement, *args, **kwargs)
        if "rent_bills.lease_id" in str(statement) and "period" in str(statement):
            return iter([])  # as if read before the other run committed
        return result

    monkeypatch.setattr(db.session, "scalars", stale_read)
    result = bill_generation.generate_bills(period)
    monkeypatch.undo()
    assert (result.created, result.existing) == (1, 1)
    assert sorted(b.lease_id for b in bills_for(period)) == sorted([lease.id, other_lease.id])


def test_lianzu_bills_keep_the_subsidy_out_of_the_bill(runner) -> None:
    _tenant, lease = create_tenant()
    lease.guarantee_type = GuaranteeType.LIANZU
    lease.current_term.monthly_subsidy_fen = 30_000
    db.session.commit()
    runner.invoke(args=["rent", "generate-bills"])
    (bill,) = bills_for(Period.of(today_in_china()))
    assert bill.subsidy_fen == 0 and bill.amount_due_fen == 68_000


def test_mark_overdue_posts_notices_once_and_validates_the_date(runner) -> None:
    tenant, lease = create_tenant()
    add_overdue_bills(lease, 1)
    first = runner.invoke(args=["rent", "mark-overdue"])
    assert first.exit_code == 0, first.output
    assert "发送欠租提醒 1 条" in first.output
    second = runner.invoke(args=["rent", "mark-overdue"])
    assert "发送欠租提醒 0 条" in second.output
    assert (
        db.session.scalar(select(func.count(Message.id)).where(Message.user_id == tenant.id)) == 1
    )
    bad = runner.invoke(args=["rent", "mark-overdue", "--date", "2026-02-30"])
    assert bad.exit_code == 2 and "--date 有误" in bad.output
