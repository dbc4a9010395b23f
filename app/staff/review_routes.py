"""业务办理 of applications: the review queue, an application's page, the actions (each
through its confirmation page) and objections (异议). Applications outside the account's
scope answer 404 (their existence is not revealed)."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    request,
    url_for,
)
from flask_login import current_user

from app.apply import certification, due_dates, review, review_reads, workflow
from app.apply.materials import required_materials
from app.apply.models import Application, ApplicationStatus
from app.apply.publicity.services import track_of_round
from app.apply.review import ReviewError
from app.apply.review_policy import review_policy, track_of
from app.apply.scope import APPLICATION_ROLES, PII_ROLES, missing_scope
from app.apply.validation import (
    EMPLOYMENT,
    HOUSING_SITUATION,
    HUKOU,
    MARITAL,
    RELATIONS,
    applicant_section,
)
from app.apply.workflow import Action
from app.auth.roles import Role
from app.core import clock
from app.core.masking import mask_phone
from app.core.workdays import CalendarNotCovered
from app.htmx import render, see_other
from app.inputs import SelectChoice, entered
from app.staff import bp, queues
from app.staff.forms import (
    ActionForm,
    BulkPublicityForm,
    CivilReportForm,
    CorrectionForm,
    ObjectionDecisionForm,
    ReasonForm,
)
from app.storage import storage
from app.web import client_ip, found_or_404, private_file, roles

ACTION_FORMS = {
    Action.REQUEST_CORRECTION: CorrectionForm,
    Action.NOT_ACCEPT: ReasonForm,
    Action.REJECT: ReasonForm,
    Action.RECORD_CIVIL_REPORT: CivilReportForm,
}
STAFF_ACTIONS = frozenset(
    {
        Action.ACCEPT,
        Action.REQUEST_CORRECTION,
        Action.NOT_ACCEPT,
        Action.START_PUBLICITY,
        Action.FINISH_PUBLICITY,
        Action.REJECT,
        Action.RECORD_CIVIL_REPORT,
        Action.APPROVE,
        Action.ISSUE_CERTIFICATE,
    }
)
EVENT_LABELS = {
    "draft_created": "创建申请",
    "submitted": "提交申请",
    "withdrawn": "申请人放弃申请",
    Action.ACCEPT: "受理",
    Action.REQUEST_CORRECTION: "一次性告知补正",
    Action.NOT_ACCEPT: "不予受理",
    Action.START_PUBLICITY: "开始公示",
    Action.FINISH_PUBLICITY: "公示期满",
    Action.RECORD_CIVIL_REPORT: "录入民政核对报告",
    Action.APPROVE: "终审通过",
    Action.REJECT: "审核不通过",
    Action.ISSUE_CERTIFICATE: "发放资格证明",
    Action.STOP: "异议成立，终止",
}
LABELS = {
    "marital_status": MARITAL,
    "hukou": HUKOU,
    "employment_status": EMPLOYMENT,
    "housing_situation": HOUSING_SITUATION,
    "relation": RELATIONS,
}


def _application_or_404(application_id: int) -> Application:
    return found_or_404(review_reads.application_for_staff(current_user, application_id))


# -- 申请审核队列 -------------------------------------------------------------------------


@bp.get("/applications")
@roles(*APPLICATION_ROLES)
def applications():
    due_dates.fill_missing_due_dates()
    today = clock.today_in_china()
    filters = queues.Filters.from_args(request.args)
    found = queues.application_page(current_user, filters, today)
    return render(
        "staff/applications.html",
        "results",
        title="公租房申请审核",
        found=found,
        filters=filters,
        views=queues.VIEWS,
        flags=queues.flag_labels(),
        statuses=[s for s in ApplicationStatus if s != ApplicationStatus.DRAFT],
        programmes=list(workflow.Programme),
        bulk_form=BulkPublicityForm(),
        can_bulk=current_user.role is Role.STREET_REVIEWER,
        scope_problem=missing_scope(current_user),
        today=today,
    )


@bp.post("/applications/bulk-publicity")
@roles(Role.STREET_REVIEWER)
def bulk_publicity():
    """批量开始一榜公示: a confirmation page listing the chosen items, then the action."""
    form = BulkPublicityForm()
    ids = form.ids.data or []
    chosen = [a for a in (review_reads.application_for_staff(current_user, i) for i in ids) if a]
    back = request.form.get("back") or url_for("staff.applications")
    if not chosen:
        flash("请先勾选要开始公示的申请", "error")
        return see_other(_safe_back(back))
    if not form.validate_on_submit() or request.form.get("confirm") != "yes":
        today = clock.today_in_china()
        problem: str | None
        try:
            period = workflow.publicity_period(today, review_policy())
        except CalendarNotCovered as missing:
            period, problem = None, missing.message
        else:
            problem = None
        return render(
            "staff/bulk_confirm.html",
            title="批量开始公示",
            back_url=_safe_back(back),
            chosen=chosen,
            period=period,
            problem=problem,
            back=_safe_back(back),
            form=form,
        )
    result = review.start_publicity_many(current_user, [a.id for a in chosen], ip=client_ip())
    if result.started:
        flash(f"已对 {len(result.started)} 件申请开始一榜公示", "success")
    for reference, why in result.skipped:
        flash(f"{reference} 未开始公示：{why}", "error")
    return see_other(_safe_back(back))


def _safe_back(target: str) -> str:
    from app.core.navigation import safe_next_url

    target = safe_next_url(target) or ""
    return target if target.startswith("/staff/") else url_for("staff.applications")


# -- 申请详情 ---------------------------------------------------------------------------


def _detail_context(application: Application, *, revealed: dict[str, str] | None) -> dict:
    today = clock.today_in_china()
    programme = review_reads.programme_of(application)
    track = track_of(application)
    applicant = review_reads.applicant_of(application)
    data = application.data or {}
    rounds = review_reads.rounds_of(application)
    current_round = next((r for r in rounds if r.finished_on is None), None)
    materials = {m.key: m.label for m in required_materials(application.category, data)}
    materials["signature"] = "手写签名（授权书）"
    running = application.accepted_on is not None and application.status.is_open
    transitions = [
        t
        for t in workflow.available(application.status, current_user.role, track)
        if t.action in STAFF_ACTIONS
    ]
    return {
        "title": f"申请 {application.reference}",
        "back_url": url_for("staff.applications"),
        "application": application,
        "applicant": applicant,
        "street": review_reads.street_of(application),
        "data": data,
        "applicant_data": applicant_section(data),
        "labels": LABELS,
        "programme": programme,
        "track": track,
        "limit_days": review_policy().limit(track),
        "status_label": queues.status_label(application.status, track),
        "rounds": rounds,
        "current_round": current_round,
        "Round": workflow.Round,
        "materials": materials,
        "flag": workflow.deadline_flag(
            today, application.current_due_on, running=running, policy=review_policy()
        ),
        "transitions": transitions,
        "waiting_for_round": bool(
            current_round
            and not workflow.Period(current_round.starts_on, current_round.ends_on).is_over(today)
        ),
        "certificate": review_reads.certificate_of(application),
        "event_labels": EVENT_LABELS,
        "actors": review_reads.actors_of(application),
        "revealed": revealed,
        "can_reveal": current_user.role in PII_ROLES,
        "mask_phone": mask_phone,
        "today": today,
        "version": application.version,
    }


@bp.get("/applications/<int:application_id>")
@roles(*APPLICATION_ROLES)
def application(application_id: int):
    found = _application_or_404(application_id)
    review_reads.note_read(current_user, found, "viewed", ip=client_ip())
    return render("staff/application.html", **_detail_context(found, revealed=None))


@bp.post("/applications/<int:application_id>/reveal")
@roles(*PII_ROLES)
def reveal(application_id: int):
    """Show the full ID numbers and phone; each reveal is written to the audit log."""
    found = _application_or_404(application_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    review_reads.note_read(current_user, found, "pii_revealed", ip=client_ip())
    context = _detail_context(found, revealed=review_reads.revealed_ids(found))
    return render("staff/application.html", "people", **context)


@bp.get("/applications/<int:application_id>/files/<int:file_id>")
@roles(*PII_ROLES)
def application_file(application_id: int, file_id: int):
    found = _application_or_404(application_id)
    material = found_or_404(next((f for f in found.files if f.id == file_id), None))
    review_reads.note_read(current_user, found, "file_viewed", ip=client_ip())
    return private_file(
        storage().open(material.storage_key), material.content_type, f"material-{material.id}"
    )


# -- 办理 (confirmation page, then the action) ----------------------------------------------


@bp.route("/applications/<int:application_id>/act/<action>", methods=["GET", "POST"])
@roles(*APPLICATION_ROLES)
def act(application_id: int, action: str):
    found = _application_or_404(application_id)
    if action not in {a.value for a in STAFF_ACTIONS}:
        abort(404)
    action = Action(action)
    transition = workflow.find(found.status, action, track_of(found))
    form = ACTION_FORMS.get(action, ActionForm)()
    if isinstance(form, CorrectionForm):
        form.items.choices = [
            SelectChoice(m.key, m.label)
            for m in required_materials(found.category, found.data or {})
        ]
    refusal = _refusal(transition)
    if request.method == "GET":
        form.version.data = str(found.version)
    elif transition is not None and refusal is None and form.validate_on_submit():
        try:
            _perform(found, action, form)
        except ReviewError as error:
            form.form_errors.append(error.message)
        else:
            flash(f"已办理：{transition.label}", "success")
            return see_other(url_for("staff.application", application_id=found.id))
    if refusal:
        form.form_errors.append(refusal)
    return render(
        "staff/act.html",
        "form_block",
        title=transition.label if transition else "办理",
        back_url=url_for("staff.application", application_id=found.id),
        application=found,
        programme=review_reads.programme_of(found),
        status_label=queues.status_label(found.status, track_of(found)),
        transition=transition,
        action=action,
        form=form,
        preview=_preview(found, action),
    )


def _refusal(transition: workflow.Transition | None) -> str | None:
    """Why the signed-in role cannot take this step now, or None."""
    if transition is None:
        return "申请当前的状态不能办理此项（可能已被他人办理），请返回查看最新状态"
    if current_user.role not in transition.roles:
        return f"“{transition.label}”不属于{current_user.role.label}的职责"
    return None


def _perform(application: Application, action: Action, form) -> None:
    common = {"version": form.version.data, "ip": client_ip()}
    match action:
        case Action.ACCEPT:
            review.accept(application, current_user, **common)
        case Action.REQUEST_CORRECTION:
            review.request_correction(
                application, current_user, items=form.all_items(), note=form.note.data, **common
            )
        case Action.NOT_ACCEPT:
            review.not_accept(application, current_user, reason=form.reason.data, **common)
        case Action.REJECT:
            review.reject(application, current_user, reason=form.reason.data, **common)
        case Action.START_PUBLICITY:
            review.start_publicity(application, current_user, **common)
        case Action.FINISH_PUBLICITY:
            review.finish_publicity(application, current_user, **common)
        case Action.RECORD_CIVIL_REPORT:
            certification.record_civil_report(
                application,
                current_user,
                report_number=form.report_number.data,
                conclusion=form.conclusion.data,
                summary=form.summary.data,
                **common,
            )
        case Action.APPROVE:
            certification.approve(application, current_user, **common)
        case Action.ISSUE_CERTIFICATE:
            certification.issue_certificate(application, current_user, **common)


def _preview(application: Application, action: Action) -> list[str]:
    """What the action will set in motion, in dates, so staff confirm knowingly."""
    today = clock.today_in_china()
    policy, track = review_policy(), track_of(application)
    lines: list[str] = []
    try:
        if action is Action.ACCEPT:
            due = workflow.legal_due(today, track, policy)
            lines.append(
                f"受理日期 {today:%Y-%m-%d}；办结时限{policy.limit(track)}个工作日，"
                + (f"应于 {due:%Y-%m-%d} 前办结" if due else "截止日期待节假日安排公布后确定")
            )
        elif action in (Action.START_PUBLICITY, Action.APPROVE):
            period = workflow.publicity_period(today, policy)
            lines.append(
                f"公示期 {period.starts_on:%Y-%m-%d} 至 {period.ends_on:%Y-%m-%d}"
                f"（{policy.publicity}个工作日）"
            )
        elif action is Action.FINISH_PUBLICITY:
            due = workflow.civil_check_due(today, policy)
            if due:
                lines.append(
                    f"如进入民政核对，核对应于 {due:%Y-%m-%d} 前完成（{policy.civil_check}个工作日）"
                )
        elif action is Action.ISSUE_CERTIFICATE:
            until = workflow.certificate_valid_until(today, policy)
            lines.append(
                f"资格证明有效期 {today:%Y-%m-%d} 至 {until:%Y-%m-%d}（{policy.certificate_years}年）"
            )
    except CalendarNotCovered as missing:
        lines.append(missing.message)
    lines.append("申请人会在消息中心收到通知。")
    return lines


# -- 异议 ------------------------------------------------------------------------------


@bp.route("/objections/<int:objection_id>", methods=["GET", "POST"])
@roles(Role.STREET_REVIEWER, Role.DISTRICT_REVIEWER, Role.CITY_REVIEWER)
def objection(objection_id: int):
    found = found_or_404(review.objection_for_staff(current_user, objection_id))
    form = ObjectionDecisionForm()
    if form.validate_on_submit():
        try:
            review.decide_objection(
                found,
                current_user,
                upheld=form.decision.data == "upheld",
                resolution=entered(form.resolution),
                ip=client_ip(),
            )
        except ReviewError as error:
            form.form_errors.append(error.message)
        else:
            flash("异议已处理", "success")
            return see_other(url_for("staff.application", application_id=found.application_id))
    publicity = found.round
    return render(
        "staff/objection.html",
        "form_block",
        title="处理异议",
        back_url=url_for("staff.application", application_id=found.application_id),
        objection=found,
        publicity=publicity,
        round_label=workflow.Round(publicity.level).label(track_of_round(publicity)),
        is_office=current_user.role is workflow.Round(publicity.level).office_role,
        form=form,
    )
