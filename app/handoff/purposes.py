"""What a handoff is for. Each purpose has a Chinese label shown on both screens and,
optionally, where the phone goes once the face step has passed.

Pure module, no Flask. Areas plug their phone-side next step in at import time, e.g.
``set_phone_next(RENEWAL_SIGN, lambda lease_id: f"/renewal/{lease_id}/sign")``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

APPLY_IDENTITY = "apply.identity"
RENEWAL_SIGN = "renewal.sign"
# The standalone demo page verifies against the user's own id; a purpose of its own keeps
# a demo pass from ever counting for an application with the same number.
DEMO_IDENTITY = "handoff.demo"

PhoneNext = Callable[[int], str]


@dataclass(frozen=True)
class Purpose:
    key: str
    label: str
    # Builds the in-app path the phone continues to after the face step, from the object id.
    phone_next: PhoneNext | None = None


class UnknownPurpose(KeyError):
    pass


_REGISTRY: dict[str, Purpose] = {}


def register(key: str, label: str, phone_next: PhoneNext | None = None) -> Purpose:
    purpose = Purpose(key=key, label=label, phone_next=phone_next)
    _REGISTRY[key] = purpose
    return purpose


def get_purpose(key: str) -> Purpose:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownPurpose(key) from None


def set_phone_next(key: str, builder: PhoneNext | None) -> None:
    """Let the owning area say where the phone continues after the face step."""
    _REGISTRY[key] = replace(get_purpose(key), phone_next=builder)


def all_purposes() -> list[Purpose]:
    return list(_REGISTRY.values())


register(APPLY_IDENTITY, "公租房申请 · 身份验证")
register(RENEWAL_SIGN, "租赁合同续约 · 人脸识别签约")
register(DEMO_IDENTITY, "人脸识别体验")
