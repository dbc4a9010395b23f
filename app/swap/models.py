"""公租房互换: listings, wishes, photos, favourites, requests and their messages, blocks and
reports (the formal application is in ``application_models``).

A listing copies its home's facts from the tenant's lease when it is posted, edited or
renewed (never typed by the tenant), so the board can be filtered without joining five
tables; its status changes only through its table (``app.swap.statuses``). Timestamps are naive UTC.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.clock import utcnow
from app.core.models import TimestampMixin, enum_type
from app.extensions import Model
from app.housing.models import Community, District, GuaranteeType, Lease
from app.labels import Labelled
from app.status import guard
from app.swap.rules import expiry_from
from app.swap.statuses import (
    LISTINGS,
    REPORTS,
    REQUESTS,
)
from app.swap.statuses import ApplicationStatus as ApplicationStatus
from app.swap.statuses import ListingStatus as ListingStatus
from app.swap.statuses import ReportStatus as ReportStatus
from app.swap.statuses import RequestStatus as RequestStatus

# Partial indexes hold only the board's live rows; queries that should use them spell the
# value inline (``board.is_active``), since a bound parameter cannot match the condition.
ACTIVE_CONDITION = "status = 'active'"
LIVE_CONDITION = "status IN ('active', 'paused')"


class ReasonCategory(Labelled):
    MEDICAL = "medical", "就医"
    SCHOOL = "school", "就学"
    WORK = "work", "就业"
    ELDERLY = "elderly", "照顾老人"
    OTHER = "other", "其他"


class SwapListing(TimestampMixin, Model):
    __tablename__ = "swap_listings"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    status: Mapped[ListingStatus] = mapped_column(
        enum_type(ListingStatus, 10), default=ListingStatus.ACTIVE, nullable=False
    )
    # The home, copied from the lease's unit.
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), nullable=False)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), nullable=False)
    floor: Mapped[int] = mapped_column(Integer, nullable=False)
    floors_total: Mapped[int] = mapped_column(Integer, nullable=False)
    has_lift: Mapped[bool] = mapped_column(Boolean, nullable=False)
    area_m2: Mapped[Decimal] = mapped_column(Numeric(7, 2), nullable=False)
    bedrooms: Mapped[int] = mapped_column(Integer, nullable=False)
    living_rooms: Mapped[int] = mapped_column(Integer, nullable=False)
    bathrooms: Mapped[int] = mapped_column(Integer, nullable=False)
    orientation: Mapped[str] = mapped_column(String(10), nullable=False)
    monthly_rent_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    guarantee_type: Mapped[GuaranteeType] = mapped_column(
        enum_type(GuaranteeType, 16), nullable=False
    )
    description: Mapped[str] = mapped_column(Text, nullable=False)
    # The wishes. No wished areas means anywhere.
    reason_category: Mapped[str] = mapped_column(String(10), nullable=False)
    wants_any_area: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    min_bedrooms: Mapped[int | None] = mapped_column(Integer)
    floor_min: Mapped[int | None] = mapped_column(Integer)
    floor_max: Mapped[int | None] = mapped_column(Integer)
    needs_lift: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Lower-case text the keyword search looks in: the place (community, district, street)
    # alone, for ranking hits in the place name first, and the place with the description.
    place_text: Mapped[str] = mapped_column(String(200), nullable=False)
    search_text: Mapped[str] = mapped_column(Text, nullable=False)
    # Shown for 60 days from here; renewing publishes it again (``expires_at`` derives).
    published_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    district: Mapped[District] = relationship()
    community: Mapped[Community] = relationship()
    lease: Mapped[Lease] = relationship()
    tenant: Mapped[User] = relationship()
    wish_areas: Mapped[list[SwapWishArea]] = relationship(
        back_populates="listing", cascade="all, delete-orphan", order_by="SwapWishArea.id"
    )
    photos: Mapped[list[SwapListingPhoto]] = relationship(
        back_populates="listing", cascade="all, delete-orphan", order_by="SwapListingPhoto.id"
    )

    __table_args__ = (
        # One live (shown or paused) listing per tenant.
        Index(
            "uq_swap_listings_live_tenant",
            "tenant_id",
            unique=True,
            sqlite_where=text(LIVE_CONDITION),
            postgresql_where=text(LIVE_CONDITION),
        ),
        # The board: newest first, counted and filtered on the home's facts and ranked by
        # a viewer's wishes from the index alone (no row lookups in 50,000 listings).
        Index(
            "ix_swap_listings_board",
            "published_at",
            "district_id",
            "community_id",
            "bedrooms",
            "floor",
            "has_lift",
            "guarantee_type",
            "area_m2",
            "tenant_id",
            sqlite_where=text(ACTIVE_CONDITION),
            postgresql_where=text(ACTIVE_CONDITION),
        ),
        # Narrowed by district or community.
        Index(
            "ix_swap_listings_active_district",
            "district_id",
            "published_at",
            sqlite_where=text(ACTIVE_CONDITION),
            postgresql_where=text(ACTIVE_CONDITION),
        ),
        Index(
            "ix_swap_listings_active_community",
            "community_id",
            "published_at",
            sqlite_where=text(ACTIVE_CONDITION),
            postgresql_where=text(ACTIVE_CONDITION),
        ),
        Index(
            "ix_swap_listings_active_any_area",
            "wants_any_area",
            "guarantee_type",
            sqlite_where=text(ACTIVE_CONDITION),
            postgresql_where=text(ACTIVE_CONDITION),
        ),
        CheckConstraint(
            "floor_min IS NULL OR floor_max IS NULL OR floor_min <= floor_max", name="floor_range"
        ),
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def reason(self) -> ReasonCategory:
        return ReasonCategory(self.reason_category)

    @property
    def layout(self) -> str:
        return f"{self.bedrooms}室{self.living_rooms}厅{self.bathrooms}卫"

    @property
    def building_type(self) -> str:
        height = "高层" if self.floors_total >= 10 else "多层"
        return f"{height}{'电梯房' if self.has_lift else '步梯房'}"

    @property
    def expires_at(self) -> datetime:
        return expiry_from(self.published_at)

    @property
    def is_live(self) -> bool:
        return self.status in (ListingStatus.ACTIVE, ListingStatus.PAUSED)


class SwapWishArea(Model):
    """A district or a community the tenant would like to move to."""

    __tablename__ = "swap_wish_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id", ondelete="CASCADE"), index=True, nullable=False
    )
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))

    listing: Mapped[SwapListing] = relationship(back_populates="wish_areas")
    district: Mapped[District | None] = relationship()
    community: Mapped[Community | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(district_id IS NULL) <> (community_id IS NULL)", name="district_or_community"
        ),
        # Who wants to move to this district / community (the other half of a match).
        Index("ix_swap_wish_areas_district", "district_id", "listing_id"),
        Index("ix_swap_wish_areas_community", "community_id", "listing_id"),
    )


class SwapMatch(Model):
    """One listing wants another's home: ``home_id``'s home suits ``wanter_id``'s wishes
    (``matching.suits``: every wish met, both of the same 保障类型). Kept by
    ``match_store`` for every pair of listings on the board, so 互相匹配 reads who fits
    whom instead of scoring the board. ``points`` of ``wished`` are how many of the
    wanter's explicit wishes the home meets (``matching.fit_points`` / ``wished_points``)."""

    __tablename__ = "swap_matches"

    wanter_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id", ondelete="CASCADE"), primary_key=True
    )
    home_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id", ondelete="CASCADE"), primary_key=True
    )
    points: Mapped[int] = mapped_column(Integer, nullable=False)
    wished: Mapped[int] = mapped_column(Integer, nullable=False)
    # When the home's listing wants the wanter's home too (a mutual match): 匹配度 of both
    # moves, the points over the wished of the two (``chains.ratio``); otherwise NULL.
    share: Mapped[float | None] = mapped_column(Float, nullable=True)

    __table_args__ = (
        # Who wants this home (the other half of a mutual match, the last move of a chain).
        Index("ix_swap_matches_home", "home_id", "points", "wanter_id", "wished"),
        # The best homes of a wanter first, from the index alone.
        Index("ix_swap_matches_best", "wanter_id", "points", "home_id", "wished"),
        # A wanter's mutual matches, best first: a page of them is read from here.
        Index(
            "ix_swap_matches_mutual",
            "wanter_id",
            "share",
            "home_id",
            sqlite_where=text("share IS NOT NULL"),
            postgresql_where=text("share IS NOT NULL"),
        ),
    )


