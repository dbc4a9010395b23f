"""公租房申请: the wizard, in the order of the seed's phone channel, and 我的申请.

Here: the entry, steps 1-3 (服务授权, 申请区域, 身份验证), step 8 (确认提交), 我的申请 and
放弃申请. Steps 4-5 are in ``household_routes``, 6 in ``assets_routes``, 7 in
``materials_routes``; importing them below attaches their views to the blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, g, request, url_for
from flask_login import current_user, login_required

from app.apply import assets_routes as _assets_routes  # noqa: F401  (6. 家庭财产)
from app.apply import bp, completeness, declaration, services, validation, workflow
from app.apply import cards as _cards  # noqa: F401  (registers the home card)
from app.apply import from_eligibility as _from_eligibility  # noqa: F401  (开始申请 from 资格自评)
from app.apply import household_routes as _household_routes  # noqa: F401  (4. 类别, 5. 成员)
from app.apply import materials_routes as _materials_routes  # noqa: F401  (7. 申请材料)
from app.apply.assets_routes import ASSET_TITLES
from app.apply.categories import Category, GuaranteeMode
from app.apply.forms import ConsentForm, RegionForm
from app.apply.materials import required_materials
from app.apply.models import Application, ApplicationStatus
from app.apply.publicity.services import valid_certificate_of
from app.apply.review_policy import review_policy, track_of
from app.apply.services import ApplicationError, DraftConflict, VersionConflict
from app.apply.steps import FLOW, ApplicationFacts
from app.apply.wizard import (
    draft_facts,
    flash_conflict,
    go_next,
    step_context,
    version,
    with_draft,
)
from app.core.clock import today_in_china
from app.housing.services import districts
from app.htmx import render, see_other
from app.step_pages import next_url, refusal_redirect, step_url
from app.web import client_ip

# -- helpers -----------------------------------------------------------------------


def _earlier_first(step_id: str, facts: ApplicationFacts) -> Response | None:
    """A step opened before the steps it needs: to the first of them (as before, quietly)."""
    return refusal_redirect(FLOW, facts, step_id, tell=False)


def _resume_url(application: Application) -> str:
    """The step the resident was on (kept on the application, so on any device)."""
    facts = completeness.facts(application, current_user)
    return step_url(FLOW.resume(facts, kept=application.current_step))


# -- entry -------------------------------------------------------------------------


@bp.get("/")
def index():
    application = earlier = certificate = None
    if current_user.is_authenticated:
        application = services.active_application(current_user.id)
        if application is None:
            earlier = services.shown_application(current_user.id)
        certificate = valid_certificate_of(current_user.id, today_in_china())
    return render(
        "apply/index.html",
        title="公租房申请",
        application=application,
        earlier=earlier,
        certificate=certificate,
        steps=FLOW.steps,
    )


@bp.post("/start")
@login_required
def start():
    if not current_user.has_real_name:
        flash("办理前请先完成实名认证", "info")
        return see_other(url_for("auth.real_name"))
    application = services.start_application(current_user)
    return see_other(_resume_url(application))


@bp.get("/continue")
@with_draft
def resume():
    return see_other(_resume_url(g.application))


@bp.get("/draft")
@login_required
def draft():
    """Where a freshly prefilled draft lands: what is already filled in, and 继续."""
    application = services.active_application(current_user.id)
    if application is None:
        return see_other(url_for("apply.index"))
    g.application = application
    data = application.data or {}
    return render(
        "apply/draft.html",
        title="我的申请",
        application=application,
        category=Category(application.category) if application.category else None,
        members=data.get("members", []),
        relations=validation.RELATIONS,
        assets=data.get("assets", {}),
    )


# -- 1. 服务授权 -----------------------------------------------------------------------


@bp.route("/consent", methods=["GET", "POST"])
@with_draft
def consent():
    form = ConsentForm()
    if request.method == "POST":
        if request.form.get("action") == "cancel":
            flash("您已取消授权，申请未开始。需要时可随时重新办理。", "info")
            return see_other(url_for("home.index"))
        if form.validate():
            services.record_consent(current_user, g.application, client_ip())
            return see_other(next_url(FLOW, "consent"))
    return render(
        "apply/consent.html",
        **step_context("consent", form=form, version=services.CONSENT_VERSION),
    )


# -- 2. 选择申请区域 ---------------------------------------------------------------------

REGION_CHANGED = "另一台设备刚修改了申请区域，下面显示的是现在保存的区域。请核对后重新选择并提交。"


@bp.route("/region", methods=["GET", "POST"])
@with_draft
def region():
    refused = _earlier_first("region", draft_facts())
    if refused:
        return refused
    choices = districts()
    error = None
    if request.method == "POST":
        form = RegionForm(districts=choices)
        try:
            if form.validate():
                services.choose_street(g.application, form.cleaned or 0, version=version())
        except ApplicationError as problem:
            error = problem.message
        except DraftConflict:
            flash(REGION_CHANGED, "error")
        except VersionConflict as conflict:
            flash_conflict(conflict)
        else:
            if not form.errors:
                return see_other(url_for("apply.confirm_region"))
    # The page shows the street saved now (after a conflict, the other device's choice).
    shown = RegionForm(
        formdata=None, data={"street_id": str(g.application.street_id or "")}, districts=choices
    )
    if error:
        shown.add_problems({"street_id": error})
    return render("apply/region.html", **step_context("region", form=shown))


@bp.route("/region/confirm", methods=["GET", "POST"])
@with_draft
def confirm_region():
    application = g.application
    if application.street_id is None:
        return see_other(url_for("apply.region"))
    if request.method == "POST":
        try:
            services.confirm_region(application, version=version())
        except DraftConflict:
            flash(REGION_CHANGED, "error")
            return see_other(url_for("apply.region"))
        except VersionConflict as conflict:
            flash_conflict(conflict)
        else:
            return see_other(next_url(FLOW, "region"))
    street = next(s for d in districts() for s in d.streets if s.id == application.street_id)
    return render(
        "apply/region_confirm.html",
        **step_context("region", street=street, district=street.district),
    )


# -- 3. 身份验证 (face verification, on this phone or handed over from a computer) -----------


@bp.route("/identity", methods=["GET", "POST"])
@with_draft
def identity():
    from app.handoff.purposes import APPLY_IDENTITY
    from app.handoff.widget import handoff_widget

    application = g.application
    facts = draft_facts()
    refused = _earlier_first("identity", facts)
    if refused:
        return refused
    verified = FLOW.complete(facts, "identity")
    if request.method == "POST":
        if verified:
            return go_next("identity")
        flash("请先完成扫脸认证", "error")
    widget = {}
    if not verified:
        widget = handoff_widget(
            current_user,
            APPLY_IDENTITY,
            application.id,
            continue_url=url_for("apply.identity"),
            return_url=url_for("apply.identity"),
        )
    return render("apply/identity.html", **step_context("identity", verified=verified, **widget))


# -- 8. 确认提交 -------------------------------------------------------------------------


def _review_context() -> dict[str, Any]:
    application = g.application
    required = required_materials(application.category, application.data)
    district = street = None
    if application.street_id:
        for d in districts():
            for s in d.streets:
                if s.id == application.street_id:
                    district, street = d, s
    return step_context(
        "review",
        problems=completeness.submission_problems(application, current_user),
        applicant=application.data.get("applicant", {}),
        members=application.data.get("members", []),
        assets=application.data.get("assets", {}),
        asset_titles=ASSET_TITLES,
        required=required,
        uploaded=completeness.uploaded_keys(application),
        district=district,
        street=street,
        category=Category(application.category) if application.category else None,
        mode=GuaranteeMode(application.guarantee_mode) if application.guarantee_mode else None,
        labels={
            "marital_status": validation.MARITAL,
            "hukou": validation.HUKOU,
            "employment_status": validation.EMPLOYMENT,
            "housing_situation": validation.HOUSING_SITUATION,
            "relation": validation.RELATIONS,
        },
        flow=FLOW,
        user=current_user,
    )


@bp.get("/review")
@with_draft
def review():
    return render("apply/review.html", **_review_context())


@bp.route("/submit", methods=["GET", "POST"])
@with_draft
def submit():
    """提交申请 asks a second time (再次检查 / 直接提交) on its own page; the service decides."""
    if request.method == "POST":
        try:
            declaration.submit(g.application, current_user, version=version())
        except VersionConflict as conflict:
            flash_conflict(conflict)
            return see_other(url_for("apply.review"))
        except ApplicationError as refused:  # incomplete: the review page lists what is missing
            flash(refused.message, "error")
            return see_other(url_for("apply.review"))
        flash("申请已提交，请留意审核进度通知", "success")
        return see_other(url_for("apply.status"))
    context = _review_context()
    if context["problems"]:
        flash(declaration.IncompleteApplication.summary, "error")
        return see_other(url_for("apply.review"))
    return render("apply/submit_confirm.html", **context)


# -- 我的申请 and 放弃申请 -----------------------------------------------------------------


@bp.get("/status")
@login_required
def status():
    application = services.shown_application(current_user.id)
    if application is None or application.status == ApplicationStatus.DRAFT:
        return see_other(url_for("apply.index"))
    from app.apply.progress import timeline
    from app.apply.review_reads import certificate_of, rounds_of

    certificate = certificate_of(application)
    return render(
        "apply/status.html",
        title="我的申请",
        back_url=url_for("home.index"),
        application=application,
        stages=timeline(application, rounds_of(application), certificate, review_policy()),
        certificate=certificate,
        after_certificate=workflow.AFTER_CERTIFICATE,
        limit_days=review_policy().limit(track_of(application)),
    )


@bp.route("/withdraw", methods=["GET", "POST"])
@login_required
def withdraw():
    application = services.active_application(current_user.id)
    if application is None:
        return see_other(url_for("apply.index"))
    if request.method == "POST":
        try:
            declaration.withdraw(application, current_user)
        except ApplicationError as error:
            flash(error.message, "error")
            return see_other(url_for("apply.index"))
        flash("已放弃申请，相关信息已删除", "success")
        return see_other(url_for("apply.index"))
    return render(
        "apply/withdraw.html",
        title="放弃申请",
        back_url=url_for("apply.index"),
        application=application,
    )
