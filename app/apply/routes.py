"""公租房申请: the wizard, in the order of the seed's phone channel, and 我的申请."""

from __future__ import annotations

import secrets
from decimal import Decimal
from functools import wraps
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    g,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from app.apply import bp, completeness, conflicts, services, validation, workflow
from app.apply import cards as _cards  # noqa: F401  (registers the home card)
from app.apply.categories import CATEGORY_LABELS, Category, GuaranteeMode, mode_problem
from app.apply.drafts import Stamp
from app.apply.materials import required_materials
from app.apply.models import Application, ApplicationStatus
from app.apply.review_policy import review_policy, track_of
from app.apply.services import ApplicationError, DraftConflict, VersionConflict
from app.apply.steps import FLOW, ApplicationFacts, missing_items
from app.core.clock import today_in_china
from app.core.numbers import MAX_ID, NumberError, int_or_none, parse_decimal
from app.eligibility.household import CivilStatus, PriorityGroup
from app.housing.services import districts
from app.htmx import render, see_other
from app.publicity.services import valid_certificate_of
from app.step_pages import counter, next_url, refusal_redirect, step_url
from app.storage import storage
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


# -- helpers -----------------------------------------------------------------------


def with_draft(view):
    """Load the signed-in resident's open application into ``g.application`` or go to the entry."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any):
        application = services.active_application(current_user.id)
        if application is None:
            return see_other(url_for("apply.index"))
        if not application.is_editable:
            return see_other(url_for("apply.status"))
        g.application = application
        return view(*args, **kwargs)

    return wrapper


def _version(*, deciding: bool = True) -> Stamp:
    """The stamp the form carries: the draft version its page shows, the page's editor id
    and, when the person has chosen between conflicting values, what they chose."""
    form = request.form
    choices = {
        key.removeprefix("keep:"): value for key, value in form.items() if key.startswith("keep:")
    }
    return Stamp.parse(
        version=form.get("version"),
        editor=form.get("editor"),
        seen=form.get("seen") if deciding else None,
        choices=choices if deciding else None,
    )


def _page_stamp(posted: Stamp | None = None) -> Stamp:
    """The stamp a page renders: the posted one after a refused save (the page still shows
    what it showed), else the draft's current version and a new editor id."""
    if posted is not None and posted.editor:
        return Stamp(version=posted.version, editor=posted.editor)
    return Stamp(version=g.application.version, editor=secrets.token_hex(8))


def _panel(conflict: DraftConflict | None) -> conflicts.Panel | None:
    if conflict is None:
        return None
    return conflicts.panel(conflict.conflicts, seen=conflict.merge.read_at)


def _step_context(step_id: str, **context: Any) -> dict[str, Any]:
    application = g.application
    previous = FLOW.previous(step_id)
    return {
        "title": FLOW.step(step_id).label,
        "application": application,
        **counter(FLOW, step_id),
        "back_url": step_url(previous) if previous else url_for("apply.index"),
        "stamp": _page_stamp(),
        "panel": None,
        **context,
    }


def _go_next(step_id: str) -> Response:
    following = FLOW.after(step_id)
    services.reach_step(g.application, following.id)
    return see_other(step_url(following))


def _facts() -> ApplicationFacts:
    return completeness.facts(g.application, current_user)


def _earlier_first(step_id: str, facts: ApplicationFacts) -> Response | None:
    """A step opened before the steps it needs: to the first of them (as before, quietly)."""
    return refusal_redirect(FLOW, facts, step_id, tell=False)


def _resume_url(application: Application) -> str:
    """The step the resident was on (kept on the application, so on any device)."""
    facts = completeness.facts(application, current_user)
    return step_url(FLOW.resume(facts, kept=application.current_step))


def _saved_flash() -> None:
    flash("已暂存，下次可以从这里继续", "success")


def _conflict(error: VersionConflict) -> None:
    flash(error.message, "error")


# -- entry -------------------------------------------------------------------------


