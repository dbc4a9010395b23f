"""What a renewal's pages and the back office both read, and the staff's decisions: 审核,
the contract's 审批, lease violations and the window notice; the area's settings.

The tenant's own steps are ``application`` (续租申请) and ``signing`` (合同签订), and the
tenant's lease and renewals are read in ``queries``. Every change commits, writes an audit
event and a line of the renewal's history, and tells the tenant in the message centre
where it matters; a status changes only by its table (``rules.RENEWAL_STATUS``, through
``progress.advance``). Refusals raise ``RenewalError`` with a Chinese message; nothing
already done is undone by a refusal. The row carries a version, so the desktop and the
phone never overwrite each other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.auth.models import User
from app.core.clock import today_in_china, utcnow
from app.extensions import db
from app.housing.models import Lease, LeaseStatus, LeaseTerm
from app.housing.tenancy import renewal_window
from app.messages.services import post_message
from app.renewal import approval
from app.renewal.contract import ContractData
from app.renewal.models import (
    Renewal,
    RenewalDocument,
    RenewalFile,
    WindowNotice,
)
from app.renewal.progress import advance
from app.renewal.rules import MESSAGE_CATEGORY, RENEWAL_STATUS, STALE, RenewalError
from app.storage import storage

ID_SIDES = {"id_front": "身份证人像面", "id_back": "身份证国徽面"}
SIGNATURE = "signature"
# The renewal's history, as the tenant and staff read it.
EVENT_LABELS = {
    "started": "发起续租申请",
    "submitted": "提交续约申请",
    "approved": "审核通过",
    "rejected": "审核不通过",
    "signed": "签订续约合同",
    "completed": "合同审批通过，续约生效",
    "repriced": "互换后按新房屋重新核定租金",
}


def config(key: str):
    return current_app.config[key]


# -- reading -------------------------------------------------------------------------------


def file_of(renewal: Renewal, kind: str) -> RenewalFile | None:
    return next((f for f in reversed(renewal.files) if f.kind == kind), None)


def latest_document(renewal: Renewal, kind: str | None = None) -> RenewalDocument | None:
    found = [d for d in renewal.documents if kind is None or d.kind == kind]
    return found[-1] if found else None


def document_bytes(document: RenewalDocument) -> bytes:
    """The stored PDF, refused if it no longer matches the SHA-256 recorded when stored."""
    with storage().open(document.storage_key) as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise RenewalError("合同文件校验失败（文件可能被篡改），请联系服务窗口。")
    return data


def contract_data(renewal: Renewal) -> ContractData:
    lease = renewal.lease
    tenant = db.session.get(User, renewal.tenant_id)
    unit = lease.unit
    return ContractData(
        contract_number=lease.contract_number,
        renewal_reference=renewal.reference or "",
        lessor=config("RENEWAL_LESSOR"),
        rent_due_day=int(config("RENT_DUE_DAY")),
        arrears_reclaim_months=int(config("RENT_ARREARS_RECLAIM_MONTHS")),
        renewal_window_days=int(config("RENEWAL_WINDOW_DAYS")),
        tenant_name=(tenant.real_name if tenant else None) or "",
        tenant_id_masked=(tenant.id_number_masked if tenant else None) or "",
        residents=tuple((r.name, r.relation, r.id_number_masked) for r in lease.residents),
        address=unit.address,
        community_address=unit.building.community.address,
        area_m2=f"{unit.area_m2:.2f}",
        layout=unit.layout,
        guarantee_label=lease.guarantee_type.label,
        start_date=renewal.new_start_date,
        end_date=renewal.new_end_date,
        monthly_rent_fen=renewal.monthly_rent_fen,
        property_fee_fen=renewal.property_fee_fen,
        monthly_subsidy_fen=renewal.monthly_subsidy_fen,
    )


# -- 审核 (staff) ----------------------------------------------------------------------------


def review(
    renewal: Renewal, staff: User, *, approve: bool, note: str = "", ip: str | None = None
) -> None:
    """Approve (then the tenant signs) or reject with a reason."""
    if not approve and not note.strip():
        raise RenewalError("请填写不通过的原因，申请人会看到它。")
    renewal.reviewed_at = utcnow()
    renewal.reviewer_id = staff.id
    renewal.review_note = note.strip() or None
    advance(
        renewal,
        "approved" if approve else "rejected",
        staff,
        history=renewal.review_note,
        note=note[:200],
        say={"note": note.strip()},
        link=f"/renewal/{renewal.id}/sign" if approve else None,
        ip=ip,
    )


# -- 合同审批 (staff) --------------------------------------------------------------------------


def approve_contract(renewal: Renewal, staff: User, *, ip: str | None = None) -> LeaseTerm:
    """审批: the lease gets its new term, in the same transaction as the approval."""
    if RENEWAL_STATUS.find(renewal.status, "completed") is None:
        raise RenewalError("该续约合同当前不在待审批状态（可能已被他人办理），请返回查看。")
    lease = renewal.lease
    if lease.current_term.id != renewal.renews_term_id:
        raise RenewalError("该租约的租期已变更，此续约不能生效，请核对后处理。")
    signed = latest_document(renewal, "signed")
    if signed is None:
        raise RenewalError("已签署的合同文件不存在，不能审批，请核对后处理。")
    term = LeaseTerm(
        start_date=renewal.new_start_date,
        end_date=renewal.new_end_date,
        monthly_rent_fen=renewal.monthly_rent_fen,
        property_fee_fen=renewal.property_fee_fen,
        monthly_subsidy_fen=renewal.monthly_subsidy_fen,
    )
    lease.terms.append(term)
    flag_modified(lease, "status")  # bump the lease's version: a concurrent change fails
    renewal.contract_approved_at = utcnow()
    renewal.contract_approver_id = staff.id
    approval.stamp(renewal, signed)  # the signed PDF stays as it is
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise RenewalError(STALE) from None
    renewal.new_term_id = term.id
    advance(
        renewal,
        "completed",
        staff,
        history=f"新租期 {term.start_date} 至 {term.end_date}",
        note=f"lease {lease.id} term {term.id}",
        say={"start": term.start_date, "end": term.end_date},
        ip=ip,
    )
    return term


# -- the window notice ---------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRun:
    posted: int
    already: int


def notify_window_openings(today: date | None = None) -> NoticeRun:
    """Post “续约申请已开放” once per lease term whose window is open today."""
    today = today or today_in_china()
    days = config("RENEWAL_WINDOW_DAYS")
    latest = (
        select(LeaseTerm.lease_id, func.max(LeaseTerm.start_date).label("start"))
        .group_by(LeaseTerm.lease_id)
        .subquery()
    )
    terms = db.session.execute(
        select(LeaseTerm, Lease)
        .join(Lease, Lease.id == LeaseTerm.lease_id)
        .join(
            latest,
            (latest.c.lease_id == LeaseTerm.lease_id) & (latest.c.start == LeaseTerm.start_date),
        )
        .where(Lease.status == LeaseStatus.ACTIVE, LeaseTerm.end_date >= today)
        .order_by(LeaseTerm.id)
    ).all()
    posted = already = 0
    for term, lease in terms:
        window = renewal_window(term.end_date, days)
        if not window.is_open(today):
            continue
        if db.session.scalar(select(WindowNotice.id).where(WindowNotice.term_id == term.id)):
            already += 1
            continue
        db.session.add(WindowNotice(lease_id=lease.id, term_id=term.id))
        post_message(
            lease.tenant_id,
            category=MESSAGE_CATEGORY,
            title="续约申请已开放",
            body=(
                f"您承租的房屋（合同编号 {lease.contract_number}）租期将于 "
                f"{term.end_date:%Y年%m月%d日} 到期，现在可以申请续约。"
                "请在到期前办理，逾期未续约的须按合同约定腾退房屋。"
            ),
            link="/renewal/",
        )
        posted += 1
    db.session.commit()
    return NoticeRun(posted=posted, already=already)
