"""The tenant's steps of 申请互换 (``applications``): a reason with proof, the 承诺书 signed
on their own account and a year of rent pre-paid through the rent area (real bills, paid
through the usual flow); the moment both tenants have done every step (the last bill paid),
the application is submitted to staff. Either tenant may withdraw it meanwhile.

The order of the steps is in ``rules``, the statuses and their table in ``statuses``; every
change is audited, the other tenant is told through the message centre, and the function
commits.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.auth.services import authenticate
from app.core.clock import utcnow
from app.extensions import db
from app.housing.models import Lease
from app.messages.services import post_message
from app.rent.bill_generation import issue_advance_bills
from app.rent.events import on_bills_paid
from app.rent.models import Bill, BillStatus
from app.status import change_once, commit_or_stale
from app.storage import storage
from app.swap.application_models import (
    SwapApplication,
    SwapApplicationFile,
    SwapApplicationParty,
    SwapPrepaidBill,
)
from app.swap.eligibility import own_blockers
from app.swap.rules import (
    MAX_PROOF_FILES,
    ApplicationStatus,
    PartyProgress,
    Step,
    ready_for_review,
    step_refusal,
)
from app.swap.statuses import APPLICATIONS, MESSAGE_CATEGORY, SwapError
from app.swap.tenant_standing import standing_of
from app.uploads import UploadError, clean_upload


def load() -> list:
    return [
        selectinload(SwapApplication.parties).selectinload(SwapApplicationParty.files),
        selectinload(SwapApplication.parties).selectinload(SwapApplicationParty.prepaid_bills),
    ]


def link(application: SwapApplication) -> str:
    return f"/swap/applications/{application.id}"


def prepay_months() -> int:
    """Months of rent paid before a swap (``SWAP_PREPAY_MONTHS``, 002 政策问答10: 一年)."""
    return int(current_app.config["SWAP_PREPAY_MONTHS"])


def prepay_bills(party: SwapApplicationParty) -> list[Bill]:
    return list(
        db.session.scalars(
            select(Bill)
            .join(SwapPrepaidBill, SwapPrepaidBill.bill_id == Bill.id)
            .where(SwapPrepaidBill.party_id == party.id)
            .order_by(Bill.period)
        )
    )


def is_prepaid(party: SwapApplicationParty) -> bool:
    """The year's pre-payment is done: its bills were issued and every one is paid."""
    if party.prepay_issued_at is None:
        return False
    counts = db.session.execute(
        select(func.count(Bill.id), func.count(Bill.id).filter(Bill.status == BillStatus.PAID))
        .join(SwapPrepaidBill, SwapPrepaidBill.bill_id == Bill.id)
        .where(SwapPrepaidBill.party_id == party.id)
    ).one()
    return counts[0] > 0 and counts[0] == counts[1]


def progress_of(party: SwapApplicationParty) -> PartyProgress:
    return PartyProgress(
        has_reason=bool(party.reason_category and party.reason_text),
        proof_files=len(party.files),
        signed=party.signed_at is not None,
        prepay_issued=party.prepay_issued_at is not None,
        prepaid=is_prepaid(party),
    )


def _party_for(application: SwapApplication, user: User) -> SwapApplicationParty:
    party = application.party_of(user.id)
    if party is None:
        raise SwapError("您不是此申请的当事人。")
    if application.status != ApplicationStatus.PREPARING:
        raise SwapError(f"此申请{application.status.label}，不能再修改。")
    return party


def _require_step(party: SwapApplicationParty, step: Step) -> None:
    refusal = step_refusal(progress_of(party), step)
    if refusal:
        raise SwapError(refusal)


def _require_eligible(user: User) -> None:
    standing, _lease = standing_of(user.id)
    blockers = own_blockers(standing)
    if blockers:
        raise SwapError(*[blocker.message for blocker in blockers])


def save_reason(application: SwapApplication, user: User, category: str, text: str) -> None:
    party = _party_for(application, user)
    _require_step(party, Step.REASON)
    party.reason_category = category
    party.reason_text = text.strip()
    commit_or_stale(APPLICATIONS)


def add_proof(application: SwapApplication, user: User, data: bytes) -> SwapApplicationFile:
    party = _party_for(application, user)
    _require_step(party, Step.REASON)
    if len(party.files) >= MAX_PROOF_FILES:
        raise SwapError(f"证明材料最多{MAX_PROOF_FILES}个，请先删除一个再上传。")
    try:
        clean = clean_upload(data, allow_pdf=True)
    except UploadError as error:
        raise SwapError(str(error)) from None
    store = storage()
    file = SwapApplicationFile(
        storage_key=store.save(clean.data, suffix=clean.suffix),
        thumbnail_key=store.save(clean.thumbnail, suffix=".jpg") if clean.thumbnail else None,
        content_type=clean.content_type,
        size_bytes=len(clean.data),
        sha256=hashlib.sha256(clean.data).hexdigest(),
    )
    party.files.append(file)
    commit_or_stale(APPLICATIONS)
    return file


def delete_proof(application: SwapApplication, user: User, file_id: int) -> None:
    party = _party_for(application, user)
    _require_step(party, Step.REASON)
    file = next((f for f in party.files if f.id == file_id), None)
    if file is None:
        raise SwapError("找不到这个文件。")
    store = storage()
    store.delete(file.storage_key)
    if file.thumbnail_key:
        store.delete(file.thumbnail_key)
    party.files.remove(file)
    db.session.delete(file)
    commit_or_stale(APPLICATIONS)


