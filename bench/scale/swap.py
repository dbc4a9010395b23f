"""The swap board for the scale seed: every tenant's history of listings (closed, a few
taken down after a report, a few swapped), one live listing for about a third of the
tenants, favourites and 我想换 requests between live listings, and the complete record of
each swap that happened (request, application, pre-paid year, the leases' unit changes).

Listings copy their home from the lease as ``app.swap.listings`` does; there are no photo
rows (no files would be behind them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from app.housing.models import GuaranteeType
from app.swap.listings import search_text_for
from app.swap.models import ListingStatus, ReasonCategory, ReportReason, ReportStatus
from app.swap.models import RequestStatus as Req
from app.swap.rules import LISTING_DAYS
from app.swap.rules import ApplicationStatus as SwapStatus
from bench.scale.housing import Home
from bench.scale.scene import Scene, china_date, china_time
from bench.scale.tenancy import Lease, Move

LISTING_COLUMNS = (
    "id",
    "tenant_id",
    "lease_id",
    "status",
    "district_id",
    "community_id",
    "floor",
    "floors_total",
    "has_lift",
    "area_m2",
    "bedrooms",
    "living_rooms",
    "bathrooms",
    "orientation",
    "monthly_rent_fen",
    "guarantee_type",
    "description",
    "reason_category",
    "wants_any_area",
    "min_bedrooms",
    "floor_min",
    "floor_max",
    "needs_lift",
    "place_text",
    "search_text",
    "published_at",
    "updated_at",
    "closed_at",
    "version",
    "created_at",
)
WISH_COLUMNS = ("id", "listing_id", "district_id", "community_id")
FAVOURITE_COLUMNS = ("id", "user_id", "listing_id", "created_at")
REQUEST_COLUMNS = (
    "id",
    "from_listing_id",
    "to_listing_id",
    "from_tenant_id",
    "to_tenant_id",
    "message",
    "status",
    "decided_at",
    "created_at",
)
SWAP_MESSAGE_COLUMNS = ("id", "request_id", "sender_id", "body", "created_at")
REPORT_COLUMNS = (
    "id",
    "reporter_id",
    "listing_id",
    "reported_user_id",
    "request_id",
    "reason",
    "detail",
    "status",
    "decided_by",
    "decided_at",
    "decision_note",
    "created_at",
)
APPLICATION_COLUMNS = (
    "id",
    "reference",
    "request_id",
    "started_by",
    "status",
    "submitted_at",
    "decided_at",
    "decided_by",
    "decision_reason",
    "version",
    "created_at",
)
PARTY_COLUMNS = (
    "id",
    "application_id",
    "tenant_id",
    "lease_id",
    "listing_id",
    "from_unit_id",
    "to_unit_id",
    "reason_category",
    "reason_text",
    "signed_at",
    "signed_ip",
    "prepay_issued_at",
)
PREPAID_COLUMNS = ("id", "party_id", "bill_id")
UNIT_CHANGE_COLUMNS = (
    "id",
    "lease_id",
    "from_unit_id",
    "to_unit_id",
    "swap_application_id",
    "approved_by",
    "note",
    "created_at",
)

SWAPPED_SHARE = 0.004  # of all listings
REMOVED_SHARE = 0.02  # of the history
EXPIRED_SHARE = 0.06  # of the live active listings: past 60 days, not renewed yet
REASONS = (
    (ReasonCategory.WORK, 0.3),
    (ReasonCategory.SCHOOL, 0.25),
    (ReasonCategory.ELDERLY, 0.2),
    (ReasonCategory.MEDICAL, 0.15),
    (ReasonCategory.OTHER, 0.1),
)
LAYOUT_WORDS = {1: "一室一厅", 2: "两室一厅", 3: "三室一厅"}
FEATURES = (
    "采光好",
    "小区安静",
    "楼下有超市",
    "小区门口有公交站",
    "离菜市场近",
    "小区绿化好",
    "邻居和睦",
    "停车方便",
    "简单装修",
    "精装修",
    "离公园近",
    "通勤方便",
)
WHY = {
    ReasonCategory.WORK: "我在{place}上班，每天通勤时间长，想换到{place}，方便上下班。",
    ReasonCategory.SCHOOL: "孩子在{place}上学，想换到学校附近，方便接送。",
    ReasonCategory.MEDICAL: "家里老人需要定期去{place}的医院复诊，想换到医院附近。",
    ReasonCategory.ELDERLY: "父母住在{place}，年纪大了需要照顾，想换到{place}。",
    ReasonCategory.OTHER: "家里人口有变化，想换一套更合适的房子，{place}优先。",
}
REQUEST_MESSAGES = (
    "您好，我家在{place}，两家情况比较合适，想和您换房，方便的话可以先看看房。",
    "您好，看到您想换到{district}，我正好在那边，想了解一下您的房子。",
    "你好，我们对您的房子很感兴趣，周末可以约时间看房吗？",
    "您好，我家老人也想搬过去，您看我家的房子合适吗？",
)
CHAT = (
    "可以的，周六上午方便吗？",
    "好的，周六上午十点小区门口见。",
    "房子看过了，我们家都挺满意的。",
    "谢谢，我们商量一下再答复您。",
    "物业费是每月按时交的，没有欠费。",
)
REPORT_DETAILS = {
    ReportReason.FALSE_INFO: "房屋面积和楼层与描述不符。",
    ReportReason.ADVERT: "留言中有中介广告。",
    ReportReason.HARASSMENT: "多次发消息骚扰。",
    ReportReason.PROFIT: "对方要求另付“换房费”。",
    ReportReason.OTHER: "信息与实际情况不一致。",
}


@dataclass(eq=False)
class ListingPlan:
    id: int
    lease: Lease
    status: ListingStatus
    published_at: datetime
    closed_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    reason: ReasonCategory = ReasonCategory.OTHER
    version: int = 1
    expired: bool = False  # still shown as active, but past its 60 days

    @property
    def home(self) -> Home:
        return self.lease.home_on(china_date(self.published_at))

    @property
    def on_board(self) -> bool:
        return self.status is ListingStatus.ACTIVE and not self.expired


@dataclass(eq=False)
class Swap:
    """When each step of one completed swap happened (see ``plan_moves``)."""

    first: Lease
    second: Lease
    day: date
    published: tuple[datetime, datetime]
    request_at: datetime
    accepted_at: datetime
    started_at: datetime
    submitted_at: datetime
    approved_at: datetime


class SwapSeeder:
    def __init__(self, scene: Scene, communities: dict[int, tuple[str, int]]) -> None:
        """``communities``: every community id -> (name, district id)."""
        self.scene = scene
        self.communities = communities
        self.district_names = {s.district_id: s.district_name for s in scene.streets}
        writer = scene.writer
        self.listings = writer.sink("swap_listings", LISTING_COLUMNS)
        self.wishes = writer.sink("swap_wish_areas", WISH_COLUMNS)
        self.swaps: list[Swap] = []

    # -- moves (planned before the rent, which must know the year paid in advance) --------

    def plan_moves(self, leases: list[Lease]) -> None:
        scene, rng = self.scene, self.scene.rng
        pairs = max(1, round(scene.volume.listings * SWAPPED_SHARE / 2))
        earliest_day = scene.today - timedelta(days=5)
        by_type: dict[str, list[Lease]] = {}
        for lease in leases:
            registered = china_date(lease.tenant.registered_at)
            if (
                lease.months(scene.today) >= 24
                and not lease.open_violation
                and registered < earliest_day - timedelta(days=150)
            ):
                by_type.setdefault(lease.guarantee, []).append(lease)
        pool = [lease for group in by_type.values() for lease in group]
        rng.shuffle(pool)
        used: set[int] = set()
        for first in pool:
            if len(self.swaps) >= pairs:
                break
            if first.id in used:
                continue
            second = next(
                (
                    other
                    for other in by_type[first.guarantee]
                    if other.id not in used
                    and other.id != first.id
                    and other.home.community_id != first.home.community_id
                ),
                None,
            )
            if second is None:
                continue
            used |= {first.id, second.id}
            self.swaps.append(self._plan_swap(first, second))

    def _plan_swap(self, first: Lease, second: Lease) -> Swap:
        scene, rng = self.scene, self.scene.rng
        registered = max(
            china_date(first.tenant.registered_at), china_date(second.tenant.registered_at)
        )
        start = max(registered + timedelta(days=120), first.start + timedelta(days=400))
        start = max(start, second.start + timedelta(days=400))
        day = scene.day_between(start, scene.today - timedelta(days=5))
        approved = china_time(day, rng.randrange(9, 17), rng.randrange(60))
        submitted = approved - timedelta(days=rng.randrange(2, 10), hours=rng.randrange(1, 6))
        paid = [
            submitted - timedelta(days=rng.randrange(0, 3), hours=rng.randrange(1, 8)) for _ in "ab"
        ]
        started = min(paid) - timedelta(days=rng.randrange(1, 5))
        accepted = started - timedelta(days=rng.randrange(1, 4), hours=rng.randrange(1, 10))
        request = accepted - timedelta(days=rng.randrange(1, 3), hours=rng.randrange(1, 10))
        published = tuple(request - timedelta(days=rng.randrange(3, 40)) for _ in "ab")
        first.move = Move(day, second.home, second)
        second.move = Move(day, first.home, first)
        first.prepaid_at, second.prepaid_at = paid
        return Swap(first, second, day, published, request, accepted, started, submitted, approved)

    # -- listings --------------------------------------------------------------------------

    def seed(self, leases: list[Lease]) -> None:
        scene, rng = self.scene, self.scene.rng
        volume = scene.volume
        live = self._live(leases)
        swapped = [self._swapped_listing(swap, index) for swap in self.swaps for index in (0, 1)]
        history_total = max(0, volume.listings - len(live) - len(swapped))
        history = self._history(leases, history_total, {plan.lease.id: plan for plan in live})
        sampled = rng.sample(history, round(len(history) * REMOVED_SHARE))
        taken_down = {plan: replace(plan, status=ListingStatus.REMOVED) for plan in sampled}
        removed = [taken_down[plan] for plan in sampled]
        history = [taken_down.get(plan, plan) for plan in history]
        for plan in history + swapped + live:
            self._write_listing(plan)
            scene.writer.checkpoint()
        self._reports(removed, live, leases)
        self._favourites_and_requests(live, leases)
        for index, swap in enumerate(self.swaps):
            self._write_swap(swap, swapped[2 * index], swapped[2 * index + 1])

    def _live(self, leases: list[Lease]) -> list[ListingPlan]:
        """One shown or paused listing for about a third of the tenants: those who may post
        (rent paid, no arrears, no unresolved violation)."""
        scene, rng = self.scene, self.scene.rng
        eligible = [
            lease
            for lease in leases
            if not lease.arrears_months
            and not lease.open_violation
            and lease.first_paid_at is not None
            and lease.months(scene.today) >= 4
            and _may_post_from(lease) < scene.now - timedelta(days=2)
        ]
        chosen = rng.sample(eligible, min(scene.volume.live_listings, len(eligible)))
        plans = []
        for lease in chosen:
            earliest = _may_post_from(lease)
            expired = rng.random() < EXPIRED_SHARE
            paused = not expired and rng.random() < scene.volume.paused_share
            if expired:
                published = scene.now - timedelta(days=rng.uniform(LISTING_DAYS + 1, 100))
            else:
                published = scene.now - timedelta(days=rng.uniform(0.05, LISTING_DAYS - 1))
            published = max(published, earliest + timedelta(hours=1))
            created = published
            if rng.random() < 0.2 and published - earliest > timedelta(days=LISTING_DAYS):
                created = published - timedelta(days=rng.uniform(53, LISTING_DAYS))  # renewed
            plan = ListingPlan(
                id=scene.writer.next_id("swap_listings"),
                lease=lease,
                status=ListingStatus.PAUSED if paused else ListingStatus.ACTIVE,
                published_at=published,
                created_at=created,
                updated_at=scene.moment_between(published, scene.now),
                version=1 + paused + (created != published) + rng.choice((0, 0, 1, 2)),
                expired=expired,
            )
            plans.append(plan)
        return plans

    def _history(
        self, leases: list[Lease], total: int, live: dict[int, ListingPlan]
    ) -> list[ListingPlan]:
        """``total`` closed listings spread over the tenants' time on the board, one after
        another: never two live at once."""
        scene, rng = self.scene, self.scene.rng
        spans: list[tuple[Lease, datetime, datetime]] = []
        for lease in leases:
            if lease.first_paid_at is None or lease.months(scene.today) < 4:
                continue
            begin = max(lease.tenant.registered_at, lease.first_paid_at) + timedelta(days=1)
            end = live[lease.id].created_at if lease.id in live else scene.now
            end -= timedelta(days=2)
            if lease.move is not None:
                swap = next(s for s in self.swaps if lease in (s.first, s.second))
                published = swap.published[0 if lease is swap.first else 1]
                spans.append((lease, begin, published - timedelta(days=2)))
                begin = china_time(swap.day + timedelta(days=7))
            spans.append((lease, begin, end))
        spans = [
            (lease, begin, end) for lease, begin, end in spans if end - begin > timedelta(days=8)
        ]
        weights = [(end - begin).days * rng.uniform(0.2, 2.0) for _, begin, end in spans]
        weight_sum = sum(weights) or 1
        counts = [
            min(int(total * w / weight_sum), (end - begin).days // 8)
            for w, (_, begin, end) in zip(weights, spans, strict=True)
        ]
        short = total - sum(counts)
        order = sorted(range(len(spans)), key=lambda i: -weights[i])
        while short > 0 and order:
            progressed = False
            for i in order:
                _, begin, end = spans[i]
                if short and counts[i] < (end - begin).days // 8:
                    counts[i] += 1
                    short -= 1
                    progressed = True
            if not progressed:
                break
        plans = []
        for (lease, begin, end), count in zip(spans, counts, strict=True):
            if not count:
                continue
            slot = (end - begin) / count
            for index in range(count):
                slot_start = begin + slot * index
                published = slot_start + slot * rng.uniform(0, 0.3)
                longest = slot_start + slot - published - timedelta(days=1)
                open_for = min(timedelta(days=rng.uniform(2, LISTING_DAYS + 20)), longest)
                closed = published + max(open_for, timedelta(hours=6))
                plans.append(
                    ListingPlan(
                        id=scene.writer.next_id("swap_listings"),
                        lease=lease,
                        status=ListingStatus.CLOSED,
                        published_at=published,
                        created_at=published,
                        closed_at=closed,
                        updated_at=closed,
                        version=2 + rng.choice((0, 0, 1)),
                    )
                )
        return plans

    def _swapped_listing(self, swap: Swap, index: int) -> ListingPlan:
        lease = (swap.first, swap.second)[index]
        published = swap.published[index]
        return ListingPlan(
            id=self.scene.writer.next_id("swap_listings"),
            lease=lease,
            status=ListingStatus.SWAPPED,
            published_at=published,
            created_at=published,
            closed_at=swap.approved_at,
            updated_at=swap.approved_at,
            version=3,
        )

    def _write_listing(self, plan: ListingPlan) -> None:
        scene, rng = self.scene, self.scene.rng
        lease, home = plan.lease, plan.home
        plan.reason = _pick(rng, REASONS)
        wished_districts, wished_communities = self._wished_areas(home)
        places = [self.district_names[d] for d in wished_districts]
        places += [self.communities[c][0] for c in wished_communities]
        description = self._description(plan, home, places[0] if places else "市区")
        min_bedrooms = None if rng.random() < 0.5 else min(3, home.bedrooms + rng.choice((0, 0, 1)))
        floor_min, floor_max = None, None
        if rng.random() < 0.2:
            floor_min, floor_max = rng.choice(((1, 6), (1, 9), (3, 12), (None, 6), (2, None)))
        lift_chance = (
            0.4 if plan.reason in (ReasonCategory.MEDICAL, ReasonCategory.ELDERLY) else 0.1
        )
        needs_lift = rng.random() < lift_chance
        term = lease.term_on(china_date(plan.published_at))
        self.listings.add(
            plan.id,
            lease.tenant.id,
            lease.id,
            plan.status.value,
            home.street.district_id,
            home.community_id,
            home.floor,
            home.floors,
            home.has_lift,
            home.area_m2,
            home.bedrooms,
            home.living_rooms,
            home.bathrooms,
            home.orientation,
            term.rent_fen,
            lease.guarantee,
            description,
            plan.reason.value,
            not (wished_districts or wished_communities),
            min_bedrooms,
            floor_min,
            floor_max,
            needs_lift,
            home.place_text,
            search_text_for(home.place_text, home.layout, home.orientation, description),
            plan.published_at,
            plan.updated_at or plan.published_at,
            plan.closed_at,
            plan.version,
            plan.created_at or plan.published_at,
        )
        for district_id in wished_districts:
            self.wishes.add(scene.writer.next_id("swap_wish_areas"), plan.id, district_id, None)
        for community_id in wished_communities:
            self.wishes.add(scene.writer.next_id("swap_wish_areas"), plan.id, None, community_id)
        tenant = lease.tenant.id
        scene.audit("swap.listing.posted", tenant, "swap_listing", plan.id, plan.created_at)
        if plan.status is ListingStatus.CLOSED:
            scene.audit("swap.listing.closed", tenant, "swap_listing", plan.id, plan.closed_at)

    def _wished_areas(self, home: Home) -> tuple[list[int], list[int]]:
        rng = self.scene.rng
        roll = rng.random()
        others = [d for d in self.district_names if d != home.street.district_id]
        if roll < 0.25:
            return [], []
        if roll < 0.7:
            pick = rng.choice(others) if others and rng.random() < 0.8 else home.street.district_id
            return [pick], []
        if roll < 0.8 and len(self.district_names) > 1:
            return rng.sample(sorted(self.district_names), 2), []
        communities = [c for c in self.communities if c != home.community_id]
        return [], rng.sample(communities, min(len(communities), rng.choice((1, 1, 2))))

    def _description(self, plan: ListingPlan, home: Home, place: str) -> str:
        rng = self.scene.rng
        layout = LAYOUT_WORDS.get(home.bedrooms, home.layout)
        if home.bathrooms > 1:
            layout += "两卫"
        orientation = "南北通透" if home.orientation == "南北" else f"朝{home.orientation}"
        kind = "电梯房" if home.has_lift else "步梯房"
        features = rng.sample(FEATURES, 2)
        facts = "，".join([layout, orientation, kind, f"{home.floor}楼", *features])
        return f"{facts}。{WHY[plan.reason].format(place=place)}"

    # -- what happens around live listings ------------------------------------------------

    def _reports(
        self, removed: list[ListingPlan], live: list[ListingPlan], leases: list[Lease]
    ) -> None:
        """举报 that took listings down, and a few still waiting for 租赁管理."""
        scene, rng, writer = self.scene, self.scene.rng, self.scene.writer
        reports = writer.sink("swap_reports", REPORT_COLUMNS)
        manager = scene.staff.lease_manager
        waiting = [plan for plan in live if plan.on_board]
        waiting = rng.sample(waiting, min(len(waiting), max(1, len(live) // 100)))
        for plan in removed + waiting:
            reporter = rng.choice(leases).tenant
            if reporter.id == plan.lease.tenant.id:
                continue
            reason = rng.choice(list(ReportReason))
            upheld = plan.status is ListingStatus.REMOVED
            made = (
                plan.closed_at - timedelta(days=rng.uniform(0.5, 5))
                if upheld
                else scene.moment_between(plan.published_at, scene.now)
            )
            made = max(made, plan.published_at)
            note = "经核实，信息与实际情况不符，予以下架。" if upheld else None
            report_id = writer.next_id("swap_reports")
            reports.add(
                report_id,
                reporter.id,
                plan.id,
                plan.lease.tenant.id,
                None,
                reason.value,
                REPORT_DETAILS[reason],
                ReportStatus.UPHELD.value if upheld else ReportStatus.OPEN.value,
                manager if upheld else None,
                plan.closed_at if upheld else None,
                note,
                made,
            )
            if upheld:
                scene.message(
                    plan.lease.tenant.id,
                    "互换",
                    "您的互换信息已被下架",
                    f"经核实，您发布的互换信息已被下架。说明：{note}\n"
                    "如有异议，请联系住房保障中心租赁管理窗口。",
                    "/swap/mine",
                    plan.closed_at,
                )
                scene.message(
                    reporter.id,
                    "互换",
                    "您的举报已处理",
                    "感谢您的举报。经核实，该互换信息已被下架。",
                    "/swap/",
                    plan.closed_at,
                )
                scene.audit(
                    "swap.report.upheld", manager, "swap_report", report_id, plan.closed_at, note
                )

    def _favourites_and_requests(self, live: list[ListingPlan], leases: list[Lease]) -> None:
        scene, rng, writer = self.scene, self.scene.rng, self.scene.writer
        favourites = writer.sink("swap_favourites", FAVOURITE_COLUMNS)
        board = [plan for plan in live if plan.on_board]
        tenants = [lease.tenant for lease in leases]
        for plan in board:
            fans = {rng.choice(tenants).id for _ in range(rng.choice((0, 0, 1, 1, 2, 3, 4)))}
            fans.discard(plan.lease.tenant.id)
            for fan in sorted(fans):
                at = scene.moment_between(plan.published_at, scene.now)
                favourites.add(writer.next_id("swap_favourites"), fan, plan.id, at)
        by_type: dict[str, list[ListingPlan]] = {}
        for plan in board:
            by_type.setdefault(plan.lease.guarantee, []).append(plan)
        asked: set[frozenset[int]] = set()
        for plan in board:
            if rng.random() > 0.45:
                continue
            others = by_type[plan.lease.guarantee]
            target = rng.choice(others)
            pair = frozenset((plan.id, target.id))
            if target is plan or pair in asked:
                continue
            asked.add(pair)
            status = _pick(
                rng,
                (
                    (Req.PENDING, 0.5),
                    (Req.ACCEPTED, 0.2),
                    (Req.DECLINED, 0.2),
                    (Req.WITHDRAWN, 0.1),
                ),
            )
            self._request(plan, target, status)

    def _request(
        self,
        mine: ListingPlan,
        theirs: ListingPlan,
        status: Req,
        at: datetime | None = None,
        decided: datetime | None = None,
    ) -> int:
        scene, rng, writer = self.scene, self.scene.rng, self.scene.writer
        requests = writer.sink("swap_requests", REQUEST_COLUMNS)
        chat = writer.sink("swap_messages", SWAP_MESSAGE_COLUMNS)
        sender, receiver = mine.lease.tenant.id, theirs.lease.tenant.id
        at = at or scene.moment_between(max(mine.published_at, theirs.published_at), scene.now)
        if status is not Req.PENDING and decided is None:
            decided = scene.moment_between(at, min(at + timedelta(days=4), scene.now))
        home = mine.home
        text = rng.choice(REQUEST_MESSAGES).format(
            place=home.community_name, district=theirs.home.street.district_name
        )
        request_id = writer.next_id("swap_requests")
        requests.add(
            request_id, mine.id, theirs.id, sender, receiver, text, status.value, decided, at
        )
        label = GuaranteeType(mine.lease.guarantee).label
        scene.message(
            receiver,
            "互换",
            "有人想和您换房",
            f"{home.community_name}一套{home.layout}、{home.area_m2}平方米的{label}租户想和您换房，"
            f"留言：{text}\n您可以查看对方的房屋后接受或婉拒；接受后双方可以看到对方的联系方式。",
            f"/swap/requests/{request_id}",
            at,
        )
        scene.audit("swap.request.sent", sender, "swap_request", request_id, at)
        link = f"/swap/requests/{request_id}"
        if status is Req.ACCEPTED:
            scene.message(
                sender,
                "互换",
                "对方接受了您的换房请求",
                "对方接受了您的换房请求，现在双方都能看到对方的姓名、电话和房屋地址。"
                "可以约时间看房；双方都同意后，可在沟通页面发起“申请互换”。",
                link,
                decided,
            )
            scene.audit("swap.request.accepted", receiver, "swap_request", request_id, decided)
            moment = decided
            for turn in range(rng.randrange(2, 5)):
                moment = scene.moment_between(moment, min(moment + timedelta(days=2), scene.now))
                chat.add(
                    writer.next_id("swap_messages"),
                    request_id,
                    (receiver, sender)[turn % 2],
                    rng.choice(CHAT),
                    moment,
                )
        elif status is Req.DECLINED:
            scene.message(
                sender,
                "互换",
                "对方婉拒了您的换房请求",
                "对方婉拒了您的换房请求。您可以继续在互换大厅和“互相匹配”中寻找其他房源。",
                link,
                decided,
            )
        elif status is Req.WITHDRAWN:
            scene.message(
                receiver,
                "互换",
                "对方撤回了换房请求",
                "对方撤回了发给您的换房请求。",
                link,
                decided,
            )
        return request_id

    # -- completed swaps ------------------------------------------------------------------

    def _write_swap(self, swap: Swap, first: ListingPlan, second: ListingPlan) -> None:
        scene, writer = self.scene, self.scene.writer
        request_id = self._request(first, second, Req.ACCEPTED, swap.request_at, swap.accepted_at)
        application_id = writer.next_id("swap_applications")
        reference = f"HH{swap.started_at + timedelta(hours=8):%Y%m%d}{application_id:06d}"
        manager = scene.staff.lease_manager
        writer.sink("swap_applications", APPLICATION_COLUMNS).add(
            application_id,
            reference,
            request_id,
            swap.first.tenant.id,
            SwapStatus.APPROVED.value,
            swap.submitted_at,
            swap.approved_at,
            manager,
            None,
            7,
            swap.started_at,
        )
        parties = writer.sink("swap_application_parties", PARTY_COLUMNS)
        prepaid = writer.sink("swap_prepaid_bills", PREPAID_COLUMNS)
        changes = writer.sink("lease_unit_changes", UNIT_CHANGE_COLUMNS)
        for plan in (first, second):
            lease = plan.lease
            party_id = writer.next_id("swap_application_parties")
            paid_at = lease.prepaid_at
            signed = scene.moment_between(swap.started_at, paid_at)
            parties.add(
                party_id,
                application_id,
                lease.tenant.id,
                lease.id,
                plan.id,
                lease.move.before.id,
                lease.home.id,
                plan.reason.value,
                WHY[plan.reason].format(place=lease.home.street.district_name),
                signed,
                scene.ip(),
                paid_at,
            )
            for bill_id in lease.prepaid_bill_ids:
                prepaid.add(writer.next_id("swap_prepaid_bills"), party_id, bill_id)
            changes.add(
                writer.next_id("lease_unit_changes"),
                lease.id,
                lease.move.before.id,
                lease.home.id,
                application_id,
                manager,
                f"公租房互换 {reference}",
                swap.approved_at,
            )
            scene.message(
                lease.tenant.id,
                "互换",
                "互换申请已通过",
                f"互换申请 {reference} 已审核通过。您的租约（{lease.contract_number}）"
                f"已变更为新房屋：{lease.home.address}。"
                "请与对方约定时间搬家，并到小区服务站办理交接。已预缴的租金继续有效。",
                f"/swap/applications/{application_id}",
                swap.approved_at,
            )
        scene.audit(
            "swap.application.approved",
            manager,
            "swap_application",
            application_id,
            swap.approved_at,
            reference,
        )


def _may_post_from(lease: Lease) -> datetime:
    """When the tenant could first post: registered, rent paid, moved in after a swap."""
    earliest = max(lease.tenant.registered_at, lease.first_paid_at or lease.tenant.registered_at)
    if lease.move is not None:
        earliest = max(earliest, china_time(lease.move.day + timedelta(days=7)))
    return earliest


def _pick(rng, weighted):
    roll = rng.random() * sum(weight for _, weight in weighted)
    for value, weight in weighted:
        if roll < weight:
            return value
        roll -= weight
    return weighted[-1][0]
