"""The statuses of 互换 and their tables (``app.core.transitions``): listings, 我想换
requests, reports and the formal application, each with the moves it may make, who may take
them and what the residents are told. Pure module: no Flask, no database;
``app.status`` applies the tables, ``app.swap.models`` guards the columns.

The actions are the audit actions ("swap.request.accepted"). Moves a person's move on
another row carries along (a listing taken down with a report upheld, swapped with an
application approved; requests ended with their listing or by a block) are ``SYSTEM``.
"""

from __future__ import annotations

from app.auth.roles import Role
from app.core.transitions import OWNER, SYSTEM, Table, Tell, move
from app.labels import Labelled

MESSAGE_CATEGORY = "互换"
STAFF = frozenset({Role.LEASE_MANAGER, Role.ADMIN})  # 租赁管理, 系统管理


class SwapError(Exception):
    """A refused action; ``messages`` say why, in Chinese, and what to do."""

    def __init__(self, *messages: str) -> None:
        super().__init__(messages[0] if messages else "")
        self.messages = list(messages)

    @property
    def message(self) -> str:
        return "；".join(self.messages)


class ListingStatus(Labelled):
    ACTIVE = "active", "展示中"
    PAUSED = "paused", "已暂停"
    CLOSED = "closed", "已关闭"
    SWAPPED = "swapped", "已换房"
    REMOVED = "removed", "已被下架"  # taken down by staff after a report


class RequestStatus(Labelled):
    PENDING = "pending", "待对方回复"
    ACCEPTED = "accepted", "已接受"
    DECLINED = "declined", "已婉拒"
    WITHDRAWN = "withdrawn", "已撤回"
    CLOSED = "closed", "已结束"  # a listing closed, swapped or was taken down


class ReportStatus(Labelled):
    OPEN = "open", "待处理"
    UPHELD = "upheld", "已下架"
    DISMISSED = "dismissed", "不予处理"


class ApplicationStatus(Labelled):
    """preparing -> submitted -> approved | refused; withdrawn from preparing or submitted."""

    PREPARING = "preparing", "双方办理中"
    SUBMITTED = "submitted", "已提交，待审核"
    APPROVED = "approved", "审核通过，已换房"
    REFUSED = "refused", "审核不通过"
    WITHDRAWN = "withdrawn", "已撤回"

    @property
    def is_open(self) -> bool:
        return self in (ApplicationStatus.PREPARING, ApplicationStatus.SUBMITTED)


L = ListingStatus
LIVE = (L.ACTIVE, L.PAUSED)
LISTINGS = Table(
    name="SwapListing.status",
    moves=(
        *move("paused", L.ACTIVE, L.PAUSED, OWNER, "暂停展示"),
        *move("resumed", L.PAUSED, L.ACTIVE, OWNER, "恢复展示"),
        *move("closed", LIVE, L.CLOSED, OWNER, "关闭互换信息"),
        *move(
            "removed",
            LIVE,
            L.REMOVED,
            SYSTEM,
            "下架",  # a report upheld
            Tell(
                "您的互换信息已被下架",
                "经核实，您发布的互换信息已被下架。说明：{note}\n"
                "如有异议，请联系住房保障中心租赁管理窗口。",
                "/swap/mine",
            ),
        ),
        *move("swapped", LIVE, L.SWAPPED, SYSTEM),  # its application approved
    ),
    statuses=tuple(ListingStatus),
    owners=lambda listing: (listing.tenant_id,),
    labels=lambda status: ListingStatus(status).label,
    audit="swap.listing",
    subject="swap_listing",
    stale="此互换信息已在其他设备上修改过，请刷新页面后再修改。",
    category=MESSAGE_CATEGORY,
    error=SwapError,
)

