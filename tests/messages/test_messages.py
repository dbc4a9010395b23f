from __future__ import annotations

from app.extensions import db
from app.messages.services import post_message, unread_count
from tests.conftest import login, page_text, post
from tests.factories import PASSWORD, create_resident


def test_message_centre_lists_and_marks_read(client) -> None:
    user = create_resident()
    message = post_message(
        user.id, category="申请", title="申请已受理", body="街道已受理", link="/"
    )
    db.session.commit()
    login(client, user.phone, PASSWORD)
    html = page_text(client.get("/messages/"))
    assert "申请已受理" in html and "未读" in html
    assert f'action="/messages/{message.id}/open"' in html
    # Showing a message writes nothing; opening it from the list (a POST) marks it read.
    assert page_text(client.get(f"/messages/{message.id}")).count("街道已受理") == 1
    assert unread_count(user.id) == 1
    opened = post(client, f"/messages/{message.id}/open")
    assert opened.status_code == 303 and opened.headers["Location"].endswith(f"/{message.id}")
    assert unread_count(user.id) == 0
    html = page_text(client.get("/messages/"))
    assert "未读" not in html and f'href="/messages/{message.id}"' in html


def test_mark_all_read(client) -> None:
    user = create_resident()
    for n in range(3):
        post_message(user.id, category="系统", title=f"通知{n}", body="x")
    db.session.commit()
    login(client, user.phone, PASSWORD)
    post(client, "/messages/read-all")
    assert unread_count(user.id) == 0


def test_empty_state(client) -> None:
    user = create_resident()
    login(client, user.phone, PASSWORD)
    assert "暂无消息" in page_text(client.get("/messages/"))


def test_another_residents_message_is_not_reachable(client) -> None:
    owner, intruder = create_resident(), create_resident()
    message = post_message(owner.id, category="租金", title="私密", body="欠费 600 元")
    db.session.commit()
    login(client, intruder.phone, PASSWORD)
    response = client.get(f"/messages/{message.id}")
    assert response.status_code == 404
    assert post(client, f"/messages/{message.id}/open").status_code == 404
    assert "欠费" not in page_text(response)
    assert "私密" not in page_text(client.get("/messages/"))
    assert unread_count(owner.id) == 1


def test_signed_out_is_sent_to_login(client) -> None:
    response = client.get("/messages/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_links_must_be_in_app() -> None:
    import pytest

    with pytest.raises(ValueError, match="in-app"):
        post_message(1, category="系统", title="x", body="x", link="https://evil.example")
