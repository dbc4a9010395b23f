"""Forms of the phone side. Messages are Chinese and say what to do."""

from __future__ import annotations

from flask import current_app
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, ValidationError
from wtforms.validators import DataRequired

from app.handoff.photos import SNIFF_BYTES, sniff_image_type
from app.handoff.tokens import normalise_short_code, parse_choice
from app.inputs import AppForm


def _size_label(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g}MB"
    return f"{limit // 1024}KB"


class ShortCodeForm(AppForm):
    code = StringField(
        "验证码",
        validators=[DataRequired("请输入电脑屏幕上显示的8位验证码")],
        render_kw={
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "maxlength": 12,
        },
        description="8位字母和数字，显示在电脑屏幕的二维码旁边，例如 7K3M-Q9TR",
    )

    def validate_code(self, field: StringField) -> None:
        if normalise_short_code(field.data) is None:
            raise ValidationError("验证码为8位字母和数字，请核对电脑屏幕上的验证码")


class MatchForm(AppForm):
    """The number tapped: each choice is a submit button ``choice=NN``."""

    choice = StringField("电脑屏幕上显示的数字")

    def validate_choice(self, field: StringField) -> None:
        if parse_choice(field.data) is None:
            raise ValidationError("请点选电脑屏幕上显示的那个数字")

    @property
    def number(self) -> int:
        number = parse_choice(self.choice.data)
        if number is None:  # only read after validate_on_submit()
            raise ValueError("no valid choice")
        return number


class FacePhotoForm(AppForm):
    photo = FileField(
        "本人正面照片",
        validators=[FileRequired("请先拍摄一张本人正面照片")],
        render_kw={"accept": "image/*", "capture": "user"},
        description="点击后会打开前置摄像头。请正对镜头、光线充足、画面中只有您本人",
    )

    def validate_photo(self, field: FileField) -> None:
        """Allow by content (magic bytes) and size, never by file name or Content-Type."""
        stream = field.data.stream
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
        if size == 0:
            raise ValidationError("照片是空的，请重新拍摄")
        limit = current_app.config["FACE_MAX_UPLOAD_BYTES"]
        if size > limit:
            raise ValidationError(f"照片超过 {_size_label(limit)}，请重新拍摄")
        head = stream.read(SNIFF_BYTES)
        stream.seek(0)
        if sniff_image_type(head) is None:
            raise ValidationError("这不是照片文件，请用手机拍照上传（支持 JPEG、PNG、WebP、HEIC）")

    def photo_bytes(self) -> bytes:
        stream = self.photo.data.stream
        stream.seek(0)
        return stream.read()
