"""Per-field merging of draft edits from several pages and devices (no Flask, no database).

A draft is edited field by field ("applicant.address", "members.<uid>", ...). Every
change is remembered as a *run*: consecutive changes of one field by one page (its
random editor id) share a run, so keystroke autosaves stay one entry.

An edit carries a :class:`Stamp`: the version its page's data came from and the page's
editor id. For each field it sends, :func:`merge` decides:

* the value equals what is stored → nothing to do;
* nobody else changed the field after the page's version → write it;
* somebody else did → a :class:`Conflict`, never a write, unless the person has seen
  that change (``stamp.seen``) and chosen per field to keep theirs or take the other.

The page's version never moves on a refused edit; only a reload (after choosing) gives
the page a newer version. A missing or unreadable version counts as 0: every change
anyone made counts as unseen.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.core.numbers import MAX_ID, int_or_none

HISTORY_KEY = "_history"
RUNS_KEPT = 30
MINE, THEIRS = "mine", "theirs"
EDITOR_CHARS = frozenset("0123456789abcdef")
MISSING = object()

Fingerprint = Callable[[str], str]


@dataclass(frozen=True)
class Stamp:
    """What a page knows: the version its data came from, its editor id, and the
    conflicts the person has seen (up to version ``seen``) and decided on."""

    version: int = 0
    editor: str | None = None
    seen: int | None = None
    choices: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def parse(
        cls,
        version: Any = None,
        editor: Any = None,
        seen: Any = None,
        choices: Mapping[str, Any] | None = None,
    ) -> Stamp:
        """Read a stamp from untrusted text; anything unreadable is the safe default."""
        editor_text = str(editor or "")
        return cls(
            version=int_or_none(version, minimum=0, maximum=MAX_ID) or 0,
            editor=(
                editor_text
                if 8 <= len(editor_text) <= 32 and set(editor_text) <= EDITOR_CHARS
                else None
            ),
            seen=int_or_none(seen, minimum=0, maximum=MAX_ID),
            choices={
                key: value for key, value in (choices or {}).items() if value in (MINE, THEIRS)
            },
        )


@dataclass(frozen=True)
class Conflict:
    """One field changed elsewhere after the page's version, with a different value."""

    field: str
    mine: Any
    theirs: Any
    touched: bool  # True when the person changed it too (or we cannot tell)
    at: int  # the version of the newest change made elsewhere


@dataclass
class Merge:
    writes: dict[str, Any] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    read_at: int = 0  # the draft's version the decision was made against

    @property
    def refused(self) -> bool:
        return bool(self.conflicts)


def _plain(value: Any) -> Any:
    """A value as the person sees it: 8 and "8" and " 8 " alike, every empty alike."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()} or None
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value] or None
    if isinstance(value, bool) or value is None:
        return value
    return str(value).strip() or None


def canonical(value: Any) -> str:
    """One text for values the person cannot tell apart: dict key order, number or text
    ("8" or 8), surrounding spaces and the kind of empty (None, "", [], {}) do not matter."""
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False)


def same(a: Any, b: Any) -> bool:
    if a is MISSING or b is MISSING:
        return a is b
    return canonical(a) == canonical(b)


def _runs(history: Mapping[str, Any], name: str) -> tuple[int, list[list[Any]]]:
    entry = history.get(name) or {}
    return int(entry.get("floor", 0)), list(entry.get("runs", []))


def changed_elsewhere(history: Mapping[str, Any], name: str, stamp: Stamp, after: int) -> int:
    """The newest version after ``after`` at which another page changed ``name``; 0 if none.

    History trimmed past ``after`` counts as changed elsewhere (we cannot tell)."""
    floor, runs = _runs(history, name)
    newest = floor if after < floor else 0
    for _first, last, editor, _before in runs:
        if last > after and (editor is None or editor != stamp.editor):
            newest = max(newest, last)
    return newest


def _value_at(
    history: Mapping[str, Any], name: str, version: int, current: Any, fingerprint: Fingerprint
) -> str | None:
    """The fingerprint of the field's value at ``version``; None when unknown."""
    floor, runs = _runs(history, name)
    if version < floor:
        return None
    for first, last, _editor, before in sorted(runs, key=lambda run: run[0]):
        if first <= version < last:
            return None  # inside a run of changes: the value then is not kept
        if first > version:
            return before
    return fingerprint(canonical(current))


def merge(
    history: Mapping[str, Any],
    current: Mapping[str, Any],
    mine: Mapping[str, Any],
    stamp: Stamp,
    fingerprint: Fingerprint,
) -> Merge:
    """Decide, field by field, what ``mine`` may write over ``current``."""
    result = Merge()
    for name, value in mine.items():
        stored = current.get(name, MISSING)
        if same(value, stored):
            continue
        newest = changed_elsewhere(history, name, stamp, stamp.version)
        if not newest:
            result.writes[name] = value
            continue
        choice = stamp.choices.get(name)
        decided = stamp.seen is not None and not changed_elsewhere(history, name, stamp, stamp.seen)
        if decided and choice == MINE:
            result.writes[name] = value
        elif decided and choice == THEIRS:
            continue
        else:
            base = _value_at(history, name, stamp.version, stored, fingerprint)
            touched = base is None or base != fingerprint(canonical(value))
            theirs = None if stored is MISSING else stored
            result.conflicts.append(Conflict(name, value, theirs, touched, newest))
    return result


def record(
    history: dict[str, Any],
    before: Mapping[str, Any],
    names: list[str] | tuple[str, ...],
    *,
    version: int,
    editor: str | None,
    fingerprint: Fingerprint,
) -> None:
    """Remember that ``names`` changed at ``version`` by ``editor`` (``before`` = old values)."""
    for name in names:
        floor, runs = _runs(history, name)
        last_run = runs[-1] if runs else None
        if last_run is not None and editor is not None and last_run[2] == editor:
            last_run[1] = version
        else:
            old = before.get(name, MISSING)
            mark = fingerprint(canonical(None if old is MISSING else old))
            runs.append([version, version, editor, mark])
        while len(runs) > RUNS_KEPT:
            floor = max(floor, runs.pop(0)[1])
        history[name] = {"floor": floor, "runs": runs}


def anything_changed_elsewhere(history: Mapping[str, Any], stamp: Stamp) -> bool:
    """Whether any field changed on another page after the stamp's version."""
    return any(changed_elsewhere(history, name, stamp, stamp.version) for name in history)


def conflict_key(conflicts: list[Conflict]) -> str:
    """A short text naming what a conflict panel shows, so it is not redrawn needlessly."""
    if not conflicts:
        return ""
    newest = max(conflict.at for conflict in conflicts)
    return f"{newest}:" + ",".join(conflict.field for conflict in conflicts)
