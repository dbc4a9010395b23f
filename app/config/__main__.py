"""``python -m app.config [README.md]``: print the settings table, or rewrite it in place
between the README's ``<!-- settings -->`` and ``<!-- /settings -->`` marks."""

from __future__ import annotations

import sys
from pathlib import Path

from app.config import settings_table

START, END = "<!-- settings -->\n", "<!-- /settings -->"


def main(argv: list[str]) -> int:
    if not argv:
        print(settings_table(), end="")
        return 0
    path = Path(argv[0])
    text = path.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{path}: no {START.strip()} … {END} marks to write the table between")
        return 2
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    path.write_text(head + START + settings_table() + END + tail, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
