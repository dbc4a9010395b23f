"""``flask eligibility check``: the rules engine from the command line (no database needed).

Exit status 0 when every input was a valid household, 2 when any was not (the
message on stderr names the field's path, e.g. ``applicant.age``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

import click
from flask.cli import AppGroup

from app.eligibility.household import WHOLE_DOCUMENT, HouseholdError
from app.eligibility.rules import assess_dict

INVALID_INPUT_EXIT_CODE = 2

eligibility_cli = AppGroup(
    "eligibility",
    help="公租房 / 廉租房（租金补贴）资格规则：按家庭情况（JSON）判断是否符合申请条件。",
)


@eligibility_cli.command("check", with_appcontext=False)
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
@click.option(
    "--jsonl",
    is_flag=True,
    help="FILE 每行一个家庭（JSON 对象），每行输出一个结果；空行跳过。",
)
def check_command(file: IO[str], jsonl: bool) -> None:
    """判断 FILE 中的家庭是否符合公租房、廉租房（租金补贴）条件；FILE 为 - 时读标准输入。"""
    all_valid = _check_lines(file) if jsonl else _check_document(file.read())
    if not all_valid:
        click.get_current_context().exit(INVALID_INPUT_EXIT_CODE)


def _check_document(text: str) -> bool:
    """Answer one JSON object; on bad input explain on stderr and return False."""
    try:
        result = assess_dict(_parse_json(text))
    except HouseholdError as error:
        click.echo(_describe(error), err=True)
        return False
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    return True


def _check_lines(lines: Iterable[str]) -> bool:
    """Answer each non-blank line; a bad line gets an ``{"error": …}`` line of its own."""
    all_valid = True
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            output: dict[str, Any] = assess_dict(_parse_json(line, line_number=number))
        except HouseholdError as error:
            all_valid = False
            click.echo(f"第 {number} 行：{_describe(error)}", err=True)
            output = {"error": error.to_dict()}
        click.echo(json.dumps(output, ensure_ascii=False))
    return all_valid


def _parse_json(text: str, line_number: int | None = None) -> Any:
    """Decode JSON; syntax errors become a ``HouseholdError`` on the whole document."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        line = error.lineno if line_number is None else line_number
        raise HouseholdError(
            WHOLE_DOCUMENT,
            f"不是有效的 JSON（第 {line} 行第 {error.colno} 列附近格式有误），"
            "请检查引号、逗号和括号",
        ) from error
    except (ValueError, RecursionError) as error:  # e.g. an integer with thousands of digits
        raise HouseholdError(WHOLE_DOCUMENT, "不是有效的 JSON，无法读取") from error


def _describe(error: HouseholdError) -> str:
    return f"输入有误 {error.field}：{error.message}"
