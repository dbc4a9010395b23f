"""续租申请: the tenant opens the renewal of the lease's current term, accepts the
declaration, confirms the details, uploads both sides of the ID card and submits it for
审核 (``services.review``).

Every change commits and writes an audit event; a status changes only by its table
(``rules.RENEWAL_STATUS``, through ``progress.advance``). Refusals raise ``RenewalError``
with a Chinese message; nothing already done is undone by a refusal.
"""

from __future__ import annotations

import hashlib

from app.audit.services import record
from app.auth.models import User
from app.core.clock import today_in_china, utcnow
from app.extensions import db
from app.housing.models import Lease, LeaseStatus
from app.renewal import rules
from app.renewal.income_check import latest_income_check
from app.renewal.models import (
    IncomeCheckStatus,
    Renewal,
    RenewalFile,
    RenewalPolicy,
    RenewalStatus,
)
from app.renewal.pricing import unit_prices
from app.renewal.progress import add_event, advance, tenant_of
from app.renewal.queries import blockers_for, facts, open_renewal, policy_choices, require_earlier
from app.renewal.rules import RENEWAL_STATUS, RenewalError
from app.renewal.services import ID_SIDES, config, file_of
from app.status import commit_or_stale
from app.storage import storage
from app.uploads import MAX_FILE_BYTES, UploadError, clean_upload


class PolicyNotOpen(RenewalError):
    """The tenant's lease does not allow the chosen policy."""

    def __init__(self) -> None:
        super().__init__("您的租约按新政策管理，只能在经济状况核对符合要求后按新政策续租。")


class IncomeCheckNeeded(RenewalError):
    """The new policy needs a passed 收入财产核对 first (the view sends the tenant there)."""

    def __init__(self) -> None:
        super().__init__("按新政策续租，需先发起收入财产核对，核对结果符合要求后再申请续租。")


# -- 续租申请 ----------------------------------------------------------------------------------


def start_renewal(
    user: User, lease: Lease, policy: RenewalPolicy, *, ip: str | None = None
) -> Renewal:
    """Open the renewal of the lease's current term, if nothing blocks it."""
    if lease.tenant_id != user.id or lease.status is not LeaseStatus.ACTIVE:
        raise RenewalError("只能为本人履约中的租约申请续约。")
    blockers = blockers_for(lease)
    if blockers:
        raise RenewalError(blockers[0].message)
    existing = open_renewal(lease.id)
    if existing is not None:
        return existing
    if policy not in policy_choices(lease):
        raise PolicyNotOpen()
    check = None
    if policy is RenewalPolicy.NEW:
        check = latest_income_check(lease.id)
        if check is None or check.status is not IncomeCheckStatus.PASSED:
            raise IncomeCheckNeeded()
    term = lease.current_term
    start, end = rules.proposed_term(term.end_date, config("RENEWAL_TERM_YEARS"))
    prices = unit_prices(lease)  # after a 互换, the new unit's rent
    renewal = Renewal(
        lease_id=lease.id,
        tenant_id=user.id,
        renews_term_id=term.id,
        policy=policy,
        income_check_id=check.id if check else None,
        new_start_date=start,
        new_end_date=end,
        monthly_rent_fen=prices.monthly_rent_fen,
        property_fee_fen=prices.property_fee_fen,
        monthly_subsidy_fen=prices.monthly_subsidy_fen,
    )
    db.session.add(renewal)
    db.session.flush()
    renewal.reference = f"XY{today_in_china():%Y%m%d}{renewal.id:05d}"
    add_event(renewal, "started", user.id, policy.label)
    record(
        "renewal.started", actor_id=user.id, subject_type="renewal", subject_id=renewal.id, ip=ip
    )
    commit_or_stale(RENEWAL_STATUS)
    return renewal


def _require_draft(renewal: Renewal) -> None:
    if renewal.status is not RenewalStatus.DRAFT:
        raise RenewalError("续约申请已提交，不能再修改。")


def accept_declaration(renewal: Renewal, *, ip: str | None = None) -> None:
    _require_draft(renewal)
    if renewal.declaration_accepted_at is None:
        renewal.declaration_accepted_at = utcnow()
        record(
            "renewal.declaration",
            actor_id=renewal.tenant_id,
            subject_type="renewal",
            subject_id=renewal.id,
            ip=ip,
        )
        commit_or_stale(RENEWAL_STATUS)


def confirm_details(renewal: Renewal, *, ip: str | None = None) -> None:
    _require_draft(renewal)
    require_earlier(renewal, rules.APPLY_FLOW, rules.ApplyStep.CONFIRM)
    if renewal.details_confirmed_at is None:
        renewal.details_confirmed_at = utcnow()
        commit_or_stale(RENEWAL_STATUS)


def read_upload(stream) -> bytes:
    """Read at most the size limit (+1 byte to detect oversize)."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UploadError("文件超过 10MB，请压缩后再上传，或拍照时选择较小的尺寸")
    return data


def store_file(renewal: Renewal, kind: str, data: bytes, *, allow_pdf: bool) -> RenewalFile:
    clean = clean_upload(data, allow_pdf=allow_pdf)
    store = storage()
    for old in [f for f in renewal.files if f.kind == kind]:
        store.delete(old.storage_key)
        if old.thumbnail_key:
            store.delete(old.thumbnail_key)
        renewal.files.remove(old)
    file = RenewalFile(
        kind=kind,
        storage_key=store.save(clean.data, suffix=clean.suffix),
        thumbnail_key=store.save(clean.thumbnail, suffix=".jpg") if clean.thumbnail else None,
        content_type=clean.content_type,
        size_bytes=len(clean.data),
        sha256=hashlib.sha256(clean.data).hexdigest(),
    )
    renewal.files.append(file)
    return file


def attach_id_side(renewal: Renewal, kind: str, data: bytes) -> RenewalFile:
    """Store a cleaned ID card photo (same rules as the application's materials)."""
    _require_draft(renewal)
    if kind not in ID_SIDES:
        raise RenewalError("未知的材料类型。")
    require_earlier(renewal, rules.APPLY_FLOW, rules.ApplyStep.MATERIALS)
    file = store_file(renewal, kind, data, allow_pdf=True)
    commit_or_stale(RENEWAL_STATUS)
    return file


def missing_sides(renewal: Renewal) -> list[str]:
    return [label for kind, label in ID_SIDES.items() if file_of(renewal, kind) is None]


def submit(renewal: Renewal, *, ip: str | None = None) -> None:
    _require_draft(renewal)
    if rules.APPLY_FLOW.resume(facts(renewal)).id != rules.ApplyStep.MATERIALS:
        raise RenewalError("请按顺序完成申请声明和确认续约信息。")
    missing = missing_sides(renewal)
    if missing:
        raise RenewalError("请上传" + "和".join(missing) + "。")
    blockers = blockers_for(renewal.lease)
    if blockers:
        raise RenewalError(blockers[0].message)
    renewal.submitted_at = utcnow()
    advance(renewal, "submitted", tenant_of(renewal), ip=ip)
