"""Money is integer fen everywhere; this formats it for people."""

from __future__ import annotations


def format_yuan(fen: int) -> str:
    """``123456`` -> ``¥1,234.56``; negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"
