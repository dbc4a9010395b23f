"""The signed contract to print, with its 审批记录 once approved, and the public page that
checks a printed approval by its code. Thin views; the record is ``app.renewal.approval``.
"""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.handoff.models import FaceVerification
from app.handoff.widget import qr_png
from app.htmx import render, see_other
from app.renewal import approval, bp, queries, services
from app.renewal.contract import COMMITMENT_TEXT, COMMITMENT_TITLE, clauses, lessor_line
from app.renewal.forms import VerifyForm
from app.renewal.services import RenewalError
from app.web import found_or_404


@bp.get("/<int:renewal_id>/contract")
@login_required
def contract(renewal_id: int):
    """打印合同: the signed contract's text and signature, and the approval stamp."""
    renewal = found_or_404(queries.renewal_for(current_user.id, renewal_id))
    signed = services.latest_document(renewal, "signed")
    if renewal.signed_at is None or signed is None:
        return see_other(url_for("renewal.detail", renewal_id=renewal.id))
    data = services.contract_data(renewal)
    record = approval.record_of(renewal)
    face = (
        db.session.get(FaceVerification, renewal.face_verification_id)
        if renewal.face_verification_id
        else None
    )
    verify_url = (
        url_for("renewal.verify_code", code=record.code, _external=True) if record else None
    )
    response = render(
        "renewal/contract.html",
        title="续约合同",
        back_url=url_for("renewal.detail", renewal_id=renewal.id),
        renewal=renewal,
        data=data,
        clauses=clauses(data),
        commitment_title=COMMITMENT_TITLE,
        commitment_text=COMMITMENT_TEXT,
        lessor_line=record.lessor_line if record else lessor_line(data.lessor),
        signed=signed,
        unsigned=services.latest_document(renewal, "unsigned"),
        signature=services.file_of(renewal, services.SIGNATURE),
        face=face,
        record=record,
        verify_url=verify_url,
        qr=qr_png(verify_url) if verify_url else None,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/verify", endpoint="verify")
@bp.get("/verify/<code>", endpoint="verify_code")
def verify(code: str | None = None):
    """合同审批核验: anyone holding the printed contract checks its code here."""
    asked = code is not None or "code" in request.args
    form = VerifyForm(MultiDict({"code": code}) if code is not None else request.args)
    valid = asked and form.validate()
    record = approval.find(form.code.data) if valid and form.code.data is not None else None
    intact = False
    if record is not None:
        try:
            services.document_bytes(record.document)
            intact = True
        except (RenewalError, OSError):  # missing or unreadable: not verified
            intact = False
    response = render(
        "renewal/verify.html",
        title="续约合同审批核验",
        form=form,
        asked=asked and not form.errors,
        record=record,
        intact=intact,
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response
