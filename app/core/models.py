"""Column helpers shared by the models of every area."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import DateTime, Enum, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from app.core.clock import utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


def enum_type(enum: type[StrEnum], length: int) -> Enum:
    """A column holding ``enum``'s values as plain strings of at most ``length`` (no
    database enum type, no CHECK: the column stays the VARCHAR the migrations made), read
    back as members, and a member from the moment a value is assigned (see below), so
    ``row.status.label`` needs no wrapper."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


@event.listens_for(Mapper, "mapper_configured")
def _members_when_assigned(mapper: Mapper[Any], class_: type) -> None:
    """An :func:`enum_type` attribute holds a member once assigned, not only once reloaded:
    ``row.role = "admin"`` reads back as ``Role.ADMIN`` in the same request. A value that
    is no member is left as it is, for the column's own checks to refuse."""
    for prop in mapper.column_attrs:
        members = getattr(prop.columns[0].type, "enum_class", None)
        if members is not None and prop.parent is mapper:
            event.listen(getattr(class_, prop.key), "set", _coerce(members), retval=True)


def _coerce(members: type[StrEnum]) -> Any:
    def on_set(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
        if value is None or isinstance(value, members):
            return value
        try:
            return members(value)
        except ValueError:
            return value

    return on_set
