"""个人租赁合同续约: the tenant's renewal application and the signing of the contract.

Thin views: parse, call a service, render or redirect (303 after POST). A step reached
by URL before the ones it needs is refused with a message and a redirect to the step
to do now. The phone-side signing pages also open for a phone holding a handoff grant
for exactly this renewal (the phone is not signed in).
"""

from __future__ import annotations

import io

import click
from flask import Response, abort, flash, redirect, request, send_file, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.apply.signature import SignatureError, decode_drawn_signature
from app.core.steps import Flow
from app.handoff.grants import active_grant
from app.handoff.purposes import RENEWAL_SIGN, set_phone_next
from app.handoff.rules import is_mobile_user_agent
from app.handoff.widget import handoff_widget
from app.htmx import render, see_other, wants_fragment
from app.renewal import approval, bp, rules, services
from app.renewal import cards as _cards  # noqa: F401  (registers the home card)
from app.renewal import contract_routes as _contract_routes  # noqa: F401  (打印合同, 核验)
from app.renewal import income_check as income_checks
from app.renewal.contract import (
    COMMITMENT_TEXT,
    COMMITMENT_TITLE,
    DECLARATION,
    DECLARATION_TITLE,
    clauses,
)
from app.renewal.forms import (
    CommitmentCopyForm,
    CommitmentReadForm,
    ConfirmForm,
    DeclarationForm,
    PolicyForm,
)
from app.renewal.models import IncomeCheckStatus, Renewal, RenewalPolicy, RenewalStatus
from app.renewal.rules import ApplyStep, SignStep
from app.renewal.services import RenewalError
from app.step_pages import counter, next_url, refusal_redirect, resume_url, step_url
from app.storage import storage
from app.uploads import UploadError

STOP_POLLING = 286  # htmx stops an `every 2s` trigger on this status
# After the face check, the phone goes straight to the contract to sign.
set_phone_next(RENEWAL_SIGN, lambda renewal_id: f"/renewal/{renewal_id}/sign/phone")


@bp.record_once
def _setup(state) -> None:
    services.init_app(state.app)


def _ip() -> str | None:
    return request.remote_addr


def _owned(renewal_id: int) -> Renewal:
    renewal = services.renewal_for(current_user.id, renewal_id)
    if renewal is None:
        abort(404)
    return renewal


def _signer(renewal_id: int) -> Renewal | None:
    """The renewal for its signed-in tenant, or for a phone holding a grant for it."""
    if current_user.is_authenticated:
        found = services.renewal_for(current_user.id, renewal_id)
        if found is not None:
            return found
    grant = active_grant(RENEWAL_SIGN, renewal_id)
    if grant is None:
        return None
    return services.renewal_for(grant.user_id, renewal_id)


def _grant_missing() -> Response:
    return render("renewal/invalid.html", status=404, title="合同签署")


def _details_context(renewal: Renewal) -> dict:
    lease = renewal.lease
    return {
        "renewal": renewal,
        "lease": lease,
        "unit": lease.unit,
        "term": lease.current_term,
        "data": services.contract_data(renewal),
    }


# -- 续租申请 ------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index():
    lease = services.active_lease(current_user.id)
    context: dict = {"lease": lease, "history": services.renewals_of(current_user.id)}
    if lease is not None:
        renewal = services.open_renewal(lease.id)
        settled = None if renewal else services.settled_renewal(lease)
        context.update(
            renewal=renewal,
            settled=settled,
            window=services.window_for(lease),
            blockers=[] if renewal or settled else services.blockers_for(lease),
            check=income_checks.latest_income_check(lease.id),
            next_url=_next_url(renewal) if renewal else None,
        )
    return render("renewal/index.html", title="个人租赁合同续约", **context)


def _next_url(renewal: Renewal) -> str:
    if renewal.status_enum is RenewalStatus.DRAFT:
        return resume_url(rules.APPLY_FLOW, services.facts(renewal), renewal_id=renewal.id)
    if renewal.status_enum is RenewalStatus.APPROVED:
        return resume_url(rules.SIGN_FLOW, services.facts(renewal), renewal_id=renewal.id)
    return url_for("renewal.detail", renewal_id=renewal.id)


def _after_step(flow: Flow[rules.RenewalFacts], step: str, renewal: Renewal) -> str:
    """下一步 of ``flow`` after ``step``, for this renewal."""
    return next_url(flow, step, renewal_id=renewal.id)