def proof_file(application: SwapApplication, file_id: int) -> SwapApplicationFile | None:
    for party in application.parties:
        for file in party.files:
            if file.id == file_id:
                return file
    return None


def sign(application: SwapApplication, user: User, password: str, *, ip: str | None = None) -> None:
    """签署《承诺书》 on the tenant's own account, confirmed with their password."""
    party = _party_for(application, user)
    _require_step(party, Step.SIGN)
    if party.signed_at is not None:
        return
    if authenticate(user.phone, password) is None:
        raise SwapError("登录密码不正确，请重新输入。")
    _require_eligible(user)
    party.signed_at = utcnow()
    party.signed_ip = ip
    post_message(
        application.other_party(user.id).tenant_id,
        category=MESSAGE_CATEGORY,
        title="对方已签署《承诺书》",
        body=f"互换申请 {application.reference}：对方已签署《承诺书》。",
        link=f"/swap/applications/{application.id}",
    )
    record(
        "swap.application.signed",
        actor_id=user.id,
        subject_type="swap_application",
        subject_id=application.id,
        ip=ip,
    )
    commit_or_stale(APPLICATIONS)


def issue_prepayment(application: SwapApplication, user: User) -> list[Bill]:
    """The year's rent in advance: real bills on the tenant's lease, paid through
    the rent area like any other bill."""
    party = _party_for(application, user)
    _require_step(party, Step.PREPAY)
    _require_eligible(user)
    lease = db.session.get_one(Lease, party.lease_id)
    bills = issue_advance_bills(lease, prepay_months())
    if not bills:
        raise SwapError("您的租约剩余期限不足一个月，无法预缴租金，请先办理续约。")
    known = {link.bill_id for link in party.prepaid_bills}
    for bill in bills:
        if bill.id not in known:
            party.prepaid_bills.append(SwapPrepaidBill(bill_id=bill.id))
    party.prepay_issued_at = party.prepay_issued_at or utcnow()
    record(
        "swap.application.prepay_issued",
        actor_id=user.id,
        subject_type="swap_application",
        subject_id=application.id,
        detail=f"{len(bills)} 期",
    )
    _submit_if_ready(application)  # the last step: its bills may all be paid already
    commit_or_stale(APPLICATIONS)
    return bills


def _submit_if_ready(application: SwapApplication) -> bool:
    """preparing -> submitted once both tenants have done every step; True if it moved
    now. Called where the last step is done: the pre-payment issued (its bills may be paid
    already) or its last bill paid in the rent area. The caller commits."""
    if application.status != ApplicationStatus.PREPARING:
        return False
    if not ready_for_review([progress_of(party) for party in application.parties]):
        return False
    try:
        change_once(
            application,
            APPLICATIONS,
            "submitted",
            actor=None,
            values={"submitted_at": utcnow(), "version": SwapApplication.version + 1},
            note=application.reference,
            say={"reference": application.reference},
            link=link(application),
        )
    except SwapError:  # withdrawn or submitted meanwhile: nothing to do
        return False
    return True


@on_bills_paid
def submit_when_prepaid(bill_ids: list[int]) -> None:
    """A payment just paid ``bill_ids``: submit the applications whose pre-payment they
    complete, in the payment's transaction. The row lock makes the two tenants' last
    payments, if concurrent, check one after the other, so the second sees the first."""
    candidates = db.session.scalars(
        select(SwapApplication)
        .where(
            SwapApplication.status == ApplicationStatus.PREPARING,
            SwapApplication.id.in_(
                select(SwapApplicationParty.application_id)
                .join(SwapPrepaidBill, SwapPrepaidBill.party_id == SwapApplicationParty.id)
                .where(SwapPrepaidBill.bill_id.in_(bill_ids))
            ),
        )
        .with_for_update(of=SwapApplication)
        .options(*load())
        .execution_options(populate_existing=True)  # as locked, not as loaded before
    ).all()
    for application in candidates:
        _submit_if_ready(application)


def submit_ready_applications() -> int:
    """Submit every application whose tenants have both finished; for ``flask swap
    submit-ready``, to catch up on pre-payments settled before submission followed them."""
    candidates = db.session.scalars(
        select(SwapApplication)
        .where(SwapApplication.status == ApplicationStatus.PREPARING)
        .where(
            ~select(SwapApplicationParty.id)
            .where(
                SwapApplicationParty.application_id == SwapApplication.id,
                SwapApplicationParty.prepay_issued_at.is_(None),
            )
            .exists()
        )
        .options(*load())
    ).all()
    submitted = sum(_submit_if_ready(application) for application in candidates)
    db.session.commit()
    return submitted


def withdraw(application: SwapApplication, user: User) -> None:
    """Either tenant withdraws, while preparing or waiting for review; the other is told."""
    change_once(
        application,
        APPLICATIONS,
        "withdrawn",
        actor=user,
        values={"decided_at": utcnow(), "version": SwapApplication.version + 1},
        lost="此申请已处理过，请刷新页面。",
        say={"reference": application.reference},
        tell=[party.tenant_id for party in application.parties if party.tenant_id != user.id],
        link=link(application),
    )
    db.session.commit()
    db.session.expire(application)
