"""State changes of a renewal: application, 经济状况核对, review, signing, final approval.

Every change commits, writes an audit event and a line of the renewal's history, and
tells the tenant in the message centre where it matters; a status changes only by its
table (``rules.RENEWAL_STATUS``, through ``progress.advance``). Refusals raise
``RenewalError`` with a Chinese message; nothing already done is undone by a refusal.
The row carries a version, so the desktop and the phone never overwrite each other.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.audit.services import record
from app.auth.models import User
from app.core.clock import to_china_time, today_in_china, utcnow
from app.core.status import commit_or_stale
from app.core.steps import Flow
from app.extensions import db
from app.handoff.models import FaceVerification
from app.handoff.purposes import RENEWAL_SIGN
from app.handoff.services import passed_verification
from app.housing.models import Lease, LeaseStatus, LeaseTerm
from app.housing.services import WITH_ADDRESS
from app.housing.tenancy import RenewalWindow, renewal_window
from app.messages.services import post_message
from app.renewal import approval, rules
from app.renewal.contract import COMMITMENT_TEXT, ContractData
from app.renewal.income_check import latest_income_check
from app.renewal.models import (
    IncomeCheckStatus,
    LeaseViolation,
    Renewal,
    RenewalDocument,
    RenewalFile,
    RenewalPolicy,
    RenewalStatus,
    WindowNotice,
)
from app.renewal.pdf import DEFAULT_FONT, FontMissing, Signing, render_contract
from app.renewal.progress import add_event, advance, tenant_of
from app.renewal.rules import MESSAGE_CATEGORY, RENEWAL_STATUS, STALE, RenewalError
from app.rent.services import tenant_has_arrears
from app.storage import storage
from app.swap.moves import unit_prices
from app.uploads import MAX_FILE_BYTES, UploadError, clean_upload

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
VIOLATION_KINDS = {
    "sublet": "转租、转借或擅自调换房屋",
    "misuse": "改变房屋用途",
    "damage": "破坏或擅自装修房屋，拒不恢复原状",
    "illegal": "在房屋内从事违法活动",
    "idle": "无正当理由连续6个月以上闲置房屋",
    "contract": "违反租赁合同或物业管理合同约定",
}


class PolicyNotOpen(RenewalError):
    """The tenant's lease does not allow the chosen policy."""

    def __init__(self) -> None:
        super().__init__("您的租约按新政策管理，只能在经济状况核对符合要求后按新政策续租。")


class IncomeCheckNeeded(RenewalError):
    """The new policy needs a passed 收入财产核对 first (the view sends the tenant there)."""

    def __init__(self) -> None:
        super().__init__("按新政策续租，需先发起收入财产核对，核对结果符合要求后再申请续租。")


class CountdownRunning(RenewalError):
    def __init__(self, seconds: int, what: str) -> None:
        super().__init__(f"请先认真阅读{what}，还需 {seconds} 秒后才能继续。")
        self.seconds = seconds


def init_app(app: Flask) -> None:
    """Defaults for this area's other settings, overridable in config. The policy figures
    (RENEWAL_WINDOW_DAYS, RENEWAL_TERM_YEARS, RENEWAL_NEW_POLICY_SINCE) are declared in
    ``app.core.policy_parameters`` and put into the config by the app factory."""
    defaults = {
        "RENEWAL_COMMITMENT_SECONDS": 10,  # 阅读承诺书 countdown, enforced here
        "RENEWAL_CONTRACT_READ_SECONDS": 10,  # reading countdown on the phone before 马上签署
        "RENEWAL_LESSOR": "九江市住房保障管护中心",
        "RENEWAL_CONTRACT_FONT": os.environ.get("RENEWAL_CONTRACT_FONT", DEFAULT_FONT),
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)


def _config(key: str):
    return current_app.config[key]


# -- reading -------------------------------------------------------------------------


def active_lease(tenant_id: int) -> Lease | None:
    return db.session.scalar(
        select(Lease)
        .where(Lease.tenant_id == tenant_id, Lease.status == LeaseStatus.ACTIVE)
        .options(
            selectinload(Lease.terms),
            selectinload(Lease.residents),
            WITH_ADDRESS,
        )
        .order_by(Lease.id.desc())
        .limit(1)
    )


