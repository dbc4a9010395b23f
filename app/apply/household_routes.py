"""公租房申请 steps 4 and 5: 申请类别 and 家庭成员 (the applicant's own section, autosaved,
and the co-applicants).
"""

from __future__ import annotations

from typing import Any, overload

from flask import abort, flash, g, request, url_for
from flask_login import current_user

from app.apply import bp, conflicts, declaration, services, validation
from app.apply.drafts import Stamp
from app.apply.forms import ApplicantForm, CategoryForm, MemberForm
from app.apply.services import ApplicationError, DraftConflict, VersionConflict
from app.apply.wizard import (
    confirm_removal,
    flash_conflict,
    go_next,
    page_stamp,
    saved_flash,
    step_context,
    version,
    with_draft,
)
from app.core.clock import today_in_china
from app.htmx import is_htmx, render, see_other, wants_fragment
from app.web import found_or_404


@overload
def _panel(conflict: DraftConflict) -> conflicts.Panel: ...
@overload
def _panel(conflict: DraftConflict | None) -> conflicts.Panel | None: ...
def _panel(conflict: DraftConflict | None) -> conflicts.Panel | None:
    if conflict is None:
        return None
    return conflicts.panel(conflict.conflicts, seen=conflict.merge.read_at)


# -- 4. 申请类别 -------------------------------------------------------------------------


@bp.route("/category", methods=["GET", "POST"])
@with_draft
def category():
    application = g.application
    stamp = conflict = None
    if request.method == "GET":
        details = application.data.get("category_details", {})
        form = CategoryForm(
            data={
                "guarantee_mode": application.guarantee_mode or "",
                "category": application.category or "",
                "civil_status": details.get("civil_status", ""),
                "priority_groups": application.data.get("priority_groups", []),
            }
        )
    else:
        form = CategoryForm()
        valid = form.validate()
        values = form.cleaned
        saving = request.form.get("action") == "save"
        stamp = version()
        if valid or saving:
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
        **step_context("category", stamp=page_stamp(stamp), panel=_panel(conflict), form=form),
    )


# -- 5. 家庭成员 -------------------------------------------------------------------------

APPLICANT_FIELDS = validation.APPLICANT_FIELDS


def _members_page(
    applicant: ApplicantForm | None = None,
    member: MemberForm | None = None,
    editing=None,
    block=None,
    posted: Stamp | None = None,
    conflict: DraftConflict | None = None,
    member_conflict: DraftConflict | None = None,
    focus: str | None = None,
):
    """The page; the forms not given show the draft (a co-applicant's POST carries names
    of the applicant's fields, so its form data is never read into the applicant's)."""
    application = g.application
    if applicant is None:
        applicant = ApplicantForm(
            formdata=None, data=validation.applicant_section(application.data)
        )
    return render(
        "apply/members.html",
        block,
        **step_context(
            "members",
            stamp=page_stamp(posted),
            panel=_panel(conflict),
            member_conflict=_panel(member_conflict),
            form=applicant,
            members=application.data.get("members", []),
            member_form=member or MemberForm(formdata=None),
            focus=focus,
            editing=editing,
            relations=validation.RELATIONS,
            user=current_user,
        ),
    )


@bp.route("/members", methods=["GET", "POST"])
@with_draft
def members():
    application = g.application
    if request.method == "GET":
        return _members_page()
    form = ApplicantForm(category=application.category)
    valid = form.validate()
    saving = request.form.get("action") == "save"
    household = []
    if not saving:
        household = validation.household_problems(
            form.cleaned["marital_status"], application.data.get("members", [])
        )
    stamp = version()
    try:
        services.save_section(
            application, "applicant", form.cleaned if valid else form.typed(), version=stamp
        )
    except DraftConflict as conflict:
        return _members_page(form, posted=stamp, conflict=conflict)
    except VersionConflict as conflict:
        flash_conflict(conflict)
        return _members_page(form, posted=stamp)
    if saving:
        saved_flash()
        return see_other(url_for("apply.members"))
    if not valid or household:
        form.form_errors.extend(household)
        return _members_page(form, posted=stamp)
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


@bp.post("/members/add")
@with_draft
def add_member():
    return _save_member(uid=None)


@bp.route("/members/<uid>/edit", methods=["GET", "POST"])
@with_draft
def edit_member(uid: str):
    member = found_or_404(declaration.member_by_uid(g.application, uid))
    if request.method == "GET":
        revealed = declaration.revealed_member_id(member) if member.get("id_encrypted") else ""
        form = MemberForm(formdata=None, data={**member, "id_number": revealed})
        return _members_page(member=form, editing=uid, block="members_block")
    return _save_member(uid=uid)


def _save_member(uid: str | None):
    application = g.application
    form = MemberForm(today=today_in_china())
    valid = form.validate()
    values = form.cleaned
    if "id_number" not in form.problems and values.get("id_number"):
        duplicate = declaration.duplicate_id_problem(
            application, current_user, values["id_number"], except_uid=uid
        )
        if duplicate:
            form.add_problems({"id_number": duplicate})
    stamp = version()
    member_conflict = None
    if valid and not form.problems:
        record = declaration.member_record(values, uid)
        try:
            declaration.upsert_member(application, record, version=stamp)
        except DraftConflict as conflict:
            member_conflict = conflict
        except VersionConflict as conflict:
            form.add_problems({"name": conflict.message})
        else:
            flash(f"已{'保存' if uid else '添加'}共同申请人 {values['name']}", "success")
            if not is_htmx():
                return see_other(url_for("apply.members"))
            return _members_page(block="members_block", focus=record["uid"])
    return _members_page(
        member=form,
        editing=uid,
        block="members_block",
        posted=stamp,
        member_conflict=member_conflict,
    )


@bp.get("/members/<uid>/delete")
@with_draft
def confirm_delete_member(uid: str):
    member = found_or_404(declaration.member_by_uid(g.application, uid))
    name = member.get("name") or ""
    relation = validation.RELATIONS.get(member.get("relation", ""), "")
    facts = [" · ".join(part for part in (name or "（未填姓名）", relation) if part)]
    if member.get("id_masked"):
        facts.append(f"身份证号码：{member['id_masked']}")
    return confirm_removal(
        "删除共同申请人",
        f"确定删除共同申请人{name}吗？",
        facts=facts,
        consequence="删除后，这位共同申请人的信息和已上传的身份证照片都会从申请中去除；"
        "如需要，可以重新添加。",
        action=url_for("apply.delete_member", uid=uid),
        back=url_for("apply.members"),
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
    else:
        if removed:
            flash("已删除这位共同申请人", "success")
    if not removed:
        abort(404)
    if not wants_fragment():  # confirmed on its own page: back to the list
        return see_other(url_for("apply.members"))
    return _members_page(block="members_block")
