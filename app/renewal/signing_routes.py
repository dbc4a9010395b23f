"""个人租赁合同签订: the signing of the contract, on the computer and then on the phone.

Thin views: parse, call a service, render or redirect (303 after POST). A step reached
by URL before the ones it needs is refused with a message and a redirect to the step
to do now. The phone-side signing pages also open for a phone holding a handoff grant
for exactly this renewal (the phone is not signed in).
"""

from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.apply.signature import SignatureError, decode_drawn_signature
from app.handoff.purposes import RENEWAL_SIGN, set_phone_next
from app.handoff.rules import is_mobile_user_agent
from app.handoff.widget import handoff_widget
from app.htmx import render, see_other, wants_fragment
from app.inputs import entered
from app.renewal import application, bp, queries, rules, services, signing
from app.renewal.contract import COMMITMENT_TEXT, COMMITMENT_TITLE, clauses
from app.renewal.forms import CommitmentCopyForm, CommitmentReadForm, ConfirmForm
from app.renewal.models import Renewal, RenewalStatus
from app.renewal.pages import after_step, details_context, guarded, owned, signer, step_done
from app.renewal.rules import RenewalError, SignStep
from app.step_pages import counter, refusal_redirect, resume_url
from app.uploads import UploadError
from app.web import STOP_POLLING, client_ip

# After the face check, the phone goes straight to the contract to sign.
set_phone_next(RENEWAL_SIGN, lambda renewal_id: f"/renewal/{renewal_id}/sign/phone")


def _grant_missing() -> Response:
    return render("renewal/invalid.html", status=404, title="合同签署")


# -- 合同签订 --------------------------------------------------------------------------------


def _sign_guard(renewal: Renewal, wanted: SignStep) -> Response | None:
    if renewal.signed_at is not None:
        if wanted is not SignStep.SIGNED:
            flash("合同已签署，无需重复签署。", "info")
        return see_other(url_for("renewal.sign_done", renewal_id=renewal.id))
    if renewal.status is not RenewalStatus.APPROVED:
        flash("续约申请审核通过后才能签订合同。", "error")
        return see_other(url_for("renewal.detail", renewal_id=renewal.id))
    return refusal_redirect(rules.SIGN_FLOW, queries.facts(renewal), wanted, renewal_id=renewal.id)


def _sign_page(template: str, renewal: Renewal, step: SignStep, **context):
    context.setdefault("back_url", url_for("renewal.index"))
    return render(
        template,
        context.pop("block", None),
        title="个人租赁合同签订",
        **counter(rules.SIGN_FLOW, step),
        clauses=clauses(services.contract_data(renewal)),
        **details_context(renewal),
        **context,
    )


@bp.route("/<int:renewal_id>/sign", methods=["GET", "POST"])
@login_required
@guarded(_sign_guard, SignStep.CONTRACT)
def sign_contract(renewal: Renewal):
    """个人租赁合同签订: the contract to sign, then 合同签署."""
    form = ConfirmForm()
    return step_done(
        form,
        rules.SIGN_FLOW,
        SignStep.CONTRACT,
        renewal,
        lambda: signing.start_signing(renewal, ip=client_ip()),
    ) or _sign_page(
        "renewal/sign_contract.html",
        renewal,
        SignStep.CONTRACT,
        form=form,
        unsigned=services.latest_document(renewal, "unsigned"),
    )


@bp.route("/<int:renewal_id>/sign/confirm", methods=["GET", "POST"])
@login_required
@guarded(_sign_guard, SignStep.CONFIRM)
def sign_confirm(renewal: Renewal):
    form = ConfirmForm()
    return step_done(
        form,
        rules.SIGN_FLOW,
        SignStep.CONFIRM,
        renewal,
        lambda: signing.confirm_signing_details(renewal),
    ) or _sign_page("renewal/sign_confirm.html", renewal, SignStep.CONFIRM, form=form)


@bp.route("/<int:renewal_id>/sign/commitment", methods=["GET", "POST"])
@login_required
@guarded(_sign_guard, SignStep.COMMITMENT)
def commitment(renewal: Renewal):
    """阅读承诺书: 我已阅知 only after the countdown, counted from the first showing."""
    signing.show_commitment(renewal)
    form = CommitmentReadForm()
    return step_done(
        form,
        rules.SIGN_FLOW,
        SignStep.COMMITMENT,
        renewal,
        lambda: signing.read_commitment(renewal, ip=client_ip()),
    ) or _sign_page(
        "renewal/commitment.html",
        renewal,
        SignStep.COMMITMENT,
        block="form_block",
        form=form,
        commitment_title=COMMITMENT_TITLE,
        commitment_text=COMMITMENT_TEXT,
        seconds_left=queries.commitment_seconds_left(renewal),
    )


