"""公租房申请 step 6: 家庭财产 (vehicles, real estate, businesses) and the handwritten
signature on the 授权书.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import abort, flash, g, request, url_for
from flask_login import current_user

from app.apply import bp, completeness, declaration, validation
from app.apply.services import DraftConflict, VersionConflict
from app.apply.steps import FLOW
from app.apply.wizard import (
    draft_facts,
    flash_conflict,
    go_next,
    saved_flash,
    step_context,
    version,
    with_draft,
)
from app.core.clock import today_in_china
from app.core.numbers import NumberError, parse_decimal
from app.htmx import is_htmx, render, see_other
from app.uploads import UploadError

ASSET_FIELDS: dict[str, tuple[tuple[str, str, int], ...]] = {
    # kind: (field, label, max length)
    "vehicles": (("plate", "车牌号码", 10), ("model", "品牌型号", 40)),
    "real_estate": (
        ("address", "房屋坐落", 100),
        ("area_m2", "建筑面积（平方米）", 10),
        ("use", "用途", 10),
    ),
    "businesses": (("name", "企业或个体户名称", 60), ("credit_code", "统一社会信用代码", 18)),
}
ASSET_TITLES = {"vehicles": "车辆情况", "real_estate": "不动产情况", "businesses": "工商登记情况"}
REAL_ESTATE_USES = {"住宅": "住宅", "营业性非住宅": "营业性非住宅", "其他": "其他"}


# -- 6. 家庭财产 and the signature -------------------------------------------------------


def _assets_page(errors=None, forms=None, signature_error=None, block=None, focus=None):
    application = g.application
    return render(
        "apply/assets.html",
        block,
        **step_context(
            "assets",
            assets=application.data.get("assets", {}),
            asset_fields=ASSET_FIELDS,
            asset_titles=ASSET_TITLES,
            uses=REAL_ESTATE_USES,
            errors=errors or {},
            forms=forms or {},
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


def _asset_item(kind: str, form) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    item: dict[str, Any] = {}
    for field, label, max_length in ASSET_FIELDS[kind]:
        value = validation.clean_text(form.get(field))
        item[field] = value
        if field == "area_m2":
            try:
                area = parse_decimal(
                    value, places=2, minimum=Decimal("0.01"), maximum=10_000, label="建筑面积"
                )
            except NumberError as error:
                errors[field] = (
                    "建筑面积应大于 0，且不超过 10000 平方米"
                    if error.kind in ("small", "large")
                    else error.message
                )
                continue
            item[field] = float(area)
        elif field == "use":
            if value not in REAL_ESTATE_USES:
                errors[field] = "请选择用途"
        else:
            problem = validation.text_problem(value, label, max_length=max_length)
            if problem:
                errors[field] = problem
    return item, errors


@bp.post("/assets/<kind>/add")
@with_draft
def add_asset(kind: str):
    if kind not in ASSET_FIELDS:
        abort(404)
    item, errors = _asset_item(kind, request.form)
    if not errors:
        try:
            declaration.add_asset(g.application, kind, item, version=version())
        except VersionConflict as conflict:
            errors = {ASSET_FIELDS[kind][0][0]: conflict.message}
    if errors:
        return _assets_page(
            errors={kind: errors}, forms={kind: request.form.to_dict()}, block="assets_block"
        )
    if not is_htmx():
        return see_other(url_for("apply.assets"))
    return _assets_page(block="assets_block", focus=kind)


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
    if not removed:
        abort(404)
    if not is_htmx():
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
