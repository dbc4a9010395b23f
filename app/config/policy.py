"""Every policy figure the product applies, declared once with its source. No Flask.

Each :class:`Parameter` names its config key, its default, its unit and where the figure
comes from: a clause of the seed documents (``../shared/seeds``: 001 is the 2025 九江 guide,
002 the 2019 policy and its Q&A, 004 the 深圳 renewal guide), or :data:`UNCONFIRMED` when no
document gives it and the office has to confirm it. ``app.config`` gets every figure at
start-up (``app.config.load``); a deployment overrides a figure by setting the same key, in
its config or as an environment variable of that name. The staff page 政策参数 (``/staff/policy``)
lists them all from this one table.

The eligibility thresholds (age, m², months …) live in the eligibility policy file
(``app/eligibility/policies/*.json``) with their clauses; they are not repeated here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.labels import Labelled

UNCONFIRMED = "待确认"


class Area(Labelled):
    REVIEW = "review", "申请审核"
    RENT = "rent", "租金缴纳"
    RENEWAL = "renewal", "合同续约"
    SWAP = "swap", "公租房互换"


class ReviewPath(Labelled):
    """Which publicity rounds a 廉租房 application runs through.

    ``2025``: 一榜公示 (街道) + 结果公示 (市) for every application (001 五(三)(五)).
    ``2019``: 廉租房 runs 三榜公示 (街道, 区, 市) (002 一(二)); 公租房 as 2025.
    """

    ONE_ROUND = "2025", "一榜公示 + 结果公示（2025年办事指南）"
    THREE_ROUNDS = "2019", "廉租房三榜公示（2019年办法）"


@dataclass(frozen=True)
class Parameter:
    key: str  # the config key
    label: str  # Chinese, for the 政策参数 page
    default: Any
    unit: str
    area: Area
    source: str  # the seed clause, or UNCONFIRMED + why

    @property
    def confirmed(self) -> bool:
        return not self.source.startswith(UNCONFIRMED)

    @property
    def basis(self) -> str:
        """The source without the 待确认 mark, which the page shows as a tag."""
        return self.source.removeprefix(UNCONFIRMED).removeprefix("：")

    def from_text(self, text: str) -> Any:
        """A figure given as text (an environment variable) in the default's type."""
        if isinstance(self.default, int):
            return int(text)
        if isinstance(self.default, date):
            return date.fromisoformat(text)
        return text

    def shown(self, value: Any) -> str:
        """``value`` as the 政策参数 page shows it."""
        if isinstance(value, ReviewPath):
            return value.label
        if isinstance(value, str) and self.key == "REVIEW_PATH":
            return ReviewPath(value).label
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Decimal) or self.unit == "每日":
            percent = (Decimal(str(value)) * 100).normalize()
            return f"{percent:f}%"
        return f"{value}{self.unit}"


