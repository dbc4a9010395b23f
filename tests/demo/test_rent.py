"""Demo rent data: what the README promises for 李华 and 王芳, and idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.clock import today_in_china
from app.demo import seed_demo
from app.extensions import db
from app.housing.models import Lease
from app.messages.models import Message
from app.rent import standing
from app.rent.models import Bill, DeductionResult, SubsidyPayout
from tests.conftest import login, page_text


def lease(contract: str) -> Lease:
    return db.session.scalar(select(Lease).where(Lease.contract_number == contract))


def test_demo_rent_data_is_idempotent_and_as_documented(app, client) -> None:
    seed_demo()
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Bill, Message)]
    seed_demo()
    assert [
        db.session.scalar(select(func.count()).select_from(m)) for m in (Bill, Message)
    ] == counts

    li_hua = lease("JJGZ-2024-0001")
    summary = standing.rent_summary(li_hua)
    assert [view.status.kind for view in summary.owed] == ["overdue", "overdue"]
    assert all(view.late_fee_fen > 0 for view in summary.owed)
    assert summary.current_bill and summary.current_bill.bill.is_paid
    reasons = {r.outcome: r.reason for r in db.session.scalars(select(DeductionResult))}
    assert reasons == {"failed": "余额不足", "success": None}
    assert standing.tenant_has_arrears(li_hua.tenant_id)

    wang_fang = lease("JJLZ-2023-0007")
    assert not standing.unpaid_bills(wang_fang.id)
    payouts = db.session.scalars(
        select(SubsidyPayout).where(SubsidyPayout.lease_id == wang_fang.id)
    )
    assert [p.amount_fen for p in payouts] == [30_000] * 6

    login(client, "13800000002", "Anju2026")
    html = page_text(client.get("/rent/"))
    assert "已逾期" in html and "滞纳金" in html and "中国建设银行" in html
    assert "租金逾期提醒" in page_text(client.get("/messages/"))
    assert today_in_china()