def window_for(lease: Lease) -> RenewalWindow:
    return renewal_window(lease.current_term.end_date, _config("RENEWAL_WINDOW_DAYS"))


def lease_policy(lease: Lease) -> RenewalPolicy:
    first = lease.terms[0].start_date
    return RenewalPolicy(rules.lease_policy(first, _config("RENEWAL_NEW_POLICY_SINCE")))


def open_violations(lease_id: int) -> list[LeaseViolation]:
    return list(
        db.session.scalars(
            select(LeaseViolation)
            .where(LeaseViolation.lease_id == lease_id, LeaseViolation.resolved_at.is_(None))
            .order_by(LeaseViolation.id)
        )
    )


def blockers_for(lease: Lease, today: date | None = None) -> list[rules.Blocker]:
    today = today or today_in_china()
    return rules.renewal_blockers(
        window_for(lease),
        today,
        has_arrears=tenant_has_arrears(lease.tenant_id, today),
        violations=[VIOLATION_KINDS.get(v.kind, v.kind) for v in open_violations(lease.id)],
    )


def renewal_for(tenant_id: int, renewal_id: int) -> Renewal | None:
    """The renewal if it belongs to ``tenant_id``; None otherwise (no existence leak)."""
    return db.session.scalar(
        select(Renewal).where(Renewal.id == renewal_id, Renewal.tenant_id == tenant_id)
    )


def open_renewal(lease_id: int) -> Renewal | None:
    """The lease's renewal in progress (not rejected, not completed), if any."""
    return db.session.scalar(
        select(Renewal)
        .where(
            Renewal.lease_id == lease_id,
            Renewal.status.not_in([RenewalStatus.REJECTED, RenewalStatus.COMPLETED]),
        )
        .order_by(Renewal.id.desc())
        .limit(1)
    )


def settled_renewal(lease: Lease, today: date | None = None) -> Renewal | None:
    """The completed renewal that gave the lease its current term, while the next renewal
    window has not opened: then there is nothing to apply for, only the result to show."""
    if (today or today_in_china()) >= window_for(lease).opens_on:
        return None
    return db.session.scalar(
        select(Renewal)
        .where(
            Renewal.lease_id == lease.id,
            Renewal.status == RenewalStatus.COMPLETED,
            Renewal.new_term_id == lease.current_term.id,
        )
        .order_by(Renewal.id.desc())
        .limit(1)
    )


def renewals_of(tenant_id: int) -> list[Renewal]:
    return list(
        db.session.scalars(
            select(Renewal).where(Renewal.tenant_id == tenant_id).order_by(Renewal.id.desc())
        )
    )


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


def facts(renewal: Renewal) -> rules.RenewalFacts:
    """Which of the renewal's steps have been taken, for its two flows (rules.APPLY_FLOW,
    rules.SIGN_FLOW): read from the stored timestamps, so every device agrees."""
    return rules.RenewalFacts(
        declared=renewal.declaration_accepted_at is not None,
        confirmed=renewal.details_confirmed_at is not None,
        submitted=renewal.submitted_at is not None,
        started=renewal.sign_started_at is not None,
        sign_confirmed=renewal.sign_confirmed_at is not None,
        read=renewal.commitment_read_at is not None,
        copied=renewal.commitment_confirmed_at is not None,
        signed=renewal.signed_at is not None,
    )


def face_for_signing(renewal: Renewal) -> FaceVerification | None:
    """A passed face verification for signing this renewal, taken after the commitment."""
    found = passed_verification(renewal.tenant_id, RENEWAL_SIGN, renewal.id)
    if found is None or renewal.commitment_confirmed_at is None:
        return None
    return found if found.created_at >= renewal.commitment_confirmed_at else None


def _require_earlier(renewal: Renewal, flow: Flow[rules.RenewalFacts], step: str) -> None:
    """The steps before ``step`` are complete, else what the first one still needs."""
    found = flow.waiting(facts(renewal), step)
    if found is not None:
        raise RenewalError(found[1])


def sign_step(renewal: Renewal) -> rules.SignStep:
    return rules.SignStep(rules.SIGN_FLOW.resume(facts(renewal)).id)


