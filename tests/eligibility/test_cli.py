"""``flask eligibility check``, driven through click's test runner (no app, no database)."""

from __future__ import annotations

import json
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from app.eligibility.cli import eligibility_cli
from app.eligibility.rules import assess_dict

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]

FAMILY = {
    "applicant": {
        "age": 35,
        "sex": "female",
        "marital_status": "married",
        "hukou": "center_urban",
        "hukou_years": 10,
    },
    "co_applicants": [{"relation": "spouse", "age": 37}, {"relation": "child", "age": 9}],
    "civil_status": "dibao",
}
BAD_RELATION = {
    **FAMILY,
    "co_applicants": [{"relation": "spouse", "age": 37}, {"relation": "cousin", "age": 9}],
}


def check(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(eligibility_cli, ["check", *args], input=stdin)


def as_line(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_single_file(tmp_path: Path) -> None:
    path = tmp_path / "family.json"
    path.write_text(json.dumps(FAMILY, indent=2, ensure_ascii=False), encoding="utf-8")
    result = check(str(path))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == assess_dict(FAMILY)
    assert "《九江市本级公租房申请一件事办事指南》" in result.stdout  # not \u-escaped
    assert result.stderr == ""


def test_stdin() -> None:
    result = check("-", stdin=as_line(FAMILY))
    assert result.exit_code == 0
    output = json.loads(result.stdout)
    assert output["gongzu"]["eligible"] is True
    assert output["lianzu"]["eligible"] is True
    assert output["priority"] is True


def test_file_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "family.json"
    path.write_text(as_line(FAMILY), encoding="utf-8-sig")
    result = check(str(path))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == assess_dict(FAMILY)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(BAD_RELATION, "co_applicants[1].relation", id="unknown relation"),
        pytest.param({**FAMILY, "income": 3000}, "income", id="unknown field"),
        pytest.param({**FAMILY, "applicant": {"age": 30}}, "applicant.sex", id="missing field"),
        pytest.param({**FAMILY, "region": "mars"}, "region", id="unknown region"),
        pytest.param(
            {**FAMILY, "applicant": {**FAMILY["applicant"], "age": 151}},
            "applicant.age",
            id="age out of range",
        ),
        pytest.param([FAMILY], "$", id="not an object"),
    ],
)
def test_invalid_input_exits_2_naming_the_field(data: object, field: str) -> None:
    result = check("-", stdin=as_line(data))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert field in result.stderr
    assert "输入有误" in result.stderr


def test_invalid_json_exits_2_with_a_chinese_message() -> None:
    result = check("-", stdin='{"applicant": {"age": 35,}}')
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "不是有效的 JSON" in result.stderr
    assert "第 1 行第 26 列" in result.stderr


def test_empty_input_is_invalid() -> None:
    result = check("-", stdin="")
    assert result.exit_code == 2
    assert "不是有效的 JSON" in result.stderr


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = check(str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert "nowhere.json" in result.stderr


def test_jsonl_answers_every_line_and_exits_2_when_one_is_bad() -> None:
    lines = [
        as_line(FAMILY),
        as_line(BAD_RELATION),
        "",
        "{not json",
        as_line({**FAMILY, "civil_status": "none"}),
    ]
    result = check("--jsonl", "-", stdin="\n".join(lines) + "\n")
    assert result.exit_code == 2
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == 4  # the blank line is skipped
    assert outputs[0] == assess_dict(FAMILY)
    assert outputs[1] == {
        "error": {"field": "co_applicants[1].relation", "message": outputs[1]["error"]["message"]}
    }
    assert "与申请人的关系" in outputs[1]["error"]["message"]
    assert outputs[2]["error"]["field"] == "$"
    assert "第 4 行" in outputs[2]["error"]["message"]
    assert outputs[3]["lianzu"]["failed"] == ["low_income"]
    assert "第 2 行" in result.stderr and "co_applicants[1].relation" in result.stderr
    assert "第 4 行" in result.stderr


def test_jsonl_all_good_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "households.jsonl"
    path.write_text(as_line(FAMILY) + "\n" + as_line(FAMILY) + "\n", encoding="utf-8")
    result = check("--jsonl", str(path))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert [json.loads(line) for line in result.stdout.splitlines()] == [assess_dict(FAMILY)] * 2


def test_every_worked_case_through_jsonl_at_once() -> None:
    stdin = "".join(as_line(case["input"]) + "\n" for case in CASES)
    result = check("--jsonl", "-", stdin=stdin)
    assert result.exit_code == 2  # the cases include invalid inputs
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == len(CASES)
    for case, output in zip(CASES, outputs, strict=True):
        if "error_field" in case:
            assert output["error"]["field"] == case["error_field"], case["name"]
            continue
        assert summary(output) == case["expect"], case["name"]


def summary(output: dict[str, Any]) -> dict[str, Any]:
    return {
        "gongzu": {key: output["gongzu"][key] for key in ("eligible", "failed")},
        "lianzu": {key: output["lianzu"][key] for key in ("eligible", "failed")},
        "priority": output["priority"],
    }


def test_help_describes_the_command() -> None:
    result = CliRunner().invoke(eligibility_cli, ["check", "--help"])
    assert result.exit_code == 0
    assert "--jsonl" in result.output
    assert "公租房" in result.output


def test_the_plugin_and_the_app_register_the_group_under_one_name() -> None:
    """pyproject's flask.commands entry point and app/cli.py (which uses the group's own
    name) must agree, or ``flask eligibility`` means two different things."""
    (plugin,) = [
        entry
        for entry in entry_points(group="flask.commands")
        if entry.value == "app.eligibility.cli:eligibility_cli"
    ]
    assert plugin.load() is eligibility_cli
    assert plugin.name == eligibility_cli.name


def test_the_installed_flask_command_answers_every_case(tmp_path) -> None:
    """The contract's own command line, as a new user would run it (no app config needed)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    cases = Path(__file__).with_name("cases.jsonl")
    expected = [json.loads(line) for line in cases.read_text(encoding="utf-8").splitlines() if line]
    households = tmp_path / "households.jsonl"
    households.write_text(
        "\n".join(json.dumps(case["input"], ensure_ascii=False) for case in expected),
        encoding="utf-8",
    )
    flask = Path(sys.executable).with_name("flask")
    env = {k: v for k, v in os.environ.items() if k not in {"ANJU_ENV", "SECRET_KEY"}}
    result = subprocess.run(  # noqa: S603
        [str(flask), "--app", "app", "eligibility", "check", "--jsonl", str(households)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == len(expected)
    for case, output in zip(expected, lines, strict=True):
        if "error_field" in case:
            assert output["error"]["field"] == case["error_field"]
        else:
            for programme in ("gongzu", "lianzu"):
                assert output[programme]["failed"] == case["expect"][programme]["failed"]
            assert output["priority"] == case["expect"]["priority"]
    has_errors = any("error_field" in case for case in expected)
    assert result.returncode == (2 if has_errors else 0)