@bp.get("/")
def index():
    application = earlier = certificate = None
    if current_user.is_authenticated:
        application = services.active_application(current_user.id)
        if application is None:
            earlier = services.shown_application(current_user.id)
        certificate = valid_certificate_of(current_user.id, today_in_china())
    return render(
        "apply/index.html",
        title="公租房申请",
        application=application,
        earlier=earlier,
        certificate=certificate,
        steps=FLOW.steps,
    )


@bp.post("/start")
@login_required
def start():
    if not current_user.has_real_name:
        flash("办理前请先完成实名认证", "info")
        return see_other(url_for("auth.real_name"))
    application = services.start_application(current_user)
    return see_other(_resume_url(application))


@bp.get("/continue")
@with_draft
def resume():
    return see_other(_resume_url(g.application))


@bp.get("/draft")
@login_required
def draft():
    """Where a freshly prefilled draft lands: what is already filled in, and 继续."""
    application = services.active_application(current_user.id)
    if application is None:
        return see_other(url_for("apply.index"))
    g.application = application
    data = application.data or {}
    return render(
        "apply/draft.html",
        title="我的申请",
        application=application,
        category=Category(application.category) if application.category else None,
        members=data.get("members", []),
        relations=validation.RELATIONS,
        assets=data.get("assets", {}),
    )


# -- 1. 服务授权 -----------------------------------------------------------------------


@bp.route("/consent", methods=["GET", "POST"])
@with_draft
def consent():
    error = None
    if request.method == "POST":
        if request.form.get("action") == "cancel":
            flash("您已取消授权，申请未开始。需要时可随时重新办理。", "info")
            return see_other(url_for("home.index"))
        chosen = set(request.form.getlist("scopes"))
        if chosen != set(services.CONSENT_SCOPES):
            error = "请逐项勾选同意，才能继续办理（身份信息、人脸信息、家庭经济状况信息）"
        else:
            services.record_consent(current_user, g.application, request.remote_addr)
            return see_other(next_url(FLOW, "consent"))
    return render(
        "apply/consent.html",
        **_step_context("consent", error=error, version=services.CONSENT_VERSION),
    )


# -- 2. 选择申请区域 ---------------------------------------------------------------------

REGION_CHANGED = "另一台设备刚修改了申请区域，下面显示的是现在保存的区域。请核对后重新选择并提交。"


@bp.route("/region", methods=["GET", "POST"])
@with_draft
def region():
    refused = _earlier_first("region", _facts())
    if refused:
        return refused
    error = None
    if request.method == "POST":
        street_id = int_or_none(request.form.get("street_id"), minimum=1, maximum=MAX_ID)
        try:
            services.choose_street(g.application, street_id or 0, version=_version())
        except ApplicationError as problem:
            error = problem.message
        except DraftConflict:
            flash(REGION_CHANGED, "error")
        except VersionConflict as conflict:
            _conflict(conflict)
        else:
            return see_other(url_for("apply.confirm_region"))
    return render(
        "apply/region.html",
        **_step_context("region", districts=districts(), error=error),
    )


@bp.route("/region/confirm", methods=["GET", "POST"])
@with_draft
def confirm_region():
    application = g.application
    if application.street_id is None:
        return see_other(url_for("apply.region"))
    if request.method == "POST":
        try:
            services.confirm_region(application, version=_version())
        except DraftConflict:
            flash(REGION_CHANGED, "error")
            return see_other(url_for("apply.region"))
        except VersionConflict as conflict:
            _conflict(conflict)
        else:
            return see_other(next_url(FLOW, "region"))
    street = next(s for d in districts() for s in d.streets if s.id == application.street_id)
    return render(
        "apply/region_confirm.html",
        **_step_context("region", street=street, district=street.district),
    )


# -- 3. 身份验证 (face verification, on this phone or handed over from a computer) -----------