def commitment_seconds_left(renewal: Renewal, now: datetime | None = None) -> int:
    return rules.seconds_left(
        renewal.commitment_shown_at, now or utcnow(), _config("RENEWAL_COMMITMENT_SECONDS")
    )


def contract_seconds_left(renewal: Renewal, now: datetime | None = None) -> int:
    return rules.seconds_left(
        renewal.contract_shown_at, now or utcnow(), _config("RENEWAL_CONTRACT_READ_SECONDS")
    )


def contract_data(renewal: Renewal) -> ContractData:
    lease = renewal.lease
    tenant = db.session.get(User, renewal.tenant_id)
    unit = lease.unit
    return ContractData(
        contract_number=lease.contract_number,
        renewal_reference=renewal.reference or "",
        lessor=_config("RENEWAL_LESSOR"),
        rent_due_day=int(_config("RENT_DUE_DAY")),
        arrears_reclaim_months=int(_config("RENT_ARREARS_RECLAIM_MONTHS")),
        renewal_window_days=int(_config("RENEWAL_WINDOW_DAYS")),
        tenant_name=(tenant.real_name if tenant else None) or "",
        tenant_id_masked=(tenant.id_number_masked if tenant else None) or "",
        residents=tuple((r.name, r.relation, r.id_number_masked) for r in lease.residents),
        address=unit.address,
        community_address=unit.building.community.address,
        area_m2=f"{unit.area_m2:.2f}",
        layout=unit.layout,
        guarantee_label=lease.guarantee.label,
        start_date=renewal.new_start_date,
        end_date=renewal.new_end_date,
        monthly_rent_fen=renewal.monthly_rent_fen,
        property_fee_fen=renewal.property_fee_fen,
        monthly_subsidy_fen=renewal.monthly_subsidy_fen,
    )


# -- the policy (经济状况核对 itself: app.renewal.income_check) ----------------------------


def policy_choices(lease: Lease) -> list[RenewalPolicy]:
    """Old-policy tenants may keep the old policy or take the new one; others only new."""
    if lease_policy(lease) is RenewalPolicy.OLD:
        return [RenewalPolicy.OLD, RenewalPolicy.NEW]
    return [RenewalPolicy.NEW]


# -- 续租申请 -------------------------------------------------------------------------------


def start_renewal(
    user: User, lease: Lease, policy: RenewalPolicy, *, ip: str | None = None
) -> Renewal:
    """Open the renewal of the lease's current term, if nothing blocks it."""
    if lease.tenant_id != user.id or lease.status_enum is not LeaseStatus.ACTIVE:
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
        if check is None or check.status_enum is not IncomeCheckStatus.PASSED:
            raise IncomeCheckNeeded()
    term = lease.current_term
    start, end = rules.proposed_term(term.end_date, _config("RENEWAL_TERM_YEARS"))
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
    if renewal.status_enum is not RenewalStatus.DRAFT:
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
    _require_earlier(renewal, rules.APPLY_FLOW, rules.ApplyStep.CONFIRM)
    if renewal.details_confirmed_at is None:
        renewal.details_confirmed_at = utcnow()
        commit_or_stale(RENEWAL_STATUS)


