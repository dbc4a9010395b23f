"""Token generation, hashing and short codes (pure)."""

from __future__ import annotations

import base64
import re

import pytest

from app.handoff import tokens


def test_tokens_carry_at_least_128_random_bits_and_differ() -> None:
    values = {tokens.new_token() for _ in range(200)}
    assert len(values) == 200
    for value in list(values)[:5]:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        assert len(raw) * 8 >= 128


def test_only_a_sha256_hash_is_kept_and_it_is_stable() -> None:
    token = tokens.new_token()
    digest = tokens.hash_token(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token not in digest
    assert tokens.hash_token(token) == digest
    assert tokens.hash_token(token + "x") != digest


def test_short_code_is_derived_from_the_token_in_an_unambiguous_alphabet() -> None:
    token = tokens.new_token()
    code = tokens.short_code_for(token)
    assert code == tokens.short_code_for(token)
    assert len(code) == 8
    assert not set(code) & set("ILOU")
    assert set(code) <= set(tokens.SHORT_CODE_ALPHABET)
    codes = {tokens.short_code_for(tokens.new_token()) for _ in range(500)}
    assert len(codes) == 500


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("7K3M-Q9TR", "7K3MQ9TR"),
        ("7k3m q9tr", "7K3MQ9TR"),
        (" 7K3MQ9TR ", "7K3MQ9TR"),
        ("OI1LABCD", "0111ABCD"),
        ("7K3M-Q9T", None),
        ("7K3M-Q9TRX", None),
        ("7K3M-Q9TU", None),
        ("中文验证码八位数字", None),
        ("", None),
        (None, None),
    ],
)
def test_typed_codes_are_normalised(typed, code) -> None:
    assert tokens.normalise_short_code(typed) == code


def test_short_code_display_and_hash() -> None:
    assert tokens.format_short_code("7K3MQ9TR") == "7K3M-Q9TR"
    assert tokens.normalise_short_code(tokens.format_short_code("7K3MQ9TR")) == "7K3MQ9TR"
    assert tokens.hash_short_code("7K3MQ9TR") != tokens.hash_short_code("7K3MQ9TS")


def test_the_match_is_one_of_three_distinct_two_digit_choices() -> None:
    seen_positions = set()
    for _ in range(300):
        number, stored = tokens.new_match()
        choices = tokens.decode_choices(stored)
        assert len(choices) == 3 and len(set(choices)) == 3
        assert all(10 <= choice <= 99 for choice in choices)
        assert number in choices
        seen_positions.add(choices.index(number))
    assert seen_positions == {0, 1, 2}  # the right one is not always in the same place


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("37", 37),
        ("10", 10),
        ("99", 99),
        ("09", None),
        ("100", None),
        ("٣٧", None),
        ("３７", None),
        ("3e1", None),
        ("", None),
        (None, None),
        (" 37", None),
        ("-1", None),
    ],
)
def test_parse_choice(text, number) -> None:
    assert tokens.parse_choice(text) == number


def test_choices_round_trip_and_bad_stored_values_give_none() -> None:
    assert tokens.decode_choices(tokens.encode_choices([37, 82, 15])) == [37, 82, 15]
    assert tokens.decode_choices(None) == [] and tokens.decode_choices("3782") == []
    with pytest.raises(ValueError):
        tokens.encode_choices([5, 82, 15])