PARAMETERS: tuple[Parameter, ...] = (
    # -- 申请审核 (app.apply.workflow) ---------------------------------------------------
    Parameter("REVIEW_PATH", "公示轮次", ReviewPath.ONE_ROUND.value, "", Area.REVIEW,
              "001 五（三）（五）：街道一榜公示、市结果公示；2019年办法（002 一（二））的廉租房三榜公示可改为“2019”"),
    Parameter("REVIEW_LEGAL_LIMIT_WORKING_DAYS", "办结时限", 30, "个工作日", Area.REVIEW,
              "001 六：自受理之日起至公示结束反馈，办结时限30个工作日"),
    Parameter("REVIEW_THREE_ROUNDS_LIMIT_WORKING_DAYS", "三榜公示时的办结时限", 40, "个工作日",
              Area.REVIEW,
              f"{UNCONFIRMED}：002 未规定办结时限；按 001 的30个工作日加区审核和二榜公示各5个工作日估算"),
    Parameter("REVIEW_CIVIL_CHECK_WORKING_DAYS", "民政家庭经济状况核对时限", 15, "个工作日",
              Area.REVIEW, "001 五（四）：自受理核对委托之日起15个工作日内反馈核对报告"),
    Parameter("REVIEW_PUBLICITY_WORKING_DAYS", "每轮公示期", 5, "个工作日", Area.REVIEW,
              "001 五（三）（五）：公示5个工作日"),
    Parameter("REVIEW_NEARLY_DUE_WORKING_DAYS", "“即将到期”提醒", 3, "个工作日", Area.REVIEW,
              f"{UNCONFIRMED}：内部办理提醒，文件未规定"),
    Parameter("CERTIFICATE_VALID_YEARS", "住房保障资格证明有效期", 3, "年", Area.REVIEW,
              "002 一（二）、四 2 及政策问答3：发放的住房保障资格证明，有效期3年"),
    # -- 租金缴纳 (app.rent) ---------------------------------------------------------------
    Parameter("RENT_DUE_DAY", "每月缴租截止日", 15, "日", Area.RENT,
              f"{UNCONFIRMED}：002 所附住房保障工作介绍（二）“五项举措”之三（实行银行代扣）"
              "只说银行代收代扣、按时缴租，未规定缴租日期"),
    Parameter("RENT_GRACE_DAYS", "滞纳金宽限期", 5, "天", Area.RENT,
              f"{UNCONFIRMED}：002 所附住房保障工作介绍（二）“五项举措”之三只说"
              "不按时缴租的将处罚相应的滞纳金，未规定宽限期"),
    Parameter("RENT_LATE_FEE_DAILY_RATE", "滞纳金日费率", "0.0005", "每日", Area.RENT,
              f"{UNCONFIRMED}：002 所附住房保障工作介绍（二）“五项举措”之三只说"
              "不按时缴租的将处罚相应的滞纳金，未规定费率"),
    Parameter("RENT_ARREARS_WARNING_MONTHS", "累计欠租提醒", 3, "个月", Area.RENT,
              f"{UNCONFIRMED}：内部催缴提醒，文件未规定；收回住房见下一项"),
    Parameter("RENT_ARREARS_RECLAIM_MONTHS", "累计欠租收回住房", 6, "个月", Area.RENT,
              "002 政策问答11（二）6：承租人累计6个月以上拖欠租金的，依规收回其承租的公租房"),
    # -- 合同续约 (app.renewal) ------------------------------------------------------------
    Parameter("RENEWAL_WINDOW_DAYS", "可申请续约的时间", 90, "天（合同到期前）", Area.RENEWAL,
              f"{UNCONFIRMED}：004 只给出续约流程，未规定提前多久可申请"),
    Parameter("RENEWAL_TERM_YEARS", "续约合同期限", 3, "年", Area.RENEWAL,
              f"{UNCONFIRMED}：文件未规定续约期限"),
    Parameter("RENEWAL_NEW_POLICY_SINCE", "新政策适用起始日（首次签约）", date(2025, 1, 1), "",
              Area.RENEWAL,
              f"{UNCONFIRMED}：004 区分“按原政策执行”与新政策，九江的分界日未见文件"),
    # -- 公租房互换 (app.swap) -------------------------------------------------------------
    Parameter("SWAP_PREPAY_MONTHS", "互换前预缴租金", 12, "个月", Area.SWAP,
              "002 政策问答10 第5条：公租房互换居住对象必须填写《承诺书》，并提前缴纳一年租金"),
)  # fmt: skip

BY_KEY: dict[str, Parameter] = {parameter.key: parameter for parameter in PARAMETERS}


def default(key: str) -> Any:
    return BY_KEY[key].default


def value(config: Mapping[str, Any], key: str) -> Any:
    """The figure in force: the config's, else the declared default."""
    return config.get(key, BY_KEY[key].default)


def review_path(config: Mapping[str, Any]) -> ReviewPath:
    return ReviewPath(str(value(config, "REVIEW_PATH")))
