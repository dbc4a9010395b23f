"""Who may swap, and why not. Pure module: no Flask, no database.

The rules (九江市住房保障中心, Q&A 10 on 公租房互换):

1. 公租房互换居住对象应为已缴租的租赁对象;
2. 申请互换的租赁对象无违规行为且租金缴纳正常，没有欠租情况;
3. 享受租金补贴的租赁对象（含廉租房租赁对象）只能与同保障类型的租赁对象进行互换房屋;
4. 必须有正当充分的理由，并提供相应的证明材料 (checked in the application);
5. 必须填写《承诺书》，并提前缴纳一年租金 (steps of the application, see ``workflow``).

Rule 3 goes by whether each tenancy 享受租金补贴 (``enjoys_rent_subsidy``): every 廉租房
lease, and a 公租房 lease whose current term carries a monthly subsidy. Those tenants swap
only among themselves, so the others (公租房 without a subsidy) only among themselves too.
The guarantee type alone is not enough: a subsidised 公租房 lease says 公租房.

The server checks 1-3 when a listing is posted, a request is sent or accepted, an
application is started or signed, and again when staff approve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.blockers import Blocker as Blocker
from app.housing.tenancy import GuaranteeType

LIANZU = GuaranteeType.LIANZU
UNSUBSIDISED = "公租房（不享受租金补贴）"  # a tenancy rule 3 lets swap only with its own kind


def enjoys_rent_subsidy(guarantee_type: str | None, monthly_subsidy_fen: int) -> bool:
    """享受租金补贴 (rule 3): every 廉租房 lease, and a 公租房 lease with a monthly subsidy."""
    return guarantee_type == LIANZU or monthly_subsidy_fen > 0


def tenancy_label(guarantee_type: str | None, monthly_subsidy_fen: int) -> str:
    """The tenant's own tenancy as rule 3 sees it, in the words of a refusal."""
    if guarantee_type == LIANZU:
        return LIANZU.label
    if monthly_subsidy_fen > 0:
        return "公租房·享受租金补贴"
    return UNSUBSIDISED


@dataclass(frozen=True)
class Standing:
    """What the rules need to know about one tenant, read from leases and rent."""

    has_lease: bool
    has_paid_rent: bool = False
    has_arrears: bool = False
    violations: tuple[str, ...] = ()
    guarantee_type: str | None = None
    monthly_subsidy_fen: int = 0  # the current term's 租金补贴

    @property
    def enjoys_rent_subsidy(self) -> bool:
        return enjoys_rent_subsidy(self.guarantee_type, self.monthly_subsidy_fen)


def own_blockers(standing: Standing) -> list[Blocker]:
    """Every reason this tenant cannot take part in a swap now; empty when they can."""
    if not standing.has_lease:
        return [
            Blocker(
                "no_lease",
                "只有正在租住公租房（含廉租房）的租赁对象才能发布和申请互换，"
                "您目前没有有效的租赁合同。",
            )
        ]
    blockers: list[Blocker] = []
    if not standing.has_paid_rent:
        blockers.append(
            Blocker(
                "not_paying",
                "公租房互换居住对象应为已缴租的租赁对象：您的租约还没有缴租记录，"
                "请按期缴纳租金后再申请。",
            )
        )
    if standing.has_arrears:
        blockers.append(
            Blocker(
                "arrears",
                "申请互换须租金缴纳正常、没有欠租：您有逾期未缴的租金，"
                "请先在“租金缴纳”中缴清（含滞纳金），缴清后即可发布和申请互换。",
            )
        )
    for detail in standing.violations:
        blockers.append(
            Blocker(
                "violation",
                f"申请互换须无违规行为：您的租约有未处理的违规记录（{detail}），"
                "请联系租赁管理人员处理后再申请。",
            )
        )
    return blockers


def same_guarantee(mine: Standing, theirs: Standing) -> bool:
    """Rule 3: both tenancies 享受租金补贴, or neither does (both need a lease)."""
    return (
        mine.has_lease
        and theirs.has_lease
        and mine.enjoys_rent_subsidy == theirs.enjoys_rent_subsidy
    )


def guarantee_blocker(mine: Standing, theirs: Standing) -> Blocker | None:
    """Why rule 3 keeps these two apart, in words the tenant can act on; None when it does not.
    The other tenant is described only by what the rule needs: subsidised or not."""
    if same_guarantee(mine, theirs):
        return None
    if theirs.enjoys_rent_subsidy:
        other, look_for = "对方享受租金补贴", "同样不享受租金补贴的公租房租户"
    else:
        other, look_for = "对方是不享受租金补贴的公租房租户", "同样享受租金补贴的租户（含廉租房）"
    return Blocker(
        "guarantee_type",
        "享受租金补贴的租赁对象（含廉租房租赁对象）只能与同保障类型的租赁对象互换："
        f"您的租约是{tenancy_label(mine.guarantee_type, mine.monthly_subsidy_fen)}，"
        f"{other}，不能互换。请选择{look_for}发布的互换信息。",
    )


@dataclass(frozen=True)
class PairCheck:
    mine: list[Blocker] = field(default_factory=list)
    pair: list[Blocker] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mine and not self.pair

    @property
    def messages(self) -> list[str]:
        return [blocker.message for blocker in self.mine + self.pair]


def pair_blockers(mine: Standing, theirs: Standing) -> PairCheck:
    """Why these two tenants cannot swap. The other tenant's own problems are not spelled
    out (their arrears are their business): only that they cannot swap for now."""
    pair: list[Blocker] = []
    if mine.has_lease and theirs.has_lease:
        mismatch = guarantee_blocker(mine, theirs)
        if mismatch:
            pair.append(mismatch)
    if own_blockers(theirs):
        pair.append(
            Blocker(
                "other_party",
                "对方目前不符合互换条件（须已缴租、无欠租、无违规），暂时不能与其办理互换。",
            )
        )
    return PairCheck(mine=own_blockers(mine), pair=pair)
