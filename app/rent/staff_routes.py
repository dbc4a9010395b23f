"""租赁管理 (lease managers, admins): arrears, offline payments, bank deduction results."""

from __future__ import annotations

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from app.auth.roles import Role
from app.core.clock import today_in_china
from app.core.money import format_yuan
from app.extensions import db
from app.htmx import render, see_other
from app.inputs import arg_page
from app.rent import staff_services, standing
from app.rent.deduction_import import (
    ImportAlreadyApplied,
    apply_deduction_import,
    preview_import,
    stage_deduction_import,
)
from app.rent.forms import ConfirmImportForm, DeductionUploadForm, OfflinePaymentForm
from app.rent.models import DeductionImport
from app.rent.policy import late_fee_policy
from app.rent.statuses import PaymentError
from app.rent.subsidy_payouts import tenant_of
from app.web import client_ip, found_or_404, staff_only

bp = Blueprint("rent_staff", __name__, url_prefix="/staff/rent")

STAFF_ROLES = frozenset({Role.LEASE_MANAGER, Role.ADMIN})
MAX_IMPORT_BYTES = 2 * 1024 * 1024


staff_only(bp, STAFF_ROLES)


@bp.get("/")
def arrears():
    result = staff_services.arrears_page(request.args.get("sort", "months"), arg_page())
    return render(
        "rent/staff/arrears.html",
        "arrears_table",
        title="欠租管理",
        result=result,
        sorts=staff_services.ARREARS_SORTS,
    )


@bp.route("/leases/<int:lease_id>", methods=["GET", "POST"])
def lease(lease_id: int):
    found = found_or_404(standing.lease_with_unit(lease_id))
    today = today_in_china()
    views = standing.view_bills(standing.unpaid_bills(found.id), today, late_fee_policy())
    form = OfflinePaymentForm()
    form.bill_count.choices = [
        (
            count,
            f"最早 {count} 期（至{views[count - 1].bill.period_label}），今日应收 "
            f"{format_yuan(sum(view.total_fen for view in views[:count]))}",
        )
        for count in range(1, len(views) + 1)
    ]
    if request.method == "GET":
        form.paid_on.data = today.isoformat()
    if form.validate_on_submit():
        try:
            staff_services.record_offline_payment(
                current_user,
                found,
                bill_count=form.bills_paid,
                receipt_number=form.receipt_number.data or "",
                paid_on=form.paid_on_date,
                amount_fen=form.amount_fen,
                ip=client_ip(),
            )
        except PaymentError as error:
            form.form_errors.append(error.message)
        else:
            flash("已登记线下缴费", "success")
            return see_other(url_for("rent_staff.lease", lease_id=found.id))
    return render(
        "rent/staff/lease.html",
        "offline_form",
        title=f"租约 {found.contract_number}",
        lease=found,
        views=views,
        form=form,
        payments=staff_services.lease_payments(found.id),
        tenant=tenant_of(found),
    )


@bp.route("/deductions/import", methods=["GET", "POST"])
def deduction_import():
    form = DeductionUploadForm()
    preview = None
    if form.validate_on_submit():
        upload = form.file.data
        raw = upload.read(MAX_IMPORT_BYTES + 1)
        if len(raw) > MAX_IMPORT_BYTES:
            form.file.errors.append("文件超过 2MB，请拆分后分批导入")
        else:
            preview = stage_deduction_import(current_user, upload.filename or "", raw)
            if preview.upload is not None:
                return see_other(
                    url_for("rent_staff.deduction_preview", import_id=preview.upload.id)
                )
            form.file.errors.append(preview.file_error)
    return render("rent/staff/import.html", title="导入银行代扣结果", form=form)


def _import_or_404(import_id: int) -> DeductionImport:
    return found_or_404(db.session.get(DeductionImport, import_id))


@bp.get("/deductions/import/<int:import_id>")
def deduction_preview(import_id: int):
    upload = _import_or_404(import_id)
    return render(
        "rent/staff/import_preview.html",
        title="核对银行代扣结果",
        preview=preview_import(upload) if upload.applied_at is None else None,
        upload=upload,
        form=ConfirmImportForm(),
    )


@bp.post("/deductions/import/<int:import_id>/confirm")
def deduction_confirm(import_id: int):
    upload = _import_or_404(import_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        preview = apply_deduction_import(current_user, upload, ip=client_ip())
    except ImportAlreadyApplied:
        flash("该文件已导入过，没有重复入账", "info")
        return see_other(url_for("rent_staff.deduction_preview", import_id=upload.id))
    if not preview.ok:
        return render(
            "rent/staff/import_preview.html",
            title="核对银行代扣结果",
            preview=preview,
            upload=upload,
            form=form,
        )
    flash(f"已导入 {len(preview.rows)} 条扣款结果", "success")
    return see_other(url_for("rent_staff.deduction_preview", import_id=upload.id))
