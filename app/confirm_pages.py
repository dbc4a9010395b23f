"""The confirmation page before an action that cannot be undone (delete, clear, sign out).

长辈模式 allows no pop-ups, so never ``hx-confirm``: the button on the list is a link
(GET) to this page, which says what will happen and writes nothing; its one main button
posts to the action's own URL, and 取消 goes back. It works the same without JavaScript.
The page is ``templates/_confirm.html``; every area's confirmation goes through here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask import Response

from app.htmx import render


@dataclass(frozen=True)
class Confirmation:
    """What the page asks, says and does."""

    question: str  # the heading, e.g. 确定删除共同申请人王小二吗？
    consequence: str  # what will happen, in plain words
    action: str  # the URL the confirm button posts to
    confirm_label: str  # the main (destructive) button
    cancel_url: str  # 取消 and the top bar's 返回 go here
    cancel_label: str = "取消"
    facts: Sequence[str] = ()  # what is affected, one line each
    image_url: str | None = None  # a thumbnail of what is affected
    image_alt: str = ""
    hidden: Mapping[str, str | int] = field(default_factory=dict)  # e.g. a draft's stamp


def confirm_page(title: str, confirmation: Confirmation) -> Response:
    """The full confirmation page (a boosted link gets the whole page too)."""
    return render(
        "_confirm.html",
        title=title,
        back_url=confirmation.cancel_url,
        confirm=confirmation,
    )
