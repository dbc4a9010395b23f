"""个人租赁合同续约: the tenant's renewal application (续租申请) and the renewal's pages.

Thin views: parse, call a service, render or redirect (303 after POST). A step reached
by URL before the ones it needs is refused with a message and a redirect to the step
to do now. The signing of the contract is in ``signing_routes``, the files and contract
PDFs in ``file_routes``; importing this module registers them on ``bp`` too.
"""

from __future__ import annotations

from flask import Response, abort, flash, request, url_for
from flask_login import current_user, login_required

from app.htmx import render, see_other, wants_fragment
from app.inputs import SelectChoice
from app.renewal import application, approval, bp, queries, rules, services
from app.renewal import cards as _cards  # noqa: F401  (registers the home card)
from app.renewal import contract_routes as _contract_routes  # noqa: F401  (打印合同, 核验)
from app.renewal import file_routes as _file_routes  # noqa: F401  (uploaded files, PDFs)
from app.renewal import income_check as income_checks
from app.renewal import signing_routes as _signing_routes  # noqa: F401  (合同签订)
from app.renewal.contract import DECLARATION, DECLARATION_TITLE
from app.renewal.forms import ConfirmForm, DeclarationForm, PolicyForm
from app.renewal.models import IncomeCheckStatus, Renewal, RenewalPolicy, RenewalStatus
from app.renewal.pages import after_step, details_context, guarded, owned, step_done
from app.renewal.rules import ApplyStep
from app.renewal.services import RenewalError
from app.step_pages import counter, refusal_redirect, resume_url, step_url
from app.uploads import UploadError
from app.web import client_ip, found_or_404

# -- 续租申请 ------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    lease = queries.active_lease(current_user.id)
    context: dict = {"lease": lease, "history": queries.renewals_of(current_user.id)}
    if lease is not None:
        renewal = queries.open_renewal(lease.id)
        settled = None if renewal else queries.settled_renewal(lease)
        context.update(
            renewal=renewal,
            settled=settled,
            window=queries.window_for(lease),
            blockers=[] if renewal or settled else queries.blockers_for(lease),
            check=income_checks.latest_income_check(lease.id),
            next_url=_next_url(renewal) if renewal else None,
        )
    return render("renewal/index.html", title="个人租赁合同续约", **context)


def _next_url(renewal: Renewal) -> str:
    if renewal.status is RenewalStatus.DRAFT:
        return resume_url(rules.APPLY_FLOW, queries.facts(renewal), renewal_id=renewal.id)
    if renewal.status is RenewalStatus.APPROVED:
        return resume_url(rules.SIGN_FLOW, queries.facts(renewal), renewal_id=renewal.id)
    return url_for("renewal.detail", renewal_id=renewal.id)


def _lease_or_redirect():
    lease = queries.active_lease(current_user.id)
    if lease is None:
        flash("您目前没有履约中的租约，无需续约。", "info")
        return None, see_other(url_for("renewal.index"))
    renewal = queries.open_renewal(lease.id)
    if renewal is not None:
        return None, see_other(_next_url(renewal))
    blockers = queries.blockers_for(lease)
    if blockers:
        flash("暂时不能申请续约：" + blockers[0].message, "error")
        return None, see_other(url_for("renewal.index"))
    return lease, None


@bp.route("/policy", methods=["GET", "POST"])
@login_required
def policy():
    """续租申请: 按照原政策执行, or the new policy (经济状况核对 first)."""
    lease, refused = _lease_or_redirect()
    if refused:
        return refused
    choices = queries.policy_choices(lease)
    check = income_checks.latest_income_check(lease.id)
    check_passed = check is not None and check.status is IncomeCheckStatus.PASSED
    form = PolicyForm()
    form.policy.choices = [SelectChoice(p.value, p.label) for p in choices]
    if request.method == "GET" and len(choices) == 1:
        form.policy.data = choices[0].value
    if form.validate_on_submit():
        chosen = next((p for p in RenewalPolicy if p.value == form.policy.data), None)
        try:
            if chosen is None:
                raise application.PolicyNotOpen()
            renewal = application.start_renewal(current_user, lease, chosen, ip=client_ip())
        except application.IncomeCheckNeeded as error:
            flash(error.message, "info")
            return see_other(url_for("renewal.income_check"))
        except application.PolicyNotOpen as error:
            form.policy.errors = [error.message]
        except RenewalError as error:
            form.form_errors.append(error.message)
        else:
            first = rules.APPLY_FLOW.steps[0]
            return see_other(step_url(first, renewal_id=renewal.id))
    return _policy_page(form, lease, check, check_passed)


def _policy_page(form: PolicyForm, lease, check, check_passed: bool):
    return render(
        "renewal/policy.html",
        "form_block",
        title="续租申请",
        back_url=url_for("renewal.index"),
        form=form,
        lease=lease,
        lease_policy=queries.lease_policy(lease),
        check=check,
        check_passed=check_passed,
    )


