"""The one parser for typed numbers and money (app.core.numbers), table-tested."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.core.numbers import NumberError, int_or_none, parse_decimal, parse_fen, parse_int

HOSTILE_NUMBERS = [
    "²", "①", "١٢", "𝟙", "1_000", "1e3", "1E+30", "1e309", "0x10", "NaN", "inf", "Infinity",
    "9" * 40, "1 2", "12\x00", "\x1b[31m1", "\u202e12", "\ufeff12", "+12", "--1", "١", "Ⅻ",
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0), ("12", 12), (" 12 ", 12), ("007", 7), ("１２", 12), ("60", 60), ("-0", 0),
    ],
)  # fmt: skip
def test_whole_numbers_people_type(text: str, expected: int) -> None:
    assert parse_int(text, maximum=60) == expected


@pytest.mark.parametrize("text", HOSTILE_NUMBERS)
def test_anything_but_the_digits_0_to_9_is_refused_in_chinese(text: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_int(text, maximum=10**12, label="年龄")
    assert caught.value.kind in ("format", "large")
    assert caught.value.message.startswith("年龄")
    assert int_or_none(text, maximum=10**12) is None


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("", "empty", "请填写楼层"),
        ("   ", "empty", "请填写楼层"),
        ("0", "small", "楼层不能小于 1层"),
        ("-3", "small", "楼层不能小于 1层"),
        ("61", "large", "楼层不能大于 60层"),
        ("9" * 18, "large", "楼层不能大于 60层"),
        ("9" * 19, "format", "楼层请填写整数（单位：层）"),
        ("3.5", "format", "只用 0 到 9 的数字"),
    ],
)
def test_range_and_emptiness_have_their_own_messages(text: str, kind: str, message: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_int(text, minimum=1, maximum=60, label="楼层", unit="层")
    assert caught.value.kind == kind and message in caught.value.message


def test_bounds_beyond_the_limit_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="LIMIT"):
        parse_int("1", maximum=10**30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("58", Decimal(58)), ("58.5", Decimal("58.5")), ("58.50", Decimal("58.50")),
     ("０.５", Decimal("0.5")), ("58.500", Decimal("58.500"))],
)  # fmt: skip
def test_plain_decimals(text: str, expected: Decimal) -> None:
    assert parse_decimal(text, places=2, maximum=1000) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [("5.85e1", "format"), ("1e309", "format"), ("NaN", "format"), (".5", "format"),
     ("5.", "format"), ("5.855", "places"), ("-1", "small"), ("1000.01", "large"),
     ("1." + "0" * 25, "format"), ("²", "format")],
)  # fmt: skip
def test_decimals_refused(text: str, kind: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_decimal(text, places=2, maximum=1000, label="面积")
    assert caught.value.kind == kind and caught.value.message.startswith("面积")


@pytest.mark.parametrize(
    ("text", "fen"),
    [("775", 77500), ("775.5", 77550), ("775.05", 77505), ("¥1,234.50", 123450),
     ("￥0.01", 1), ("９９.９９", 9999), ("9999999.99", 999999999)],
)  # fmt: skip
def test_money_in_fen(text: str, fen: int) -> None:
    assert parse_fen(text) == fen


@pytest.mark.parametrize(
    ("text", "message"),
    [("1e309", "金额应为数字"), ("1E+30", "金额应为数字"), ("9" * 40, "金额应为数字"),
     ("9" * 18, "金额过大"), ("10000000", "金额过大"), ("1.234", "两位小数"), ("0", "应大于 0"),
     ("-5", "应大于 0"), ("", "请填写金额"), ("NaN", "金额应为数字"), ("12元", "金额应为数字")],
)  # fmt: skip
def test_money_refused(text: str, message: str) -> None:
    with pytest.raises(NumberError, match=message):
        parse_fen(text)