R = RequestStatus
REQUESTS = Table(
    name="SwapRequest.status",
    # Each is told to the other tenant (``tell=``); who of the two answers is checked by
    # the service (the recipient accepts or declines, the sender withdraws).
    moves=(
        *move(
            "accepted",
            R.PENDING,
            R.ACCEPTED,
            OWNER,
            "接受",
            Tell(
                "对方接受了您的换房请求",
                "对方接受了您的换房请求，现在双方都能看到对方的姓名、电话和房屋地址。"
                "可以约时间看房；双方都同意后，可在沟通页面发起“申请互换”。",
            ),
        ),
        *move(
            "declined",
            R.PENDING,
            R.DECLINED,
            OWNER,
            "婉拒",
            Tell(
                "对方婉拒了您的换房请求",
                "对方婉拒了您的换房请求。您可以继续在互换大厅和“互相匹配”中寻找其他房源。",
            ),
        ),
        *move(
            "withdrawn",
            R.PENDING,
            R.WITHDRAWN,
            OWNER,
            "撤回请求",
            Tell("对方撤回了换房请求", "对方撤回了发给您的换房请求。"),
        ),
        *move(
            "closed",
            (R.PENDING, R.ACCEPTED),
            R.CLOSED,
            SYSTEM,  # its listing ended
            tell=Tell(
                "换房沟通已结束",
                "{why}，你们之间的换房沟通已结束。您可以继续在互换大厅寻找其他房源。",
            ),
        ),
        *move("blocked", (R.PENDING, R.ACCEPTED), R.CLOSED, SYSTEM),  # one blocked the other
    ),
    statuses=tuple(RequestStatus),
    owners=lambda request: (request.from_tenant_id, request.to_tenant_id),
    labels=lambda status: RequestStatus(status).label,
    audit="swap.request",
    subject="swap_request",
    stale="此请求已处理过，请刷新页面。",
    category=MESSAGE_CATEGORY,
    error=SwapError,
)

_REPORT_DONE = "您的举报已处理"
REPORTS = Table(
    name="SwapReport.status",
    moves=(
        *move(
            "upheld",
            ReportStatus.OPEN,
            ReportStatus.UPHELD,
            STAFF,
            "下架",
            Tell(_REPORT_DONE, "感谢您的举报。经核实，该互换信息已被下架。", "/swap/"),
        ),
        *move(
            "dismissed",
            ReportStatus.OPEN,
            ReportStatus.DISMISSED,
            STAFF,
            "不予处理",
            Tell(_REPORT_DONE, "感谢您的举报。经核实，暂未发现违规情况，不予处理。", "/swap/"),
        ),
        # Other open reports on a listing taken down are settled with it.
        *move("settled", ReportStatus.OPEN, ReportStatus.UPHELD, SYSTEM),
    ),
    statuses=tuple(ReportStatus),
    owners=lambda report: (report.reporter_id,),
    labels=lambda status: ReportStatus(status).label,
    audit="swap.report",
    subject="swap_report",
    stale="此举报已处理过。",
    category=MESSAGE_CATEGORY,
    error=SwapError,
)

A = ApplicationStatus
APPLICATIONS = Table(
    name="SwapApplication.status",
    moves=(
        # Both tenants have done every step: the last pre-paid bill paid, the pre-payment
        # issued when its bills were paid already, or ``flask swap submit-ready``.
        *move(
            "submitted",
            A.PREPARING,
            A.SUBMITTED,
            SYSTEM,
            tell=Tell(
                "互换申请已提交审核",
                "互换申请 {reference}：双方已签署《承诺书》并预缴一年租金，"
                "申请已提交住房保障中心审核，审核结果会通过消息通知您。",
            ),
        ),
        *move(
            "withdrawn",
            (A.PREPARING, A.SUBMITTED),
            A.WITHDRAWN,
            OWNER,
            "撤回互换申请",
            Tell(
                "对方撤回了互换申请",
                "互换申请 {reference} 已被对方撤回。已预缴的租金仍是您的租金，不受影响。",
            ),
        ),
        *move(
            "approved",
            A.SUBMITTED,
            A.APPROVED,
            STAFF,
            "通过，变更双方租约",
            Tell(
                "互换申请已通过",
                "互换申请 {reference} 已审核通过。您的租约（{contract}）已变更为新房屋："
                "{address}。请与对方约定时间搬家，并到小区服务站办理交接。已预缴的租金继续有效。",
            ),
        ),
        *move(
            "refused",
            A.SUBMITTED,
            A.REFUSED,
            STAFF,
            "不予通过",
            Tell(
                "互换申请未通过",
                "互换申请 {reference} 审核未通过。原因：{reason}\n"
                "已预缴的租金仍是您的租金，不受影响。如有疑问，请联系住房保障中心租赁管理窗口。",
            ),
        ),
    ),
    statuses=tuple(ApplicationStatus),
    owners=lambda application: tuple(party.tenant_id for party in application.parties),
    labels=lambda status: ApplicationStatus(status).label,
    audit="swap.application",
    subject="swap_application",
    stale="申请已在其他设备上更新，请刷新页面后重试。",
    category=MESSAGE_CATEGORY,
    error=SwapError,
)

TABLES = (LISTINGS, REQUESTS, REPORTS, APPLICATIONS)
