"""互换 in the back office (租赁管理, 系统管理): the 互换审核 queue (approve, or refuse with a
reason) and the moderation of reports (举报). Both queues plug into the 工作台."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.auth.models import User
from app.extensions import db
from app.home.queues import Queue, QueueCount, register_queue
from app.htmx import render, see_other
from app.inputs import entered
from app.swap import application_steps, applications, board, listings, moderation, requests
from app.swap.application_models import SwapApplication
from app.swap.forms import ConfirmForm, RefuseForm, ReportDecisionForm
from app.swap.models import ReportStatus, SwapReport
from app.swap.routes import stored_file
from app.swap.rules import ApplicationStatus
from app.swap.statuses import STAFF, SwapError
from app.web import client_ip, found_or_404, staff_only

bp = Blueprint("swap_staff", __name__, url_prefix="/staff/swap")

STAFF_ROLES = STAFF  # who may decide applications and reports (app.swap.statuses)


def _count(model, status: str):
    def count(_user: User, _today: date) -> QueueCount:
        waiting = db.session.scalar(select(func.count(model.id)).where(model.status == status))
        return QueueCount(waiting=waiting or 0)

    return count


register_queue(
    Queue(
        "swap_applications",
        "互换审核",
        STAFF_ROLES,
        "swap_staff.applications",
        count=_count(SwapApplication, ApplicationStatus.SUBMITTED),
        description="公租房互换申请：核对理由、承诺书和预缴租金，通过或不予通过",
        position=50,
    )
)
register_queue(
    Queue(
        "swap_reports",
        "互换信息举报",
        STAFF_ROLES,
        "swap_staff.reports",
        count=_count(SwapReport, ReportStatus.OPEN),
        description="核实被举报的互换信息和用户，下架或不予处理",
        position=60,
    )
)


staff_only(bp, STAFF_ROLES)


@bp.get("/", endpoint="applications")
def applications_queue():
    return render(
        "swap/staff/applications.html",
        title="互换审核",
        waiting=applications.submitted_applications(),
        decided=applications.recent_decisions(),
        names=_names_of,
    )


def _names_of(application: SwapApplication) -> str:
    names = []
    for party in application.parties:
        user = db.session.get(User, party.tenant_id)
        names.append(user.real_name or user.phone if user else "")
    return " ⇄ ".join(names)


def _application_or_404(application_id: int) -> SwapApplication:
    return found_or_404(applications.application_by_id(application_id))


def _application_page(
    found: SwapApplication, refuse_form: RefuseForm | None = None, problems: list[str] | None = None
):
    return render(
        "swap/staff/application.html",
        "decision",
        title=f"互换申请 {found.reference}",
        application=found,
        reviews=applications.review_of(found),
        refuse_form=refuse_form or RefuseForm(formdata=None),
        problems=problems or [],
    )


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    return _application_page(_application_or_404(application_id))


@bp.post("/applications/<int:application_id>/approve")
def approve(application_id: int):
    found = _application_or_404(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        applications.approve(found, current_user, ip=client_ip())
    except SwapError as error:
        return _application_page(_application_or_404(application_id), problems=error.messages)
    flash(f"已通过互换申请 {found.reference}，双方租约已变更为新房屋", "success")
    return see_other(url_for("swap_staff.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/refuse")
def refuse(application_id: int):
    found = _application_or_404(application_id)
    form = RefuseForm()
    if form.validate_on_submit():
        try:
            applications.refuse(found, current_user, entered(form.reason), ip=client_ip())
        except SwapError as error:
            form.form_errors.extend(error.messages)
        else:
            flash(f"互换申请 {found.reference} 不予通过，已通知双方", "success")
            return see_other(url_for("swap_staff.application", application_id=application_id))
    return _application_page(_application_or_404(application_id), refuse_form=form)


@bp.get("/applications/<int:application_id>/files/<int:file_id>")
def proof(application_id: int, file_id: int):
    file = found_or_404(application_steps.proof_file(_application_or_404(application_id), file_id))
    return stored_file(file.storage_key, file.content_type, f"proof-{file.id}")


@bp.get("/reports")
def reports():
    return render(
        "swap/staff/reports.html",
        title="互换信息举报",
        back_url=url_for("staff.index"),
        reports=moderation.open_reports(),
    )


@bp.route("/reports/<int:report_id>", methods=["GET", "POST"])
def report(report_id: int):
    found = found_or_404(db.session.get(SwapReport, report_id))
    form = ReportDecisionForm()
    if found.status == ReportStatus.OPEN and form.validate_on_submit():
        try:
            moderation.decide_report(
                current_user,
                found,
                uphold=form.decision.data == "uphold",
                note=entered(form.note),
                ip=client_ip(),
            )
        except SwapError as error:
            form.form_errors.extend(error.messages)
        else:
            flash("举报已处理", "success")
            return see_other(url_for("swap_staff.reports"))
    listing = found_or_404(listings.listing_by_id(found.listing_id))
    reporter = db.session.get(User, found.reporter_id)
    return render(
        "swap/staff/report.html",
        "form_block",
        title="处理举报",
        back_url=url_for("swap_staff.reports"),
        report=found,
        listing=listing,
        card=board.cards_for([listing], None)[0],
        reporter=reporter,
        conversation=requests.request_for_party(found.reporter_id, found.request_id)
        if found.request_id
        else None,
        form=form,
    )