def _lease_or_redirect():
    lease = services.active_lease(current_user.id)
    if lease is None:
        flash("您目前没有履约中的租约，无需续约。", "info")
        return None, see_other(url_for("renewal.index"))
    renewal = services.open_renewal(lease.id)
    if renewal is not None:
        return None, see_other(_next_url(renewal))
    blockers = services.blockers_for(lease)
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
    choices = services.policy_choices(lease)
    check = income_checks.latest_income_check(lease.id)
    check_passed = check is not None and check.status_enum is IncomeCheckStatus.PASSED
    form = PolicyForm()
    form.policy.choices = [SelectChoice(p.value, p.label) for p in choices]
    if request.method == "GET" and len(choices) == 1:
        form.policy.data = choices[0].value
    if form.validate_on_submit():
        chosen = next((p for p in RenewalPolicy if p.value == form.policy.data), None)
        try:
            if chosen is None:
                raise services.PolicyNotOpen()
            renewal = services.start_renewal(current_user, lease, chosen, ip=_ip())
        except services.IncomeCheckNeeded as error:
            flash(error.message, "info")
            return see_other(url_for("renewal.income_check"))
        except services.PolicyNotOpen as error:
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
        lease_policy=services.lease_policy(lease),
        check=check,
        check_passed=check_passed,
    )


@bp.route("/income-check", methods=["GET", "POST"])
@login_required
def income_check():
    """经济状况核对: 发起收入财产核对, then wait for 民政's result."""
    lease = services.active_lease(current_user.id)
    if lease is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            income_checks.request_income_check(current_user, lease, ip=_ip())
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
    if renewal.status_enum is not RenewalStatus.DRAFT:
        flash("续约申请已提交，不能再修改。", "info")
        return see_other(url_for("renewal.detail", renewal_id=renewal.id))
    return refusal_redirect(
        rules.APPLY_FLOW, services.facts(renewal), wanted, renewal_id=renewal.id
    )


def _apply_page(template: str, renewal: Renewal, step: ApplyStep, **context):
    return render(
        template,
        context.pop("block", None),
        title="续租申请",
        back_url=url_for("renewal.index"),
        **counter(rules.APPLY_FLOW, step),
        **_details_context(renewal),
        **context,
    )


@bp.route("/<int:renewal_id>/declaration", methods=["GET", "POST"])
@login_required
def declaration(renewal_id: int):
    renewal = _owned(renewal_id)
    refused = _apply_guard(renewal, ApplyStep.DECLARATION)
    if refused:
        return refused
    form = DeclarationForm()
    if request.method == "GET" and renewal.declaration_accepted_at:
        form.agreed.data = True
    if form.validate_on_submit():
        try:
            services.accept_declaration(renewal, ip=_ip())
        except RenewalError as error:
            form.form_errors.append(error.message)
        else:
            return see_other(_after_step(rules.APPLY_FLOW, ApplyStep.DECLARATION, renewal))
    return _apply_page(
        "renewal/declaration.html",
        renewal,
        ApplyStep.DECLARATION,
        form=form,
        declaration_title=DECLARATION_TITLE,
        declaration=DECLARATION,
    )


@bp.route("/<int:renewal_id>/confirm", methods=["GET", "POST"])
@login_required
def confirm(renewal_id: int):
    renewal = _owned(renewal_id)
    refused = _apply_guard(renewal, ApplyStep.CONFIRM)
    if refused:
        return refused
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_details(renewal)
        except RenewalError as error:
            form.form_errors.append(error.message)
        else:
            return see_other(_after_step(rules.APPLY_FLOW, ApplyStep.CONFIRM, renewal))
    return _apply_page("renewal/confirm.html", renewal, ApplyStep.CONFIRM, form=form)


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
def materials(renewal_id: int):
    renewal = _owned(renewal_id)
    return _apply_guard(renewal, ApplyStep.MATERIALS) or _materials_page(renewal)


@bp.post("/<int:renewal_id>/materials/<kind>")
@login_required
def upload(renewal_id: int, kind: str):
    renewal = _owned(renewal_id)
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
            services.attach_id_side(renewal, kind, services.read_upload(upload.stream))
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
def submit(renewal_id: int):
    renewal = _owned(renewal_id)
    refused = _apply_guard(renewal, ApplyStep.MATERIALS)
    if refused:
        return refused
    try:
        services.submit(renewal, ip=_ip())
    except RenewalError as error:
        return _materials_page(renewal, {"submit": error.message})
    return see_other(_after_step(rules.APPLY_FLOW, ApplyStep.MATERIALS, renewal))


