"""Forms of the 公租房申请 wizard. The rules are ``validation``'s (no Flask); each form reads
what was typed, hands it to them and shows their messages with its fields."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from wtforms import RadioField, SelectField, StringField

from app.apply import services, validation
from app.apply.categories import Category, GuaranteeMode
from app.core.numbers import MAX_ID, int_or_none
from app.eligibility.household import PriorityGroup
from app.inputs import CheckboxesField, CheckedForm, SelectChoice


def choices(labels: Mapping[str, str], placeholder: str | None = "请选择") -> list[Any]:
    """``{value: label}`` as choices, after an empty "请选择" when ``placeholder``."""
    offered = [SelectChoice(value, label) for value, label in labels.items()]
    return [SelectChoice("", placeholder), *offered] if placeholder else offered


def _text(label: str, maxlength: int = 100, inputmode: str = "text", **kwargs: Any) -> Any:
    """A one-line text box as the wizard's are: no browser autofill unless asked, bounded."""
    render_kw = {"inputmode": inputmode, "autocomplete": "off", "maxlength": maxlength}
    render_kw.update(kwargs.pop("render_kw", {}))
    return StringField(label, render_kw=render_kw, **kwargs)


def _select(label: str, labels: Mapping[str, str], **kwargs: Any) -> Any:
    return SelectField(label, choices=choices(labels), validate_choice=False, **kwargs)


def _radios(label: str, labels: Mapping[str, str], **kwargs: Any) -> Any:
    return RadioField(label, choices=choices(labels, None), validate_choice=False, **kwargs)


# -- 1. 服务授权 -------------------------------------------------------------------------

CONSENT_LABELS = {
    "identity": "同意处理身份信息（身份证号码等）",
    "face": "同意处理人脸信息（仅用于本人核验）",
    "finances": "同意核对家庭经济状况信息",
}


class ConsentForm(CheckedForm):
    scopes = CheckboxesField(
        "敏感个人信息单独同意（请逐项勾选）", choices=choices(CONSENT_LABELS, None)
    )
    summary_labels: ClassVar[Mapping[str, str]] = {"scopes": "敏感个人信息单独同意"}

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        problem = validation.consent_problem(typed["scopes"], services.CONSENT_SCOPES)
        return typed["scopes"], {"scopes": problem} if problem else {}


# -- 2. 选择申请区域 ---------------------------------------------------------------------


