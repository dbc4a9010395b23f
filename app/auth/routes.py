"""Register, sign in, real-name binding, password, and the 我的 page."""

from __future__ import annotations

from flask import current_app, flash, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp, services, sessions
from app.auth.forms import LoginForm, PasswordChangeForm, PhoneForm, RealNameForm, RegisterForm
from app.confirm_pages import Confirmation, confirm_page
from app.core.masking import mask_phone
from app.core.navigation import safe_next_url
from app.extensions import limiter
from app.htmx import render, see_other
from app.inputs import entered
from app.web import client_ip

PENDING_PHONE = "register_phone"


def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_rate_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


def _show_code_if_debugging(sent: services.SentCode) -> None:
    if current_app.config["SHOW_SMS_CODE_ON_SCREEN"]:
        flash(f"（开发模式，不发真实短信）短信内容：{sent.text}", "info")


def _attach_error(form, error: services.AuthError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


@bp.route("/register", methods=["GET", "POST"])
@limiter.shared_limit(_register_rate_limit, scope="register", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return see_other(url_for("home.index"))
    form = PhoneForm(data={"phone": session.get(PENDING_PHONE, "")})
    if form.validate_on_submit():
        phone = entered(form.phone)
        try:
            sent = services.start_registration(phone)
        except services.AuthError as error:
            _attach_error(form, error)
        else:
            session[PENDING_PHONE] = phone
            _show_code_if_debugging(sent)
            flash(f"验证码已发送至 {mask_phone(phone)}，5分钟内有效", "success")
            return see_other(url_for("auth.register_verify"))
    return render("auth/register.html", "form_block", form=form, title="注册")


@bp.route("/register/verify", methods=["GET", "POST"])
def register_verify():
    phone = session.get(PENDING_PHONE)
    if not phone:
        return see_other(url_for("auth.register"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_resident(phone, entered(form.password), entered(form.code))
        except services.AuthError as error:
            _attach_error(form, error)
        else:
            session.pop(PENDING_PHONE, None)
            _sign_in(user)
            flash("注册成功，请完成实名认证", "success")
            return see_other(url_for("auth.real_name"))
    return render(
        "auth/register_verify.html",
        "form_block",
        form=form,
        masked_phone=mask_phone(phone),
        title="填写验证码",
    )


@bp.post("/register/resend")
@limiter.shared_limit(_register_rate_limit, scope="register", methods=["POST"])
def register_resend():
    phone = session.get(PENDING_PHONE)
    if not phone:
        return see_other(url_for("auth.register"))
    try:
        sent = services.start_registration(phone)
    except services.AuthError as error:
        flash(error.message, "error")
    else:
        _show_code_if_debugging(sent)
        flash(f"新的验证码已发送至 {mask_phone(phone)}", "success")
    return see_other(url_for("auth.register_verify"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return see_other(safe_next_url(request.args.get("next")) or url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(entered(form.phone), entered(form.password))
        if user is None:
            form.form_errors.append("手机号码或密码不正确")
        else:
            _sign_in(user)
            flash("登录成功", "success")
            return see_other(safe_next_url(request.args.get("next")) or url_for("home.index"))
    return render("auth/login.html", "form_block", form=form, title="登录")


def _sign_in(user) -> None:
    """Start a fresh session for ``user`` (a new session, so no fixation)."""
    from app.core.clock import utcnow

    # Carry over what a signed-out visitor did: 长辈模式 and questionnaire answers.
    keep = {key: session[key] for key in ("elder", "eligibility_answers") if key in session}
    session.clear()
    session.update(keep)
    login_user(user)
    session[sessions.SESSION_KEY] = sessions.open_session(user)
    now = utcnow().isoformat()
    session["signed_in_at"] = now
    session["last_seen_at"] = now
    session.permanent = True
    services.note_login(user, client_ip())


@bp.get("/logout")
def confirm_logout():
    if not current_user.is_authenticated:
        return see_other(url_for("home.index"))
    return confirm_page(
        "退出登录",
        Confirmation(
            question="确定要退出登录吗？",
            consequence="退出后，要再次登录才能办理业务、查看消息。已暂存的申请不会丢失。",
            action=url_for("auth.logout"),
            confirm_label="退出登录",
            cancel_url=url_for("auth.account"),
        ),
    )


@bp.post("/logout")
def logout():
    sessions.end_current(sessions.EndReason.LOGOUT)
    logout_user()
    session.clear()
    flash("您已安全退出", "success")
    return see_other(url_for("home.index"))


@bp.route("/real-name", methods=["GET", "POST"])
@login_required
def real_name():
    if current_user.has_real_name:
        return see_other(url_for("auth.account"))
    form = RealNameForm()
    if form.validate_on_submit():
        try:
            services.bind_real_name(current_user, entered(form.real_name), entered(form.id_number))
        except services.AuthError as error:
            _attach_error(form, error)
        else:
            flash("实名认证成功", "success")
            return see_other(url_for("auth.account"))
    return render("auth/real_name.html", "form_block", form=form, title="实名认证")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, entered(form.current_password), entered(form.password)
            )
        except services.AuthError as error:
            _attach_error(form, error)
        else:
            # The session version changed: sign this device in again under the new one.
            _sign_in(current_user._get_current_object())
            flash("密码已修改，其他设备需重新登录", "success")
            return see_other(url_for("auth.account"))
    return render("auth/password.html", "form_block", form=form, title="修改密码")


@bp.get("/me")
@login_required
def account():
    return render("auth/account.html", title="我的", masked_phone=mask_phone(current_user.phone))
