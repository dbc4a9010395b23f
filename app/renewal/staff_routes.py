"""续约审核 in the back office: 租赁管理 reviews renewals and approves signed contracts,
民政核对 records 经济状况核对 results. Thin views; every page needs the role."""

from __future__ import annotations

import io

from flask import Blueprint, flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.roles import Role
from app.core.masking import mask_name
from app.extensions import db
from app.home.queues import Queue, QueueCount, register_queue
from app.housing import violations as lease_violations
from app.housing.models import Lease, LeaseViolation
from app.htmx import render, see_other
from app.inputs import entered
from app.renewal import income_check as income_checks
from app.renewal import services
from app.renewal.forms import (
    ContractApprovalForm,
    IncomeCheckForm,
    ResolveForm,
    ReviewForm,
    ViolationForm,
)
from app.renewal.models import (
    IncomeCheck,
    IncomeCheckStatus,
    Renewal,
    RenewalStatus,
)
from app.renewal.services import RenewalError
from app.storage import storage
from app.web import client_ip, found_or_404, private_file, roles, staff_only

bp = Blueprint("renewal_staff", __name__, url_prefix="/staff/renewals")

LEASE_ROLES = frozenset({Role.LEASE_MANAGER})
CHECK_ROLES = frozenset({Role.CIVIL_AFFAIRS})
VIEWS = {
    "review": ("待审核", [RenewalStatus.SUBMITTED]),
    "contract": ("待审批合同", [RenewalStatus.SIGNED]),
    "signing": ("待承租人签约", [RenewalStatus.APPROVED]),
    "done": ("已办结", [RenewalStatus.COMPLETED, RenewalStatus.REJECTED]),
}
PAGE_SIZE = 50


staff_only(bp)


def _count(statuses: list[RenewalStatus]) -> int:
    return (
        db.session.scalar(select(func.count(Renewal.id)).where(Renewal.status.in_(statuses))) or 0
    )


def renewal_counts(_user: User, _today) -> QueueCount:
    return QueueCount(waiting=_count([RenewalStatus.SUBMITTED, RenewalStatus.SIGNED]))


def check_counts(_user: User, _today) -> QueueCount:
    waiting = db.session.scalar(
        select(func.count(IncomeCheck.id)).where(IncomeCheck.status == IncomeCheckStatus.REQUESTED)
    )
    return QueueCount(waiting=waiting or 0)


register_queue(
    Queue(
        "renewals",
        "续约审核",
        LEASE_ROLES,
        "renewal_staff.queue",
        count=renewal_counts,
        description="审核续约申请、审批已签订的续约合同、登记违规",
        position=30,
    )
)
register_queue(
    Queue(
        "renewal_checks",
        "续约经济状况核对",
        CHECK_ROLES,
        "renewal_staff.checks",
        count=check_counts,
        description="按新政策续租的承租人发起的收入财产核对，录入核对结论",
        position=40,
    )
)


def _renewal_or_404(renewal_id: int) -> Renewal:
    return found_or_404(db.session.get(Renewal, renewal_id))


@bp.get("/")
@roles(*LEASE_ROLES)
def queue():
    view = request.args.get("view", "review")
    if view not in VIEWS:
        view = "review"
    rows = db.session.execute(
        select(Renewal, User.real_name)
        .join(User, User.id == Renewal.tenant_id)
        .where(Renewal.status.in_(VIEWS[view][1]))
        .order_by(Renewal.submitted_at, Renewal.id)
        .limit(PAGE_SIZE)
    ).all()
    return render(
        "renewal/staff/queue.html",
        title="续约审核",
        back_url=url_for("staff.index"),
        rows=[(renewal, mask_name(name or "")) for renewal, name in rows],
        views=VIEWS,
        view=view,
        counts={key: _count(statuses) for key, (_label, statuses) in VIEWS.items()},
    )


def _detail(renewal: Renewal, *, review_form=None, approval_form=None):
    tenant = db.session.get(User, renewal.tenant_id)
    review_form = review_form or ReviewForm(version=renewal.version)
    approval_form = approval_form or ContractApprovalForm(version=renewal.version)
    return render(
        "renewal/staff/detail.html",
        title=f"续约 {renewal.reference}",
        back_url=url_for("renewal_staff.queue"),
        renewal=renewal,
        tenant=tenant,
        data=services.contract_data(renewal),
        lease=renewal.lease,
        term=renewal.lease.current_term,
        files={kind: services.file_of(renewal, kind) for kind in services.ID_SIDES},
        sides=services.ID_SIDES,
        violations=lease_violations.open_violations(renewal.lease_id),
        violation_kinds=lease_violations.VIOLATION_KINDS,
        review_form=review_form,
        approval_form=approval_form,
        signed=services.latest_document(renewal, "signed"),
        event_labels=services.EVENT_LABELS,
    )


def _stale(form, renewal: Renewal) -> bool:
    return str(form.version.data or "") != str(renewal.version)


@bp.get("/<int:renewal_id>")
@roles(*LEASE_ROLES)
def detail(renewal_id: int):
    return _detail(_renewal_or_404(renewal_id))


@bp.post("/<int:renewal_id>/review")
@roles(*LEASE_ROLES)
def review(renewal_id: int):
    renewal = _renewal_or_404(renewal_id)
    form = ReviewForm()
    if form.validate_on_submit():
        if _stale(form, renewal):
            form.form_errors.append(services.STALE)
            return _detail(renewal, review_form=form)
        try:
            services.review(
                renewal,
                current_user,
                approve=form.decision.data == "approve",
                note=form.note.data or "",
                ip=client_ip(),
            )
        except RenewalError as error:
            form.form_errors.append(error.message)
        else:
            flash("已办理：" + renewal.status.label, "success")
            return see_other(url_for("renewal_staff.detail", renewal_id=renewal.id))
    return _detail(renewal, review_form=form)


