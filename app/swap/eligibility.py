"""Who may swap, and why not. Pure module: no Flask, no database.

The rules (九江市住房保障中心, Q&A 10 on 公租房互换):

1. 公租房互换居住对象应为已缴租的租赁对象;
2. 申请互换的租赁对象无违规行为且租金缴纳正常，没有欠租情况;
3. 享受租金补贴的租赁对象（含廉租房租赁对象）只能与同保障类型的租赁对象进行互换房屋;
4. 必须有正当充分的理由，并提供相应的证明材料 (checked in the application);
5. 必须填写《承诺书》，并提前缴纳一年租金 (steps of the application, see ``workflow``).

The server checks 1-3 when a listing is posted, a request is sent or accepted, an
application is started or signed, and again when staff approve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GUARANTEE_LABELS = {"gongzu": "公租房", "lianzu": "廉租房·租金补贴"}


@dataclass(frozen=True)
class Standing:
    """What the rules need to know about one tenant, read from leases and rent."""

    has_lease: bool
    has_paid_rent: bool = False
    has_arrears: bool = False
    violations: tuple[str, ...] = ()
    guarantee_type: str | None = None


@dataclass(frozen=True)
class Blocker:
    """Why something is refused, in Chinese, with what to do about it."""

    code: str
    message: str


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


def same_guarantee(mine: str | None, theirs: str | None) -> bool:
    """Tenants may swap only within one guarantee type (rule 3)."""
    return mine is not None and mine == theirs


def guarantee_blocker(mine: str | None, theirs: str | None) -> Blocker | None:
    if same_guarantee(mine, theirs):
        return None
    return Blocker(
        "guarantee_type",
        "享受租金补贴的租赁对象（含廉租房）只能与同保障类型的租赁对象互换："
        f"您的保障类型是{GUARANTEE_LABELS.get(mine or '', '未知')}，"
        f"对方是{GUARANTEE_LABELS.get(theirs or '', '未知')}，不能互换。",
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
        mismatch = guarantee_blocker(mine.guarantee_type, theirs.guarantee_type)
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
