"""The objection (异议) form: who objects, how to reach them, and what they object to."""

from __future__ import annotations

import re

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app.auth.phone import is_mainland_mobile, normalise_phone
from app.inputs import AppForm

NAME = re.compile(r"^[\u4e00-\u9fff·]{2,20}$")


class ObjectionForm(AppForm):
    contact_name = StringField(
        "您的姓名",
        description="用于核实情况时联系您，不会公开",
        validators=[DataRequired("请填写您的姓名")],
        render_kw={"autocomplete": "name"},
    )
    contact_phone = StringField(
        "联系电话",
        description="11位手机号码，不会公开",
        validators=[DataRequired("请填写联系电话")],
        render_kw={"inputmode": "numeric", "autocomplete": "tel"},
    )
    content = TextAreaField(
        "异议内容",
        description="请写明您了解的情况（如住房、收入、车辆、婚姻等与申报不符之处）和依据，10至1000字",
        validators=[
            DataRequired("请填写异议内容"),
            Length(min=10, max=1000, message="异议内容请写10至1000字"),
        ],
    )
    truthful = BooleanField(
        "我承诺所反映的情况属实，并知悉捏造事实、诬告陷害须承担法律责任",
        validators=[DataRequired("请确认所反映的情况属实")],
    )

    def validate_contact_name(self, field) -> None:
        field.data = (field.data or "").strip()
        if not NAME.match(field.data):
            raise ValidationError("请填写2至20个汉字的真实姓名")

    def validate_contact_phone(self, field) -> None:
        field.data = normalise_phone(field.data or "")
        if not is_mainland_mobile(field.data):
            raise ValidationError("请输入正确的11位手机号码")
