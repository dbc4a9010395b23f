"""Handoff states, the face-step lockout and phone detection. Pure: no Flask, no database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from app.core.transitions import OWNER, Table, move
from app.labels import Labelled


class TokenStatus(StrEnum):
    """Stored on the token; changed only by ``handoff.services``."""

    PENDING = "pending"  # shown on the desktop, not yet redeemed
    OPENED = "opened"  # redeemed: one phone holds a grant for the face step
    COMPLETED = "completed"  # the face step passed
    CANCELLED = "cancelled"  # the desktop pressed 取消
    REPLACED = "replaced"  # the desktop asked for a new code
    MISMATCHED = "mismatched"  # the phone tapped a number the computer did not show


LIVE = (TokenStatus.PENDING, TokenStatus.OPENED)

# The token's table (app.core.transitions): every move is the token holder's, made in one
# compare-and-set UPDATE (two phones, or a phone and the computer, race for it) except
# completing, which follows the face check on the phone that holds the grant.
TOKENS = Table(
    name="HandoffToken.status",
    statuses=tuple(TokenStatus),
    moves=(
        *move("open", TokenStatus.PENDING, TokenStatus.OPENED, OWNER, record_as="opened"),
        *move("mismatch", TokenStatus.PENDING, TokenStatus.MISMATCHED, OWNER,
              record_as="mismatched"),
        *move("cancel", LIVE, TokenStatus.CANCELLED, OWNER, "取消", record_as="cancelled"),
        *move("replace", LIVE, TokenStatus.REPLACED, OWNER, "刷新二维码", record_as="replaced"),
        *move("complete", (TokenStatus.OPENED, TokenStatus.COMPLETED), TokenStatus.COMPLETED,
              OWNER, record_as="completed"),
    ),
    owners=lambda token: (token.user_id,),
    audit="handoff",
    subject="handoff",
    stale="二维码状态已变化，请刷新页面",
)  # fmt: skip


class DesktopState(Labelled):
    """What the desktop widget shows."""

    WAITING = "waiting", "等待扫码"
    # opened on a phone: the computer shows the number to tap
    SCANNED = "scanned", "已扫码，请在手机上点选下面这个数字"
    # the right number was tapped: the phone goes on
    OPENED = "opened", "已确认，请在手机上继续完成人脸识别"
    COMPLETED = "completed", "已完成"
    EXPIRED = "expired", "已过期"
    CANCELLED = "cancelled", "已取消"
    REPLACED = "replaced", "已作废（已生成新的二维码）"
    MISMATCHED = (
        "mismatched",
        "手机上点选的数字不对，二维码已作废。如果不是您本人在扫码，请勿把二维码发给他人",
    )

    @property
    def is_final(self) -> bool:
        return self not in {DesktopState.WAITING, DesktopState.SCANNED, DesktopState.OPENED}


def desktop_state(
    status: TokenStatus, *, scanned: bool, expires_at: datetime, now: datetime
) -> DesktopState:
    """The widget's state from the stored token: done and void beat expiry, expiry beats scan."""
    if status is TokenStatus.COMPLETED:
        return DesktopState.COMPLETED
    if status is TokenStatus.CANCELLED:
        return DesktopState.CANCELLED
    if status is TokenStatus.REPLACED:
        return DesktopState.REPLACED
    if status is TokenStatus.MISMATCHED:
        return DesktopState.MISMATCHED
    if now >= expires_at:
        return DesktopState.EXPIRED
    if status is TokenStatus.OPENED:
        return DesktopState.OPENED
    if scanned:
        return DesktopState.SCANNED
    return DesktopState.WAITING


def locked_until(
    failures: Iterable[datetime],
    now: datetime,
    *,
    max_failures: int = 5,
    window: timedelta = timedelta(minutes=10),
    lock: timedelta = timedelta(minutes=10),
) -> datetime | None:
    """When the face step opens again, if ``max_failures`` failures fell within ``window``
    and the lock that the last of them started is still running; else None."""
    times = sorted(failures)
    until = None
    for index in range(max_failures - 1, len(times)):
        if times[index] - times[index - max_failures + 1] <= window:
            candidate = times[index] + lock
            if candidate > now and (until is None or candidate > until):
                until = candidate
    return until


_MOBILE = re.compile(r"Mobi|Android|iPhone|iPad|iPod|HarmonyOS|OpenHarmony|Windows Phone", re.I)


def is_mobile_user_agent(user_agent: str | None) -> bool:
    """Phones and tablets (which have a front camera); iPadOS posing as a Mac is missed,
    which is why the desktop widget always offers 在本机继续 as well."""
    return bool(user_agent and _MOBILE.search(user_agent))
