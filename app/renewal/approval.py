"""审批记录: the approval of a signed renewal contract, in a form the tenant can print and
anyone can check, without touching the signed PDF (its bytes and SHA-256 never change).

When a lease manager approves (``services.approve_contract``), ``stamp`` records the
SHA-256 of the signed version approved and a short random code. ``record_of`` gathers
what the printed contract shows; ``find`` is what the verify page looks up by that code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from app.auth.models import User
from app.core import codes
from app.core.clock import to_china_time
from app.core.masking import mask_name
from app.extensions import db
from app.renewal.contract import lessor_line
from app.renewal.models import Renewal, RenewalDocument, RenewalStatus

# Read off paper and typed back: no 0/O or 1/I to confuse. 12 of 32 symbols = 60 bits,
# too many to guess, so the verify page needs no rate limit.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``ABCDEFGHJKLM`` -> ``ABCD-EFGH-JKLM``, as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(typed: str | None) -> str | None:
    """The code as stored, from what a person typed (any case, full-width, spaces,
    dashes); None if it cannot be one."""
    return codes.normalise_code(typed, alphabet=ALPHABET, length=CODE_LENGTH)


@dataclass(frozen=True)
class ApprovalRecord:
    """What the printed contract and the verify page show about one approval."""

    reference: str
    contract_number: str
    tenant_masked: str
    start_date: date
    end_date: date
    lessor: str
    approver_role: str  # 租赁管理人员
    approver: str  # masked: 王*, or the staff account's number
    approved_at: datetime  # naive UTC
    signed_sha256: str
    code: str
    document: RenewalDocument

    @property
    def approved_on(self) -> date:
        return to_china_time(self.approved_at).date()

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    @property
    def lessor_line(self) -> str:
        return lessor_line(self.lessor, self.approved_on, self.approver_role)


def stamp(renewal: Renewal, signed: RenewalDocument) -> None:
    """Record which signed version was approved and its code (the caller commits)."""
    renewal.contract_approved_sha256 = signed.sha256
    renewal.approval_code = new_code()


def _approver(user: User | None) -> tuple[str, str]:
    if user is None:
        return "工作人员", ""
    role = f"{user.role.label}人员"
    if user.real_name:
        return role, mask_name(user.real_name)
    return role, f"工作人员编号{user.id}"  # never phone digits: the verify page is public


def record_of(renewal: Renewal) -> ApprovalRecord | None:
    """The approval of a completed renewal; None before (or for one approved before the
    record was kept)."""
    if renewal.status is not RenewalStatus.COMPLETED or not renewal.approval_code:
        return None
    document = next(
        (d for d in renewal.documents if d.sha256 == renewal.contract_approved_sha256), None
    )
    if document is None or renewal.contract_approved_at is None:
        return None
    tenant = db.session.get(User, renewal.tenant_id)
    approver = db.session.get(User, renewal.contract_approver_id)
    role, person = _approver(approver)
    return ApprovalRecord(
        reference=renewal.reference or "",
        contract_number=renewal.lease.contract_number,
        tenant_masked=mask_name(tenant.real_name) if tenant and tenant.real_name else "",
        start_date=renewal.new_start_date,
        end_date=renewal.new_end_date,
        lessor=current_app.config["RENEWAL_LESSOR"],
        approver_role=role,
        approver=person,
        approved_at=renewal.contract_approved_at,
        signed_sha256=document.sha256,
        code=renewal.approval_code,
        document=document,
    )


def find(typed: str) -> ApprovalRecord | None:
    code = normalise_code(typed)
    if code is None:
        return None
    renewal = db.session.scalar(select(Renewal).where(Renewal.approval_code == code))
    return record_of(renewal) if renewal is not None else None
