"""End-to-end fixtures: a live server on loopback, Debian's Chromium at a phone
viewport, and axe on every page a test visits.

A test calls ``check_page(page)`` after each navigation; at the end of the test every
URL the browser navigated to must have been checked, none may carry an internal form
field (a draft's version, a page's editor id, a CSRF token), and no
Content-Security-Policy violation may have been reported.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from e2e.keyboard import LOST_FOCUS, WATCH_SWAPS

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
    "locale": "zh-CN",
}
_axe = Axe()
# Assertions wait as long as actions do: CI is a loaded two-core machine.
expect.set_options(timeout=10_000)


@dataclass
class LiveServer:
    app: Flask
    url: str

    def sms_code_for(self, phone: str) -> str:
        code = self.app.extensions["sms_gateway"].last_code_for(phone)
        assert code, f"no SMS sent to {phone}"
        return code


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    from flask_migrate import upgrade

    from app.demo import seed_demo

    database = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "SMS_GATEWAY": "memory",
            "UPLOAD_ROOT": str(database.parent / "uploads"),
            # Many journeys sign in from 127.0.0.1 within a minute; the login limit itself
            # is covered by tests/auth.
            "LOGIN_RATE_LIMIT": "300 per minute",
        }
    )
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def playwright_session():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session) -> Iterator[Browser]:
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class PageAudit:
    visited: set[str] = field(default_factory=set)
    checked: set[str] = field(default_factory=set)
    csp_violations: list[str] = field(default_factory=list)
    lost_focus: list[str] = field(default_factory=list)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _new_context(browser: Browser, live_server: LiveServer, **options) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, **PHONE, **options)
    context.set_default_timeout(10_000)
    return context


def _audited_page(context: BrowserContext, audit: PageAudit) -> Page:
    page = context.new_page()

    def on_navigated(frame) -> None:
        if frame == page.main_frame and frame.url.startswith("http"):
            audit.visited.add(_path(frame.url))

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            audit.csp_violations.append(message.text)
        if message.text.startswith(LOST_FOCUS):
            audit.lost_focus.append(message.text)

    page.add_init_script(WATCH_SWAPS)
    page.on("framenavigated", on_navigated)
    page.on("console", on_console)
    page.audit = audit  # type: ignore[attr-defined]
    return page


# Form fields that are the app's own bookkeeping: never in an address bar (history, logs).
INTERNAL_FIELDS = frozenset(
    {"version", "editor", "draft_version", "draft_editor", "seen", "conflicts_shown", "csrf_token"}
)


def internal_fields_in(url: str) -> set[str]:
    return {name for name, _value in parse_qsl(urlsplit(url).query)} & INTERNAL_FIELDS


def _assert_audit_complete(audit: PageAudit) -> None:
    assert not audit.csp_violations, audit.csp_violations
    assert not audit.lost_focus, audit.lost_focus
    leaked = {url: internal_fields_in(url) for url in audit.visited if internal_fields_in(url)}
    assert not leaked, f"internal fields in the address bar: {leaked}"
    unchecked = audit.visited - audit.checked
    assert not unchecked, f"pages visited without an axe check: {sorted(unchecked)}"


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = _new_context(browser, live_server)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    audit = PageAudit()
    page = _audited_page(context, audit)
    yield page
    _assert_audit_complete(audit)


@pytest.fixture
def no_js_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone with JavaScript off: everything must still work as plain links and forms."""
    context = _new_context(browser, live_server, java_script_enabled=False)
    audit = PageAudit()
    yield _audited_page(context, audit)
    _assert_audit_complete(audit)
    context.close()


@pytest.fixture
def installable_page(playwright_session, live_server: LiveServer, tmp_path) -> Iterator[Page]:
    """A page in a persistent (non-incognito) profile, where Chromium allows installing."""
    context = playwright_session.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
        **PHONE,
    )
    context.set_default_timeout(10_000)
    audit = PageAudit()
    yield _audited_page(context, audit)
    _assert_audit_complete(audit)
    context.close()


def check_page(page: Page) -> None:
    """Run axe on the page as it is now; fail on any violation."""
    page.wait_for_load_state("load")
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.audit.checked.add(_path(page.url))  # type: ignore[attr-defined]


def check_page_without_js(page: Page) -> None:
    """axe needs JavaScript: audit the same URL, with the same cookies, in a scripted page."""
    scripted = page.context.browser.new_context(storage_state=page.context.storage_state(), **PHONE)
    try:
        probe = scripted.new_page()
        probe.goto(page.url)
        results = _axe.run(probe)
        assert results.violations_count == 0, results.generate_report()
    finally:
        scripted.close()
    page.audit.checked.add(_path(page.url))  # type: ignore[attr-defined]


DESKTOP = {
    "viewport": {"width": 1280, "height": 800},
    "is_mobile": False,
    "has_touch": False,
    "locale": "zh-CN",
}


@pytest.fixture
def desktop_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A desktop browser in its own context (not a phone), audited like ``page``."""
    context = browser.new_context(base_url=live_server.url, **DESKTOP)
    context.set_default_timeout(10_000)
    audit = PageAudit()
    yield _audited_page(context, audit)
    _assert_audit_complete(audit)
    context.close()


@pytest.fixture
def make_phone_page(browser: Browser, live_server: LiveServer) -> Iterator:
    """Make audited phone pages with extra context options (e.g. a phone's user agent)."""
    made: list[tuple[BrowserContext, PageAudit]] = []

    def make(**options) -> Page:
        context = _new_context(browser, live_server, **options)
        audit = PageAudit()
        made.append((context, audit))
        return _audited_page(context, audit)

    yield make
    for context, audit in made:
        _assert_audit_complete(audit)
        context.close()


@pytest.fixture
def new_resident(live_server: LiveServer):
    """Make a resident with a bound real name in the live server's database.

    Returns ``make(name) -> phone``; the password is ``tests.factories.PASSWORD``.
    """
    import secrets

    from app.auth.roles import Role
    from app.auth.services import bind_real_name, create_user, phone_registered
    from tests.factories import PASSWORD, valid_id_number

    def make(name: str = "陈晓梅") -> str:
        with live_server.app.app_context():
            phone = f"137{secrets.randbelow(10**8):08d}"
            while phone_registered(phone):
                phone = f"137{secrets.randbelow(10**8):08d}"
            user = create_user(phone, PASSWORD, Role.RESIDENT)
            db.session.commit()
            bind_real_name(user, name, valid_id_number("19850505", f"{user.id % 1000:03d}"))
            db.session.remove()
        return phone

    return make
