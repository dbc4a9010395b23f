"""No module in ``app/`` grows past 500 lines (house style): a module that outgrows one
file is split along its sections, not left to grow."""

from __future__ import annotations

from pathlib import Path

import app

LIMIT = 500
APP = Path(app.__file__).parent


def long_modules(root: Path, limit: int = LIMIT) -> dict[str, int]:
    lengths = {
        str(path.relative_to(root.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(root.rglob("*.py"))
    }
    return {name: lines for name, lines in lengths.items() if lines > limit}


def test_no_module_in_app_is_over_the_limit() -> None:
    assert long_modules(APP) == {}


def test_the_check_finds_a_long_module(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "short.py").write_text("x = 1\n" * LIMIT)
    (package / "sub" / "long.py").write_text("x = 1\n" * (LIMIT + 1))
    assert long_modules(package) == {"pkg/sub/long.py": LIMIT + 1}
