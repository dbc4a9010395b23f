"""Short codes people read off a screen or paper and type back. No Flask.

One clean-up for every such code: full-width input from a Chinese input method is folded
(NFKC), case is ignored, and the separators people add or copy (spaces, dashes, dots) are
dropped; a code that still is not ``length`` symbols of ``alphabet`` is None.
"""

from __future__ import annotations

import unicodedata

SEPARATORS = str.maketrans("", "", " -_.·—")


def normalise_code(
    text: str | None, *, alphabet: str, length: int, reads_as: dict[int, str] | None = None
) -> str | None:
    if not text or len(text) > 4 * length:
        return None
    code = unicodedata.normalize("NFKC", text).upper().translate(SEPARATORS)
    if reads_as:
        code = code.translate(reads_as)
    if len(code) != length or any(symbol not in alphabet for symbol in code):
        return None
    return code