class SwapBoardVersion(Model):
    """One row whose ``version`` goes up whenever stored matches change (``match_store``):
    a chain search worked out for an older version is not used again."""

    __tablename__ = "swap_board_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


class SwapMatchNotice(TimestampMixin, Model):
    """A tenant was told (消息) that ``because_id``, newly on the board, matches their
    ``listing_id`` directly or in a chain: once, however often the pair is recomputed."""

    __tablename__ = "swap_match_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id", ondelete="CASCADE"), nullable=False
    )
    because_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id", ondelete="CASCADE"), index=True, nullable=False
    )

    __table_args__ = (UniqueConstraint("listing_id", "because_id"),)


class SwapListingPhoto(TimestampMixin, Model):
    __tablename__ = "swap_listing_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id", ondelete="CASCADE"), index=True, nullable=False
    )
    storage_key: Mapped[str] = mapped_column(String(80), nullable=False)
    thumbnail_key: Mapped[str] = mapped_column(String(80), nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)

    listing: Mapped[SwapListing] = relationship(back_populates="photos")


class SwapFavourite(TimestampMixin, Model):
    __tablename__ = "swap_favourites"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id"), index=True, nullable=False
    )
    listing: Mapped[SwapListing] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "listing_id"),)


class SwapRequest(TimestampMixin, Model):
    """我想换: one tenant asks another to consider swapping, with a message."""

    __tablename__ = "swap_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_listing_id: Mapped[int] = mapped_column(ForeignKey("swap_listings.id"), nullable=False)
    to_listing_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id"), index=True, nullable=False
    )
    from_tenant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    to_tenant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[RequestStatus] = mapped_column(
        enum_type(RequestStatus, 10), default=RequestStatus.PENDING, nullable=False
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    from_listing: Mapped[SwapListing] = relationship(foreign_keys=[from_listing_id])
    to_listing: Mapped[SwapListing] = relationship(foreign_keys=[to_listing_id])
    messages: Mapped[list[SwapMessage]] = relationship(
        back_populates="request", order_by="SwapMessage.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("from_listing_id", "to_listing_id"),
        CheckConstraint("from_listing_id <> to_listing_id", name="two_listings"),
    )

    @property
    def is_accepted(self) -> bool:
        return self.status == RequestStatus.ACCEPTED

    def other_tenant_id(self, user_id: int) -> int:
        return self.to_tenant_id if user_id == self.from_tenant_id else self.from_tenant_id

    def listing_of(self, user_id: int) -> SwapListing:
        return self.from_listing if user_id == self.from_tenant_id else self.to_listing

    def other_listing(self, user_id: int) -> SwapListing:
        return self.to_listing if user_id == self.from_tenant_id else self.from_listing


class SwapMessage(TimestampMixin, Model):
    __tablename__ = "swap_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("swap_requests.id", ondelete="CASCADE"), index=True, nullable=False
    )
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)

    request: Mapped[SwapRequest] = relationship(back_populates="messages")


