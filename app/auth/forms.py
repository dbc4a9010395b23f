"""Account forms. Every message is Chinese and says what to do."""

from __future__ import annotations

import re

from wtforms import PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.idcard import normalise_id_number
from app.auth.passwords import password_problem
from app.auth.phone import is_mainland_mobile, normalise_phone
from app.inputs import AppForm

_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,20}$")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def validate_mobile(_form: AppForm, field: StringField) -> None:
    if not is_mainland_mobile(field.data or ""):
        raise ValidationError("请输入正确的11位手机号码，例如 13800000000")


def validate_new_password(_form: AppForm, field: PasswordField) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def phone_field() -> StringField:
    return StringField(
        "手机号码",
        filters=[normalise_phone],
        validators=[DataRequired("请输入手机号码"), validate_mobile],
        render_kw={"autocomplete": "tel", "inputmode": "tel", "maxlength": 20},
    )


class PhoneForm(AppForm):
    phone = phone_field()


class RegisterForm(AppForm):
    code = StringField(
        "短信验证码",
        filters=[_strip],
        validators=[DataRequired("请输入短信验证码"), Length(6, 6, "验证码为6位数字")],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6},
    )
    password = PasswordField(
        "设置密码",
        validators=[DataRequired("请设置密码"), validate_new_password],
        render_kw={"autocomplete": "new-password"},
        description="8 到 64 位，须同时包含字母和数字",
    )
    password_confirm = PasswordField(
        "再次输入密码",
        validators=[DataRequired("请再次输入密码"), EqualTo("password", "两次输入的密码不一致")],
        render_kw={"autocomplete": "new-password"},
    )

    def validate_code(self, field: StringField) -> None:
        if not re.fullmatch(r"[0-9]{6}", (field.data or "").strip()):
            raise ValidationError("验证码为6位数字")


class LoginForm(AppForm):
    phone = phone_field()
    password = PasswordField(
        "密码",
        validators=[DataRequired("请输入密码")],
        render_kw={"autocomplete": "current-password"},
    )


class RealNameForm(AppForm):
    real_name = StringField(
        "真实姓名",
        filters=[_strip],
        validators=[DataRequired("请输入真实姓名")],
        render_kw={"autocomplete": "name", "maxlength": 20},
        description="与身份证上的姓名一致",
    )
    id_number = StringField(
        "身份证号码",
        filters=[normalise_id_number],
        validators=[DataRequired("请输入身份证号码")],
        render_kw={"autocomplete": "off", "maxlength": 22, "spellcheck": "false"},
        description="18位，最后一位可能是字母X",
    )

    def validate_real_name(self, field: StringField) -> None:
        if not _NAME.match(field.data or ""):
            raise ValidationError("姓名应为2到20个汉字（少数民族姓名可含“·”）")


class PasswordChangeForm(AppForm):
    current_password = PasswordField(
        "当前密码",
        validators=[DataRequired("请输入当前密码")],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "新密码",
        validators=[DataRequired("请输入新密码"), validate_new_password],
        render_kw={"autocomplete": "new-password"},
        description="8 到 64 位，须同时包含字母和数字",
    )
    password_confirm = PasswordField(
        "再次输入新密码",
        validators=[DataRequired("请再次输入新密码"), EqualTo("password", "两次输入的密码不一致")],
        render_kw={"autocomplete": "new-password"},
    )
