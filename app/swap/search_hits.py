"""Where a board keyword matched a listing, so every search result shows why it is there.
Pure module: no Flask, no database.

The keyword search (``board._keyword_hits``) looks in ``listings.search_text_for``: the
community, district and street, the layout, the orientation and the description. The card
shows the first three of those it has (community, district, layout): a word found there is
marked in place. A word found only in a field the card does not show gets a short line,
e.g. 匹配：房源描述“…离<mark>学校</mark>近…”, with a fragment cut around the hit.

The pieces are plain text; the template escapes them and wraps marked ones in ``<mark>``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Characters kept either side of a hit in a hidden field's fragment; a left-out end this
# short or shorter is kept instead (an ellipsis would hide almost nothing).
SNIPPET_RADIUS = 10
SNIPPET_SLACK = 4
ELLIPSIS = "…"


@dataclass(frozen=True)
class ListingText:
    """The searched text of one listing, field by field, as the card and search read it."""

    community: str
    district: str
    layout: str
    street: str
    orientation: str
    description: str


# In the order a word is looked for: the fields the card shows, then the others.
SHOWN_FIELDS = ("community", "district", "layout")
HIDDEN_FIELDS = {"street": "所在街道", "orientation": "朝向", "description": "房源描述"}


@dataclass(frozen=True)
class Piece:
    text: str
    marked: bool = False


@dataclass(frozen=True)
class HiddenHit:
    """A field the card does not show, with a short fragment around the hit(s)."""

    label: str
    pieces: tuple[Piece, ...]


@dataclass(frozen=True)
class SearchHits:
    shown: dict[str, tuple[Piece, ...]]
    hidden: tuple[HiddenHit, ...]

    def pieces(self, field: str) -> tuple[Piece, ...] | None:
        """The card's own text of ``field`` with the hits marked, or None (no hit there)."""
        return self.shown.get(field)


def _pattern(words: Sequence[str]) -> re.Pattern[str]:
    # Longest first, so a word that contains another is marked whole.
    ordered = sorted(dict.fromkeys(words), key=len, reverse=True)
    return re.compile("|".join(re.escape(word) for word in ordered), re.IGNORECASE)


def mark(text: str, words: Sequence[str]) -> tuple[Piece, ...]:
    """``text`` cut into plain and marked pieces (every occurrence of any word, any case)."""
    words = [word for word in words if word]
    if not words or not text:
        return (Piece(text),) if text else ()
    pieces: list[Piece] = []
    at = 0
    for found in _pattern(words).finditer(text):
        if found.start() > at:
            pieces.append(Piece(text[at : found.start()]))
        pieces.append(Piece(found.group(), marked=True))
        at = found.end()
    if at < len(text):
        pieces.append(Piece(text[at:]))
    return tuple(pieces)


def _find(text: str, word: str) -> re.Match[str] | None:
    return re.search(re.escape(word), text, re.IGNORECASE)


def _windows(text: str, words: Sequence[str], radius: int) -> list[tuple[int, int]]:
    """Spans of ``text`` around the first hit of each word, overlapping ones merged; an
    edge never cuts a hit in two."""
    hits = [found.span() for found in _pattern(words).finditer(text)]

    def widen(at: int) -> tuple[int, int]:
        return next(((start, end) for start, end in hits if start < at < end), (at, at))

    spans = []
    for word in words:
        found = _find(text, word)
        if found:
            start = widen(max(0, found.start() - radius))[0]
            end = widen(min(len(text), found.end() + radius))[1]
            start = 0 if start <= SNIPPET_SLACK else start
            end = len(text) if len(text) - end <= SNIPPET_SLACK else end
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, words: Sequence[str], radius: int = SNIPPET_RADIUS) -> tuple[Piece, ...]:
    """A short fragment of ``text`` around the first hit of each word, the hits marked,
    with an ellipsis where text was left out. Empty when no word is in ``text``."""
    words = [word for word in words if word]
    if not words:
        return ()
    text = " ".join(text.split())
    pieces: list[Piece] = []
    windows = _windows(text, words, radius)
    for start, end in windows:
        if start > 0 or pieces:
            pieces.append(Piece(ELLIPSIS))
        pieces.extend(mark(text[start:end], words))
    if windows and windows[-1][1] < len(text):
        pieces.append(Piece(ELLIPSIS))
    return tuple(pieces)


def _has(text: str, word: str) -> bool:
    return _find(text, word) is not None


def search_hits(text: ListingText, words: Sequence[str]) -> SearchHits | None:
    """Where ``words`` matched ``text``: marked card fields, and lines for the hidden fields
    that hold a word found in no shown field. None without words."""
    words = [word for word in words if word]
    if not words:
        return None
    shown = {}
    for field in SHOWN_FIELDS:
        value = getattr(text, field)
        if any(_has(value, word) for word in words):
            shown[field] = mark(value, words)
    left = [word for word in words if not any(_has(getattr(text, f), word) for f in shown)]
    hidden = []
    for field, label in HIDDEN_FIELDS.items():
        value = getattr(text, field)
        here = [word for word in left if _has(value, word)]
        if here:
            hidden.append(HiddenHit(label, snippet(value, here)))
            left = [word for word in left if word not in here]
    return SearchHits(shown=shown, hidden=tuple(hidden))
