"""Numbers in addresses: ids in the path and numbers in the query string."""

from __future__ import annotations

import pytest

from app.auth.roles import Role
from tests.conftest import login, page_text
from tests.factories import PASSWORD, create_staff


@pytest.mark.parametrize(
    "path",
    [
        "/swap/listings/99999999999999999999",  # overflowed the database: a 500
        "/swap/listings/2147483648",
        "/swap/listings/١٢",  # Arabic-Indic digits matched werkzeug's <int:>
        "/swap/photos/9223372036854775808",
        "/publicity/99999999999999999999/objection",
    ],
)
def test_ids_that_cannot_exist_are_not_found(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in page_text(response)


@pytest.mark.parametrize("value", ["²", "①", "9" * 40, "1e3", "-1", "1\x00x"])
def test_a_bad_number_in_the_address_gets_a_chinese_400(client, value: str) -> None:
    admin = create_staff(Role.ADMIN)
    login(client, admin.phone, PASSWORD)
    for path in ("/staff/audit", "/staff/audit.csv"):
        response = client.get(path, query_string={"subject_id": value})
        assert response.status_code == 400
        assert "网址有误" in page_text(response) and "对象编号" in page_text(response)
    assert client.get("/staff/audit", query_string={"page": value}).status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 40, "0", "-5", "abc"])
def test_a_bad_page_number_shows_the_first_page(client, value: str) -> None:
    assert client.get("/publicity/", query_string={"page": value}).status_code == 200
