"""Page weight on a first visit with an empty cache: every byte a cheap phone downloads.

Budget (issue 10): <= 100 KB transferred (compressed) per page including CSS, JS, icons
and what the service worker precaches; htmx fragments <= 20 KB; no request to any other
origin. Signed-in pages are measured after signing in, with the HTTP cache cleared and the
service worker blocked, so they too are a first load (the precache is counted above).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from e2e.conftest import (
    LiveServer,
    PageAudit,
    _assert_audit_complete,
    _audited_page,
    _new_context,
    check_page,
)
from e2e.test_shell import sign_in

BUDGET_BYTES = 100 * 1024
FRAGMENT_BUDGET_BYTES = 20 * 1024
SIGNED_OUT_PAGES = [
    "/",
    "/auth/login",
    "/auth/register",
    "/eligibility/",
    "/eligibility/q/age",
    "/apply/",
]


def transferred_on_first_load(page: Page, path: str, origin: str) -> tuple[int, list[str]]:
    responses = []

    def collect(response) -> None:
        responses.append(response)

    page.on("response", collect)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    check_page(page)
    page.remove_listener("response", collect)
    foreign = [
        r.url
        for r in responses
        if not r.url.startswith(("data:", "blob:"))
        and f"{urlsplit(r.url).scheme}://{urlsplit(r.url).netloc}" != origin
    ]
    total = 0
    for response in responses:
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total, foreign


@pytest.mark.parametrize("path", SIGNED_OUT_PAGES)
def test_signed_out_pages_fit_the_budget(browser, live_server: LiveServer, path: str) -> None:
    context = _new_context(browser, live_server)  # a fresh context: empty cache
    audit = PageAudit()
    page = _audited_page(context, audit)
    total, foreign = transferred_on_first_load(page, path, live_server.url)
    _assert_audit_complete(audit)
    context.close()
    assert foreign == []
    print(f"page weight {path}: {total} bytes")
    assert total <= BUDGET_BYTES, f"{path}: {total} bytes"


def test_signed_in_home_fits_the_budget(page: Page, live_server: LiveServer) -> None:
    sign_in(page, "13800000003")
    total, foreign = transferred_on_first_load(page, "/messages/", live_server.url)
    assert foreign == []
    assert total <= BUDGET_BYTES


SIGNED_IN_PAGES = [
    ("13800000002", "/"),
    ("13800000002", "/rent/"),
    ("13800000012", "/swap/"),
    ("13800000012", "/swap/matches"),
    ("13800000003", "/renewal/"),
    ("13800000005", "/apply/"),
    ("13900000001", "/staff/applications"),
    ("13900000005", "/staff/rent/"),
]


@pytest.mark.parametrize(("phone", "path"), SIGNED_IN_PAGES)
def test_signed_in_pages_fit_the_budget(
    browser, live_server: LiveServer, phone: str, path: str
) -> None:
    context = _new_context(browser, live_server, service_workers="block")
    audit = PageAudit()
    page = _audited_page(context, audit)
    sign_in(page, phone)
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    total, foreign = transferred_on_first_load(page, path, live_server.url)
    _assert_audit_complete(audit)
    context.close()
    assert foreign == []
    print(f"page weight {path} as {phone}: {total} bytes")
    assert total <= BUDGET_BYTES, f"{path}: {total} bytes"


def test_swap_search_fragment_fits_the_budget(page: Page) -> None:
    sign_in(page, "13800000011")
    page.goto("/swap/")
    check_page(page)
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as caught:
        page.get_by_label("关键词").fill("小区")
    response = caught.value
    page.wait_for_url("**/swap/?q=*")  # htmx pushed the search into the address bar
    check_page(page)
    sizes = response.request.sizes()
    assert response.status == 200
    assert "<html" not in response.text()  # a fragment, not the whole page
    assert sizes["responseBodySize"] + sizes["responseHeadersSize"] <= FRAGMENT_BUDGET_BYTES
