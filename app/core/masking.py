"""Masking of personal data for display. Pure functions, no Flask."""

from __future__ import annotations


def mask_id_number(id_number: str) -> str:
    """``360402199001011234`` -> ``3604**********1234`` (first 4 and last 4 kept)."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str) -> str:
    """``13800001234`` -> ``138****1234``."""
    if len(phone) != 11:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


def mask_name(name: str) -> str:
    """``张三`` -> ``张*``, ``张小明`` -> ``张*明``, ``欧阳小明`` -> ``欧**明``."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
