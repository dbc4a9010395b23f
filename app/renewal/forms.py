"""Forms of the renewal, the only validators. Messages say what to do."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.housing.violations import VIOLATION_KINDS
from app.inputs import AppForm, SelectChoice
from app.renewal.models import RenewalPolicy


class ConfirmForm(AppForm):
    """A step with nothing to fill in: 下一步, 合同签署, 提交, 发起收入财产核对."""


class PolicyForm(AppForm):
    policy = RadioField(
        "续租政策",
        choices=[SelectChoice(p.value, p.label) for p in RenewalPolicy],
        validators=[InputRequired("请选择按哪种政策续租")],
        validate_choice=False,  # the view says why a policy is not open to this tenant
    )


class DeclarationForm(AppForm):
    agreed = BooleanField(
        "我已阅读并同意《个人续约声明》",
        validators=[DataRequired("请阅读声明后勾选“个人续约声明”")],
    )


class CommitmentReadForm(AppForm):
    agreed = BooleanField(
        "我已阅读并知悉承诺书的全部内容",
        validators=[DataRequired("请阅读承诺书后勾选“我已阅知”")],
    )


class CommitmentCopyForm(AppForm):
    text = TextAreaField(
        "请粘贴或输入承诺书内容",
        description="点击“复制”后粘贴到此处，或照着上面的承诺书逐字输入；空格和换行不影响核对",
        validators=[
            DataRequired("请粘贴或输入承诺书内容"),
            Length(max=2000, message="内容过长，请只粘贴承诺书正文"),
        ],
        render_kw={"rows": 6, "autocomplete": "off", "spellcheck": "false"},
    )


class ReviewForm(AppForm):
    version = HiddenField()
    decision = RadioField(
        "审核结果",
        choices=[
            SelectChoice("approve", "审核通过，通知承租人签订合同"),
            SelectChoice("reject", "审核不通过"),
        ],
        validators=[InputRequired("请选择审核结果")],
    )
    note = TextAreaField(
        "审核意见",
        description="不通过时必填：承租人会在消息和“我的续约”中看到，请写清原因和需要怎么做",
        validators=[Length(max=500, message="审核意见请控制在500字以内")],
    )


class ContractApprovalForm(AppForm):
    version = HiddenField()


class IncomeCheckForm(AppForm):
    result = RadioField(
        "核对结论",
        choices=[SelectChoice("passed", "符合新政策续租条件"), SelectChoice("failed", "不符合")],
        validators=[InputRequired("请选择核对结论")],
    )
    report_number = StringField(
        "核对报告编号",
        validators=[
            DataRequired("请填写民政核对报告编号"),
            Length(max=40, message="报告编号不超过40个字符"),
        ],
    )
    note = TextAreaField(
        "说明（选填）",
        description="不符合时请写明原因，承租人会看到",
        validators=[Length(max=500, message="说明请控制在500字以内")],
    )


class ViolationForm(AppForm):
    kind = RadioField(
        "违规类型",
        choices=[SelectChoice(key, label) for key, label in VIOLATION_KINDS.items()],
        validators=[InputRequired("请选择违规类型")],
    )
    detail = TextAreaField(
        "情况说明",
        validators=[
            DataRequired("请写明违规情况"),
            Length(max=500, message="请控制在500字以内"),
        ],
    )


class ResolveForm(AppForm):
    resolution = StringField(
        "整改情况",
        validators=[
            DataRequired("请填写整改情况"),
            Length(max=200, message="请控制在200字以内"),
        ],
    )


class VerifyForm(AppForm):
    """核验 a printed contract's approval: the code printed under 审批记录 (read from the
    query string; nothing changes, so no CSRF token)."""

    class Meta(AppForm.Meta):
        csrf = False

    code = StringField(
        "核验码",
        description="共12位，印在合同的“审批记录”中，例如 ABCD-EFGH-JKLM（不区分大小写）",
        validators=[
            InputRequired("请输入合同上印的12位核验码"),
            Length(max=20, message="核验码共12位，请核对后重新输入"),
        ],
    )
