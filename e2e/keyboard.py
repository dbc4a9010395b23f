"""Keyboard-only driving for e2e journeys: Tab, Shift+Tab, Enter, Space and arrow keys,
never the mouse and never a locator's click/fill.

After every key the focused element is checked (WCAG 2.4.11, 2.4.3): it is an element,
never ``<body>`` after an htmx swap, it lies inside the viewport, and no fixed or sticky
bar (the top bar, the bottom tab bar) covers it. An init script watches every htmx swap
in the page and records one that leaves focus on ``<body>`` when focus was somewhere
before it (or when it was a boosted navigation); ``check`` fails on any such record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

LOST_FOCUS = "anju: an htmx swap left focus on <body>: "

# Records swaps that drop focus (and says so on the console, where every audited e2e
# page collects it: e2e/conftest.py). It runs after the page's own afterSettle handlers (a
# zero-delay timer), so it sees where the app put focus, not where htmx left it.
WATCH_SWAPS = (
    """
(() => {
  const LOST_FOCUS = """
    + repr(LOST_FOCUS)
    + """;
  if (window.__anjuLostFocus) return;
  window.__anjuLostFocus = [];
  window.__anjuPending = 0;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const active = document.activeElement;
    if (event.detail.xhr) event.detail.xhr.__watchFocus = !!active && active !== document.body;
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const config = event.detail.requestConfig || {};
    const boosted = !!(event.detail.boosted || config.boosted);
    const hadFocus = !!(event.detail.xhr && event.detail.xhr.__watchFocus);
    if (!(hadFocus || boosted)) return;
    window.__anjuPending += 1;
    setTimeout(() => {
      window.__anjuPending -= 1;
      const active = document.activeElement;
      if (!active || active === document.body) {
        window.__anjuLostFocus.push(config.path || "");
        console.warn(LOST_FOCUS + (config.path || ""));
      }
    }, 0);
  });
})();
"""
)

# True while an htmx request, swap or settle is under way (or its check above is due).
IDLE = """
() => !window.__anjuPending
  && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")
