"""Following the menus as a person would: the tab bar, then links, a few clicks deep.

``pointers()`` reads every place a message or page names (在“我的申请”中查看) from the
app's own text, so a new message kind is followed without editing the test.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

APP = Path(__file__).resolve().parents[2] / "app"
POINTER = re.compile(r"(?:在|和)“([^“”]{2,20})”(?:中|查看)")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SKIP = ("/static/", "/sw.js", "/manifest", "/auth/logout", "tel:", "mailto:")


def pointers() -> dict[str, tuple[str, ...]]:
    """Each named place → its path of link texts (“我的 › 我的续约” → ("我的", "我的续约"))."""
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(APP.rglob("*")):
        if path.suffix not in (".py", ".html") or "scale" in path.parts:
            continue
        for name in POINTER.findall(path.read_text(encoding="utf-8")):
            found[name] = tuple(part.strip() for part in name.split("›"))
    return found


class _Links(HTMLParser):
    """Anchors with their visible text; ``tabbar`` keeps those inside the main navigation."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str, bool]] = []
        self._open: list[list[str]] = []  # [href, text]
        self._nav_depth = 0
        self._depth = 0
        self._hidden_at: list[int] = []  # depths of open elements a reader does not see

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in VOID:
            return
        attributes = dict(attrs)
        self._depth += 1
        if tag == "nav" and "tabbar" in (attributes.get("class") or ""):
            self._nav_depth = self._depth
        if "visually-hidden" in (attributes.get("class") or "") or tag == "svg":
            self._hidden_at.append(self._depth)
        if tag == "a" and attributes.get("href"):
            self._open.append([attributes["href"], ""])

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag not in VOID:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self._hidden_at and self._hidden_at[-1] == self._depth:
            self._hidden_at.pop()
        if tag == "a" and self._open:
            href, text = self._open.pop()
            self.links.append((href, " ".join(text.split()), bool(self._nav_depth)))
        if tag == "nav" and self._depth == self._nav_depth:
            self._nav_depth = 0
        self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._open and not self._hidden_at:
            self._open[-1][1] += data


def links_of(html: str) -> list[tuple[str, str, bool]]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def _local(href: str) -> str | None:
    if href.startswith(SKIP) or any(skip in href for skip in SKIP):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Menus:
    """What a signed-in ``client`` can reach from the tab bar in ``clicks`` clicks."""

    def __init__(self, client, clicks: int = 3) -> None:
        self.client = client
        self.clicks = clicks
        self.pages: dict[str, list[tuple[str, str, bool]]] = {}

    def page(self, path: str) -> list[tuple[str, str, bool]]:
        if path not in self.pages:
            response = self.client.get(path, follow_redirects=True)
            assert response.status_code == 200, (path, response.status_code)
            self.pages[path] = links_of(response.get_data(as_text=True))
        return self.pages[path]

    def tabs(self) -> list[tuple[str, str]]:
        return [(text, href) for href, text, in_nav in self.page("/") if in_nav]

    def route_to(self, names: tuple[str, ...]) -> list[str] | None:
        """The shortest click path (link texts) from the tab bar ending on ``names``.

        A one-part name may be anywhere within reach; a path (“我的 › 我的续约”) is
        followed exactly, starting from the tab bar."""
        if len(names) > 1:
            return self._follow(names)
        queue = deque([(href, [text]) for text, href in self.tabs()])
        seen: set[str] = set()
        while queue:
            href, route = queue.popleft()
            path = _local(href)
            if route[-1].startswith(names[0]) and path is not None:
                self.page(path)  # the place itself opens
                return route
            if path is None or path in seen or len(route) >= self.clicks:
                continue
            seen.add(path)
            for next_href, text, in_nav in self.page(path):
                if not in_nav and text:
                    queue.append((next_href, [*route, text]))
        return None

    def _follow(self, names: tuple[str, ...]) -> list[str] | None:
        links = [(href, text) for text, href in self.tabs()]
        for depth, name in enumerate(names):
            match = next((href for href, text in links if text.startswith(name)), None)
            if match is None or _local(match) is None:
                return None
            if depth < len(names) - 1:
                links = [(h, t) for h, t, in_nav in self.page(_local(match)) if not in_nav]
        self.page(_local(match))  # the place itself opens
        return list(names)