class SwapBlock(TimestampMixin, Model):
    """屏蔽: the blocker no longer sees the other's listings, and neither can contact the other."""

    __tablename__ = "swap_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)

    __table_args__ = (
        UniqueConstraint("blocker_id", "blocked_id"),
        CheckConstraint("blocker_id <> blocked_id", name="not_self"),
    )


class ReportReason(Labelled):
    FALSE_INFO = "false_info", "信息虚假（房屋情况与实际不符）"
    ADVERT = "advert", "广告或中介信息"
    HARASSMENT = "harassment", "骚扰、辱骂"
    PROFIT = "profit", "以互换谋利（收取费用、转租）"
    OTHER = "other", "其他"


class SwapReport(TimestampMixin, Model):
    """举报 of a listing, or of a user in a conversation (then ``request_id`` is set)."""

    __tablename__ = "swap_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    listing_id: Mapped[int] = mapped_column(
        ForeignKey("swap_listings.id"), index=True, nullable=False
    )
    reported_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("swap_requests.id"))
    reason: Mapped[str] = mapped_column(String(12), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[ReportStatus] = mapped_column(
        enum_type(ReportStatus, 10), default=ReportStatus.OPEN, nullable=False
    )
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    listing: Mapped[SwapListing] = relationship()

    __table_args__ = (Index("ix_swap_reports_status", "status", "created_at"),)

    @property
    def reason_enum(self) -> ReportReason:
        return ReportReason(self.reason)


guard(SwapListing.status, LISTINGS)
guard(SwapRequest.status, REQUESTS)
guard(SwapReport.status, REPORTS)
