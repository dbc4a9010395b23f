"""A renewal's uploaded files and contract PDFs, to its tenant or to the phone holding a
handoff grant for signing it (that phone: only the signature and the PDFs); never cached,
and a PDF's SHA-256 is checked on the way out. Thin views.
"""

from __future__ import annotations

import io

from flask import abort, flash, request, url_for
from flask_login import current_user

from app.htmx import see_other
from app.renewal import bp, services
from app.renewal.pages import signer
from app.renewal.rules import RenewalError
from app.storage import storage
from app.web import found_or_404, private_file


@bp.get("/<int:renewal_id>/files/<int:file_id>")
@bp.get("/<int:renewal_id>/files/<int:file_id>/thumbnail", endpoint="file_thumbnail")
def file(renewal_id: int, file_id: int):
    """An uploaded file, only to its owner (the signing phone: only the signature)."""
    renewal = found_or_404(signer(renewal_id))
    found = next((f for f in renewal.files if f.id == file_id), None)
    owner = current_user.is_authenticated and current_user.id == renewal.tenant_id
    if found is None or (not owner and found.kind != services.SIGNATURE):
        abort(404)
    thumbnail = request.endpoint == "renewal.file_thumbnail"
    key = found_or_404(found.thumbnail_key if thumbnail else found.storage_key)
    return private_file(
        storage().open(key), "image/jpeg" if thumbnail else found.content_type, f"file-{found.id}"
    )


@bp.get("/<int:renewal_id>/documents/<int:document_id>")
def document(renewal_id: int, document_id: int):
    """A contract PDF (its SHA-256 checked on the way out), to the tenant or signing phone."""
    renewal = found_or_404(signer(renewal_id))
    found = found_or_404(next((d for d in renewal.documents if d.id == document_id), None))
    try:
        data = services.document_bytes(found)
    except RenewalError as error:
        flash(error.message, "error")
        return see_other(url_for("renewal.index"))
    name = f"renewal-{renewal.reference}-v{found.version}.pdf"
    return private_file(
        io.BytesIO(data), "application/pdf", name, download=request.args.get("download") == "1"
    )