class RegionForm(CheckedForm):
    """The street, among ``districts`` (grouped by district); the service says which count."""

    street_id = SelectField(
        "请选择申请区域",
        description="选择您户籍或居住所在的街道，申请将由该街道办事处受理初审。",
        validate_choice=False,
    )

    def __init__(self, *args: Any, districts: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.street_id.choices = [SelectChoice("", "请选择街道")] + [
            SelectChoice(str(street.id), f"{district.name} · {street.name}", optgroup=district.name)
            for district in districts
            for street in district.streets
        ]

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        return int_or_none(typed["street_id"], minimum=1, maximum=MAX_ID), {}


# -- 4. 申请类别 -------------------------------------------------------------------------


class CategoryForm(CheckedForm):
    category = _radios(
        "保障类别",
        {key.value: key.label for key in Category},
        description="不同类别需要上传的材料不同。",
    )
    guarantee_mode = _radios(
        "保障方式",
        {mode.value: mode.label for mode in GuaranteeMode},
        description="“租赁补贴”只面向民政部门认定的城镇低保、特困和支出型贫困家庭；其他类别请选“实物配租”。",
    )
    civil_status = _radios(
        "民政认定类别（低保、特困、支出型贫困家庭填写）", validation.CIVIL_STATUSES
    )
    priority_groups = CheckboxesField(
        "优惠政策对象（可多选，没有可不选）",
        choices=[SelectChoice(group.value, group.label) for group in PriorityGroup],
    )
    summary_labels: ClassVar[Mapping[str, str]] = {"civil_status": "民政认定类别"}

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        return validation.validate_category(typed)


# -- 5. 家庭成员: the applicant's own section ----------------------------------------------


class ApplicantForm(CheckedForm):
    """Fields in ``validation.APPLICANT_FIELDS`` order (the summary lists errors in it)."""

    phone = _text("联系电话", 20, "tel", render_kw={"autocomplete": "tel"})
    marital_status = _select("婚姻状况", validation.MARITAL, description="已婚的须与配偶共同申请")
    remarried = _select(
        "是否离异后再婚（已婚的填写）",
        validation.YES_NO,
        description="离异后再婚的，除结婚证外还要上传前次婚姻的离婚证、离婚协议",
    )
    hukou = _select("户籍类型", validation.HUKOU)
    hukou_years = _text(
        "中心城区落户年限（年）", 3, "numeric", description="中心城区城镇户籍填写，不满1年填0"
    )
    residence_permit = _select("中心城区居住证", validation.RESIDENCE_PERMIT)
    pension_months = _text("中心城区连续缴纳城镇职工养老保险月数", 4, "numeric")
    employment_status = _select("就业状况", validation.EMPLOYMENT)
    employer = _text("工作单位", description="在职、个体经营的填写")
    monthly_income = _text("本人月收入（元）", 7, "numeric")
    address = _text("现居住地址", render_kw={"autocomplete": "street-address"})
    housing_situation = _select("现居住情况", validation.HOUSING_SITUATION)
    relatives_any = _select(
        "您或共同申请人的父母、子女在中心城区有两套或以上住房吗？",
        validation.YES_NO,
        description="直系亲属有两套或以上住房、且人均住房面积在40平方米以上的，算作“有资助住房”。"
        "无论有没有，都要上传直系亲属情况说明书。",
    )
    relative_relation = _select("是哪位亲属", validation.FUNDING_RELATIONS)
    relative_units = _text("他（她）在中心城区的住房套数", 3, "numeric")
    relative_area_m2 = _text("这些住房的建筑面积合计（平方米）", 10, "decimal")
    relative_size = _text("他（她）的家庭人数", 3, "numeric")
    summary_labels: ClassVar[Mapping[str, str]] = {
        "remarried": "是否离异后再婚",
        "hukou_years": "落户年限",
        "residence_permit": "居住证",
        "pension_months": "养老保险月数",
        "monthly_income": "月收入",
        "relatives_any": "直系亲属住房",
        "relative_relation": "亲属关系",
        "relative_units": "住房套数",
        "relative_area_m2": "建筑面积合计",
        "relative_size": "亲属家庭人数",
    }

    def __init__(self, *args: Any, category: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        return validation.validate_applicant(typed, self.category)


# -- 5. 家庭成员: one co-applicant -------------------------------------------------------


class MemberForm(CheckedForm):
    """The same names as the applicant's fields, other ids: both forms are on one page."""

    name = _text("姓名", 20, id="member-name")
    id_number = _text(
        "身份证号码", 22, id="member-id-number", description="18位，年龄按身份证自动计算"
    )
    relation = _select("与申请人的关系", validation.RELATIONS, id="member-relation")
    employment_status = _select("就业状况", validation.EMPLOYMENT, id="member-employment")
    employer = _text("工作单位（选填）", id="member-employer")
    address = _text("现居住地址（选填，同申请人可不填）", id="member-address")

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        if self.today is None:
            raise ValueError("MemberForm checked without today's date")
        return validation.validate_member(typed, self.today)


# -- 6. 家庭财产: one vehicle, property or business ------------------------------------------


class AssetForm(CheckedForm):
    """One item of ``kind``; ids are prefixed with it (three such forms are on the page)."""

    kind = ""

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        return validation.validate_asset(self.kind, typed)


class VehicleForm(AssetForm):
    kind = "vehicles"
    plate = _text("车牌号码", 10, id="vehicles-plate")
    model = _text("品牌型号", 40, id="vehicles-model")


class RealEstateForm(AssetForm):
    kind = "real_estate"
    address = _text("房屋坐落", 100, id="real_estate-address")
    area_m2 = _text("建筑面积（平方米）", 10, "decimal", id="real_estate-area_m2")
    use = _select("用途", validation.REAL_ESTATE_USES, id="real_estate-use")


class BusinessForm(AssetForm):
    kind = "businesses"
    name = _text("企业或个体户名称", 60, id="businesses-name")
    credit_code = _text("统一社会信用代码", 18, id="businesses-credit_code")


ASSET_FORMS: dict[str, type[AssetForm]] = {
    "vehicles": VehicleForm,
    "real_estate": RealEstateForm,
    "businesses": BusinessForm,
}