def read_upload(stream) -> bytes:
    """Read at most the size limit (+1 byte to detect oversize)."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UploadError("文件超过 10MB，请压缩后再上传，或拍照时选择较小的尺寸")
    return data


def _store_file(renewal: Renewal, kind: str, data: bytes, *, allow_pdf: bool) -> RenewalFile:
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
    _require_earlier(renewal, rules.APPLY_FLOW, rules.ApplyStep.MATERIALS)
    file = _store_file(renewal, kind, data, allow_pdf=True)
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


# -- 审核 (staff) --------------------------------------------------------------------------


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


# -- 合同签订 -------------------------------------------------------------------------------


def _require_signable(renewal: Renewal) -> None:
    if renewal.status_enum is RenewalStatus.DRAFT or renewal.status_enum is RenewalStatus.SUBMITTED:
        raise RenewalError("续约申请审核通过后才能签订合同。")
    if renewal.signed_at is not None:
        raise RenewalError("合同已签署，无需重复签署。")
    if RENEWAL_STATUS.find(renewal.status, "signed") is None:
        raise RenewalError("该续约当前不能签订合同。")


def _store_document(renewal: Renewal, kind: str, data: bytes) -> RenewalDocument:
    version = (max((d.version for d in renewal.documents), default=0)) + 1
    document = RenewalDocument(
        version=version,
        kind=kind,
        storage_key=storage().save(data, suffix=".pdf"),
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
    )
    renewal.documents.append(document)
    return document


def _render(renewal: Renewal, signing: Signing | None = None) -> bytes:
    """The contract PDF; a missing font is the operator's problem, told plainly to both."""
    try:
        return render_contract(
            contract_data(renewal), font_path=_config("RENEWAL_CONTRACT_FONT"), signing=signing
        )
    except FontMissing as error:
        current_app.logger.error("renewal contract not rendered: %s", error)
        raise RenewalError(
            "合同文件暂时无法生成，请稍后再试；如仍不能办理，请联系服务窗口 0792-8136274。"
        ) from None


def start_signing(renewal: Renewal, *, ip: str | None = None) -> None:
    """合同签署: generate and keep the contract to be signed (its SHA-256 goes into the
    signed version)."""
    _require_signable(renewal)
    if renewal.sign_started_at is not None:
        return
    data = _render(renewal)
    document = _store_document(renewal, "unsigned", data)
    renewal.sign_started_at = utcnow()
    record(
        "renewal.sign_started",
        actor_id=renewal.tenant_id,
        subject_type="renewal",
        subject_id=renewal.id,
        detail=f"unsigned sha256 {document.sha256}",
        ip=ip,
    )
    commit_or_stale(RENEWAL_STATUS)


def confirm_signing_details(renewal: Renewal) -> None:
    _require_signable(renewal)
    _require_earlier(renewal, rules.SIGN_FLOW, rules.SignStep.CONFIRM)
    if renewal.sign_confirmed_at is None:
        renewal.sign_confirmed_at = utcnow()
        commit_or_stale(RENEWAL_STATUS)


def show_commitment(renewal: Renewal) -> None:
    """The letter is on screen from now: the countdown runs from the first showing."""
    if renewal.commitment_shown_at is None and renewal.signed_at is None:
        renewal.commitment_shown_at = utcnow()
        commit_or_stale(RENEWAL_STATUS)


def read_commitment(renewal: Renewal, *, ip: str | None = None) -> None:
    """我已阅知: refused until the countdown has run on the server's clock."""
    _require_signable(renewal)
    _require_earlier(renewal, rules.SIGN_FLOW, rules.SignStep.COMMITMENT)
    if renewal.commitment_shown_at is None:
        raise RenewalError("请先阅读承诺书。")
    left = commitment_seconds_left(renewal)
    if left > 0:
        raise CountdownRunning(left, "承诺书")
    if renewal.commitment_read_at is None:
        renewal.commitment_read_at = utcnow()
        record(
            "renewal.commitment_read",
            actor_id=renewal.tenant_id,
            subject_type="renewal",
            subject_id=renewal.id,
            ip=ip,
        )
        commit_or_stale(RENEWAL_STATUS)


def confirm_commitment(renewal: Renewal, typed: str, *, ip: str | None = None) -> None:
    """确定: the pasted or typed text must be the letter (whitespace ignored)."""
    _require_signable(renewal)
    _require_earlier(renewal, rules.SIGN_FLOW, rules.SignStep.COPY)
    if not rules.commitment_matches(COMMITMENT_TEXT, typed):
        raise RenewalError("输入的内容与承诺书不一致，请复制承诺书全文后粘贴，或逐字输入。")
    if renewal.commitment_confirmed_at is None:
        renewal.commitment_confirmed_at = utcnow()
        record(
            "renewal.commitment_confirmed",
            actor_id=renewal.tenant_id,
            subject_type="renewal",
            subject_id=renewal.id,
            ip=ip,
        )
        commit_or_stale(RENEWAL_STATUS)


