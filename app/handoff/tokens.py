"""One-time handoff tokens and the short codes typed when a QR code cannot be scanned.

Pure functions, no Flask, no database. Only hashes are stored: the raw token lives in
the QR code and the link, the short code on the desktop screen.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 24  # 192 bits of randomness
# Crockford's base32: digits and capitals without I, L, O and U, so nothing is misread.
SHORT_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_LENGTH = 8  # 8 symbols of 5 bits: 40 bits, enough for a 5-minute, rate-limited code
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.·—")


def new_token() -> str:
    """A fresh URL-safe token with 192 random bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 (hex) of the raw token: what the database keeps."""
    return hashlib.sha256(b"anju-handoff-token:" + token.encode()).hexdigest()


def short_code_for(token: str) -> str:
    """The 8-symbol code derived from ``token`` (40 bits of its own hash)."""
    digest = hashlib.sha256(b"anju-handoff-short-code:" + token.encode()).digest()
    number = int.from_bytes(digest[:5], "big")
    symbols = []
    for _ in range(SHORT_CODE_LENGTH):
        number, index = divmod(number, len(SHORT_CODE_ALPHABET))
        symbols.append(SHORT_CODE_ALPHABET[index])
    return "".join(reversed(symbols))


def normalise_short_code(text: str | None) -> str | None:
    """What the resident typed, as a code (case, spaces, dashes, O/I/L forgiven); else None."""
    if not text:
        return None
    code = text.upper().translate(_SEPARATORS).translate(_READS_AS)
    if len(code) != SHORT_CODE_LENGTH or any(c not in SHORT_CODE_ALPHABET for c in code):
        return None
    return code


def format_short_code(code: str) -> str:
    """``7K3MQ9TR`` -> ``7K3M-Q9TR`` for reading aloud and typing."""
    half = SHORT_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def hash_short_code(code: str) -> str:
    """SHA-256 (hex) of a normalised short code."""
    return hashlib.sha256(b"anju-handoff-short-code-hash:" + code.encode()).hexdigest()