@bp.route("/identity", methods=["GET", "POST"])
@with_draft
def identity():
    from app.handoff.purposes import APPLY_IDENTITY
    from app.handoff.widget import handoff_widget

    application = g.application
    facts = _facts()
    refused = _earlier_first("identity", facts)
    if refused:
        return refused
    verified = FLOW.complete(facts, "identity")
    if request.method == "POST":
        if verified:
            return _go_next("identity")
        flash("请先完成扫脸认证", "error")
    widget = {}
    if not verified:
        widget = handoff_widget(
            current_user,
            APPLY_IDENTITY,
            application.id,
            continue_url=url_for("apply.identity"),
            return_url=url_for("apply.identity"),
        )
    return render("apply/identity.html", **_step_context("identity", verified=verified, **widget))


# -- 4. 申请类别 -------------------------------------------------------------------------


def _category_values(form) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    mode = form.get("guarantee_mode", "")
    category = form.get("category", "")
    details: dict[str, Any] = {}
    if mode not in {m.value for m in GuaranteeMode}:
        errors["guarantee_mode"] = "请选择保障方式"
    if category not in {c.value for c in Category}:
        errors["category"] = "请选择保障类别"
    if category == Category.LOW_INCOME:
        details["civil_status"] = form.get("civil_status", "")
        if details["civil_status"] not in {"dibao", "tekun", "zhichu_poor"}:
            errors["civil_status"] = "请选择民政认定的类别"
    if not errors.keys() & {"guarantee_mode", "category"}:
        problem = mode_problem(category, mode)
        if problem:
            errors["guarantee_mode"] = problem
    groups = [g for g in form.getlist("priority_groups") if g in {p.value for p in PriorityGroup}]
    return {
        "guarantee_mode": mode,
        "category": category,
        "details": details,
        "groups": groups,
    }, errors


@bp.route("/category", methods=["GET", "POST"])
@with_draft
def category():
    application = g.application
    errors: dict[str, str] = {}
    stamp = conflict = None
    values = {
        "guarantee_mode": application.guarantee_mode or "",
        "category": application.category or "",
        "details": application.data.get("category_details", {}),
        "groups": application.data.get("priority_groups", []),
    }
    if request.method == "POST":
        values, errors = _category_values(request.form)
        saving = request.form.get("action") == "save"
        stamp = _version()
        if not errors or saving:
            try:
                services.save_category(
                    application,
                    mode=values["guarantee_mode"] or None,
                    category=values["category"] or None,
                    details=values["details"],
                    priority_groups=values["groups"],
                    version=stamp,
                )
            except DraftConflict as refused:
                conflict = refused
            except VersionConflict as refused:
                _conflict(refused)
            else:
                if saving:
                    _saved_flash()
                    return see_other(url_for("apply.category"))
                return _go_next("category")
    return render(
        "apply/category.html",
        **_step_context(
            "category",
            stamp=_page_stamp(stamp),
            panel=_panel(conflict),
            values=values,
            errors=errors,
            modes=list(GuaranteeMode),
            categories=CATEGORY_LABELS,
            civil_statuses=[c for c in CivilStatus if c != CivilStatus.NONE],
            priority_groups=list(PriorityGroup),
        ),
    )


# -- 5. 家庭成员 -------------------------------------------------------------------------

APPLICANT_FIELDS = validation.APPLICANT_FIELDS


def _members_page(
    errors=None,
    household=None,
    values=None,
    member_form=None,
    member_errors=None,
    editing=None,
    block=None,
    posted: Stamp | None = None,
    conflict: DraftConflict | None = None,
    member_conflict: DraftConflict | None = None,
    focus: str | None = None,
):
    application = g.application
    return render(
        "apply/members.html",
        block,
        **_step_context(
            "members",
            stamp=_page_stamp(posted),
            panel=_panel(conflict),
            member_conflict=_panel(member_conflict),
            values=values or validation.applicant_section(application.data),
            errors=errors or {},
            household_problems=household or [],
            members=application.data.get("members", []),
            member_form=member_form or {},
            focus=focus,
            member_errors=member_errors or {},
            editing=editing,
            options={
                "marital_status": validation.MARITAL,
                "yes_no": validation.YES_NO,
                "residence_permit": validation.RESIDENCE_PERMIT,
                "relative_relation": validation.FUNDING_RELATIONS,
                "hukou": validation.HUKOU,
                "employment_status": validation.EMPLOYMENT,
                "housing_situation": validation.HOUSING_SITUATION,
                "relation": validation.RELATIONS,
            },
            user=current_user,
        ),
    )