@bp.post("/<int:renewal_id>/approve-contract")
@roles(*LEASE_ROLES)
def approve_contract(renewal_id: int):
    renewal = _renewal_or_404(renewal_id)
    form = ContractApprovalForm()
    if form.validate_on_submit():
        if _stale(form, renewal):
            form.form_errors.append(services.STALE)
            return _detail(renewal, approval_form=form)
        try:
            term = services.approve_contract(renewal, current_user, ip=client_ip())
        except RenewalError as error:
            form.form_errors.append(error.message)
        else:
            flash(f"续约已生效：新租期 {term.start_date} 至 {term.end_date}", "success")
            return see_other(url_for("renewal_staff.detail", renewal_id=renewal.id))
    return _detail(renewal, approval_form=form)


@bp.get("/<int:renewal_id>/files/<int:file_id>")
@roles(*LEASE_ROLES)
def file(renewal_id: int, file_id: int):
    renewal = _renewal_or_404(renewal_id)
    found = found_or_404(next((f for f in renewal.files if f.id == file_id), None))
    return private_file(
        storage().open(found.storage_key), found.content_type, f"renewal-file-{found.id}"
    )


@bp.get("/<int:renewal_id>/documents/<int:document_id>")
@roles(*LEASE_ROLES)
def document(renewal_id: int, document_id: int):
    renewal = _renewal_or_404(renewal_id)
    found = found_or_404(next((d for d in renewal.documents if d.id == document_id), None))
    try:
        data = services.document_bytes(found)
    except RenewalError as error:
        flash(error.message, "error")
        return see_other(url_for("renewal_staff.detail", renewal_id=renewal.id))
    name = f"renewal-{renewal.reference}-v{found.version}.pdf"
    return private_file(io.BytesIO(data), "application/pdf", name)


# -- 违规 ------------------------------------------------------------------------------------


@bp.route("/leases/<int:lease_id>/violations", methods=["GET", "POST"])
@roles(*LEASE_ROLES)
def violations(lease_id: int):
    lease = found_or_404(db.session.get(Lease, lease_id))
    form = ViolationForm()
    if form.validate_on_submit():
        lease_violations.record_violation(
            lease, current_user, kind=form.kind.data, detail=entered(form.detail), ip=client_ip()
        )
        flash("已登记违规，整改前该承租人不能续约", "success")
        return see_other(url_for("renewal_staff.violations", lease_id=lease.id))
    return render(
        "renewal/staff/violations.html",
        "form_block",
        title=f"违规记录 {lease.contract_number}",
        back_url=url_for("renewal_staff.queue"),
        lease=lease,
        form=form,
        resolve_form=ResolveForm(),
        kinds=lease_violations.VIOLATION_KINDS,
        records=list(
            db.session.scalars(
                select(LeaseViolation)
                .where(LeaseViolation.lease_id == lease.id)
                .order_by(LeaseViolation.id.desc())
            )
        ),
    )


@bp.post("/violations/<int:violation_id>/resolve")
@roles(*LEASE_ROLES)
def resolve(violation_id: int):
    violation = found_or_404(db.session.get(LeaseViolation, violation_id))
    form = ResolveForm()
    if form.validate_on_submit():
        lease_violations.resolve_violation(
            violation, current_user, resolution=entered(form.resolution), ip=client_ip()
        )
        flash("已登记整改完成", "success")
    else:
        flash("请填写整改情况", "error")
    return see_other(url_for("renewal_staff.violations", lease_id=violation.lease_id))


# -- 经济状况核对 (民政) -------------------------------------------------------------------------


@bp.get("/checks")
@roles(*CHECK_ROLES)
def checks():
    rows = db.session.execute(
        select(IncomeCheck, User.real_name, Lease.contract_number)
        .join(User, User.id == IncomeCheck.tenant_id)
        .join(Lease, Lease.id == IncomeCheck.lease_id)
        .order_by((IncomeCheck.status == IncomeCheckStatus.REQUESTED).desc(), IncomeCheck.id)
        .limit(PAGE_SIZE)
    ).all()
    return render(
        "renewal/staff/checks.html",
        title="续约经济状况核对",
        back_url=url_for("staff.index"),
        rows=[(check, mask_name(name or ""), number) for check, name, number in rows],
    )


@bp.route("/checks/<int:check_id>", methods=["GET", "POST"])
@roles(*CHECK_ROLES)
def check(check_id: int):
    found = found_or_404(db.session.get(IncomeCheck, check_id))
    form = IncomeCheckForm()
    if form.validate_on_submit():
        try:
            income_checks.decide_income_check(
                found,
                current_user,
                passed=form.result.data == "passed",
                report_number=entered(form.report_number).strip(),
                note=form.note.data or "",
                ip=client_ip(),
            )
        except RenewalError as error:
            form.form_errors.append(error.message)
        else:
            flash("已录入核对结论，承租人会收到通知", "success")
            return see_other(url_for("renewal_staff.checks"))
    tenant = db.session.get(User, found.tenant_id)
    return render(
        "renewal/staff/check.html",
        "form_block",
        title="录入核对结论",
        back_url=url_for("renewal_staff.checks"),
        check=found,
        tenant_name=mask_name((tenant.real_name if tenant else None) or ""),
        form=form,
    )
