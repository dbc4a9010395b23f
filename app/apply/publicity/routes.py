"""Public pages (no sign-in): 公示 with the objection form, and 资格证明 verification;
plus the holder's own printable certificate."""

from __future__ import annotations

from flask import current_app, flash, request, url_for
from flask_login import current_user, login_required

from app.apply import workflow
from app.apply.publicity import bp, services
from app.apply.publicity.forms import ObjectionForm
from app.core import clock
from app.extensions import limiter
from app.htmx import render, see_other
from app.inputs import arg_page, entered
from app.web import client_ip, found_or_404


def _objection_rate_limit() -> str:
    return current_app.config["OBJECTION_RATE_LIMIT"]


@bp.get("/publicity/")
def index():
    district = request.args.get("district", "")
    districts = services.district_names()
    if district not in districts:
        district = ""
    found = services.running_rounds(clock.today_in_china(), district=district, page=arg_page())
    return render(
        "publicity/index.html",
        "results",
        title="保障资格公示",
        found=found,
        district=district,
        districts=districts,
        Round=workflow.Round,
        Programme=workflow.Programme,
        track_of_round=services.track_of_round,
    )


@bp.route("/publicity/<int:round_id>/objection", methods=["GET", "POST"])
@limiter.limit(_objection_rate_limit, methods=["POST"])
def objection(round_id: int):
    publicity = found_or_404(services.round_open_for_objection(round_id, clock.today_in_china()))
    form = ObjectionForm()
    if form.validate_on_submit():
        name, phone = entered(form.contact_name), entered(form.contact_phone)
        content = entered(form.content)
        services.submit_objection(
            publicity, name=name, phone=phone, content=content.strip(), ip=client_ip()
        )
        flash("异议已提交，受理单位将核实处理，必要时通过您留的电话联系您", "success")
        return see_other(url_for("publicity.index"))
    return render(
        "publicity/objection.html",
        "form_block",
        title="提出异议",
        back_url=url_for("publicity.index"),
        publicity=publicity,
        round_label=workflow.Round(publicity.level).label(services.track_of_round(publicity)),
        programme=workflow.Programme(publicity.programme),
        form=form,
    )


@bp.get("/certificate")
@login_required
def certificate():
    """The holder's printable 资格证明 with its verification QR code."""
    found = found_or_404(services.certificate_of_holder(current_user.id))
    verify_url = url_for("publicity.verify", token=found.token, _external=True)
    today = clock.today_in_china()
    return render(
        "publicity/certificate.html",
        title="住房保障资格证明",
        back_url=url_for("apply.status"),
        certificate=found,
        holder=current_user,
        programme=workflow.Programme(found.programme),
        valid=workflow.certificate_is_valid(today, found.issued_on, found.valid_until),
        after_certificate=workflow.AFTER_CERTIFICATE,
        verify_url=verify_url,
        qr=services.qr_data_uri(verify_url),
    )


@bp.get("/certificate/verify/<token>")
def verify(token: str):
    """What anyone scanning the QR code sees: masked holder, dates, valid or not."""
    found = services.certificate_by_token(token)
    today = clock.today_in_china()
    response = render(
        "publicity/verify.html",
        title="资格证明核验",
        certificate=found,
        programme=workflow.Programme(found.programme) if found else None,
        valid=found is not None
        and workflow.certificate_is_valid(today, found.issued_on, found.valid_until),
        today=today,
        status=200 if found else 404,
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