@bp.route("/members", methods=["GET", "POST"])
@with_draft
def members():
    application = g.application
    if request.method == "GET":
        return _members_page()
    raw = {field: request.form.get(field, "") for field in APPLICANT_FIELDS}
    values, errors = validation.validate_applicant(raw, application.category)
    saving = request.form.get("action") == "save"
    household = []
    if not saving:
        household = validation.household_problems(
            values["marital_status"], application.data.get("members", [])
        )
    stamp = _version()
    try:
        services.save_section(
            application, "applicant", values if not errors else raw, version=stamp
        )
    except DraftConflict as conflict:
        return _members_page(values=raw, errors=errors, posted=stamp, conflict=conflict)
    except VersionConflict as conflict:
        _conflict(conflict)
        return _members_page(values=raw, errors=errors, posted=stamp)
    if saving:
        _saved_flash()
        return see_other(url_for("apply.members"))
    if errors or household:
        return _members_page(values=raw, errors=errors, household=household, posted=stamp)
    return _go_next("members")


@bp.post("/members/autosave")
@with_draft
def autosave_members():
    """Debounced autosave of the applicant section: a tiny fragment, no validation.

    Conflicts come back as the panel (out of band), redrawn only when what it should
    show differs from what the page shows, so a choice being made is not wiped."""
    raw = {field: request.form.get(field, "")[:200] for field in APPLICANT_FIELDS}
    shown = request.form.get("conflicts_shown", "")
    try:
        services.save_section(g.application, "applicant", raw, version=_version(deciding=False))
    except DraftConflict as conflict:
        panel = _panel(conflict)
        return _autosave_reply(panel=panel, redraw=panel.key != shown, form_id="applicant-form")
    except (VersionConflict, ApplicationError) as problem:
        return _autosave_reply(ok=False, message=problem.message)
    return _autosave_reply(ok=True, redraw=bool(shown), form_id="applicant-form")


def _autosave_reply(**context: Any):
    return render("apply/_autosave.html", application=g.application, **{"panel": None, **context})


def _member_values(form) -> dict[str, str]:
    return {
        field: form.get(field, "")
        for field in ("name", "id_number", "relation", "employment_status", "employer", "address")
    }


@bp.post("/members/add")
@with_draft
def add_member():
    return _save_member(uid=None)


@bp.route("/members/<uid>/edit", methods=["GET", "POST"])
@with_draft
def edit_member(uid: str):
    member = services.member_by_uid(g.application, uid)
    if member is None:
        abort(404)
    if request.method == "GET":
        revealed = services.revealed_member_id(member) if member.get("id_encrypted") else ""
        form = {**member, "id_number": revealed}
        return _members_page(member_form=form, editing=uid, block="members_block")
    return _save_member(uid=uid)


def _save_member(uid: str | None):
    application = g.application
    form = _member_values(request.form)
    values, errors = validation.validate_member(form, today_in_china())
    if "id_number" not in errors and values.get("id_number"):
        duplicate = services.duplicate_id_problem(
            application, current_user, values["id_number"], except_uid=uid
        )
        if duplicate:
            errors["id_number"] = duplicate
    stamp = _version()
    member_conflict = None
    if not errors:
        record = services.member_record(values, uid)
        try:
            services.upsert_member(application, record, version=stamp)
        except DraftConflict as conflict:
            member_conflict = conflict
        except VersionConflict as conflict:
            errors["name"] = conflict.message
        else:
            flash(f"已{'保存' if uid else '添加'}共同申请人 {values['name']}", "success")
            if not request.htmx:
                return see_other(url_for("apply.members"))
            return _members_page(block="members_block", focus=record["uid"])
    return _members_page(
        member_form=form,
        member_errors=errors,
        editing=uid,
        block="members_block",
        posted=stamp,
        member_conflict=member_conflict,
    )


