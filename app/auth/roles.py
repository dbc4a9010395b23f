"""Who a user is in the system. Pure module, no Flask."""

from __future__ import annotations

from app.labels import Labelled


class Role(Labelled):
    RESIDENT = "resident", "居民"
    STREET_REVIEWER = "street_reviewer", "街道审核"
    DISTRICT_REVIEWER = "district_reviewer", "区审核"
    CITY_REVIEWER = "city_reviewer", "市住房保障审核"
    CIVIL_AFFAIRS = "civil_affairs", "民政核对"
    LEASE_MANAGER = "lease_manager", "租赁管理"
    ADMIN = "admin", "系统管理"

    @property
    def is_staff(self) -> bool:
        return self is not Role.RESIDENT
