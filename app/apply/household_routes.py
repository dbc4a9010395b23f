"""公租房申请 steps 4 and 5: 申请类别 and 家庭成员 (the applicant's own section, autosaved,
and the co-applicants).
"""

from __future__ import annotations

from typing import Any, overload

from flask import abort, flash, g, request, url_for
from flask_login import current_user

from app.apply import bp, conflicts, declaration, services, validation
from app.apply.categories import CATEGORY_LABELS, Category, GuaranteeMode, mode_problem
from app.apply.drafts import Stamp
from app.apply.services import ApplicationError, DraftConflict, VersionConflict
from app.apply.wizard import (
    flash_conflict,
    go_next,
    page_stamp,
    saved_flash,
    step_context,
    version,
    with_draft,
)
from app.core.clock import today_in_china
from app.eligibility.household import CivilStatus, PriorityGroup
from app.htmx import is_htmx, render, see_other


@overload
def _panel(conflict: DraftConflict) -> conflicts.Panel: ...
@overload
def _panel(conflict: DraftConflict | None) -> conflicts.Panel | None: ...
def _panel(conflict: DraftConflict | None) -> conflicts.Panel | None:
    if conflict is None:
        return None
    return conflicts.panel(conflict.conflicts, seen=conflict.merge.read_at)


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
        stamp = version()
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
                flash_conflict(refused)
            else:
                if saving:
                    saved_flash()
                    return see_other(url_for("apply.category"))
                return go_next("category")
    return render(
        "apply/category.html",
        **step_context(
            "category",
            stamp=page_stamp(stamp),
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
        **step_context(
            "members",
            stamp=page_stamp(posted),
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
    stamp = version()
    try:
        services.save_section(
            application, "applicant", values if not errors else raw, version=stamp
        )
    except DraftConflict as conflict:
        return _members_page(values=raw, errors=errors, posted=stamp, conflict=conflict)
    except VersionConflict as conflict:
        flash_conflict(conflict)
        return _members_page(values=raw, errors=errors, posted=stamp)
    if saving:
        saved_flash()
        return see_other(url_for("apply.members"))
    if errors or household:
        return _members_page(values=raw, errors=errors, household=household, posted=stamp)
    return go_next("members")


@bp.post("/members/autosave")
@with_draft
def autosave_members():
    """Debounced autosave of the applicant section: a tiny fragment, no validation.

    Conflicts come back as the panel (out of band), redrawn only when what it should
    show differs from what the page shows, so a choice being made is not wiped."""
    raw = {field: request.form.get(field, "")[:200] for field in APPLICANT_FIELDS}
    shown = request.form.get("conflicts_shown", "")
    try:
        services.save_section(g.application, "applicant", raw, version=version(deciding=False))
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
    member = declaration.member_by_uid(g.application, uid)
    if member is None:
        abort(404)
    if request.method == "GET":
        revealed = declaration.revealed_member_id(member) if member.get("id_encrypted") else ""
        form = {**member, "id_number": revealed}
        return _members_page(member_form=form, editing=uid, block="members_block")
    return _save_member(uid=uid)


def _save_member(uid: str | None):
    application = g.application
    form = _member_values(request.form)
    values, errors = validation.validate_member(form, today_in_china())
    if "id_number" not in errors and values.get("id_number"):
        duplicate = declaration.duplicate_id_problem(
            application, current_user, values["id_number"], except_uid=uid
        )
        if duplicate:
            errors["id_number"] = duplicate
    stamp = version()
    member_conflict = None
    if not errors:
        record = declaration.member_record(values, uid)
        try:
            declaration.upsert_member(application, record, version=stamp)
        except DraftConflict as conflict:
            member_conflict = conflict
        except VersionConflict as conflict:
            errors["name"] = conflict.message
        else:
            flash(f"已{'保存' if uid else '添加'}共同申请人 {values['name']}", "success")
            if not is_htmx():
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
        removed = declaration.remove_member(g.application, uid, version=version())
    except DraftConflict:
        flash(
            "另一台设备刚修改了这位共同申请人，下面是最新内容。如仍要删除，请再点一次“删除”。",
            "error",
        )
        removed = True
    except VersionConflict as conflict:
        flash_conflict(conflict)
        removed = True
    if not removed:
        abort(404)
    if not is_htmx():
        return see_other(url_for("apply.members"))
    return _members_page(block="members_block")
