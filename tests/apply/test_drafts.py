"""The per-field merge of draft edits (app/apply/drafts.py), as tables: no Flask, no database."""

from __future__ import annotations

import hashlib

import pytest

from app.apply import drafts
from app.apply.drafts import MINE, THEIRS, Stamp

PAGE_B, PAGE_C = "b" * 16, "c" * 16


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Draft:
    """A draft's values and history, changed the way app/apply/saving.py changes them."""

    def __init__(self, **values: object) -> None:
        self.values = dict(values)
        self.history: dict = {}
        self.version = 1

    def save(self, stamp: Stamp, **mine: object) -> drafts.Merge:
        result = drafts.merge(self.history, self.values, mine, stamp, fingerprint)
        if result.writes:
            self.version += 1
            drafts.record(
                self.history,
                self.values,
                list(result.writes),
                version=self.version,
                editor=stamp.editor,
                fingerprint=fingerprint,
            )
            self.values.update(result.writes)
        return result


def two_pages() -> tuple[Draft, Stamp, Stamp]:
    draft = Draft(address="旧地址", phone="13800000001")
    return draft, Stamp(draft.version, PAGE_B), Stamp(draft.version, PAGE_C)


def test_the_lost_update_of_the_issue_cannot_happen() -> None:
    draft, page_b, page_c = two_pages()
    assert draft.save(page_b, address="B 的地址").writes == {"address": "B 的地址"}
    # C changed the phone; its form still holds the old address it was given.
    result = draft.save(page_c, address="旧地址", phone="13900000002")
    assert result.writes == {"phone": "13900000002"}
    assert [(c.field, c.mine, c.theirs, c.touched) for c in result.conflicts] == [
        ("address", "旧地址", "B 的地址", False)
    ]
    # C's next 暂存 with the same (unchanged) page version is refused again ...
    again = draft.save(page_c, address="旧地址", phone="13900000002")
    assert [c.field for c in again.conflicts] == ["address"]
    # ... so B's address survives however often C saves.
    assert draft.values == {"address": "B 的地址", "phone": "13900000002"}


@pytest.mark.parametrize(
    ("choice", "address"),
    [(THEIRS, "B 的地址"), (MINE, "C 的地址")],
)
def test_the_person_chooses_per_field(choice: str, address: str) -> None:
    draft, page_b, page_c = two_pages()
    draft.save(page_b, address="B 的地址")
    refused = draft.save(page_c, address="C 的地址")
    assert refused.conflicts[0].touched
    decided = Stamp(page_c.version, PAGE_C, seen=draft.version, choices={"address": choice})
    result = draft.save(decided, address="C 的地址")
    assert not result.conflicts
    assert draft.values["address"] == address


def test_a_choice_made_before_a_newer_change_elsewhere_is_asked_again() -> None:
    draft, page_b, page_c = two_pages()
    draft.save(page_b, address="B 的地址")
    seen = draft.version
    draft.save(Stamp(seen, PAGE_B), address="B 又改了")
    decided = Stamp(page_c.version, PAGE_C, seen=seen, choices={"address": MINE})
    result = draft.save(decided, address="C 的地址")
    assert [(c.field, c.theirs) for c in result.conflicts] == [("address", "B 又改了")]
    assert draft.values["address"] == "B 又改了"


@pytest.mark.parametrize(
    ("editor", "conflicts"),
    [
        (PAGE_C, []),  # the page's own earlier autosave raced its click on 下一步
        (PAGE_B, ["address"]),  # another page
        (None, ["address"]),  # a page without an editor id is always "another page"
    ],
)
def test_own_changes_are_not_conflicts(editor: str | None, conflicts: list[str]) -> None:
    draft, _page_b, page_c = two_pages()
    draft.save(page_c, address="C 先自动保存")
    result = draft.save(Stamp(page_c.version, editor), address="C 再改")
    assert [c.field for c in result.conflicts] == conflicts


@pytest.mark.parametrize(
    ("mine", "writes", "conflicts"),
    [
        ({"address": "B 的地址"}, {}, []),  # the same value: nothing to decide
        ({"phone": "13900000002"}, {"phone": "13900000002"}, []),  # another field
        ({"address": "C 的地址"}, {}, ["address"]),
    ],
)
def test_only_a_different_value_of_a_field_changed_elsewhere_conflicts(
    mine: dict, writes: dict, conflicts: list[str]
) -> None:
    draft, page_b, page_c = two_pages()
    draft.save(page_b, address="B 的地址")
    result = draft.save(page_c, **mine)
    assert result.writes == writes
    assert [c.field for c in result.conflicts] == conflicts


def test_a_page_without_a_version_never_overwrites_anything_changed() -> None:
    draft, page_b, _page_c = two_pages()
    draft.save(page_b, address="B 的地址")
    result = draft.save(Stamp.parse(None, None), address="别的", phone="13900000002")
    assert result.writes == {"phone": "13900000002"}
    assert [c.field for c in result.conflicts] == ["address"]


def test_keystroke_autosaves_of_one_page_are_one_run() -> None:
    draft, _page_b, page_c = two_pages()
    for text in ("浔", "浔阳", "浔阳区", "浔阳区甘棠"):
        draft.save(Stamp(page_c.version, PAGE_C), address=text)
    assert len(draft.history["address"]["runs"]) == 1


def test_a_trimmed_history_counts_as_changed_elsewhere() -> None:
    draft, _page_b, page_c = two_pages()
    for n in range(drafts.RUNS_KEPT + 5):
        draft.save(Stamp(draft.version, PAGE_B if n % 2 else "d" * 16), address=f"地址{n}")
    assert draft.history["address"]["floor"] > page_c.version
    result = draft.save(page_c, address="很久以前打开的页面")
    assert [c.field for c in result.conflicts] == ["address"] and result.conflicts[0].touched


def test_whether_the_person_touched_a_field_is_known_from_the_value_then() -> None:
    draft, page_b, page_c = two_pages()
    draft.save(page_b, address="B 的地址")
    untouched = draft.save(page_c, address="旧地址").conflicts[0]
    touched = draft.save(page_c, address="C 的地址").conflicts[0]
    assert (untouched.touched, touched.touched) == (False, True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (("7", PAGE_B, "9", {"address": MINE}), Stamp(7, PAGE_B, 9, {"address": MINE})),
        (("", "", "", {}), Stamp(0, None, None, {})),
        (("７", "短", "1e3", {"address": "all"}), Stamp(7, None, None, {})),
        (("9" * 40, "<script>", "-1", None), Stamp(0, None, None, {})),
        (("3", "G" * 16, "2", {}), Stamp(3, None, 2, {})),  # editor ids are lower-case hex
    ],
)
def test_stamps_are_read_from_untrusted_text(raw: tuple, expected: Stamp) -> None:
    assert Stamp.parse(*raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ({"x": 1, "y": 2}, {"y": 2, "x": 1}, True),
        (["a", "b"], ["b", "a"], False),
        ("", None, True),  # both blank to the person
        ([], {}, True),
        (0, None, False),
        ("0", 0, True),  # the form sends text, validated values are numbers
        (" 九江 ", "九江", True),
        ({"a": 1}, {"a": "1", "b": ""}, False),
        (True, "True", False),
        (None, None, True),
    ],
)
def test_values_are_compared_as_canonical_text(a: object, b: object, equal: bool) -> None:
    assert drafts.same(a, b) is equal
