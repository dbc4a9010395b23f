"""Who a user is in the system. Pure module, no Flask."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    RESIDENT = "resident"
    STREET_REVIEWER = "street_reviewer"
    DISTRICT_REVIEWER = "district_reviewer"
    CITY_REVIEWER = "city_reviewer"
    CIVIL_AFFAIRS = "civil_affairs"
    LEASE_MANAGER = "lease_manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def is_staff(self) -> bool:
        return self is not Role.RESIDENT


ROLE_LABELS: dict[Role, str] = {
    Role.RESIDENT: "居民",
    Role.STREET_REVIEWER: "街道审核",
    Role.DISTRICT_REVIEWER: "区审核",
    Role.CITY_REVIEWER: "市住房保障审核",
    Role.CIVIL_AFFAIRS: "民政核对",
    Role.LEASE_MANAGER: "租赁管理",
    Role.ADMIN: "系统管理",
}
