"""Password rules. Pure module, no Flask."""

from __future__ import annotations

MIN_LENGTH = 8
MAX_LENGTH = 64


def password_problem(password: str) -> str | None:
    """A Chinese explanation of what is wrong with ``password``, or None if acceptable."""
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        return f"密码长度须为 {MIN_LENGTH} 到 {MAX_LENGTH} 位"
    if not any(ch.isdigit() for ch in password) or not any(ch.isalpha() for ch in password):
        return "密码须同时包含字母和数字"
    return None
