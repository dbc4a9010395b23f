"""Where a board keyword matched: marked in the card's own text, or a short line with a
fragment of a field the card does not show. The pure rule, and its agreement with the
text the SQL search reads."""

from __future__ import annotations

import pytest

from app.swap.listings import place_text_for, search_text_for
from app.swap.search_hits import (
    ELLIPSIS,
    HIDDEN_FIELDS,
    SHOWN_FIELDS,
    HiddenHit,
    ListingText,
    Piece,
    mark,
    search_hits,
    snippet,
)
from tests.conftest import page_text
from tests.swap import builders

TEXT = ListingText(
    community="十里小区",
    district="濂溪区",
    layout="2室1厅1卫",
    street="十里街道",
    orientation="南北",
    description="两室一厅，南北通透，靠近公交站，离女儿的学校只有五分钟，想换到浔阳区照顾老人。",
)


def as_text(pieces: tuple[Piece, ...]) -> str:
    """Pieces as text, hits in [brackets]."""
    return "".join(f"[{p.text}]" if p.marked else p.text for p in pieces)


@pytest.mark.parametrize(
    ("text", "words", "expected"),
    [
        ("十里小区", ["十里"], "[十里]小区"),
        ("十里小区", ["小区", "十里"], "[十里][小区]"),
        ("Garden Home", ["garden"], "[Garden] Home"),  # any case, the text's own case kept
        ("学校学校", ["学校"], "[学校][学校]"),
        ("公交站", ["公交", "公交站"], "[公交站]"),  # the longer word marked whole
        ("a.b", ["."], "a[.]b"),  # a word is literal, not a pattern
        ("十里小区", [], "十里小区"),
        ("", ["十里"], ""),
    ],
)
def test_mark(text: str, words: list[str], expected: str) -> None:
    assert as_text(mark(text, words)) == expected


@pytest.mark.parametrize(
    ("text", "words", "radius", "expected"),
    [
        ("离学校近", ["学校"], 10, "离[学校]近"),  # short text: whole, no ellipsis
        ("一二三四五六七八学校一二三四五六七八", ["学校"], 2, "…七八[学校]一二…"),
        ("学校一二三四五六七八", ["学校"], 2, "[学校]一二…"),  # at the start: no leading …
        ("一二三四五六七八学校", ["学校"], 2, "…七八[学校]"),
        ("一二三学校一二三", ["学校"], 2, "一二三[学校]一二三"),  # … would hide too little
        # two hits far apart: two fragments; close together: one
        ("学校一二三四五六七八九十公交", ["学校", "公交"], 2, "[学校]一二…九十[公交]"),
        ("学校一二公交三四五六七八九", ["学校", "公交"], 2, "[学校]一二[公交]三四…"),
        # a later hit at the edge is kept whole and marked
        ("学校一学校二三四五六七八九十", ["学校"], 2, "[学校]一[学校]…"),
        ("离学校\n\n  很近", ["学校"], 10, "离[学校] 很近"),  # whitespace folded to one line
        ("离学校近", ["公交"], 10, ""),
    ],
)
def test_snippet(text: str, words: list[str], radius: int, expected: str) -> None:
    assert as_text(snippet(text, words, radius)) == expected


def test_a_long_description_is_cut_short() -> None:
    text = "很" * 500 + "学校" + "好" * 500
    cut = snippet(text, ["学校"])
    assert as_text(cut) == f"{ELLIPSIS}{'很' * 10}[学校]{'好' * 10}{ELLIPSIS}"


@pytest.mark.parametrize(
    ("words", "marked", "lines"),
    [
        # found where the card shows it: marked there, no extra line
        (["十里"], {"community": "[十里]小区"}, []),
        (["濂溪"], {"district": "[濂溪]区"}, []),
        (["2室"], {"layout": "[2室]1厅1卫"}, []),
        # found only where the card does not show it: a line with a fragment
        (["学校"], {}, [("房源描述", "…靠近公交站，离女儿的[学校]只有五分钟，想换到浔…")]),
        (["街道"], {}, [("所在街道", "十里[街道]")]),
        # 南北 is the orientation first (the description has it too): one line, not two
        (["南北"], {}, [("朝向", "[南北]")]),
        # one word explained on the card, the other by the description
        (
            ["十里", "老人"],
            {"community": "[十里]小区"},
            [("房源描述", "…钟，想换到浔阳区照顾[老人]。")],
        ),
        # 十里 is in the street too, but the card's community already shows it
        (
            ["十里", "公交"],
            {"community": "[十里]小区"},
            [("房源描述", "两室一厅，南北通透，靠近[公交]站，离女儿的学校只有…")],
        ),
        ([], None, None),
    ],
)
def test_search_hits(words, marked, lines) -> None:
    found = search_hits(TEXT, words)
    if marked is None:
        assert found is None
        return
    assert found is not None
    assert {field: as_text(pieces) for field, pieces in found.shown.items()} == marked
    assert [(hit.label, as_text(hit.pieces)) for hit in found.hidden] == lines


