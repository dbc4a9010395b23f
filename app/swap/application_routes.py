"""申请互换: the formal application, for its two tenants (reason, proof, 承诺书,
pre-payment, withdrawal); anyone else gets 404. Thin views: parse, call a service, render or
303-redirect.
"""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.housing.models import Unit
from app.htmx import render, see_other
from app.inputs import entered
from app.swap import application_steps, applications, bp, listings
from app.swap.conversation_routes import own_request_or_404
from app.swap.forms import ConfirmForm, ProofForm, ReasonForm, SignForm
from app.swap.routes import stored_file
from app.swap.rules import FLOW, MAX_PROOF_FILES, Step, step_refusal
from app.swap.statuses import SwapError
from app.web import client_ip, found_or_404


@bp.post("/requests/<int:request_id>/apply")
@login_required
def start_application(request_id: int):
    found = own_request_or_404(request_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        started = applications.start_application(current_user, found)
    except SwapError as error:
        flash(error.message, "error")
        return see_other(url_for("swap.conversation", request_id=found.id))
    return see_other(url_for("swap.application", application_id=started.id))


def _own_application_or_404(application_id: int):
    return found_or_404(applications.application_for_party(current_user.id, application_id))


def _application_page(
    found, reason_form: ReasonForm | None = None, proof_form: ProofForm | None = None
):
    mine_party = found.party_of(current_user.id)
    other_party = found.other_party(current_user.id)
    if reason_form is None:
        reason_form = ReasonForm(formdata=None)
        reason_form.reason_category.data = mine_party.reason_category
        reason_form.reason_text.data = mine_party.reason_text
    return render(
        "swap/application.html",
        title="申请互换",
        back_url=url_for("swap.mine"),
        application=found,
        party=mine_party,
        flow=FLOW,
        progress=application_steps.progress_of(mine_party),
        other_progress=application_steps.progress_of(other_party),
        bills=application_steps.prepay_bills(mine_party),
        from_unit=db.session.get(Unit, mine_party.from_unit_id),
        to_unit=db.session.get(Unit, mine_party.to_unit_id),
        reason_form=reason_form,
        proof_form=proof_form or ProofForm(formdata=None),
        max_files=MAX_PROOF_FILES,
        prepay_months=application_steps.prepay_months(),
    )


@bp.get("/applications/<int:application_id>")
@login_required
def application(application_id: int):
    return _application_page(_own_application_or_404(application_id))


@bp.post("/applications/<int:application_id>/reason")
@login_required
def save_reason(application_id: int):
    found = _own_application_or_404(application_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            application_steps.save_reason(
                found, current_user, form.reason_category.data, entered(form.reason_text)
            )
        except SwapError as error:
            form.form_errors.extend(error.messages)
        else:
            flash("互换理由已保存", "success")
            return see_other(url_for("swap.application", application_id=found.id) + "#proofs")
    return _application_page(found, reason_form=form)


@bp.post("/applications/<int:application_id>/proofs")
@login_required
def upload_proof(application_id: int):
    found = _own_application_or_404(application_id)
    form = ProofForm()
    if form.validate_on_submit():
        try:
            application_steps.add_proof(
                found, current_user, listings.read_upload(form.file.data.stream)
            )
        except SwapError as error:
            form.file.errors = [*form.file.errors, *error.messages]
        else:
            flash("证明材料已上传", "success")
            return see_other(url_for("swap.application", application_id=found.id) + "#proofs")
    return _application_page(found, proof_form=form)


@bp.post("/applications/<int:application_id>/proofs/<int:file_id>/delete")
@login_required
def delete_proof(application_id: int, file_id: int):
    found = _own_application_or_404(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        application_steps.delete_proof(found, current_user, file_id)
    except SwapError as error:
        flash(error.message, "error")
    return see_other(url_for("swap.application", application_id=found.id) + "#proofs")


@bp.get("/applications/<int:application_id>/proofs/<int:file_id>")
@login_required
def proof(application_id: int, file_id: int):
    """A proof material, only to the tenant who uploaded it (staff see it in the back office)."""
    found = _own_application_or_404(application_id)
    file = application_steps.proof_file(found, file_id)
    if file is None or file.party.tenant_id != current_user.id:
        abort(404)
    return stored_file(file.storage_key, file.content_type, f"proof-{file.id}")


@bp.route("/applications/<int:application_id>/sign", methods=["GET", "POST"])
@login_required
def sign(application_id: int):
    found = _own_application_or_404(application_id)
    form = SignForm()
    if form.validate_on_submit():
        try:
            application_steps.sign(found, current_user, entered(form.password), ip=client_ip())
        except SwapError as error:
            form.form_errors.extend(error.messages)
        else:
            flash("已签署《承诺书》", "success")
            return see_other(url_for("swap.application", application_id=found.id))
    party = found.party_of(current_user.id)
    return render(
        "swap/sign.html",
        "form_block",
        title="签署承诺书",
        back_url=url_for("swap.application", application_id=found.id),
        application=found,
        party=party,
        refusal=None if party.signed_at else _sign_refusal(party),
        from_unit=db.session.get(Unit, party.from_unit_id),
        to_unit=db.session.get(Unit, party.to_unit_id),
        form=form,
        prepay_months=application_steps.prepay_months(),
    )


def _sign_refusal(party) -> str | None:
    return step_refusal(application_steps.progress_of(party), Step.SIGN)


@bp.post("/applications/<int:application_id>/prepay")
@login_required
def prepay(application_id: int):
    found = _own_application_or_404(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        application_steps.issue_prepayment(found, current_user)
    except SwapError as error:
        flash(error.message, "error")
        return see_other(url_for("swap.application", application_id=found.id))
    flash("已生成预缴账单，请在租金缴纳中完成支付；支付后回到本页查看进度", "success")
    return see_other(url_for("rent.pay"))


@bp.post("/applications/<int:application_id>/withdraw")
@login_required
def withdraw_application(application_id: int):
    found = _own_application_or_404(application_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        application_steps.withdraw(found, current_user)
    except SwapError as error:
        flash(error.message, "error")
    else:
        flash("已撤回互换申请", "success")
    return see_other(url_for("swap.application", application_id=found.id))