def _require_face(renewal: Renewal) -> FaceVerification:
    _require_signable(renewal)
    _require_earlier(renewal, rules.SIGN_FLOW, rules.SignStep.FACE)
    face = face_for_signing(renewal)
    if face is None:
        raise RenewalError("请先完成人脸识别，再签署合同。")
    return face


def show_contract_for_signing(renewal: Renewal) -> None:
    """The phone shows the contract after the face check: its reading countdown starts."""
    _require_face(renewal)
    if renewal.contract_shown_at is None:
        renewal.contract_shown_at = utcnow()
        commit_or_stale(RENEWAL_STATUS)


def ready_to_sign(renewal: Renewal) -> None:
    """马上签署 (first press): allowed once the reading countdown has run."""
    _require_face(renewal)
    if renewal.contract_shown_at is None:
        raise RenewalError("请先阅读合同。")
    left = contract_seconds_left(renewal)
    if left > 0:
        raise CountdownRunning(left, "合同")


def save_signature(renewal: Renewal, data: bytes) -> RenewalFile:
    ready_to_sign(renewal)
    file = _store_file(renewal, SIGNATURE, data, allow_pdf=False)
    commit_or_stale(RENEWAL_STATUS)
    return file


def sign(renewal: Renewal, *, ip: str | None = None) -> RenewalDocument:
    """马上签署 (confirm): the signed contract PDF is generated, stored once, never changed."""
    face = _require_face(renewal)
    ready_to_sign(renewal)
    signature = file_of(renewal, SIGNATURE)
    if signature is None:
        raise RenewalError("请先手写签名并保存。")
    unsigned = latest_document(renewal, "unsigned")
    if unsigned is None:
        raise RenewalError("待签署的合同文件不存在，请重新点击“合同签署”。")
    document_bytes(unsigned)  # the text signed is the text read: refuse a changed file
    now = utcnow()
    with storage().open(signature.storage_key) as handle:
        signature_png = handle.read()
    data = _render(
        renewal,
        Signing(
            signature_png=signature_png,
            signed_at=f"{to_china_time(now):%Y-%m-%d %H:%M:%S}",
            face_reference=face.provider_reference,
            face_verified_at=f"{to_china_time(face.created_at):%Y-%m-%d %H:%M:%S}",
            unsigned_sha256=unsigned.sha256,
        ),
    )
    document = _store_document(renewal, "signed", data)
    renewal.face_verification_id = face.id
    renewal.signed_at = now
    try:
        advance(
            renewal,
            "signed",
            tenant_of(renewal),
            history=f"人脸识别核验编号 {face.provider_reference}",
            note=f"signed sha256 {document.sha256}; face {face.provider_reference}",
            ip=ip,
        )
    except RenewalError:
        storage().delete(document.storage_key)  # signed on another device meanwhile
        raise
    return document


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


# -- violations (staff) --------------------------------------------------------------------


def record_violation(
    lease: Lease, staff: User, *, kind: str, detail: str, ip: str | None = None
) -> LeaseViolation:
    if kind not in VIOLATION_KINDS:
        raise RenewalError("请选择违规类型。")
    violation = LeaseViolation(lease_id=lease.id, kind=kind, detail=detail, recorded_by=staff.id)
    db.session.add(violation)
    db.session.flush()
    record(
        "lease.violation_recorded",
        actor_id=staff.id,
        subject_type="lease",
        subject_id=lease.id,
        detail=f"{kind} {detail}"[:200],
        ip=ip,
    )
    db.session.commit()
    return violation


def resolve_violation(
    violation: LeaseViolation, staff: User, *, resolution: str, ip: str | None = None
) -> None:
    if violation.resolved_at is not None:
        return
    violation.resolved_at = utcnow()
    violation.resolved_by = staff.id
    violation.resolution = resolution
    record(
        "lease.violation_resolved",
        actor_id=staff.id,
        subject_type="lease",
        subject_id=violation.lease_id,
        detail=resolution[:200],
        ip=ip,
    )
    db.session.commit()


# -- the window notice -----------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeRun:
    posted: int
    already: int


def notify_window_openings(today: date | None = None) -> NoticeRun:
    """Post “续约申请已开放” once per lease term whose window is open today."""
    today = today or today_in_china()
    days = _config("RENEWAL_WINDOW_DAYS")
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
