"""Rent forms. Every message is Chinese and says what to do."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, ValidationError
from wtforms.form import BaseForm
from wtforms.validators import DataRequired, Length, Regexp

from app.core.clock import today_in_china
from app.core.numbers import MAX_ID, int_or_none, parse_fen
from app.inputs import AppForm, coerce_id
from app.rent.billing import oldest_first_problem
from app.rent.deductions import parse_date

_KEY = re.compile(r"^[0-9a-f]{32}$")


class BillChoiceField(SelectMultipleField):
    """Bill ids chosen with checkboxes; ``choices`` (oldest first) are set by the view."""

    choices: list[tuple[int, str]] | None
    data: list[int] | None

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            self.data = [coerce_id(value) for value in valuelist]
        except ValueError as error:
            self.data = []
            raise ValueError("所选账单无效，请刷新页面后重新选择") from error

    def pre_validate(self, form: BaseForm) -> None:
        # Oldest-first and membership are checked together in validate_bill.
        pass


def _check_oldest_first(field: BillChoiceField) -> None:
    problem = oldest_first_problem(
        [value for value, _label in field.choices or []], field.data or []
    )
    if problem:
        raise ValidationError(problem)


class BillSelectionForm(AppForm):
    """Step 1 (GET): which bills to pay. Changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    bill = BillChoiceField("选择要缴纳的账单", validators=[DataRequired("请至少选择一期账单")])

    def validate_bill(self, field: BillChoiceField) -> None:
        _check_oldest_first(field)


class ConfirmPaymentForm(AppForm):
    """Step 2 (POST): pay the chosen bills; the key makes a double tap harmless."""

    bill = BillChoiceField("要缴纳的账单", validators=[DataRequired("请至少选择一期账单")])
    idempotency_key = HiddenField(validators=[DataRequired("页面已过期，请返回重新选择账单")])

    def validate_bill(self, field: BillChoiceField) -> None:
        _check_oldest_first(field)

    def validate_idempotency_key(self, field: HiddenField) -> None:
        if not _KEY.match(field.data or ""):
            raise ValidationError("页面已过期，请返回重新选择账单")


class CountField(SelectField):
    choices: list[tuple[int, str]] | None

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        self.data = int_or_none(valuelist[0], minimum=1, maximum=MAX_ID)
        if self.data is None:
            raise ValueError("请选择缴纳期数")


class OfflinePaymentForm(AppForm):
    bill_count = CountField(
        "缴纳期数", coerce=int, validate_choice=False, description="从最早的未缴账单开始"
    )
    receipt_number = StringField(
        "收据编号",
        filters=[lambda value: value.strip().upper() if isinstance(value, str) else value],
        validators=[
            DataRequired("请填写纸质收据上的编号"),
            Length(max=40, message="收据编号不能超过 40 位"),
            Regexp(r"^[A-Za-z0-9-]{4,40}$", message="收据编号为 4 到 40 位字母、数字或连字符"),
        ],
        render_kw={"autocomplete": "off"},
    )
    paid_on = StringField(
        "收款日期",
        validators=[DataRequired("请填写收款日期，例如 2026-11-20")],
        description="格式 YYYY-MM-DD；滞纳金按收款当天计算",
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    amount = StringField(
        "实收金额（元）",
        validators=[DataRequired("请填写实收金额，例如 775.00")],
        description="须与应收金额（本金加滞纳金）一致",
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )

    def validate_bill_count(self, field: CountField) -> None:
        if field.data not in [value for value, _label in field.choices or []]:
            raise ValidationError("请选择缴纳期数")

    def validate_paid_on(self, field: StringField) -> None:
        try:
            day = parse_date(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error
        if day > today_in_china():
            raise ValidationError("收款日期不能晚于今天")

    def validate_amount(self, field: StringField) -> None:
        try:
            parse_fen(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error

    @property
    def bills_paid(self) -> int:
        """The validated count (validate_bill_count accepts only an offered one)."""
        count = self.bill_count.data
        if not isinstance(count, int):
            raise ValueError("bill_count read before its form was validated")
        return count

    @property
    def paid_on_date(self) -> date:
        return parse_date(self.paid_on.data or "")

    @property
    def amount_fen(self) -> int:
        return parse_fen(self.amount.data)


class DeductionUploadForm(AppForm):
    file = FileField(
        "银行扣款结果文件（CSV）",
        validators=[FileRequired("请选择银行返回的扣款结果文件（CSV）")],
        description="表头：合同编号,账期,扣款日期,扣款金额,结果,失败原因,银行流水号",
    )


class ConfirmImportForm(AppForm):
    """Only the CSRF token: the staged file is identified by the URL."""
