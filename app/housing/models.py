"""Regions, housing stock and leases.

District (区) > Street (街道) > Community (小区) > Building (楼栋) > Unit (房屋).
A Lease binds a tenant to a unit; its terms (LeaseTerm) are the history of periods
and prices, the newest being the current one. Money is integer fen.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import TimestampMixin, enum_type
from app.extensions import Model
from app.housing.statuses import LEASES
from app.housing.statuses import LeaseStatus as LeaseStatus
from app.housing.tenancy import GuaranteeType as GuaranteeType
from app.status import guard


class District(Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    streets: Mapped[list[Street]] = relationship(back_populates="district", order_by="Street.code")


class Street(Model):
    __tablename__ = "streets"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), nullable=False)
    district: Mapped[District] = relationship(back_populates="streets")


class Community(Model):
    __tablename__ = "communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    address: Mapped[str] = mapped_column(String(200), nullable=False)
    street_id: Mapped[int] = mapped_column(ForeignKey("streets.id"), nullable=False)
    street: Mapped[Street] = relationship()
    buildings: Mapped[list[Building]] = relationship(back_populates="community")

    __table_args__ = (UniqueConstraint("street_id", "name"),)


class Building(Model):
    __tablename__ = "buildings"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(20), nullable=False)  # e.g. "3栋"
    floors: Mapped[int] = mapped_column(Integer, nullable=False)
    has_lift: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    community: Mapped[Community] = relationship(back_populates="buildings")
    units: Mapped[list[Unit]] = relationship(back_populates="building")

    __table_args__ = (UniqueConstraint("community_id", "name"),)


class Unit(Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), nullable=False)
    number: Mapped[str] = mapped_column(String(20), nullable=False)  # e.g. "502"
    floor: Mapped[int] = mapped_column(Integer, nullable=False)
    area_m2: Mapped[Decimal] = mapped_column(Numeric(7, 2), nullable=False)
    bedrooms: Mapped[int] = mapped_column(Integer, nullable=False)
    living_rooms: Mapped[int] = mapped_column(Integer, nullable=False)
    bathrooms: Mapped[int] = mapped_column(Integer, nullable=False)
    orientation: Mapped[str] = mapped_column(String(10), nullable=False)  # 南北 / 东 ...
    building: Mapped[Building] = relationship(back_populates="units")

    __table_args__ = (
        UniqueConstraint("building_id", "number"),
        CheckConstraint("area_m2 > 0", name="area_positive"),
    )

    @property
    def layout(self) -> str:
        return f"{self.bedrooms}室{self.living_rooms}厅{self.bathrooms}卫"

    @property
    def address(self) -> str:
        community = self.building.community
        return f"{community.name}{self.building.name}{self.number}室"


class Lease(TimestampMixin, Model):
    __tablename__ = "leases"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True, nullable=False)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True, nullable=False)
    guarantee_type: Mapped[GuaranteeType] = mapped_column(
        enum_type(GuaranteeType, 16), nullable=False
    )
    status: Mapped[LeaseStatus] = mapped_column(
        enum_type(LeaseStatus, 16), default=LeaseStatus.ACTIVE, nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    unit: Mapped[Unit] = relationship()
    terms: Mapped[list[LeaseTerm]] = relationship(
        back_populates="lease",
        order_by="(LeaseTerm.start_date, LeaseTerm.id)",  # as the SQL in app/swap/subsidy_sql.py
        cascade="all, delete-orphan",
    )
    residents: Mapped[list[LeaseResident]] = relationship(
        back_populates="lease", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def current_term(self) -> LeaseTerm:
        """The newest term; a lease always has at least one."""
        return self.terms[-1]


class LeaseTerm(TimestampMixin, Model):
    """One period of a lease with its prices; renewals add a term."""

    __tablename__ = "lease_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    monthly_rent_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    property_fee_fen: Mapped[int] = mapped_column(Integer, nullable=False)
    monthly_subsidy_fen: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    lease: Mapped[Lease] = relationship(back_populates="terms")

    __table_args__ = (
        CheckConstraint("end_date > start_date", name="term_order"),
        CheckConstraint("monthly_rent_fen >= 0", name="rent_not_negative"),
        CheckConstraint("property_fee_fen >= 0", name="fee_not_negative"),
        CheckConstraint("monthly_subsidy_fen >= 0", name="subsidy_not_negative"),
    )


class LeaseResident(Model):
    """Someone living in the unit besides the tenant (其他入住人); minimal data."""

    __tablename__ = "lease_residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    relation: Mapped[str] = mapped_column(String(20), nullable=False)
    id_number_masked: Mapped[str] = mapped_column(String(18), nullable=False)
    lease: Mapped[Lease] = relationship(back_populates="residents")


class LeaseUnitChange(TimestampMixin, Model):
    """History of a lease moving to another unit (互换): the lease keeps its number, terms
    and bills; only its unit changes, and every change is kept here."""

    __tablename__ = "lease_unit_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), nullable=False)
    swap_application_id: Mapped[int | None] = mapped_column(ForeignKey("swap_applications.id"))
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), nullable=False)
    # What ``to_unit`` was let for when the lease moved onto it (the prices the lease that
    # left it was paying for it), so the next renewal is priced for the unit (002 Q&A 10).
    unit_rent_fen: Mapped[int | None] = mapped_column(Integer)
    unit_fee_fen: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("from_unit_id <> to_unit_id", name="different_units"),)


class LeaseViolation(TimestampMixin, Model):
    """A recorded breach of the lease (转租、闲置 ...); while unresolved it blocks renewal."""

    __tablename__ = "lease_violations"

    id: Mapped[int] = mapped_column(primary_key=True)
    lease_id: Mapped[int] = mapped_column(ForeignKey("leases.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolution: Mapped[str | None] = mapped_column(Text)


# The status changes only through app.status, by app/housing/statuses.py's table.
guard(Lease.status, LEASES)