@bp.route("/<int:renewal_id>/sign/copy", methods=["GET", "POST"])
@login_required
@guarded(_sign_guard, SignStep.COPY)
def commitment_copy(renewal: Renewal):
    """Copy and paste (or type) the commitment; it must match, whitespace ignored."""
    form = CommitmentCopyForm()
    if form.validate_on_submit():
        try:
            signing.confirm_commitment(renewal, entered(form.text), ip=client_ip())
        except RenewalError as error:
            form.text.errors = [error.message]
        else:
            return see_other(after_step(rules.SIGN_FLOW, SignStep.COPY, renewal))
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
@guarded(_sign_guard, SignStep.FACE)
def sign_face(renewal: Renewal):
    """人脸识别并签署: on a computer the QR handoff to the phone, on a phone in place."""
    context: dict = {}
    face = queries.face_for_signing(renewal)
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
    if queries.face_for_signing(renewal) is not None:
        return "face_passed"
    return "waiting"


@bp.get("/<int:renewal_id>/sign/progress")
def sign_progress(renewal_id: int):
    """The desktop's polled progress: 签订成功 shows up here without a reload."""
    if not wants_fragment():  # a page of its own is the signing page
        return redirect(url_for("renewal.sign_face", renewal_id=renewal_id))
    if not current_user.is_authenticated:
        return render("renewal/face.html", "progress_block", status=STOP_POLLING, signed_out=True)
    renewal = owned(renewal_id)
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


def _phone_guard(renewal: Renewal, _step: object = None) -> Response | None:
    if renewal.signed_at is not None:
        return see_other(url_for("renewal.sign_done", renewal_id=renewal.id))
    if renewal.status is not RenewalStatus.APPROVED:
        return _grant_missing()
    if queries.face_for_signing(renewal) is None:
        if current_user.is_authenticated and current_user.id == renewal.tenant_id:
            flash("请先完成人脸识别，再签署合同。", "error")
            facts = queries.facts(renewal)
            return see_other(resume_url(rules.SIGN_FLOW, facts, renewal_id=renewal.id))
        return _grant_missing()
    return None


@bp.get("/<int:renewal_id>/sign/phone")
@guarded(_phone_guard, find=signer, missing=_grant_missing)
def sign_phone(renewal: Renewal):
    """阅读文书: the contract with its reading countdown, then 马上签署."""
    signing.show_contract_for_signing(renewal)
    return _sign_page(
        "renewal/phone_read.html",
        renewal,
        SignStep.FACE,
        back_url=None,
        form=ConfirmForm(),
        seconds_left=queries.contract_seconds_left(renewal),
        unsigned=services.latest_document(renewal, "unsigned"),
    )


@bp.post("/<int:renewal_id>/sign/ready")
@guarded(_phone_guard, find=signer, missing=_grant_missing)
def sign_ready(renewal: Renewal):
    try:
        signing.ready_to_sign(renewal)
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
@guarded(_phone_guard, find=signer, missing=_grant_missing)
def signature(renewal: Renewal):
    """签字: draw with a finger (or upload a photo of a signature on paper), 保存."""
    try:
        signing.ready_to_sign(renewal)
    except RenewalError as error:
        flash(error.message, "error")
        return see_other(url_for("renewal.sign_phone", renewal_id=renewal.id))
    if request.method == "GET":
        return _signature_page(renewal)
    try:
        if request.form.get("drawn"):
            data = decode_drawn_signature(request.form["drawn"])
        elif "photo" in request.files and request.files["photo"].filename:
            data = application.read_upload(request.files["photo"].stream)
        else:
            raise SignatureError("请先在签名框内手写签名，或上传手写签名的照片")
        signing.save_signature(renewal, data)
    except (SignatureError, UploadError) as error:
        return _signature_page(renewal, str(error))
    except RenewalError as error:
        return _signature_page(renewal, error.message)
    flash("签名已保存，请点击“马上签署”完成签署", "success")
    return see_other(url_for("renewal.signature", renewal_id=renewal.id))


@bp.post("/<int:renewal_id>/sign/submit")
def sign_submit(renewal_id: int):
    """马上签署 (after saving the signature): the signed contract is generated and kept."""
    renewal = signer(renewal_id)
    if renewal is None:
        return _grant_missing()
    if renewal.signed_at is not None:
        flash("合同已签署，无需重复签署。", "info")
        return see_other(url_for("renewal.sign_done", renewal_id=renewal.id))
    refused = _phone_guard(renewal)
    if refused:
        return refused
    try:
        signing.sign(renewal, ip=client_ip())
    except RenewalError as error:
        return _signature_page(renewal, error.message)
    return see_other(url_for("renewal.sign_done", renewal_id=renewal.id))


@bp.get("/<int:renewal_id>/sign/done")
def sign_done(renewal_id: int):
    """签署成功, with 查看文件."""
    renewal = signer(renewal_id)
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