@bp.get("/<int:renewal_id>/submitted")
@login_required
def submitted(renewal_id: int):
    renewal = _owned(renewal_id)
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
    renewal = _owned(renewal_id)
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


@bp.get("/<int:renewal_id>/files/<int:file_id>")
@bp.get("/<int:renewal_id>/files/<int:file_id>/thumbnail", endpoint="file_thumbnail")
def file(renewal_id: int, file_id: int):
    """An uploaded file, only to its owner (the signing phone: only the signature)."""
    renewal = _signer(renewal_id)
    if renewal is None:
        abort(404)
    found = next((f for f in renewal.files if f.id == file_id), None)
    owner = current_user.is_authenticated and current_user.id == renewal.tenant_id
    if found is None or (not owner and found.kind != services.SIGNATURE):
        abort(404)
    thumbnail = request.endpoint == "renewal.file_thumbnail"
    key = found.thumbnail_key if thumbnail else found.storage_key
    if key is None:
        abort(404)
    return _private_file(
        storage().open(key), "image/jpeg" if thumbnail else found.content_type, f"file-{found.id}"
    )


def _private_file(handle, mimetype: str, name: str, *, download: bool = False) -> Response:
    response = send_file(handle, mimetype=mimetype, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


@bp.get("/<int:renewal_id>/documents/<int:document_id>")
def document(renewal_id: int, document_id: int):
    """A contract PDF (its SHA-256 checked on the way out), to the tenant or signing phone."""
    renewal = _signer(renewal_id)
    if renewal is None:
        abort(404)
    found = next((d for d in renewal.documents if d.id == document_id), None)
    if found is None:
        abort(404)
    try:
        data = services.document_bytes(found)
    except RenewalError as error:
        flash(error.message, "error")
        return see_other(url_for("renewal.index"))
    name = f"renewal-{renewal.reference}-v{found.version}.pdf"
    return _private_file(
        io.BytesIO(data), "application/pdf", name, download=request.args.get("download") == "1"
    )


# -- 合同签订 --------------------------------------------------------------------------------


def _sign_guard(renewal: Renewal, wanted: SignStep) -> Response | None:
    if renewal.signed_at is not None:
        if wanted is not SignStep.SIGNED:
            flash("合同已签署，无需重复签署。", "info")
        return see_other(url_for("renewal.sign_done", renewal_id=renewal.id))
    if renewal.status_enum is not RenewalStatus.APPROVED:
        flash("续约申请审核通过后才能签订合同。", "error")
        return see_other(url_for("renewal.detail", renewal_id=renewal.id))
    return refusal_redirect(rules.SIGN_FLOW, services.facts(renewal), wanted, renewal_id=renewal.id)


def _sign_page(template: str, renewal: Renewal, step: SignStep, **context):
    context.setdefault("back_url", url_for("renewal.index"))
    return render(
        template,
        context.pop("block", None),
        title="个人租赁合同签订",
        **counter(rules.SIGN_FLOW, step),
        clauses=clauses(services.contract_data(renewal)),
        **_details_context(renewal),
        **context,
    )


@bp.route("/<int:renewal_id>/sign", methods=["GET", "POST"])
@login_required
def sign_contract(renewal_id: int):
    """个人租赁合同签订: the contract to sign, then 合同签署."""
    renewal = _owned(renewal_id)
    refused = _sign_guard(renewal, SignStep.CONTRACT)
    if refused:
        return refused
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.start_signing(renewal, ip=_ip())
        except RenewalError as error:
            form.form_errors.append(error.message)
        else:
            return see_other(_after_step(rules.SIGN_FLOW, SignStep.CONTRACT, renewal))
    return _sign_page(
        "renewal/sign_contract.html",
        renewal,
        SignStep.CONTRACT,
        form=form,
        unsigned=services.latest_document(renewal, "unsigned"),
    )


@bp.route("/<int:renewal_id>/sign/confirm", methods=["GET", "POST"])
@login_required
def sign_confirm(renewal_id: int):
    renewal = _owned(renewal_id)
    refused = _sign_guard(renewal, SignStep.CONFIRM)
    if refused:
        return refused
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            services.confirm_signing_details(renewal)
        except RenewalError as error:
            form.form_errors.append(error.message)
        else:
            return see_other(_after_step(rules.SIGN_FLOW, SignStep.CONFIRM, renewal))
    return _sign_page("renewal/sign_confirm.html", renewal, SignStep.CONFIRM, form=form)


@bp.route("/<int:renewal_id>/sign/commitment", methods=["GET", "POST"])
@login_required
def commitment(renewal_id: int):
    """阅读承诺书: 我已阅知 only after the countdown, counted from the first showing."""
    renewal = _owned(renewal_id)
    refused = _sign_guard(renewal, SignStep.COMMITMENT)
    if refused:
        return refused
    services.show_commitment(renewal)
    form = CommitmentReadForm()
    if form.validate_on_submit():
        try:
            services.read_commitment(renewal, ip=_ip())
        except RenewalError as error:
            form.form_errors.append(error.message)
        else:
            return see_other(_after_step(rules.SIGN_FLOW, SignStep.COMMITMENT, renewal))
    return _sign_page(
        "renewal/commitment.html",
        renewal,
        SignStep.COMMITMENT,
        block="form_block",
        form=form,
        commitment_title=COMMITMENT_TITLE,
        commitment_text=COMMITMENT_TEXT,
        seconds_left=services.commitment_seconds_left(renewal),
    )


@bp.route("/<int:renewal_id>/sign/copy", methods=["GET", "POST"])
@login_required
def commitment_copy(renewal_id: int):
    """Copy and paste (or type) the commitment; it must match, whitespace ignored."""
    renewal = _owned(renewal_id)
    refused = _sign_guard(renewal, SignStep.COPY)
    if refused:
        return refused
    form = CommitmentCopyForm()
    if form.validate_on_submit():
        try:
            services.confirm_commitment(renewal, form.text.data, ip=_ip())
        except RenewalError as error:
            form.text.errors = [error.message]
        else:
            return see_other(_after_step(rules.SIGN_FLOW, SignStep.COPY, renewal))
    return _sign_page(
        "renewal/copy.html",
        renewal,
        SignStep.COPY,
        block="form_block",
        form=form,
        commitment_title=COMMITMENT_TITLE,
        commitment_text=COMMITMENT_TEXT,
    )


@bp.get("/<int:renewal_id>/sign/face")
@login_required
def sign_face(renewal_id: int):
    """人脸识别并签署: on a computer the QR handoff to the phone, on a phone in place."""
    renewal = _owned(renewal_id)
    refused = _sign_guard(renewal, SignStep.FACE)
    if refused:
        return refused
    context: dict = {}
    face = services.face_for_signing(renewal)
    if face is None:
        on_phone = is_mobile_user_agent(request.user_agent.string)
        continue_url = url_for(
            "renewal.sign_phone" if on_phone else "renewal.sign_face", renewal_id=renewal.id
        )
        context = handoff_widget(current_user, RENEWAL_SIGN, renewal.id, continue_url=continue_url)
    return _sign_page(
        "renewal/face.html",
        renewal,
        SignStep.FACE,
        face=face,
        progress=_progress(renewal),
        **context,
    )


def _progress(renewal: Renewal) -> str:
    if renewal.signed_at is not None:
        return "signed"
    if services.face_for_signing(renewal) is not None:
        return "face_passed"
    return "waiting"


@bp.get("/<int:renewal_id>/sign/progress")
def sign_progress(renewal_id: int):
    """The desktop's polled progress: 签订成功 shows up here without a reload."""
    if not wants_fragment():  # a page of its own is the signing page
        return redirect(url_for("renewal.sign_face", renewal_id=renewal_id))
    if not current_user.is_authenticated:
        return render("renewal/face.html", "progress_block", status=STOP_POLLING, signed_out=True)
    renewal = _owned(renewal_id)
    progress = _progress(renewal)
    if progress != "signed" and request.args.get("shown") == progress:
        return Response(status=204)
    return render(
        "renewal/face.html",
        "progress_block",
        status=STOP_POLLING if progress == "signed" else 200,
        renewal=renewal,
        progress=progress,
        handoff_over=progress == "signed",
    )


# -- the phone: read, draw the signature, sign --------------------------------------------


def _phone_guard(renewal: Renewal | None) -> Response | None:
    if renewal is None:
        return _grant_missing()
    if renewal.signed_at is not None:
        return see_other(url_for("renewal.sign_done", renewal_id=renewal.id))
    if renewal.status_enum is not RenewalStatus.APPROVED:
        return _grant_missing()
    if services.face_for_signing(renewal) is None:
        if current_user.is_authenticated and current_user.id == renewal.tenant_id:
            flash("请先完成人脸识别，再签署合同。", "error")
            facts = services.facts(renewal)
            return see_other(resume_url(rules.SIGN_FLOW, facts, renewal_id=renewal.id))
        return _grant_missing()
    return None


@bp.get("/<int:renewal_id>/sign/phone")
def sign_phone(renewal_id: int):
    """阅读文书: the contract with its reading countdown, then 马上签署."""
    renewal = _signer(renewal_id)
    refused = _phone_guard(renewal)
    if refused:
        return refused
    services.show_contract_for_signing(renewal)
    return _sign_page(
        "renewal/phone_read.html",
        renewal,
        SignStep.FACE,
        back_url=None,
        form=ConfirmForm(),
        seconds_left=services.contract_seconds_left(renewal),
        unsigned=services.latest_document(renewal, "unsigned"),
    )


@bp.post("/<int:renewal_id>/sign/ready")
def sign_ready(renewal_id: int):
    renewal = _signer(renewal_id)
    refused = _phone_guard(renewal)
    if refused:
        return refused
    try:
        services.ready_to_sign(renewal)
    except RenewalError as error:
        flash(error.message, "error")
        return see_other(url_for("renewal.sign_phone", renewal_id=renewal.id))
    return see_other(url_for("renewal.signature", renewal_id=renewal.id))


def _signature_page(renewal: Renewal, error: str | None = None):
    return _sign_page(
        "renewal/signature.html",
        renewal,
        SignStep.FACE,
        back_url=url_for("renewal.sign_phone", renewal_id=renewal.id),
        form=ConfirmForm(),
        signature=services.file_of(renewal, services.SIGNATURE),
        signature_error=error,
    )


@bp.route("/<int:renewal_id>/sign/signature", methods=["GET", "POST"])
def signature(renewal_id: int):
    """签字: draw with a finger (or upload a photo of a signature on paper), 保存."""
    renewal = _signer(renewal_id)
    refused = _phone_guard(renewal)
    if refused:
        return refused
    try:
        services.ready_to_sign(renewal)
    except RenewalError as error:
        flash(error.message, "error")
        return see_other(url_for("renewal.sign_phone", renewal_id=renewal.id))
    if request.method == "GET":
        return _signature_page(renewal)
    try:
        if request.form.get("drawn"):
            data = decode_drawn_signature(request.form["drawn"])
        elif "photo" in request.files and request.files["photo"].filename:
            data = services.read_upload(request.files["photo"].stream)
        else:
            raise SignatureError("请先在签名框内手写签名，或上传手写签名的照片")
        services.save_signature(renewal, data)
    except (SignatureError, UploadError) as error:
        return _signature_page(renewal, str(error))
    except RenewalError as error:
        return _signature_page(renewal, error.message)
    flash("签名已保存，请点击“马上签署”完成签署", "success")
    return see_other(url_for("renewal.signature", renewal_id=renewal.id))


@bp.post("/<int:renewal_id>/sign/submit")
def sign_submit(renewal_id: int):
    """马上签署 (after saving the signature): the signed contract is generated and kept."""
    renewal = _signer(renewal_id)
    if renewal is not None and renewal.signed_at is not None:
        flash("合同已签署，无需重复签署。", "info")
        return see_other(url_for("renewal.sign_done", renewal_id=renewal.id))
    refused = _phone_guard(renewal)
    if refused:
        return refused
    try:
        services.sign(renewal, ip=_ip())
    except RenewalError as error:
        return _signature_page(renewal, error.message)
    return see_other(url_for("renewal.sign_done", renewal_id=renewal.id))


@bp.get("/<int:renewal_id>/sign/done")
def sign_done(renewal_id: int):
    """签署成功, with 查看文件."""
    renewal = _signer(renewal_id)
    if renewal is None:
        return _grant_missing()
    if renewal.signed_at is None:
        return see_other(url_for("renewal.sign_phone", renewal_id=renewal.id))
    return render(
        "renewal/signed.html",
        title="个人租赁合同签订",
        renewal=renewal,
        signed=services.latest_document(renewal, "signed"),
        signed_in=current_user.is_authenticated,
    )


# -- command line ------------------------------------------------------------------------------


@bp.cli.command("notify-window")
def notify_window_command() -> None:
    """Post “续约申请已开放” once to each tenant whose renewal window has opened."""
    run = services.notify_window_openings()
    click.echo(f"posted {run.posted} message(s); {run.already} already told")
