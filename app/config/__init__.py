"""The app's configuration: every setting declared once, loaded from the environment.

``app/config/settings.py`` declares the settings (default, environment variable, meaning)
and ``app/config/policy.py`` the policy figures with their clause. ``create_app`` takes an
environment name (``production``, ``development``, ``testing``; default ``ANJU_ENV``) or a
mapping of overrides on ``testing``. Production refuses to start while
:func:`production_problems` names anything. No Flask here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from app.config import policy
from app.config.setting import ENVIRONMENTS, INSTANCE_DIR, Setting
from app.config.settings import SETTINGS

__all__ = ["INSTANCE_DIR", "environment_name", "load", "production_problems", "settings_table"]


def environment_name(name: str | None, environ: Mapping[str, str] | None = None) -> str:
    """``name``, else ``ANJU_ENV``, else production; an unknown name is refused."""
    environ = os.environ if environ is None else environ
    name = name or environ.get("ANJU_ENV", "production")
    if name not in ENVIRONMENTS:
        raise ValueError(f"unknown config {name!r}; choose one of {sorted(ENVIRONMENTS)}")
    return name


def load(environment: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting and policy figure in force in ``environment``: the environment
    variable where one is set, else the declared default for that environment."""
    environ = os.environ if environ is None else environ
    values = {setting.name: setting.value(environment, environ) for setting in SETTINGS}
    values["ENV_NAME"] = environment
    for parameter in policy.PARAMETERS:
        text = environ.get(parameter.key)
        values[parameter.key] = parameter.default if text is None else parameter.from_text(text)
    return values


def production_problems(config: Mapping[str, Any]) -> list[str]:
    """What a production deployment has left unset; the app refuses to start until none."""
    problems = []
    if not config.get("SECRET_KEY"):
        problems.append("SECRET_KEY must be set (environment variable) to run in production")
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if storage.startswith("memory://") and not config.get("RATELIMIT_ALLOW_MEMORY"):
        problems.append(
            "RATELIMIT_STORAGE_URI is memory://, which counts per worker process (N workers "
            "allow N times the attempts): set RATELIMIT_STORAGE_URI=redis://host:6379/0, or "
            "RATELIMIT_ALLOW_MEMORY=1 if this deployment really is a single process"
        )
    return problems


def _row(setting: Setting) -> str:
    env = f"`{setting.env}`" if setting.env else "—"
    return f"| `{setting.name}` | {env} | {setting.default_shown} | {setting.meaning} |"


def _policy_row(parameter: policy.Parameter) -> str:
    meaning = f"{parameter.label}（{parameter.area.label}）：{parameter.source}"
    shown = parameter.shown(parameter.default)
    return f"| `{parameter.key}` | `{parameter.key}` | {shown} | {meaning} |"


def settings_table() -> str:
    """The README's settings table, generated from the declarations."""
    lines = ["| setting | environment variable | default | meaning |", "|---|---|---|---|"]
    lines += [_row(setting) for setting in SETTINGS]
    lines += [_policy_row(parameter) for parameter in policy.PARAMETERS]
    return "\n".join(lines) + "\n"