@bp.route("/income-check", methods=["GET", "POST"])
@login_required
def income_check():
    """经济状况核对: 发起收入财产核对, then wait for 民政's result."""
    lease = found_or_404(queries.active_lease(current_user.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            income_checks.request_income_check(current_user, lease, ip=client_ip())
        except RenewalError as error:
            flash(error.message, "info")
        else:
            flash("已发起收入财产核对，核对结果会在消息中心通知您", "success")
        return see_other(url_for("renewal.income_check"))
    return render(
        "renewal/income_check.html",
        title="经济状况核对",
        back_url=url_for("renewal.index"),
        form=form,
        lease=lease,
        check=income_checks.latest_income_check(lease.id),
    )


def _apply_guard(renewal: Renewal, wanted: ApplyStep) -> Response | None:
    if renewal.status is not RenewalStatus.DRAFT:
        flash("续约申请已提交，不能再修改。", "info")
        return see_other(url_for("renewal.detail", renewal_id=renewal.id))
    return refusal_redirect(rules.APPLY_FLOW, queries.facts(renewal), wanted, renewal_id=renewal.id)


def _apply_page(template: str, renewal: Renewal, step: ApplyStep, **context):
    return render(
        template,
        context.pop("block", None),
        title="续租申请",
        back_url=url_for("renewal.index"),
        **counter(rules.APPLY_FLOW, step),
        **details_context(renewal),
        **context,
    )


@bp.route("/<int:renewal_id>/declaration", methods=["GET", "POST"])
@login_required
@guarded(_apply_guard, ApplyStep.DECLARATION)
def declaration(renewal: Renewal):
    form = DeclarationForm()
    if request.method == "GET" and renewal.declaration_accepted_at:
        form.agreed.data = True
    return step_done(
        form,
        rules.APPLY_FLOW,
        ApplyStep.DECLARATION,
        renewal,
        lambda: application.accept_declaration(renewal, ip=client_ip()),
    ) or _apply_page(
        "renewal/declaration.html",
        renewal,
        ApplyStep.DECLARATION,
        form=form,
        declaration_title=DECLARATION_TITLE,
        declaration=DECLARATION,
    )


@bp.route("/<int:renewal_id>/confirm", methods=["GET", "POST"])
@login_required
@guarded(_apply_guard, ApplyStep.CONFIRM)
def confirm(renewal: Renewal):
    form = ConfirmForm()
    return step_done(
        form,
        rules.APPLY_FLOW,
        ApplyStep.CONFIRM,
        renewal,
        lambda: application.confirm_details(renewal),
    ) or _apply_page("renewal/confirm.html", renewal, ApplyStep.CONFIRM, form=form)


def _materials_page(
    renewal: Renewal, errors: dict[str, str] | None = None, block=None, focus: str | None = None
):
    return _apply_page(
        "renewal/materials.html",
        renewal,
        ApplyStep.MATERIALS,
        block=block,
        sides=services.ID_SIDES,
        files={kind: services.file_of(renewal, kind) for kind in services.ID_SIDES},
        errors=errors or {},
        form=ConfirmForm(),
        focus=focus,
    )


@bp.get("/<int:renewal_id>/materials")
@login_required
@guarded(_apply_guard, ApplyStep.MATERIALS)
def materials(renewal: Renewal):
    return _materials_page(renewal)


@bp.post("/<int:renewal_id>/materials/<kind>")
@login_required
def upload(renewal_id: int, kind: str):
    renewal = owned(renewal_id)
    if kind not in services.ID_SIDES:
        abort(404)
    refused = _apply_guard(renewal, ApplyStep.MATERIALS)
    if refused:
        return refused
    upload = request.files.get("file")
    errors: dict[str, str] = {}
    if upload is None or not upload.filename:
        errors[kind] = f"请选择{services.ID_SIDES[kind]}的照片"
    else:
        try:
            application.attach_id_side(renewal, kind, application.read_upload(upload.stream))
        except (UploadError, RenewalError) as error:
            errors[kind] = getattr(error, "message", None) or str(error)
    if wants_fragment():
        return _materials_page(renewal, errors, block="materials_block", focus=kind)
    if errors:
        return _materials_page(renewal, errors)
    flash(f"{services.ID_SIDES[kind]}已上传", "success")
    return see_other(url_for("renewal.materials", renewal_id=renewal.id) + f"#side-{kind}")


@bp.post("/<int:renewal_id>/submit")
@login_required
@guarded(_apply_guard, ApplyStep.MATERIALS)
def submit(renewal: Renewal):
    try:
        application.submit(renewal, ip=client_ip())
    except RenewalError as error:
        return _materials_page(renewal, {"submit": error.message})
    return see_other(after_step(rules.APPLY_FLOW, ApplyStep.MATERIALS, renewal))


@bp.get("/<int:renewal_id>/submitted")
@login_required
def submitted(renewal_id: int):
    renewal = owned(renewal_id)
    if renewal.submitted_at is None:
        return see_other(_next_url(renewal))
    return render(
        "renewal/submitted.html",
        title="续租申请",
        back_url=url_for("renewal.index"),
        renewal=renewal,
    )


@bp.get("/<int:renewal_id>")
@login_required
def detail(renewal_id: int):
    """我的续约: status and review details, and the contract once signed."""
    renewal = owned(renewal_id)
    return render(
        "renewal/detail.html",
        title="续约详情",
        back_url=url_for("renewal.index"),
        renewal=renewal,
        signed=services.latest_document(renewal, "signed"),
        approval=approval.record_of(renewal),
        next_url=_next_url(renewal),
        event_labels=services.EVENT_LABELS,
    )
