"""互换 forms. The forms are the only validators; every message is Chinese and says what
to do. Choices that come from the database (districts, communities) are set by the view."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.inputs import AppForm, IdListField, SelectChoice, WholeNumberField
from app.swap.models import ReasonCategory, ReportReason
from app.swap.rules import message_problem

REASON_CHOICES = [SelectChoice(reason.value, reason.label) for reason in ReasonCategory]
MIN_BEDROOM_CHOICES = [
    SelectChoice("", "不限"),
    SelectChoice("1", "1室及以上"),
    SelectChoice("2", "2室及以上"),
    SelectChoice("3", "3室及以上"),
]


class ListingForm(AppForm):
    """The wishes and description of a listing; the home's facts come from the lease."""

    version = HiddenField()
    wish_districts = IdListField("想换到哪个区", choices=[])
    wish_communities = IdListField("想换到哪些小区（可选）", choices=[])
    min_bedrooms = SelectField("最少几室", choices=MIN_BEDROOM_CHOICES, default="")
    floor_min = WholeNumberField(
        "最低楼层（选填）",
        minimum=1,
        maximum=60,
        unit="层",
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    floor_max = WholeNumberField(
        "最高楼层（选填）",
        minimum=1,
        maximum=60,
        unit="层",
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    needs_lift = BooleanField("需要电梯")
    reason_category = RadioField(
        "换房原因", choices=REASON_CHOICES, validators=[DataRequired("请选择换房原因")]
    )
    description = TextAreaField(
        "房屋描述",
        description="写写房屋的装修、采光、周边（学校、医院、公交）等，10至500字。"
        "请勿填写门牌号、姓名、电话：对方接受请求后双方才能看到联系方式。",
        validators=[
            DataRequired("请填写房屋描述"),
            Length(10, 500, "房屋描述请写10至500字"),
        ],
        render_kw={"rows": 5},
    )

    def validate_floor_max(self, field: WholeNumberField) -> None:
        if self.floor_min.data and field.data and self.floor_min.data > field.data:
            raise ValidationError("最高楼层不能低于最低楼层")

    def validate_description(self, field: TextAreaField) -> None:
        field.data = (field.data or "").strip()
        problem = message_problem(field.data, accepted=False)
        if problem and "电话" in problem:
            raise ValidationError("房屋描述中请不要填写电话号码")


class PhotoForm(AppForm):
    photo = FileField(
        "添加照片",
        description="JPG、PNG 或 HEIC 照片，每张不超过10MB，最多6张；会自动去除拍摄地点等信息",
        validators=[FileRequired("请选择要上传的照片")],
        render_kw={"accept": "image/jpeg,image/png,image/heic,image/heif"},
    )


class ConfirmForm(AppForm):
    """A button that changes something: only the CSRF token."""


class RequestForm(AppForm):
    message = TextAreaField(
        "给对方的留言",
        description="说说您为什么想换、您的房屋情况，5至300字。对方接受前请勿留电话号码。",
        validators=[DataRequired("请填写给对方的留言"), Length(5, 300, "留言请写5至300字")],
        render_kw={"rows": 4},
    )

    def validate_message(self, field: TextAreaField) -> None:
        field.data = (field.data or "").strip()
        problem = message_problem(field.data, accepted=False)
        if problem:
            raise ValidationError(problem)


class MessageForm(AppForm):
    body = TextAreaField(
        "发送消息",
        validators=[DataRequired("请填写消息内容"), Length(max=500, message="留言请不超过500字")],
    )


class ReportForm(AppForm):
    reason = RadioField(
        "举报原因",
        choices=[SelectChoice(reason.value, reason.label) for reason in ReportReason],
        validators=[DataRequired("请选择举报原因")],
    )
    detail = TextAreaField(
        "具体情况",
        description="请写明您了解的情况，5至500字；工作人员核实后处理，不会告知对方举报人",
        validators=[DataRequired("请填写具体情况"), Length(5, 500, "具体情况请写5至500字")],
        render_kw={"rows": 4},
    )


class ReasonForm(AppForm):
    reason_category = RadioField(
        "互换理由类别", choices=REASON_CHOICES, validators=[DataRequired("请选择互换理由类别")]
    )
    reason_text = TextAreaField(
        "互换理由",
        description="写明为什么确需互换（如就医、子女就学、就业、照顾老人），10至500字",
        validators=[DataRequired("请填写互换理由"), Length(10, 500, "互换理由请写10至500字")],
        render_kw={"rows": 4},
    )


class ProofForm(AppForm):
    file = FileField(
        "选择证明材料",
        description="如病历、入学通知、劳动合同、老人的户籍或居住证明；照片或 PDF，每个不超过10MB",
        validators=[FileRequired("请选择要上传的证明材料")],
        render_kw={"accept": "image/jpeg,image/png,image/heic,image/heif,application/pdf"},
    )


class SignForm(AppForm):
    agree = BooleanField(
        "我已阅读《承诺书》，承诺所述情况属实并遵守以上各项",
        validators=[DataRequired("请勾选确认已阅读并承诺")],
    )
    password = PasswordField(
        "登录密码",
        description="签署前请输入登录密码，确认是您本人操作",
        validators=[DataRequired("请输入登录密码")],
        render_kw={"autocomplete": "current-password"},
    )


class RefuseForm(AppForm):
    reason = TextAreaField(
        "不通过的原因",
        description="双方租户都会在消息中看到，请写清原因和可以怎么做",
        validators=[
            DataRequired("请填写不通过的原因"),
            Length(max=500, message="原因请控制在500字以内"),
        ],
    )


class ReportDecisionForm(AppForm):
    decision = RadioField(
        "处理结果",
        choices=[
            SelectChoice("uphold", "属实，下架该互换信息"),
            SelectChoice("dismiss", "不属实，不予处理"),
        ],
        validators=[DataRequired("请选择处理结果")],
    )
    note = TextAreaField(
        "处理说明",
        description="下架时发布者会在消息中看到",
        validators=[
            DataRequired("请填写处理说明"),
            Length(max=500, message="说明请控制在500字以内"),
        ],
    )
