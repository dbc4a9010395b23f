import pytest

from app.auth.passwords import password_problem
from app.auth.phone import is_mainland_mobile, normalise_phone


@pytest.mark.parametrize(
    ("raw", "normalised", "valid"),
    [
        ("13800000000", "13800000000", True),
        ("138 0000 0000", "13800000000", True),
        ("+86 138-0000-0000", "13800000000", True),
        ("8613800000000", "13800000000", True),
        ("12800000000", "12800000000", False),
        ("1380000000", "1380000000", False),
        ("1380000000a", "1380000000a", False),
        # Other scripts' digits match \d but are not a phone number anyone can be texted on.
        ("13٨٠٠٠٠٠٠٠٠", "13٨٠٠٠٠٠٠٠٠", False),
        ("138०००००००0", "138०००००००0", False),
    ],
)
def test_phone(raw: str, normalised: str, valid: bool) -> None:
    assert normalise_phone(raw) == normalised
    assert is_mainland_mobile(normalise_phone(raw)) is valid


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("abc12345", True),
        ("abcdefgh", False),
        ("12345678", False),
        ("ab1", False),
        ("a1" * 33, False),
    ],
)
def test_password_rules(password: str, ok: bool) -> None:
    assert (password_problem(password) is None) is ok
