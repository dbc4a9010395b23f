"""One declaration of every setting (app/config/), the README's table of them, and one
place that registers every command."""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import timedelta
from pathlib import Path

import click
import pytest
from flask import Flask

import app as app_package
from app import create_app
from app.cli import commands
from app.config import environment_name, load, settings_table
from app.config.__main__ import END, START, main
from app.config.policy import PARAMETERS
from app.config.setting import Setting
from app.config.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
DECLARED = {setting.name for setting in SETTINGS} | {parameter.key for parameter in PARAMETERS}
# Keys Flask and its extensions set themselves, which the app may read.
BUILT_IN = set(Flask(__name__).config)
READS = re.compile(
    r"""(?:config\[\s*|config\.get\(\s*|\bsetting\(\s*|\bconfig\(\s*|policy_figure\(\s*"""
    r"""|parameter\(\s*config,\s*|value\(\s*config,\s*)["']([A-Z][A-Z0-9_]+)["']"""
)


def _sources() -> list[tuple[Path, str]]:
    return [(path, path.read_text(encoding="utf-8")) for path in sorted(APP.rglob("*.py"))]


def test_no_setting_is_declared_twice() -> None:
    names = [setting.name for setting in SETTINGS] + [parameter.key for parameter in PARAMETERS]
    assert len(names) == len(set(names))


def test_every_setting_the_app_reads_is_declared() -> None:
    read = {
        (path.relative_to(ROOT).as_posix(), key)
        for path, text in _sources()
        for key in READS.findall(text)
    }
    read |= {
        (path.relative_to(ROOT).as_posix(), key)
        for path in sorted((APP / "templates").rglob("*.html"))
        for key in re.findall(r"\bconfig\.([A-Z][A-Z0-9_]+)", path.read_text(encoding="utf-8"))
    }
    assert {key for _path, key in read} >= {"SECRET_KEY", "REVIEW_PUBLICITY_WORKING_DAYS"}
    undeclared = sorted((path, key) for path, key in read if key not in DECLARED | BUILT_IN)
    assert not undeclared


def test_only_the_config_reads_the_environment_or_gives_a_default() -> None:
    offenders = []
    for path, text in _sources():
        if path.is_relative_to(APP / "config"):
            continue
        for pattern in (r"os\.environ", r"getenv\(", r"config\.setdefault\(", r"config\.get\("):
            if re.search(pattern, text):
                offenders.append((path.relative_to(ROOT).as_posix(), pattern))
    assert not offenders


def test_the_app_gets_every_declared_setting(app: Flask) -> None:
    for setting in SETTINGS:
        assert setting.name in app.config, setting.name
    for parameter in PARAMETERS:
        assert app.config[parameter.key] == parameter.default, parameter.key


def test_the_readme_table_is_the_declaration() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(START, 1)[1].split(END, 1)[0]
    assert block == settings_table(), "README out of date: run `make settings-table`"
    for name in DECLARED:
        assert f"| `{name}` |" in block


