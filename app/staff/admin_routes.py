"""系统管理 in the back office: staff accounts and the audit log."""

from __future__ import annotations

from typing import TypedDict

from flask import (
    Response,
    flash,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from app.auth.models import User
from app.auth.roles import Role
from app.core import clock
from app.core.numbers import int_or_none
from app.housing.services import districts
from app.htmx import render, see_other
from app.inputs import MAX_ID, SelectChoice, arg_page, entered
from app.staff import accounts, audit_log, bp
from app.staff.forms import (
    StaffAccountForm,
)
from app.web import client_ip, found_or_404, roles

# -- 系统管理: accounts --------------------------------------------------------------------


def _scope_choices(form: StaffAccountForm) -> None:
    all_districts = districts()
    form.district_id.choices = [SelectChoice("", "不限（市级）")] + [
        SelectChoice(str(d.id), d.name) for d in all_districts
    ]
    form.street_id.choices = [SelectChoice("", "不限")] + [
        SelectChoice(str(s.id), f"{d.name} · {s.name}") for d in all_districts for s in d.streets
    ]


class _Scope(TypedDict):
    """What both account services take besides the account: role, scope, the admin's IP."""

    role: Role
    district_id: int | None
    street_id: int | None
    ip: str | None


def _int_or_none(value: str | None) -> int | None:
    return int_or_none(value, minimum=1, maximum=MAX_ID)


@bp.get("/accounts")
@roles(Role.ADMIN)
def accounts_index():
    page = arg_page()
    users, total = accounts.staff_accounts(page)
    names = {d.id: d.name for d in districts()}
    streets = {s.id: s.name for d in districts() for s in d.streets}
    return render(
        "staff/accounts.html",
        title="账号管理",
        users=users,
        total=total,
        page=page,
        pages=max(1, -(-total // accounts.PAGE_SIZE)),
        district_names=names,
        street_names=streets,
    )


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def account_new():
    return _account_form(None)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def account_edit(user_id: int):
    account = found_or_404(accounts.staff_account(user_id))
    return _account_form(account)


def _account_form(account: User | None):
    """New account (phone, password) or an existing one's role and scope."""
    form = StaffAccountForm(editing=account is not None)
    _scope_choices(form)
    if account is not None and request.method == "GET":
        form.role.data = account.role
        form.district_id.data = str(account.district_id or "")
        form.street_id.data = str(account.street_id or "")
    if form.validate_on_submit():
        scope: _Scope = {
            "role": Role(form.role.data),
            "district_id": _int_or_none(form.district_id.data),
            "street_id": _int_or_none(form.street_id.data),
            "ip": client_ip(),
        }
        try:
            if account is None:
                # validated: DataRequired (phone) and validate_password (refuses "")
                accounts.create_staff_account(
                    current_user,
                    phone=entered(form.phone),
                    password=entered(form.password),
                    **scope,
                )
            else:
                accounts.update_staff_account(current_user, account, **scope)
        except accounts.AccountError as error:
            getattr(form, error.field or "role").errors.append(error.message)
        else:
            flash("已保存工作人员账号", "success")
            return see_other(url_for("staff.accounts_index"))
    return render(
        "staff/account_form.html",
        "form_block",
        title=f"账号 {account.phone}" if account else "新建工作人员账号",
        back_url=url_for("staff.accounts_index"),
        form=form,
        account=account,
    )


# -- 系统管理: audit log -------------------------------------------------------------------


@bp.get("/audit")
@roles(Role.ADMIN)
def audit():
    filters = audit_log.AuditFilters.from_args(request.args)
    rows, total, pages = audit_log.audit_page(filters)
    return render(
        "staff/audit.html",
        "results",
        title="审计日志",
        rows=rows,
        total=total,
        pages=pages,
        page=min(filters.page, pages),
        filters=filters,
        roles={role.value: role.label for role in Role},
    )


@bp.get("/audit.csv")
@roles(Role.ADMIN)
def audit_csv():
    filters = audit_log.AuditFilters.from_args(request.args)
    lines = audit_log.export_csv(current_user, filters, ip=client_ip())
    today = clock.today_in_china()
    return Response(
        stream_with_context(lines),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="audit-{today:%Y%m%d}.csv"',
            "Cache-Control": "no-store",
        },
    )
