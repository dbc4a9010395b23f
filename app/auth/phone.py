"""Mainland China mobile numbers. Pure functions, no Flask."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_phone(raw: str) -> str:
    """Drop spaces, dashes and a leading +86 / 86 that people paste in."""
    digits = re.sub(r"[\s-]", "", raw or "")
    for prefix in ("+86", "0086"):
        digits = digits.removeprefix(prefix)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def is_mainland_mobile(phone: str) -> bool:
    return bool(_MOBILE.match(phone))
