"""Desktop states, the face-step lockout and phone detection (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.handoff.purposes import (
    DEMO_IDENTITY,
    RENEWAL_SIGN,
    UnknownPurpose,
    get_purpose,
    set_phone_next,
)
from app.handoff.rules import (
    DesktopState,
    TokenStatus,
    desktop_state,
    is_mobile_user_agent,
    locked_until,
)

NOW = datetime(2026, 11, 23, 10, 0, 0)
LATER = NOW + timedelta(minutes=3)
EARLIER = NOW - timedelta(seconds=1)


@pytest.mark.parametrize(
    ("status", "scanned", "expires_at", "state"),
    [
        (TokenStatus.PENDING, False, LATER, DesktopState.WAITING),
        (TokenStatus.PENDING, True, LATER, DesktopState.SCANNED),
        (TokenStatus.OPENED, True, LATER, DesktopState.OPENED),
        (TokenStatus.OPENED, False, LATER, DesktopState.OPENED),  # 在本机继续: no scan
        (TokenStatus.PENDING, False, EARLIER, DesktopState.EXPIRED),
        (TokenStatus.PENDING, False, NOW, DesktopState.EXPIRED),
        (TokenStatus.OPENED, True, EARLIER, DesktopState.EXPIRED),
        (TokenStatus.COMPLETED, True, EARLIER, DesktopState.COMPLETED),
        (TokenStatus.CANCELLED, False, LATER, DesktopState.CANCELLED),
        (TokenStatus.REPLACED, True, LATER, DesktopState.REPLACED),
        (TokenStatus.MISMATCHED, True, LATER, DesktopState.MISMATCHED),
        (TokenStatus.MISMATCHED, True, EARLIER, DesktopState.MISMATCHED),
    ],
)
def test_desktop_state(status, scanned, expires_at, state) -> None:
    assert desktop_state(status, scanned=scanned, expires_at=expires_at, now=NOW) is state


def test_only_waiting_scanned_and_opened_keep_polling() -> None:
    polling = {state for state in DesktopState if not state.is_final}
    assert polling == {DesktopState.WAITING, DesktopState.SCANNED, DesktopState.OPENED}
    assert all(state.label for state in DesktopState)


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


@pytest.mark.parametrize(
    ("failures", "until"),
    [
        ([], None),
        (minutes_ago(4, 3, 2, 1), None),  # four failures: still open
        (minutes_ago(5, 4, 3, 2, 1), NOW + timedelta(minutes=9)),  # fifth locks for 10 minutes
        (minutes_ago(9, 8, 7, 6, 5), NOW + timedelta(minutes=5)),
        (minutes_ago(19, 18, 17, 16, 10), NOW),  # lock just ended
        (minutes_ago(20, 18, 16, 14, 12, 1), None),  # spread over more than 10 minutes
        (minutes_ago(15, 14, 13, 12, 1), None),  # old burst's lock over; one new failure
    ],
)
def test_five_failures_in_ten_minutes_lock_for_ten_minutes(failures, until) -> None:
    result = locked_until(failures, NOW)
    if until is None or until <= NOW:
        assert result is None
    else:
        assert result == until


@pytest.mark.parametrize(
    ("agent", "mobile"),
    [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15", True),
        ("Mozilla/5.0 (Linux; Android 14; 23127PN0CC) AppleWebKit/537.36 Mobile Safari", True),
        ("Mozilla/5.0 (Linux; Android 12; HarmonyOS; ALN-AL00) MicroMessenger/8.0", True),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0", False),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15", False),
        ("", False),
        (None, False),
    ],
)
def test_phone_detection(agent, mobile) -> None:
    assert is_mobile_user_agent(agent) is mobile


def test_purposes_have_chinese_labels_and_a_pluggable_phone_step() -> None:
    assert get_purpose(DEMO_IDENTITY).label == "人脸识别体验"
    assert get_purpose(RENEWAL_SIGN).label == "租赁合同续约 · 人脸识别签约"
    with pytest.raises(UnknownPurpose):
        get_purpose("apply.nothing")
    original = get_purpose(RENEWAL_SIGN).phone_next  # the renewal area may have set one
    try:
        set_phone_next(RENEWAL_SIGN, lambda lease_id: f"/test/{lease_id}/sign")
        builder = get_purpose(RENEWAL_SIGN).phone_next
        assert builder is not None and builder(7) == "/test/7/sign"
    finally:
        set_phone_next(RENEWAL_SIGN, original)
