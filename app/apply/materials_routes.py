"""公租房申请 step 7: 申请材料, uploaded and deleted in the wizard, and served back only to
their owner.
"""

from __future__ import annotations

from flask import abort, flash, g, request, url_for
from flask_login import current_user, login_required

from app.apply import bp, declaration, services
from app.apply.materials import required_materials
from app.apply.models import ApplicationFile
from app.apply.services import VersionConflict
from app.apply.steps import missing_items
from app.apply.wizard import (
    confirm_removal,
    draft_facts,
    flash_conflict,
    go_next,
    saved_flash,
    step_context,
    version,
    with_draft,
)
from app.htmx import is_htmx, render, see_other, wants_fragment
from app.storage import storage
from app.uploads import UploadError
from app.web import found_or_404, private_file

# -- 7. 申请材料 -------------------------------------------------------------------------


def _materials_page(errors=None, block=None, focus: str | None = None):
    application = g.application
    required = required_materials(application.category, application.data)
    files_by_key: dict[str, list] = {}
    for file in application.files:
        files_by_key.setdefault(file.material_key, []).append(file)
    return render(
        "apply/materials.html",
        block,
        **step_context(
            "materials",
            required=required,
            files_by_key=files_by_key,
            errors=errors or {},
            missing=[],
            focus=focus,
        ),
    )


@bp.route("/materials", methods=["GET", "POST"])
@with_draft
def materials():
    if request.method == "POST":
        if request.form.get("action") == "save":
            saved_flash()
            return see_other(url_for("apply.materials"))
        missing = missing_items(draft_facts())
        if missing:
            errors = {item.key: f"请上传{item.label}" for item in missing}
            return _materials_page(errors=errors)
        return go_next("materials")
    return _materials_page()


@bp.post("/materials/<key>/upload")
@with_draft
def upload_material(key: str):
    application = g.application
    keys = {item.key for item in required_materials(application.category, application.data)}
    if key not in keys:
        abort(404)
    upload = request.files.get("file")
    errors: dict[str, str] = {}
    if upload is None or not upload.filename:
        errors[key] = "请选择要上传的照片或文件"
    else:
        try:
            declaration.attach_file(
                application, key, declaration.read_upload(upload), version=version()
            )
        except UploadError as error:
            errors[key] = str(error)
        except VersionConflict as conflict:
            errors[key] = conflict.message
    if not is_htmx():
        if errors:
            return _materials_page(errors=errors)
        flash("已上传", "success")
        return see_other(url_for("apply.materials") + f"#material-{key}")
    return _materials_page(errors=errors, block="materials_block", focus=key)


def _own_file(file_id: int) -> ApplicationFile:
    """An upload of the open draft; 404 for anyone else's."""
    file = services.file_for(current_user.id, file_id)
    if file is None or file.application_id != g.application.id:
        abort(404)
    return file


@bp.get("/files/<int:file_id>/delete")
@with_draft
def confirm_delete_material(file_id: int):
    file = _own_file(file_id)
    application = g.application
    labels = {m.key: m.label for m in required_materials(application.category, application.data)}
    same_kind = [f.id for f in application.files if f.material_key == file.material_key]
    which = f"{labels.get(file.material_key, '申请材料')}第{same_kind.index(file.id) + 1}个文件"
    thumbnail = url_for("apply.file_thumbnail", file_id=file.id) if file.thumbnail_key else None
    return confirm_removal(
        "删除申请材料",
        "确定删除这个文件吗？",
        facts=[which],
        consequence="删除后不能恢复；如需要，可以重新上传。",
        action=url_for("apply.delete_material", file_id=file.id),
        back=url_for("apply.materials"),
        image_url=thumbnail,
    )


@bp.post("/files/<int:file_id>/delete")
@with_draft
def delete_material(file_id: int):
    file = _own_file(file_id)
    key = file.material_key
    try:
        declaration.delete_file(g.application, file, version=version())
    except VersionConflict as conflict:
        flash_conflict(conflict)
    else:
        flash("已删除这个文件", "success")
    if not wants_fragment():  # confirmed on its own page: back to the list
        return see_other(url_for("apply.materials"))
    return _materials_page(block="materials_block", focus=key)


@bp.get("/files/<int:file_id>")
@bp.get("/files/<int:file_id>/thumbnail", endpoint="file_thumbnail")
@login_required
def file(file_id: int):
    """Serve an upload only to its owner, never cached, never guessed by name."""
    record = found_or_404(services.file_for(current_user.id, file_id))
    thumbnail = request.endpoint == "apply.file_thumbnail"
    key = found_or_404(record.thumbnail_key if thumbnail else record.storage_key)
    return private_file(
        storage().open(key),
        "image/jpeg" if thumbnail else record.content_type,
        f"material-{record.id}",
    )
