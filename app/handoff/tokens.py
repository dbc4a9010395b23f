"""One-time handoff tokens and the short codes typed when a QR code cannot be scanned.

Pure functions, no Flask, no database. Only hashes are stored: the raw token lives in
the QR code and the link, the short code on the desktop screen.
"""

from __future__ import annotations

import hashlib
import secrets

from app.core.codes import normalise_code

TOKEN_BYTES = 24  # 192 bits of randomness
# Crockford's base32: digits and capitals without I, L, O and U, so nothing is misread.
SHORT_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SHORT_CODE_LENGTH = 8  # 8 symbols of 5 bits: 40 bits, enough for a 5-minute, rate-limited code
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


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
    return normalise_code(
        text, alphabet=SHORT_CODE_ALPHABET, length=SHORT_CODE_LENGTH, reads_as=_READS_AS
    )


def format_short_code(code: str) -> str:
    """``7K3MQ9TR`` -> ``7K3M-Q9TR`` for reading aloud and typing."""
    half = SHORT_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def hash_short_code(code: str) -> str:
    """SHA-256 (hex) of a normalised short code."""
    return hashlib.sha256(b"anju-handoff-short-code-hash:" + code.encode()).hexdigest()


# --- Number matching ----------------------------------------------------------------
# The computer shows one two-digit number once the code is opened; the phone offers
# three and the person taps the one they see. Someone sent a photo of the QR code sees
# no computer screen: their guess is wrong two times in three, and a wrong tap burns it.
MATCH_LOW, MATCH_HIGH = 10, 99
MATCH_CHOICES = 3


def new_match() -> tuple[int, str]:
    """A fresh number and the phone's choices (encoded, the number among them)."""
    numbers = secrets.SystemRandom().sample(range(MATCH_LOW, MATCH_HIGH + 1), MATCH_CHOICES)
    return numbers[secrets.randbelow(MATCH_CHOICES)], encode_choices(numbers)


def encode_choices(numbers: list[int]) -> str:
    """``[37, 82, 15]`` -> ``"378215"`` (what the database keeps)."""
    if len(numbers) != MATCH_CHOICES or any(not MATCH_LOW <= n <= MATCH_HIGH for n in numbers):
        raise ValueError(f"need {MATCH_CHOICES} numbers from {MATCH_LOW} to {MATCH_HIGH}")
    return "".join(f"{n:02d}" for n in numbers)


def decode_choices(stored: str | None) -> list[int]:
    """The choices in the order the phone shows them; [] for nothing stored."""
    if not stored or len(stored) != 2 * MATCH_CHOICES or not stored.isascii():
        return []
    return [int(stored[i : i + 2]) for i in range(0, len(stored), 2)]


def parse_choice(text: str | None) -> int | None:
    """A tapped choice: two ASCII digits from 10 to 99; None for anything else."""
    if not text or len(text) != 2 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if MATCH_LOW <= number <= MATCH_HIGH else None
