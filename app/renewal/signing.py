"""合同签订: once the application passed 审核, the tenant has the contract generated, confirms
its details, reads the commitment (a countdown on the server's clock) and copies it, passes
the face check and signs on the phone; the signed PDF is stored once and never changed.
The staff's 审批 that follows is ``services.approve_contract``.

Every change commits and writes an audit event; a status changes only by its table
(``rules.RENEWAL_STATUS``, through ``progress.advance``). Refusals raise ``RenewalError``
with a Chinese message; nothing already done is undone by a refusal.
"""

from __future__ import annotations

import hashlib

from flask import current_app

from app.audit.services import record
from app.core.clock import to_china_time, utcnow
from app.handoff.models import FaceVerification
from app.renewal import rules
from app.renewal.application import store_file
from app.renewal.contract import COMMITMENT_TEXT
from app.renewal.models import Renewal, RenewalDocument, RenewalFile, RenewalStatus
from app.renewal.pdf import FontMissing, Signing, render_contract
from app.renewal.progress import advance, tenant_of
from app.renewal.queries import (
    commitment_seconds_left,
    contract_seconds_left,
    face_for_signing,
    require_earlier,
)
from app.renewal.rules import RENEWAL_STATUS, RenewalError
from app.renewal.services import (
    SIGNATURE,
    config,
    contract_data,
    document_bytes,
    file_of,
    latest_document,
)
from app.status import commit_or_stale
from app.storage import storage


class CountdownRunning(RenewalError):
    def __init__(self, seconds: int, what: str) -> None:
        super().__init__(f"请先认真阅读{what}，还需 {seconds} 秒后才能继续。")
        self.seconds = seconds


# -- 合同签订 ----------------------------------------------------------------------------------


def _require_signable(renewal: Renewal) -> None:
    if renewal.status is RenewalStatus.DRAFT or renewal.status is RenewalStatus.SUBMITTED:
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
            contract_data(renewal), font_path=config("RENEWAL_CONTRACT_FONT"), signing=signing
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
    require_earlier(renewal, rules.SIGN_FLOW, rules.SignStep.CONFIRM)
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
    require_earlier(renewal, rules.SIGN_FLOW, rules.SignStep.COMMITMENT)
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
    require_earlier(renewal, rules.SIGN_FLOW, rules.SignStep.COPY)
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
    require_earlier(renewal, rules.SIGN_FLOW, rules.SignStep.FACE)
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
    file = store_file(renewal, SIGNATURE, data, allow_pdf=False)
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