@bp.post("/members/<uid>/delete")
@with_draft
def delete_member(uid: str):
    try:
        removed = services.remove_member(g.application, uid, version=_version())
    except DraftConflict:
        flash(
            "另一台设备刚修改了这位共同申请人，下面是最新内容。如仍要删除，请再点一次“删除”。",
            "error",
        )
        removed = True
    except VersionConflict as conflict:
        _conflict(conflict)
        removed = True
    if not removed:
        abort(404)
    if not request.htmx:
        return see_other(url_for("apply.members"))
    return _members_page(block="members_block")


# -- 6. 家庭财产 and the signature -------------------------------------------------------


def _assets_page(errors=None, forms=None, signature_error=None, block=None, focus=None):
    application = g.application
    return render(
        "apply/assets.html",
        block,
        **_step_context(
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
            _saved_flash()
            return see_other(url_for("apply.assets"))
        if not FLOW.complete(_facts(), "assets"):  # the signature on the 授权书
            return _assets_page(
                signature_error="请在下方手写签名（或上传签字的授权书照片）后再继续"
            )
        return _go_next("assets")
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
            services.add_asset(g.application, kind, item, version=_version())
        except VersionConflict as conflict:
            errors = {ASSET_FIELDS[kind][0][0]: conflict.message}
    if errors:
        return _assets_page(
            errors={kind: errors}, forms={kind: request.form.to_dict()}, block="assets_block"
        )
    if not request.htmx:
        return see_other(url_for("apply.assets"))
    return _assets_page(block="assets_block", focus=kind)


@bp.post("/assets/<kind>/<uid>/delete")
@with_draft
def delete_asset(kind: str, uid: str):
    if kind not in ASSET_FIELDS:
        abort(404)
    try:
        removed = services.remove_asset(g.application, kind, uid, version=_version())
    except DraftConflict:
        flash("另一台设备刚修改了这项财产，下面是最新内容。如仍要删除，请再点一次“删除”。", "error")
        removed = True
    except VersionConflict as conflict:
        _conflict(conflict)
        removed = True
    if not removed:
        abort(404)
    if not request.htmx:
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
            data = services.read_upload(request.files["photo"])
        else:
            raise SignatureError("请先在签名框内手写签名，或上传签字后的授权书照片")
        services.attach_file(
            g.application,
            completeness.SIGNATURE_KEY,
            data,
            version=_version(),
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
        **_step_context(
            "assets",
            title="江西省公租房申请及核对授权书",
            signature=completeness.signature_file(application),
            members=application.data.get("members", []),
            relations=validation.RELATIONS,
            user=current_user,
            today=today_in_china(),
        ),
    )


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
        **_step_context(
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
            _saved_flash()
            return see_other(url_for("apply.materials"))
        missing = missing_items(_facts())
        if missing:
            errors = {item.key: f"请上传{item.label}" for item in missing}
            return _materials_page(errors=errors)
        return _go_next("materials")
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
            services.attach_file(application, key, services.read_upload(upload), version=_version())
        except UploadError as error:
            errors[key] = str(error)
        except VersionConflict as conflict:
            errors[key] = conflict.message
    if not request.htmx:
        if errors:
            return _materials_page(errors=errors)
        flash("已上传", "success")
        return see_other(url_for("apply.materials") + f"#material-{key}")
    return _materials_page(errors=errors, block="materials_block", focus=key)


@bp.post("/files/<int:file_id>/delete")
@with_draft
def delete_material(file_id: int):
    file = services.file_for(current_user.id, file_id)
    if file is None or file.application_id != g.application.id:
        abort(404)
    key = file.material_key
    try:
        services.delete_file(g.application, file, version=_version())
    except VersionConflict as conflict:
        _conflict(conflict)
    if not request.htmx:
        return see_other(url_for("apply.materials"))
    return _materials_page(block="materials_block", focus=key)


@bp.get("/files/<int:file_id>")
@bp.get("/files/<int:file_id>/thumbnail", endpoint="file_thumbnail")
@login_required
def file(file_id: int):
    """Serve an upload only to its owner, never cached, never guessed by name."""
    record = services.file_for(current_user.id, file_id)
    if record is None:
        abort(404)
    thumbnail = request.endpoint == "apply.file_thumbnail"
    key = record.thumbnail_key if thumbnail else record.storage_key
    if key is None:
        abort(404)
    response = send_file(
        storage().open(key),
        mimetype="image/jpeg" if thumbnail else record.content_type,
        download_name=f"material-{record.id}{'.jpg' if thumbnail else ''}",
        as_attachment=False,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = f'inline; filename="material-{record.id}"'
    return response


# -- 8. 确认提交 -------------------------------------------------------------------------


def _review_context() -> dict[str, Any]:
    application = g.application
    required = required_materials(application.category, application.data)
    district = street = None
    if application.street_id:
        for d in districts():
            for s in d.streets:
                if s.id == application.street_id:
                    district, street = d, s
    return _step_context(
        "review",
        problems=completeness.submission_problems(application, current_user),
        applicant=application.data.get("applicant", {}),
        members=application.data.get("members", []),
        assets=application.data.get("assets", {}),
        asset_titles=ASSET_TITLES,
        required=required,
        uploaded=completeness.uploaded_keys(application),
        district=district,
        street=street,
        category=Category(application.category) if application.category else None,
        mode=GuaranteeMode(application.guarantee_mode) if application.guarantee_mode else None,
        labels={
            "marital_status": validation.MARITAL,
            "hukou": validation.HUKOU,
            "employment_status": validation.EMPLOYMENT,
            "housing_situation": validation.HOUSING_SITUATION,
            "relation": validation.RELATIONS,
        },
        flow=FLOW,
        user=current_user,
    )


@bp.get("/review")
@with_draft
def review():
    return render("apply/review.html", **_review_context())


@bp.route("/submit", methods=["GET", "POST"])
@with_draft
def submit():
    """提交申请 asks a second time (再次检查 / 直接提交) on its own page; the service decides."""
    if request.method == "POST":
        try:
            services.submit(g.application, current_user, version=_version())
        except VersionConflict as conflict:
            _conflict(conflict)
            return see_other(url_for("apply.review"))
        except ApplicationError as refused:  # incomplete: the review page lists what is missing
            flash(refused.message, "error")
            return see_other(url_for("apply.review"))
        flash("申请已提交，请留意审核进度通知", "success")
        return see_other(url_for("apply.status"))
    context = _review_context()
    if context["problems"]:
        flash(services.IncompleteApplication.summary, "error")
        return see_other(url_for("apply.review"))
    return render("apply/submit_confirm.html", **context)


# -- 我的申请 and 放弃申请 -----------------------------------------------------------------


@bp.get("/status")
@login_required
def status():
    application = services.shown_application(current_user.id)
    if application is None or application.status == ApplicationStatus.DRAFT:
        return see_other(url_for("apply.index"))
    from app.apply.progress import timeline
    from app.staff.services import certificate_of, rounds_of

    certificate = certificate_of(application)
    return render(
        "apply/status.html",
        title="我的申请",
        back_url=url_for("home.index"),
        application=application,
        stages=timeline(application, rounds_of(application), certificate, review_policy()),
        certificate=certificate,
        after_certificate=workflow.AFTER_CERTIFICATE,
        limit_days=review_policy().limit(track_of(application)),
    )


@bp.route("/withdraw", methods=["GET", "POST"])
@login_required
def withdraw():
    application = services.active_application(current_user.id)
    if application is None:
        return see_other(url_for("apply.index"))
    if request.method == "POST":
        try:
            services.withdraw(application, current_user)
        except ApplicationError as error:
            flash(error.message, "error")
            return see_other(url_for("apply.index"))
        flash("已放弃申请，相关信息已删除", "success")
        return see_other(url_for("apply.index"))
    return render(
        "apply/withdraw.html",
        title="放弃申请",
        back_url=url_for("apply.index"),
        application=application,
    )