def test_the_marked_card_text_is_the_whole_field() -> None:
    found = search_hits(TEXT, ["十里"])
    assert found is not None and found.pieces("community") is not None
    assert "".join(p.text for p in found.pieces("community")) == TEXT.community
    assert found.pieces("district") is None


@pytest.mark.parametrize("field", [*SHOWN_FIELDS, *HIDDEN_FIELDS])
def test_every_field_the_search_reads_is_explained(field: str) -> None:
    """A word in any one field is found by the SQL text (``search_text_for``) and shown by
    the rule, marked on the card or on a line: no result without a visible reason."""
    values = {f: "甲" for f in (*SHOWN_FIELDS, *HIDDEN_FIELDS)}
    values[field] = "甲乙丙"
    text = ListingText(**values)
    sql_text = search_text_for(
        place_text_for(text.community, text.district, text.street),
        text.layout,
        text.orientation,
        text.description,
    )
    assert "乙" in sql_text
    found = search_hits(text, ["乙"])
    assert found is not None
    explained = [as_text(p) for p in found.shown.values()] + [
        as_text(hit.pieces) for hit in found.hidden
    ]
    assert explained == ["甲[乙]丙"]
    if field in HIDDEN_FIELDS:
        assert found.hidden == (HiddenHit(HIDDEN_FIELDS[field], mark("甲乙丙", ["乙"])),)


# --- on the board ---------------------------------------------------------------------------

HX = {"HX-Request": "true"}


def test_a_result_says_where_it_matched(client, app) -> None:
    one, _ = builders.tenant("甲", home=builders.unit("十里小区", "濂溪区"))
    builders.listing(
        one, description="两室一厅，离女儿的<b>学校</b>只有五分钟。<script>x()</script>"
    )
    two, _ = builders.tenant("乙", home=builders.unit("沙河小区", "柴桑区"))
    builders.listing(two, description="想换到十里小区附近，离父母近一点。")

    html = page_text(client.get("/swap/", query_string={"q": "学校"}))
    assert "共 1 条互换信息" in html
    # The description is the tenant's own text: escaped, only the hit in <mark>.
    assert (
        "匹配：房源描述“两室一厅，离女儿的&lt;b&gt;<mark>学校</mark>&lt;/b&gt;只有五分钟。…”"
        in html
    )
    assert "<script>x()" not in html and "<b>" not in html

    # A hit in the place the card shows is marked there, with no extra line for it.
    html = page_text(client.get("/swap/", query_string={"q": "十里"}))
    assert html.count("<mark>十里</mark>小区 · 2室1厅1卫") == 1  # 甲's card title
    assert "匹配：房源描述“想换到<mark>十里</mark>小区附近，离父母近一点。”" in html  # 乙's
    assert "匹配：" in html and html.count("匹配：") == 1

    assert "<mark>" not in page_text(client.get("/swap/"))  # no search, nothing marked


def test_the_loaded_more_pages_say_where_they_matched_too(client, app) -> None:
    for index in range(21):
        user, _ = builders.tenant(f"租户{index}")
        builders.listing(user, description=f"第{index:02d}套，离学校近。")
    first = page_text(client.get("/swap/", query_string={"q": "学校"}))
    assert first.count("匹配：房源描述") == 20
    assert 'hx-get="/swap/more?q=%E5%AD%A6%E6%A0%A1&amp;page=2"' in first
    more = page_text(client.get("/swap/more", query_string={"q": "学校", "page": 2}, headers=HX))
    assert more.count('class="card swap-card"') == 1
    assert "匹配：房源描述“第00套，离<mark>学校</mark>近。”" in more
