"""What a setting is: its name, default, environment variable and meaning. No Flask.

Every setting the app reads is one :class:`Setting` in ``app/config/settings.py`` (the
policy figures are :class:`app.config.policy.Parameter` rows, with their clause).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

INSTANCE_DIR = Path(__file__).resolve().parent.parent.parent / "instance"

ENVIRONMENTS = ("production", "development", "testing")


class _Inherit:
    """The marker of "no value of its own in this environment"."""

    def __repr__(self) -> str:
        return "INHERIT"


INHERIT: Any = _Inherit()


def flag(text: str) -> bool:
    """An on/off environment variable: 1, true, yes, on (any case) are on."""
    return text.strip().lower() in {"1", "true", "yes", "on"}


def database_url(text: str) -> str:
    """``DATABASE_URL`` as SQLAlchemy wants it (psycopg 3 for PostgreSQL)."""
    url = text.strip()
    if url.startswith("postgres://"):
        # Heroku-style URLs; SQLAlchemy wants the dialect name.
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


@dataclass(frozen=True)
class Setting:
    """One setting. ``env`` names the environment variable that sets it (``None``: only a
    config mapping given to ``create_app`` does); ``parse`` turns that text into the value
    (by default in the type of ``default``). ``development`` is the default when
    ``ANJU_ENV=development``; ``testing`` is the fixed value in tests, where the environment
    is not read for it (except ``testing_env``, the variable CI points at its own service).
    ``shown`` is the default as the README shows it, when the value itself would mislead.
    """

    name: str
    default: Any
    meaning: str
    env: str | None = None
    parse: Callable[[str], Any] | None = None
    development: Any = INHERIT
    testing: Any = INHERIT
    testing_env: str | None = None
    shown: str | None = None

    def read(self, text: str) -> Any:
        """The value of an environment variable's ``text``; a clear error if it is not one."""
        try:
            if self.parse is not None:
                return self.parse(text)
            if isinstance(self.default, bool):
                return flag(text)
            if isinstance(self.default, int):
                return int(text.strip())
        except ValueError as error:
            raise ValueError(f"{self.env}={text!r} is not a valid {self.name}: {error}") from None
        return text

    def value(self, environment: str, environ: Mapping[str, str]) -> Any:
        """The value in force in ``environment`` with these environment variables."""
        if environment == "testing" and self.testing is not INHERIT:
            if self.testing_env and self.testing_env in environ:
                return self.read(environ[self.testing_env])
            return copy.deepcopy(self.testing)
        if self.env and self.env in environ:
            return self.read(environ[self.env])
        if environment == "development" and self.development is not INHERIT:
            return copy.deepcopy(self.development)
        return copy.deepcopy(self.default)

    @property
    def default_shown(self) -> str:
        """The default as the README's settings table shows it."""
        if self.shown is not None:
            return self.shown
        shown = "—" if self.default is None else f"`{_plain(self.default)}`"
        if self.development is not INHERIT:
            shown += f" (development: `{_plain(self.development)}`)"
        return shown


def _plain(value: Any) -> str:
    """A default as a person writes it: ``30 min`` rather than ``timedelta(seconds=1800)``."""
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        for unit, size in (("h", 3600), ("min", 60)):
            if seconds % size == 0:
                return f"{seconds // size} {unit}"
        return f"{seconds} s"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}={item}" for key, item in value.items())
    return str(value)
