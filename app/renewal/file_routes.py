"""A renewal's uploaded files and contract PDFs, to its tenant or to the phone holding a
handoff grant for signing it (that phone: only the signature and the PDFs); never cached,
and a PDF's SHA-256 is checked on the way out. Thin views.
"""

from __future__ import annotations

import io

from flask import Response, abort, flash, request, send_file, url_for
from flask_login import current_user

from app.htmx import see_other
from app.renewal import bp, services
from app.renewal.pages import signer
from app.renewal.rules import RenewalError
from app.storage import storage


@bp.get("/<int:renewal_id>/files/<int:file_id>")
@bp.get("/<int:renewal_id>/files/<int:file_id>/thumbnail", endpoint="file_thumbnail")
def file(renewal_id: int, file_id: int):
    """An uploaded file, only to its owner (the signing phone: only the signature)."""
    renewal = signer(renewal_id)
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
    renewal = signer(renewal_id)
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
