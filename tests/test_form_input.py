"""Form data of the wrong type: a file where text is expected, a JSON body. Every form
reads text fields from the form's text only (app.inputs.AppForm)."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from app.extensions import db
from app.swap.models import SwapRequest
from tests.conftest import csrf_token, login, page_text, post
from tests.factories import PASSWORD, create_resident
from tests.swap import builders


def test_a_file_posted_as_the_phone_number_is_a_form_error(client) -> None:
    response = post(
        client,
        "/auth/login",
        {"phone": (io.BytesIO(b"13800000000"), "phone.txt"), "password": PASSWORD},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "手机号码" in page_text(response)


def test_a_file_posted_as_a_message_is_a_form_error(app) -> None:
    user, _ = builders.tenant()
    other, _ = builders.tenant("王芳")
    listing = builders.listing(other)
    client = builders.signed_in(app, user)
    builders.listing(user)
    response = post(
        client,
        f"/swap/listings/{listing.id}/request",
        {"message": (io.BytesIO(b"<script>"), "m.html")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200  # the message is required: asked for again
    assert db.session.scalar(select(func.count(SwapRequest.id))) == 0


def test_a_json_body_is_not_form_data(client) -> None:
    user = create_resident()
    token = csrf_token(client, "/auth/login")
    for body in ({"phone": user.phone, "password": PASSWORD}, [1, 2], 5, {"phone": 13800000000}):
        response = client.post("/auth/login", json=body, headers={"X-CSRFToken": token})
        assert response.status_code == 200, body  # the empty login form, with its errors
        assert "请输入" in page_text(response)
    assert login(client, user.phone, PASSWORD).status_code == 303  # the form still works


def test_control_characters_are_removed_from_what_views_read(app) -> None:
    """PostgreSQL refuses NUL in text (a 500 before); nobody types the others."""
    user, _ = builders.tenant()
    other, _ = builders.tenant("王芳")
    listing = builders.listing(other)
    builders.listing(user)
    client = builders.signed_in(app, user)
    response = post(
        client,
        f"/swap/listings/{listing.id}/request",
        {"message": "您好\x00，想和您换房\x1b[31m，\u0085谢谢！\n我在附近上班。"},
    )
    assert response.status_code == 303
    (sent,) = db.session.scalars(select(SwapRequest))
    assert sent.message == "您好，想和您换房[31m，谢谢！\n我在附近上班。"
    for query in ({"q": "十里\x00"}, {"q": "\x00"}, {"district": "\x00"}):
        assert client.get("/swap/", query_string=query).status_code == 200
    assert client.get("/certificate/verify/abc%00def").status_code == 404


def test_an_empty_post_to_a_form_with_a_list_field_asks_again(app) -> None:
    """No form data at all leaves a list field's data None: refused as unfilled, not a 500."""
    user, _ = builders.tenant()
    client = builders.signed_in(app, user)
    token = csrf_token(client, "/swap/mine/listing")
    response = client.post("/swap/mine/listing", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert "想换到哪个区" in page_text(response)
