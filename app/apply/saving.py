"""The one way a draft is written: field by field, against the version the edit was based on.

Field names: ``applicant.<name>`` (a section of the draft's data, e.g. the 家庭成员 page's own fields), ``column.<name>``
(street, category ... on the row), ``category_details`` and ``priority_groups``,
``members.<uid>`` and ``assets.<kind>.<uid>`` (one whole item each; None = removed),
``files.<material key>`` (uploads: recorded, never merged, since a file is added or
removed by id, not overwritten).

:func:`save_fields` locks the row, lets :func:`app.apply.drafts.merge` decide, writes what
may be written and remembers who changed what. Conflicting fields are never written;
they come back to the caller, who shows them to the person.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from app.apply import drafts
from app.apply.drafts import Merge, Stamp
from app.apply.models import Application
from app.core.clock import utcnow
from app.extensions import db

ITEM_LISTS = frozenset({"members", "assets"})
ATTEMPTS = 3  # a save that lost a race re-reads and merges again


class VersionConflict(Exception):
    """The draft changed elsewhere in a way this edit cannot be merged with."""

    message = "此申请已在其他页面或设备上更新。为避免覆盖，本次修改未保存，请看过最新内容后再改。"


class DraftConflict(VersionConflict):
    """Some fields were changed elsewhere since the page's version; they were not saved."""

    message = (
        "另一台设备或页面已修改了下面这些内容。为避免互相覆盖，它们这次没有保存，"
        "请逐项选择保留哪一份。"
    )

    def __init__(self, merge: Merge) -> None:
        super().__init__(f"{len(merge.conflicts)} conflicting field(s)")
        self.merge = merge

    @property
    def conflicts(self) -> list[drafts.Conflict]:
        return self.merge.conflicts


class DraftLocked(VersionConflict):
    """Writers kept racing this draft; nothing was written."""

    message = "此申请正在其他设备上保存，请稍后再试一次。"


def fingerprint(text: str) -> str:
    """A keyed digest of a value, so the history holds no personal data in clear."""
    return current_app.extensions["pii_vault"].digest(f"draft:{text}")[:16]


def stamp_of(stamp: Stamp | str | int | None) -> Stamp:
    return stamp if isinstance(stamp, Stamp) else Stamp.parse(stamp)


# -- reading and writing one field -------------------------------------------------


def _item_list(data: dict[str, Any], name: str, *, create: bool) -> tuple[list[Any], str]:
    """The list holding a member or asset item, and the item's uid."""
    parts = name.split(".")
    if parts[0] == "members":
        if create:
            return data.setdefault("members", []), parts[1]
        return data.get("members", []), parts[1]
    if create:
        return data.setdefault("assets", {}).setdefault(parts[1], []), parts[2]
    return data.get("assets", {}).get(parts[1], []), parts[2]


def read_field(application: Application, name: str) -> Any:
    data = application.data
    head, _, rest = name.partition(".")
    if rest and head not in ITEM_LISTS | {"column"}:
        return data.get(head, {}).get(rest)
    if head == "column":
        return getattr(application, rest)
    if head in ITEM_LISTS:
        items, uid = _item_list(data, name, create=False)
        return next((item for item in items if item.get("uid") == uid), None)
    return data.get(name)


def write_field(application: Application, name: str, value: Any) -> None:
    data = application.data
    head, _, rest = name.partition(".")
    if rest and head not in ITEM_LISTS | {"column"}:
        data.setdefault(head, {})[rest] = value
    elif head == "column":
        setattr(application, rest, value)
    elif head in ITEM_LISTS:
        items, uid = _item_list(data, name, create=True)
        position = next((i for i, item in enumerate(items) if item.get("uid") == uid), None)
        if value is None:
            if position is not None:
                items.pop(position)
        elif position is None:
            items.append(value)
        else:
            items[position] = value
    else:
        data[name] = value


def comparable(name: str, value: Any) -> Any:
    """What decides equality: a co-applicant's ID is compared by digest, not ciphertext."""
    if name.startswith("members.") and isinstance(value, dict):
        return {key: item for key, item in value.items() if key != "id_encrypted"}
    return value


# -- saving ------------------------------------------------------------------------


def lock(application: Application) -> None:
    """Re-read under a row lock (PostgreSQL) so concurrent saves queue instead of racing."""
    db.session.refresh(application, with_for_update=True)


def save_fields(
    application: Application,
    mine: dict[str, Any],
    stamp: Stamp,
    *,
    then: Callable[[Merge], Iterable[str]] | None = None,
) -> Merge:
    """Write the fields of ``mine`` that may be written; return what was decided.

    ``then`` runs before the commit with the merge, to change what goes with it (delete
    a removed member's files, store an upload), and names the further fields it changed."""
    for _attempt in range(ATTEMPTS):
        lock(application)
        if stamp.version > application.version:  # no page saw a version from the future
            stamp = dataclasses.replace(stamp, version=0, seen=None)
        history = application.data.setdefault(drafts.HISTORY_KEY, {})
        current = {name: comparable(name, read_field(application, name)) for name in mine}
        wanted = {name: comparable(name, value) for name, value in mine.items()}
        result = drafts.merge(history, current, wanted, stamp, fingerprint)
        result.writes = {name: mine[name] for name in result.writes}
        result.read_at = application.version
        for name, value in result.writes.items():
            write_field(application, name, value)
        names = [*result.writes, *(then(result) if then is not None else ())]
        drafts.record(
            history,
            current,
            names,
            version=application.version + 1,
            editor=stamp.editor,
            fingerprint=fingerprint,
        )
        if not names:
            db.session.rollback()  # nothing to write: leave the row (and its version) alone
            return result
        try:
            touch(application)
        except StaleDataError:
            db.session.rollback()
            continue
        return result
    raise DraftLocked()


def touch(application: Application) -> None:
    """Commit the change (the version column moves on)."""
    flag_modified(application, "data")
    application.updated_at = utcnow()
    db.session.commit()


def changed_since(application: Application, stamp: Stamp) -> bool:
    """Whether another page changed anything in the draft after ``stamp``'s version."""
    return drafts.anything_changed_elsewhere(application.data.get(drafts.HISTORY_KEY, {}), stamp)


def forget_history(application: Application) -> None:
    """Drop the edit history (on submission: reviewers need the answers, not who typed)."""
    application.data.pop(drafts.HISTORY_KEY, None)
    application.data.pop("_editor", None)