def test_the_table_is_rewritten_between_its_marks(tmp_path: Path, capsys) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{START}| stale |\n{END}\n\nafter\n", encoding="utf-8")
    assert main([str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert "stale" not in text and text.endswith(f"{END}\n\nafter\n")
    assert settings_table() in text
    unmarked = tmp_path / "OTHER.md"
    unmarked.write_text("no marks\n", encoding="utf-8")
    assert main([str(unmarked)]) == 2
    assert unmarked.read_text(encoding="utf-8") == "no marks\n"


# -- where a value comes from -------------------------------------------------------------------


def test_the_environment_sets_a_value_in_the_type_of_its_default() -> None:
    values = load(
        "production",
        {
            "TRUSTED_PROXIES": "2",
            "HSTS_INCLUDE_SUBDOMAINS": "off",
            "SESSION_COOKIE_SECURE": "Yes",
            "DATABASE_URL": "postgres://u@h/db",
            "RENT_PAYMENT_TTL_MINUTES": " 45 ",
        },
    )
    assert values["TRUSTED_PROXIES"] == 2
    assert values["HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert values["RENT_PAYMENT_TTL_MINUTES"] == 45
    assert values["ENV_NAME"] == "production"


def test_each_environment_has_its_defaults() -> None:
    production, development, testing = (
        load(name, {}) for name in ("production", "development", "testing")
    )
    assert production["SECRET_KEY"] is None and production["SESSION_COOKIE_SECURE"] is True
    assert development["SECRET_KEY"] and development["SESSION_COOKIE_SECURE"] is False
    assert development["DEBUG"] is True and development["SHOW_SMS_CODE_ON_SCREEN"] is True
    assert testing["TESTING"] is True and testing["SQLALCHEMY_DATABASE_URI"] == "sqlite://"
    assert production["HSTS_MAX_AGE"] > 0 == development["HSTS_MAX_AGE"]


def test_tests_do_not_read_the_deployment_secrets_but_development_does() -> None:
    environ = {"SECRET_KEY": "from-the-environment", "SESSION_COOKIE_SECURE": "1"}
    testing = load("testing", environ)
    assert testing["SECRET_KEY"] == "testing-only-not-secret"
    assert testing["SESSION_COOKIE_SECURE"] is False
    assert load("development", environ)["SECRET_KEY"] == "from-the-environment"
    assert (
        load("testing", {"TEST_DATABASE_URL": "postgresql://ci/db"})["SQLALCHEMY_DATABASE_URI"]
        == "postgresql+psycopg://ci/db"
    )


def test_mutable_defaults_are_not_shared_between_apps() -> None:
    first, second = load("testing", {}), load("testing", {})
    first["COMPRESS_MIMETYPES"].append("text/plain")
    assert "text/plain" not in second["COMPRESS_MIMETYPES"]


@pytest.mark.parametrize(("name", "text"), [("TRUSTED_PROXIES", "two"), ("HSTS_MAX_AGE", "1e9")])
def test_a_malformed_variable_names_itself(name: str, text: str) -> None:
    with pytest.raises(ValueError, match=f"{name}='{text}' is not a valid {name}"):
        load("production", {name: text})


def test_an_unknown_environment_is_refused() -> None:
    assert environment_name(None, {"ANJU_ENV": "development"}) == "development"
    assert environment_name(None, {}) == "production"
    with pytest.raises(ValueError, match="unknown config 'staging'"):
        environment_name("staging", {})


def test_the_readme_shows_plain_defaults() -> None:
    assert Setting("X", timedelta(minutes=30), "m").default_shown == "`30 min`"
    assert Setting("X", timedelta(hours=8), "m").default_shown == "`8 h`"
    assert Setting("X", timedelta(seconds=90), "m").default_shown == "`90 s`"
    assert Setting("X", None, "m").default_shown == "—"
    assert Setting("X", 1, "m", development=0).default_shown == "`1` (development: `0`)"


# -- one place registers every command ------------------------------------------------------------


def _module_commands() -> dict[str, click.Command]:
    found = {}
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        if module.name == "app.wsgi":  # builds the production app, defines no command
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, click.Command):
                found[f"{module.name}.{name}"] = value
    return found


def test_every_command_is_registered_in_one_place() -> None:
    registered = commands()
    reachable = {id(command) for command in registered}
    for group in registered:
        if isinstance(group, click.Group):
            reachable |= {id(command) for command in group.commands.values()}
    defined = _module_commands()
    assert len(defined) >= len(registered)
    assert not [name for name, command in defined.items() if id(command) not in reachable]
    assert not [path for path, text in _sources() if "bp.cli." in text]


def test_the_app_knows_every_registered_command() -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for command in commands():
        assert isinstance(command, click.Command)
        assert app.cli.get_command(None, command.name) is command  # type: ignore[arg-type]