"""

# Where focus is, and whether it can be seen: inside the viewport and clear of every
# fixed or sticky bar it is not itself part of.
FOCUS_STATE = """
() => {
  const el = document.activeElement;
  const lost = window.__anjuLostFocus || [];
  if (!el || el === document.body || el === document.documentElement) {
    return {ok: false, why: "focus on <body>", lost, name: ""};
  }
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (el.getAttribute("aria-label") || label || el.innerText || el.value || "")
    .replace(/\\s+/g, " ").trim().slice(0, 80);
  let rect = el.getBoundingClientRect();
  if ((rect.width <= 1 || rect.height <= 1) && el.labels && el.labels.length) {
    rect = el.labels[0].getBoundingClientRect();  // a visually hidden radio: its label
  }
  const height = window.innerHeight, width = window.innerWidth;
  let top = 0, bottom = height;
  const bars = [];
  for (const bar of document.querySelectorAll("header, nav, .topbar, .tabbar")) {
    if (bar.contains(el) || el.classList.contains("skip-link")) continue;
    const position = getComputedStyle(bar).position;
    if (position !== "fixed" && position !== "sticky") continue;
    const box = bar.getBoundingClientRect();
    if (box.height === 0 || box.bottom <= 0 || box.top >= height) continue;
    if (box.top <= 1 && box.bottom < height / 2) top = Math.max(top, box.bottom);
    else if (box.bottom >= height - 1 && box.top > height / 2) bottom = Math.min(bottom, box.top);
    bars.push([bar.className, Math.round(box.top), Math.round(box.bottom)]);
  }
  // A control taller than the clear band (a whole section) needs its top in view.
  const shown = Math.min(rect.height, bottom - top);
  const ok = rect.top >= top - 0.5 && rect.top + shown <= bottom + 0.5
    && rect.left >= -0.5 && rect.right <= width + 0.5 && rect.height > 0;
  const box = [rect.left, rect.top, rect.right, rect.bottom].map(Math.round);
  const main = document.getElementById("main");
  return {
    ok, name, lost, tag: el.tagName.toLowerCase(), id: el.id, box, band: [top, bottom], bars,
    inMain: !!main && main.contains(el),
    why: ok ? "" : "focused element outside the clear part of the viewport",
  };
}
"""


@dataclass
class Keys:
    """One keyboard user on one page; ``stops`` counts the focus positions checked."""

    page: Page
    stops: int = 0

    @classmethod
    def on(cls, page: Page) -> Keys:
        page.add_init_script(WATCH_SWAPS)
        return cls(page)

    def state(self) -> dict:
        return self.page.evaluate(FOCUS_STATE)

    def check(self) -> dict:
        """Focus is on a visible, unobscured element and no swap has dropped it."""
        self.page.wait_for_function(IDLE)
        state = self.state()
        assert not state["lost"], (
            f"an htmx swap left focus on <body>: {state['lost']} ({self.page.url})"
        )
        assert state["ok"], f"{state['why']}: {state} ({self.page.url})"
        self.stops += 1
        return state

    def landed(self) -> dict:
        """After a page change: a full page load starts at ``<body>`` (the next Tab is the
        skip link); a boosted one must have put focus somewhere visible."""
        self.page.wait_for_function(IDLE)
        state = self.state()
        assert not state["lost"], (
            f"an htmx swap left focus on <body>: {state['lost']} ({self.page.url})"
        )
        if state["why"] == "focus on <body>":
            return state
        return self.check()

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        return self.check()

    def tab(self, backwards: bool = False) -> dict:
        return self.press("Shift+Tab" if backwards else "Tab")

    def tab_to(
        self,
        name: str | re.Pattern[str],
        *,
        tag: str | None = None,
        limit: int = 80,
        backwards: bool = False,
    ) -> dict:
        """Tab forward until an element whose name matches (exactly, or the pattern) has focus."""
        for _ in range(limit):
            state = self.tab(backwards)
            if self._matches(name, state["name"]) and (tag is None or state["tag"] == tag):
                return state
        raise AssertionError(f"{name!r} not reached in {limit} Tabs on {self.page.url}")

    def tab_to_id(self, element_id: str, *, limit: int = 80) -> dict:
        for _ in range(limit):
            state = self.tab()
            if state["id"] == element_id:
                return state
        raise AssertionError(f"#{element_id} not reached in {limit} Tabs on {self.page.url}")

    def activate(self) -> None:
        """Enter on the focused link or button (no check: the page may be on its way)."""
        self.page.keyboard.press("Enter")

    def space(self) -> None:
        self.page.keyboard.press("Space")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def fill(self, label: str | re.Pattern[str], text: str) -> None:
        self.tab_to(label)
        self.page.keyboard.press("Control+A")
        self.type(text)

    def pick(self, option: str, *, limit: int = 40) -> None:
        """On a focused <select>, arrow down until the option reads ``option``."""
        read = "() => { const s = document.activeElement; return s.options[s.selectedIndex].text }"
        for _ in range(limit):
            if self.page.evaluate(read).strip() == option:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"option {option!r} not reached with the arrow keys")

    def radio(
        self, option: str | re.Pattern[str], *, limit: int = 20, backwards: bool = False
    ) -> None:
        """Tab into the next radio group, then arrow to ``option`` (arrows also check it).
        A plain string matches the start of the label, spaces aside (an option may carry
        a hint after its text)."""
        if isinstance(option, str):
            option = re.compile("^" + r"\s*".join(map(re.escape, option)))
        state = self.tab(backwards)
        for _ in range(80):
            if self.page.evaluate("() => document.activeElement.type") == "radio":
                break
            state = self.tab(backwards)
        for _ in range(limit):
            if self._matches(option, state["name"]):
                self.space()  # Tab onto a group focuses its first radio without checking it
                return
            state = self.press("ArrowDown")
        raise AssertionError(f"radio {option!r} not reached with the arrow keys on {self.page.url}")

    def tick(self, name: str | re.Pattern[str]) -> None:
        """Tab to a checkbox and tick it with Space."""
        self.tab_to(name, tag="input")
        self.space()

    @staticmethod
    def _matches(name: str | re.Pattern[str], text: str) -> bool:
        return bool(name.search(text)) if isinstance(name, re.Pattern) else text == name

    def select(self, label: str | re.Pattern[str], option: str) -> None:
        self.tab_to(label, tag="select")
        self.pick(option)

    def choose_file(self, path: Path) -> None:
        """Space on the focused file input opens the chooser and the file is picked there;
        if no chooser shows, the user presses Enter, which opens it too.

        What the page owns is that the keyboard reaches the file input (asserted
        first); raising the chooser from a key is Chromium's own. On a loaded two-core CI
        machine headless Chromium now and then raises none for either key, so the file is
        then set on the focused input itself, as the chooser would have done."""
        focused = self.page.evaluate("() => document.activeElement.type")
        assert focused == "file", f"focus is on a {focused!r}, not a file input, on {self.page.url}"
        for key in ("Space", "Enter"):
            try:
                with self.page.expect_file_chooser(timeout=10_000) as chooser:
                    self.page.keyboard.press(key)
            except PlaywrightTimeout:
                continue
            chooser.value.set_files(str(path))
            return
        self.page.locator("input[type=file]:focus").set_input_files(str(path))
