"""公租房申请 step 6: 家庭财产 (vehicles, real estate, businesses) and the handwritten
signature on the 授权书.
"""

from __future__ import annotations

from flask import abort, flash, g, request, url_for
from flask_login import current_user

from app.apply import bp, completeness, declaration, validation
from app.apply.forms import ASSET_FORMS
from app.apply.services import DraftConflict, VersionConflict
from app.apply.steps import FLOW
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
from app.core.clock import today_in_china
from app.htmx import is_htmx, render, see_other, wants_fragment
from app.uploads import UploadError
from app.web import found_or_404

ASSET_FIELDS = validation.ASSET_FIELDS
ASSET_TITLES = {"vehicles": "车辆情况", "real_estate": "不动产情况", "businesses": "工商登记情况"}


# -- 6. 家庭财产 and the signature -------------------------------------------------------


def _assets_page(forms=None, signature_error=None, block=None, focus=None):
    """The page; each kind's add form blank but the one ``forms`` gives (as it was posted)."""
    application = g.application
    forms = {kind: form(formdata=None) for kind, form in ASSET_FORMS.items()} | (forms or {})
    return render(
        "apply/assets.html",
        block,
        **step_context(
            "assets",
            assets=application.data.get("assets", {}),
            asset_fields=ASSET_FIELDS,
            asset_titles=ASSET_TITLES,
            forms=forms,
            signature=completeness.signature_file(application),
            signature_error=signature_error,
            focus=focus,
        ),
    )


@bp.route("/assets", methods=["GET", "POST"])
@with_draft
def assets():
    if request.method == "POST":
        if request.form.get("action") == "save":
            saved_flash()
            return see_other(url_for("apply.assets"))
        if not FLOW.complete(draft_facts(), "assets"):  # the signature on the 授权书
            return _assets_page(
                signature_error="请在下方手写签名（或上传签字的授权书照片）后再继续"
            )
        return go_next("assets")
    return _assets_page()


@bp.post("/assets/<kind>/add")
@with_draft
def add_asset(kind: str):
    if kind not in ASSET_FIELDS:
        abort(404)
    form = ASSET_FORMS[kind]()
    valid = form.validate()
    if valid:
        try:
            declaration.add_asset(g.application, kind, form.cleaned, version=version())
        except VersionConflict as conflict:
            form.add_problems({ASSET_FIELDS[kind][0][0]: conflict.message})
            valid = False
    if not valid:
        return _assets_page(forms={kind: form}, block="assets_block")
    if not is_htmx():
        return see_other(url_for("apply.assets"))
    return _assets_page(block="assets_block", focus=kind)


@bp.get("/assets/<kind>/<uid>/delete")
@with_draft
def confirm_delete_asset(kind: str, uid: str):
    items = g.application.data.get("assets", {}).get(kind, []) if kind in ASSET_FIELDS else []
    item = found_or_404(next((i for i in items if i.get("uid") == uid), None))
    return confirm_removal(
        "删除财产信息",
        f"确定删除这一项{ASSET_TITLES[kind].removesuffix('情况')}吗？",
        facts=[f"{label}：{item.get(field)}" for field, label, _max in ASSET_FIELDS[kind]],
        consequence="删除后，这一项不再写入申请；如需要，可以重新添加。",
        action=url_for("apply.delete_asset", kind=kind, uid=uid),
        back=url_for("apply.assets"),
    )


@bp.post("/assets/<kind>/<uid>/delete")
@with_draft
def delete_asset(kind: str, uid: str):
    if kind not in ASSET_FIELDS:
        abort(404)
    try:
        removed = declaration.remove_asset(g.application, kind, uid, version=version())
    except DraftConflict:
        flash("另一台设备刚修改了这项财产，下面是最新内容。如仍要删除，请再点一次“删除”。", "error")
        removed = True
    except VersionConflict as conflict:
        flash_conflict(conflict)
        removed = True
    else:
        if removed:
            flash("已删除这一项", "success")
    if not removed:
        abort(404)
    if not wants_fragment():  # confirmed on its own page: back to the list
        return see_other(url_for("apply.assets"))
    return _assets_page(block="assets_block", focus=kind)


@bp.post("/signature")
@with_draft
def signature():
    """The handwritten signature: drawn on the canvas (PNG), or a photo of the signed form."""
    from app.apply.signature import SignatureError, decode_drawn_signature

    try:
        if request.form.get("drawn"):
            data = decode_drawn_signature(request.form["drawn"])
        elif "photo" in request.files and request.files["photo"].filename:
            data = declaration.read_upload(request.files["photo"])
        else:
            raise SignatureError("请先在签名框内手写签名，或上传签字后的授权书照片")
        declaration.attach_file(
            g.application,
            completeness.SIGNATURE_KEY,
            data,
            version=version(),
            allow_pdf=False,
            replace=True,
        )
    except (SignatureError, UploadError) as error:
        return _assets_page(signature_error=str(error))
    except VersionConflict as conflict:
        return _assets_page(signature_error=conflict.message)
    flash("签名已保存，已生成授权书", "success")
    return see_other(url_for("apply.assets"))


@bp.get("/authorization")
@with_draft
def authorization():
    application = g.application
    return render(
        "apply/authorization.html",
        **step_context(
            "assets",
            title="江西省公租房申请及核对授权书",
            signature=completeness.signature_file(application),
            members=application.data.get("members", []),
            relations=validation.RELATIONS,
            user=current_user,
            today=today_in_china(),
        ),
    )
