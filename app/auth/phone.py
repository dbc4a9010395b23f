"""Mainland China mobile numbers. Pure functions, no Flask."""

from __future__ import annotations

import re

# ASCII digits only (``\d`` also matches Arabic-Indic and other digits); ``\Z``, not ``$``,
# so a trailing newline is not part of a number.
_MOBILE = re.compile(r"1[3-9][0-9]{9}\Z")


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
