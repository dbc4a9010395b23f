"""Fails when requirements.lock does not pin every requirement of pyproject.toml.

`pip check` after `pip install -r requirements.lock` sees only what is installed, so a
requirement added to an extra (a type stub, say) without `make lock` went unnoticed on a
machine that had it installed by hand, and was missing on a fresh clone. This reads the
requirements of the project and of the extras the lock is compiled with, and checks each
is pinned to a version its specifier allows. Usage: python scripts/check-lock.py
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = ("postgres", "prod", "test")  # the extras `make lock` compiles
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)")


def pins(lock_text: str) -> dict[str, str]:
    found = {}
    for line in lock_text.splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def problems(pyproject_text: str, lock_text: str) -> list[str]:
    project = tomllib.loads(pyproject_text)["project"]
    wanted = list(project["dependencies"])
    for extra in EXTRAS:
        wanted += project["optional-dependencies"][extra]
    pinned = pins(lock_text)
    found = []
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        version = pinned.get(name)
        if version is None:
            found.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(version, prereleases=True):
            found.append(f"{requirement.name}=={version} does not satisfy {requirement}")
    return found


def main() -> int:
    found = problems(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
        (ROOT / "requirements.lock").read_text(encoding="utf-8"),
    )
    for problem in found:
        print(f"requirements.lock: {problem} (run `make lock`)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
