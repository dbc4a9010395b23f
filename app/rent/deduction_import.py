"""租赁管理 staff work: importing the bank's deduction result file (preview first, all rows
or none). The file's format is read and checked in ``deductions``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.audit.services import record
from app.auth.models import User
from app.core.clock import today_in_china, utcnow
from app.core.money import format_yuan
from app.extensions import db, rows_changed
from app.housing.models import Lease
from app.messages.services import post_message
from app.rent import deductions
from app.rent.deductions import DeductionFileError, DeductionRow
from app.rent.fees import LateFeePolicy, late_fee_fen
from app.rent.models import (
    BankDeductionMandate,
    Bill,
    DeductionImport,
    DeductionOutcome,
    DeductionResult,
    Payment,
    PaymentBill,
    PaymentChannel,
    PaymentState,
)
from app.rent.policy import MESSAGE_CATEGORY, late_fee_policy
from app.rent.settlement import (
    china_day_start,
    mark_bills_paid,
    paid_payment,
    post_paid_message,
    receipt_number_for,
)
from app.rent.standing import view_bill


@dataclass
class ImportPreview:
    upload: DeductionImport | None
    rows: list[DeductionRow] = field(default_factory=list)
    file_error: str | None = None

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return self.file_error is None and bool(self.rows) and self.error_count == 0


@dataclass
class _RowContext:
    leases: dict[str, Lease]
    mandates: dict[int, BankDeductionMandate]
    bills: dict[tuple[int, str], Bill]
    results: dict[tuple[int, str], DeductionResult]
    used_references: set[str]
    locked_bill_ids: set[int]


def stage_deduction_import(
    staff: User, filename: str, raw: bytes, today: date | None = None
) -> ImportPreview:
    """Read and check an uploaded result file; keep it for confirmation. Nothing is applied."""
    try:
        text = deductions.decode(raw)
        rows = deductions.parse(text)
    except DeductionFileError as error:
        return ImportPreview(None, file_error=str(error))
    _check_rows(rows, today or today_in_china())
    upload = DeductionImport(
        uploaded_by_id=staff.id,
        filename=filename[:200] or "未命名.csv",
        content=text,
        row_count=len(rows),
    )
    db.session.add(upload)
    db.session.commit()
    return ImportPreview(upload, rows)


def preview_import(upload: DeductionImport, today: date | None = None) -> ImportPreview:
    """Check a staged file again against the records as they are now."""
    rows = deductions.parse(upload.content)
    _check_rows(rows, today or today_in_china())
    return ImportPreview(upload, rows)


def _row_context(rows: Sequence[DeductionRow]) -> _RowContext:
    contracts = {row.contract_number for row in rows if row.contract_number}
    leases = {
        lease.contract_number: lease
        for lease in db.session.scalars(select(Lease).where(Lease.contract_number.in_(contracts)))
    }
    lease_ids = [lease.id for lease in leases.values()]
    periods = {str(row.period) for row in rows if row.period}
    bills = {
        (bill.lease_id, bill.period): bill
        for bill in db.session.scalars(
            select(Bill).where(Bill.lease_id.in_(lease_ids), Bill.period.in_(periods))
        )
    }
    references = {row.bank_reference for row in rows if row.bank_reference}
    return _RowContext(
        leases=leases,
        mandates={
            m.lease_id: m
            for m in db.session.scalars(
                select(BankDeductionMandate).where(BankDeductionMandate.lease_id.in_(lease_ids))
            )
        },
        bills=bills,
        results={
            (r.lease_id, r.period): r
            for r in db.session.scalars(
                select(DeductionResult).where(
                    DeductionResult.lease_id.in_(lease_ids), DeductionResult.period.in_(periods)
                )
            )
        },
        used_references=set(
            db.session.scalars(
                select(Payment.provider_txn_id).where(
                    Payment.channel == PaymentChannel.BANK_DEDUCTION,
                    Payment.provider_txn_id.in_(references),
                )
            )
        ),
        locked_bill_ids=set(
            db.session.scalars(
                select(PaymentBill.bill_id)
                .join(Payment, Payment.id == PaymentBill.payment_id)
                .where(
                    PaymentBill.bill_id.in_([bill.id for bill in bills.values()]),
                    Payment.state == PaymentState.PENDING,
                )
            )
        ),
    )


def _check_rows(rows: Sequence[DeductionRow], today: date) -> None:
    """Add to each row the errors that depend on the records (format errors are there)."""
    context = _row_context(rows)
    policy = late_fee_policy()
    seen: dict[tuple[int, str], int] = {}
    seen_references: dict[str, int] = {}
    for row in rows:
        lease = context.leases.get(row.contract_number)
        if row.contract_number and lease is None:
            row.errors.append(f"合同编号：找不到合同 {row.contract_number}")
            continue
        if lease is None or row.period is None:
            continue
        mandate = context.mandates.get(lease.id)
        if mandate is None or not mandate.active:
            row.errors.append("合同编号：该合同未开通银行代扣")
        key = (lease.id, str(row.period))
        if key in seen:
            row.errors.append(f"与第 {seen[key]} 行重复（同一合同、同一账期）")
            continue
        seen[key] = row.line
        bill = context.bills.get(key)
        if bill is None:
            row.errors.append(f"账期：该合同没有 {row.period.label} 的账单")
            continue
        if row.deducted_on and row.deducted_on > today:
            row.errors.append("扣款日期：不能晚于今天")
        existing = context.results.get(key)
        if row.outcome is DeductionOutcome.FAILED and existing is not None:
            row.errors.append(f"{row.period.label}的扣款结果已导入过")
        if row.outcome is DeductionOutcome.SUCCESS:
            _check_success_row(row, bill, existing, context, seen_references, policy)


def _check_success_row(
    row: DeductionRow,
    bill: Bill,
    existing: DeductionResult | None,
    context: _RowContext,
    seen_references: dict[str, int],
    policy: LateFeePolicy,
) -> None:
    if existing is not None and existing.outcome == DeductionOutcome.SUCCESS:
        row.errors.append(f"{bill.period_label}已导入过扣款成功记录")
        return
    if bill.is_paid:
        row.errors.append(f"{bill.period_label}的账单已缴清，不能重复扣款，请与银行核对")
        return
    if bill.id in context.locked_bill_ids:
        row.errors.append(f"{bill.period_label}的账单有一笔在线支付正在进行，请稍后再导入")
    if row.amount_fen is not None and row.deducted_on is not None:
        expected = bill.amount_due_fen + late_fee_fen(
            bill.amount_due_fen, bill.due_date, row.deducted_on, policy
        )
        if row.amount_fen != expected:
            row.errors.append(
                f"扣款金额：应为 {format_yuan(expected)}（含截至扣款日的滞纳金），"
                f"文件中为 {format_yuan(row.amount_fen)}"
            )
    reference = row.bank_reference
    if reference in context.used_references:
        row.errors.append(f"银行流水号：{reference} 已入账过")
    elif reference in seen_references:
        row.errors.append(f"银行流水号：与第 {seen_references[reference]} 行重复")
    seen_references.setdefault(reference, row.line)


class ImportAlreadyApplied(Exception):
    pass


def apply_deduction_import(
    staff: User, upload: DeductionImport, today: date | None = None, ip: str | None = None
) -> ImportPreview:
    """Apply a staged file: all rows or none. Rows are checked again first; if any has an
    error nothing is applied and the preview with errors is returned."""
    if upload.applied_at is not None:
        raise ImportAlreadyApplied
    preview = preview_import(upload, today)
    if not preview.ok:
        return preview
    now = utcnow()
    claimed = rows_changed(
        update(DeductionImport)
        .where(DeductionImport.id == upload.id, DeductionImport.applied_at.is_(None))
        .values(applied_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed != 1:
        db.session.rollback()
        raise ImportAlreadyApplied
    context = _row_context(preview.rows)
    try:
        for row in preview.rows:
            _apply_row(row, context, staff, upload, now)
        record(
            "rent.deductions.imported",
            actor_id=staff.id,
            subject_type="rent_deduction_import",
            subject_id=upload.id,
            ip=ip,
            detail=f"{upload.filename} {len(preview.rows)} 行",
        )
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        preview = preview_import(upload, today)
        preview.file_error = "导入时数据发生了变化，未入账任何记录；请按下列提示修改后重新上传"
        return preview
    db.session.refresh(upload)
    return preview


def _apply_row(
    row: DeductionRow,
    context: _RowContext,
    staff: User,
    upload: DeductionImport,
    now: datetime,
) -> None:
    # Only rows without errors get here: every field below has been parsed.
    period, deducted_on, amount_fen, outcome = (
        row.period,
        row.deducted_on,
        row.amount_fen,
        row.outcome,
    )
    if period is None or deducted_on is None or amount_fen is None or outcome is None:
        raise ValueError(f"line {row.line} was not parsed and cannot be applied")
    lease = context.leases[row.contract_number]
    key = (lease.id, str(period))
    bill = context.bills[key]
    result = context.results.get(key) or DeductionResult(lease_id=lease.id, period=key[1])
    result.bill_id = bill.id
    result.outcome = outcome
    result.amount_fen = amount_fen
    result.deducted_on = deducted_on
    result.reason = row.reason or None
    result.bank_reference = row.bank_reference or None
    result.import_id = upload.id
    db.session.add(result)
    if outcome is DeductionOutcome.FAILED:
        post_message(
            lease.tenant_id,
            category=MESSAGE_CATEGORY,
            title=f"银行代扣未成功：{period.label}",
            body=(
                f"您 {period.label} 的租金银行代扣未成功（{row.reason}）。"
                "请在“租金缴纳”中在线缴纳，或到小区服务站缴纳；逾期将按规定计收滞纳金。"
            ),
            link="/rent/",
        )
        return
    view = view_bill(bill, deducted_on, late_fee_policy())
    paid_at = china_day_start(deducted_on) if deducted_on < today_in_china() else now
    payment = paid_payment(
        lease, PaymentChannel.BANK_DEDUCTION, [view], row.bank_reference, paid_at, staff.id
    )
    db.session.flush()
    payment.receipt_number = receipt_number_for(payment.id, paid_at)
    mark_bills_paid(payment, paid_at)
    post_paid_message(payment)
