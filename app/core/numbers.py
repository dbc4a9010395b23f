"""Reading the numbers people type or put in an address. Pure: no Flask.

One way for every form field, query parameter and CLI argument. Only the digits 0-9
count (full-width ０-９ from a Chinese input method are read as the same digits):
``str.isdigit()`` and ``int()`` also accept superscripts (``²``), circled digits
(``①``), Arabic-Indic digits and ``1_000``, and ``Decimal()`` accepts ``1e309``; none
of those are numbers a person meant to type. Values are bounded, so nothing huge
reaches a query or a ``Decimal`` context. Errors carry a Chinese message that says
what to type instead.
"""

from __future__ import annotations

import re
from decimal import Decimal

# Full-width digits, point, minus and comma, as a Chinese IME types them.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]{1,18}(?:\.[0-9]{1,20})?")
# The largest magnitude any caller may ask for: far inside a 64-bit column.
LIMIT = 10**15
# Database ids are positive and fit a 32-bit INTEGER column on every database.
MAX_ID = 2**31 - 1


class NumberError(ValueError):
    """The text is not an acceptable number; ``str(error)`` says why in Chinese."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind  # "empty", "format", "places", "small" or "large"


def _normalise(text: object) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    return text.strip().translate(_FULL_WIDTH)


def _check_range(value, minimum, maximum, label: str, unit: str):
    if value < minimum:
        if minimum == 1 and not unit:
            raise NumberError(f"{label}应大于 0", "small")
        raise NumberError(f"{label}不能小于 {minimum}{unit}", "small")
    if value > maximum:
        raise NumberError(f"{label}不能大于 {maximum}{unit}，请检查是否填错", "large")
    return value


def parse_int(
    text: object, *, minimum: int = 0, maximum: int, label: str = "数字", unit: str = ""
) -> int:
    """A whole number in ``[minimum, maximum]`` written with the digits 0-9."""
    if not -LIMIT <= minimum <= maximum <= LIMIT:
        raise ValueError("bounds out of order or beyond LIMIT")  # a programming error
    cleaned = _normalise(text)
    if not cleaned:
        raise NumberError(f"请填写{label}", "empty")
    if not _INTEGER.fullmatch(cleaned):
        hint = f"（单位：{unit}）" if unit else ""
        raise NumberError(f"{label}请填写整数{hint}，只用 0 到 9 的数字", "format")
    return _check_range(int(cleaned), minimum, maximum, label, unit)


def int_or_none(text: object, *, minimum: int = 0, maximum: int) -> int | None:
    """``parse_int`` for values nobody typed (ids from a list, a page number): None when
    the text is anything but a whole number in range."""
    try:
        return parse_int(text, minimum=minimum, maximum=maximum)
    except NumberError:
        return None


def parse_decimal(
    text: object,
    *,
    places: int,
    minimum: Decimal | int = 0,
    maximum: Decimal | int,
    label: str = "数字",
    unit: str = "",
    example: str = "58.5",
) -> Decimal:
    """A number in plain decimal notation with at most ``places`` decimals: no
    exponent, no ``NaN`` or ``Infinity``, no more than 18 whole digits."""
    cleaned = _normalise(text)
    if not cleaned:
        raise NumberError(f"请填写{label}", "empty")
    if not _DECIMAL.fullmatch(cleaned):
        raise NumberError(f"{label}请填写数字，例如 {example}", "format")
    if "." in cleaned and len(cleaned.partition(".")[2].rstrip("0")) > places:
        if places == 0:
            raise NumberError(f"{label}请填写整数，例如 {example}", "places")
        written = {1: "一", 2: "两"}.get(places, str(places))
        raise NumberError(f"{label}最多保留{written}位小数，例如 {example}", "places")
    return _check_range(Decimal(cleaned), Decimal(minimum), Decimal(maximum), label, unit)


def parse_fen(
    text: object,
    *,
    minimum_fen: int = 1,
    maximum_fen: int = 10_000_000_00 - 1,
    label: str = "金额",
) -> int:
    """Yuan as a person types them (``775``, ``775.5``, ``¥1,234.50``) -> integer fen."""
    cleaned = _normalise(text).removeprefix("¥").removeprefix("￥").replace(",", "").strip()
    try:
        amount = parse_decimal(
            cleaned, places=2, minimum=-(10**18), maximum=10**18, label=label, example="775.00"
        )
    except NumberError as error:
        if error.kind == "format":
            raise NumberError(f"{label}应为数字，例如 775.00", "format") from None
        raise
    fen = int(amount * 100)
    if fen < minimum_fen:
        if minimum_fen == 1:
            raise NumberError(f"{label}应大于 0", "small")
        raise NumberError(f"{label}不能少于 {_yuan(minimum_fen)} 元", "small")
    if fen > maximum_fen:
        raise NumberError(f"{label}过大（不能超过 {_yuan(maximum_fen)} 元），请检查", "large")
    return fen


def _yuan(fen: int) -> str:
    yuan, cents = divmod(fen, 100)
    return f"{yuan}.{cents:02d}"
