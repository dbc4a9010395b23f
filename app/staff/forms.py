"""Back-office forms. Every action form carries the application's version, so acting on
a page someone else has meanwhile changed is refused instead of silently applied."""

from __future__ import annotations

from typing import cast

from wtforms import (
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.apply.certification import CIVIL_CONCLUSIONS
from app.auth.passwords import password_problem
from app.auth.phone import is_mainland_mobile, normalise_phone
from app.auth.roles import Role
from app.core.numbers import int_or_none
from app.inputs import MAX_ID, AppForm, IdListField, SelectChoice

REASON_HINT = "申请人会在消息和“我的申请”中看到，请写清依据和需要怎么做"


class ActionForm(AppForm):
    """确认办理: nothing to fill in but the version."""

    version = HiddenField()


class ReasonForm(ActionForm):
    reason = TextAreaField(
        "原因",
        description=REASON_HINT,
        validators=[
            DataRequired("请填写原因，申请人会看到"),
            Length(max=500, message="原因请控制在500字以内"),
        ],
    )


class CorrectionForm(ActionForm):
    """一次性告知补正: everything to fix, at once."""

    items = SelectMultipleField("需要补正的材料", choices=[], validate_choice=True)
    other_items = TextAreaField(
        "其他需要补正的内容",
        description="每行一项，例如：户口簿本人页不清晰，请重新拍摄",
        validators=[Length(max=1000, message="请控制在1000字以内")],
    )
    note = TextAreaField(
        "补充说明（选填）",
        description=REASON_HINT,
        validators=[Length(max=500, message="补充说明请控制在500字以内")],
    )

    def all_items(self) -> list[str]:
        # The view sets SelectChoice options; the stubs type choices as tuples.
        choices = cast("list[SelectChoice]", self.items.choices)
        labels = {choice.value: choice.label for choice in choices}
        chosen = [labels[key] for key in self.items.data or []]
        typed = [line.strip() for line in (self.other_items.data or "").splitlines()]
        return chosen + [line for line in typed if line]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.all_items():
            self.items.errors = ["请勾选或填写需要补正的内容，一次性告知全部"]
            return False
        return valid


class CivilReportForm(ActionForm):
    report_number = StringField(
        "核对报告编号",
        validators=[
            DataRequired("请填写核对报告编号"),
            Length(max=40, message="编号请控制在40个字符以内"),
        ],
    )
    conclusion = RadioField(
        "核对结论",
        choices=[SelectChoice(key, label) for key, label in CIVIL_CONCLUSIONS.items()],
        validators=[InputRequired("请选择核对结论")],
    )
    summary = TextAreaField(
        "核对情况",
        description="收入、财产、车辆、工商登记等核对情况摘要，供市住房保障部门终审参考",
        validators=[
            DataRequired("请填写核对情况"),
            Length(max=1000, message="请控制在1000字以内"),
        ],
    )


class ObjectionDecisionForm(AppForm):
    decision = RadioField(
        "处理结果",
        choices=[
            SelectChoice("dismissed", "异议不成立，公示继续"),
            SelectChoice("upheld", "异议成立，终止申请"),
        ],
        validators=[InputRequired("请选择处理结果")],
    )
    resolution = TextAreaField(
        "处理意见",
        description="异议成立时，申请人会看到这段处理意见",
        validators=[
            DataRequired("请填写核实情况和处理意见"),
            Length(max=500, message="请控制在500字以内"),
        ],
    )


class BulkPublicityForm(AppForm):
    ids = IdListField("选择申请", choices=[], only_offered=False)
    confirm = HiddenField()


STAFF_ROLES = [SelectChoice(role.value, role.label) for role in Role if role.is_staff]


class StaffAccountForm(AppForm):
    phone = StringField(
        "手机号码（登录账号）",
        validators=[DataRequired("请输入手机号码")],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    role = SelectField("角色", choices=STAFF_ROLES, validators=[DataRequired("请选择角色")])
    district_id = SelectField(
        "所属区", description="市级账号可不选", choices=[], validate_choice=False
    )
    street_id = SelectField(
        "所属街道", description="街道审核必须选择", choices=[], validate_choice=False
    )
    password = PasswordField(
        "初始密码",
        description="至少8位，包含字母和数字；请当面告知本人并提醒尽快修改",
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing:
            del self.phone
            del self.password

    def validate_phone(self, field) -> None:
        field.data = normalise_phone(field.data or "")
        if not is_mainland_mobile(field.data):
            raise ValidationError("请输入正确的11位手机号码")

    def validate_password(self, field) -> None:
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    # Which ids exist is checked by app/staff/accounts.py, with a message per field.

    def validate_street_id(self, field) -> None:
        if field.data and int_or_none(field.data, minimum=1, maximum=MAX_ID) is None:
            raise ValidationError("请从列表中选择所属街道")
        if self.role.data == Role.STREET_REVIEWER and not field.data:
            raise ValidationError("街道审核账号必须选择所属街道")

    def validate_district_id(self, field) -> None:
        if field.data and int_or_none(field.data, minimum=1, maximum=MAX_ID) is None:
            raise ValidationError("请从列表中选择所属区")
        if self.role.data == Role.DISTRICT_REVIEWER and not field.data:
            raise ValidationError("区审核账号必须选择所属区")
