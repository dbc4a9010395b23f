"""The one labelled-enum style: a ``StrEnum`` whose members carry their Chinese label,
declared together, ``DRAFT = "draft", "草稿"``. The value is what is stored and sent;
``label`` is what people read. Pure module, no Flask."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member
