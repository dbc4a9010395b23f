"""requirements.lock pins every requirement pyproject.toml declares (scripts/check-lock.py)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("check_lock", ROOT / "scripts" / "check-lock.py")
assert spec is not None and spec.loader is not None
check_lock = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_lock)

PYPROJECT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
LOCK = (ROOT / "requirements.lock").read_text(encoding="utf-8")


def test_the_lock_pins_every_requirement_and_extra():
    assert check_lock.problems(PYPROJECT, LOCK) == []


def test_a_requirement_missing_from_the_lock_is_named():
    lock = "\n".join(line for line in LOCK.splitlines() if not line.startswith("types-wtforms=="))
    assert check_lock.problems(PYPROJECT, lock) == ["types-wtforms is not in requirements.lock"]


def test_a_pin_outside_the_range_is_named():
    lock = "\n".join(
        "flask==2.3.0" if line.startswith("flask==") else line for line in LOCK.splitlines()
    )
    assert check_lock.problems(PYPROJECT, lock) == ["flask==2.3.0 does not satisfy flask<4,>=3.1"]


def test_names_match_whatever_their_spelling():
    lock = LOCK.replace("types-wtforms==", "Types_WTForms==")
    assert check_lock.problems(PYPROJECT, lock) == []
