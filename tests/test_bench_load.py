"""The load benchmark's own helpers: what it submits must be what a browser submits."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parent.parent / "bench" / "load.py"
)
load = importlib.util.module_from_spec(_spec)
sys.modules["bench_load"] = load  # dataclasses look their module up while it loads
_spec.loader.exec_module(load)

FORM = """
<form id="other"><input name="ignored" value="x"></form>
<form id="applicant-form" method="post">
  <input type="hidden" name="csrf_token" value="tok">
  <input name="employer" value="九江某公司">
  <input type="checkbox" name="agree" checked>
  <input type="checkbox" name="unticked">
  <input type="radio" name="hukou" value="urban" checked>
  <input type="radio" name="hukou" value="rural">
  <input name="locked" value="no" disabled>
  <select name="marital_status"><option value="single">未婚</option>
    <option value="married" selected>已婚</option></select>
  <select name="first"><option value="a">A</option><option value="b">B</option></select>
  <textarea name="address">浔阳区甘棠南路1号</textarea>
  <button type="submit" name="go">下一步</button>
</form>
"""


def test_form_fields_are_what_a_browser_would_submit() -> None:
    assert load.form_fields(FORM, "applicant-form") == [
        ("csrf_token", "tok"),
        ("employer", "九江某公司"),
        ("agree", "on"),
        ("hukou", "urban"),
        ("marital_status", "married"),
        ("first", "a"),
        ("address", "浔阳区甘棠南路1号"),
    ]


def test_request_line_carries_headers_and_form_body() -> None:
    line = load._line("POST", "/apply/members/autosave", "a=1&b=2", {"HX-Request": "true"})
    assert line.split("\t") == [
        "POST",
        "/apply/members/autosave",
        "a=1&b=2",
        "HX-Request: true",
        "Content-Type: application/x-www-form-urlencoded",
    ]
    with pytest.raises(load.BenchError):
        load._line("GET", "/", None, {"Cookie": "a\tb"})


@pytest.mark.parametrize("text", ["0", "-3", "abc", "101"])
def test_bad_numbers_are_refused_in_chinese(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="应"):
        load.positive(int, 100)(text)


def test_unknown_pages_are_named() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="没有这些页面：nope"):
        load._page_keys("home,nope")
    assert load._page_keys("rent") == ["healthz", "rent"]


def test_every_page_has_users_to_find_or_is_signed_out() -> None:
    for page in load.PAGES:
        assert page.users is None or page.users in load.USER_QUERIES
    assert load.PAGES[0].key == "healthz" and load.PAGES[0].p95_budget_ms is None
