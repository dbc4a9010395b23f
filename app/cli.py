"""Command-line tools, all registered here: ``flask --app app seed-demo``, ``create-staff``,
and each area's group (``rent``, ``swap``, ``renewal``, ``handoff``, ``eligibility``)."""

from __future__ import annotations

import importlib
import re
from types import ModuleType

import click
from flask import Flask

from app.auth.phone import is_mainland_mobile, normalise_phone
from app.auth.roles import Role
from app.core.numbers import int_or_none
from app.eligibility.cli import eligibility_cli
from app.handoff.cli import handoff_cli
from app.renewal.cli import renewal_cli
from app.rent.cli import rent_cli
from app.swap.cli import swap_cli


def commands() -> list[click.Command]:
    """Every command and command group of the app: the one list of them."""
    return [
        seed_demo_command,
        create_staff_command,
        rent_cli,
        swap_cli,
        renewal_cli,
        handoff_cli,
        # Also a plugin (pyproject's flask.commands entry point names this same group), so
        # `flask eligibility check` runs without an app, a database or SECRET_KEY.
        eligibility_cli,
    ]


def register_commands(app: Flask) -> None:
    for command in commands():
        app.cli.add_command(command)


def _scale_tools() -> ModuleType:
    """The load-test data generator. It is not part of the app: it lives next to the
    benchmarks (``bench/scale``), so only a source checkout run from its root has it."""
    try:
        return importlib.import_module("bench.scale")
    except ModuleNotFoundError as missing:
        if missing.name not in ("bench", "bench.scale"):
            raise
        raise click.UsageError(
            "--scale 需要源码检出中的压测数据工具（bench/scale），请在项目根目录下运行"
        ) from None


def _validate_scale(_ctx: click.Context, _param: click.Parameter, value: str | None) -> int | None:
    if value is None:
        return None
    volume = _scale_tools().volume
    number = int_or_none(value, minimum=volume.MIN_SCALE, maximum=volume.MAX_SCALE)
    if number is None:
        raise click.BadParameter(
            f"规模应为 {volume.MIN_SCALE} 到 {volume.MAX_SCALE} 之间的整数（例如 --scale 10），"
            f"收到的是 {value!r}"
        )
    return number


@click.command("seed-demo")
@click.option("--allow-production", is_flag=True, help="也在生产配置下写入演示数据（慎用）")
@click.option(
    "--scale",
    "scale",
    metavar="N",
    callback=_validate_scale,
    help="再写入压测用的规模数据：约 N×1000 位居民、N×800 份租约、N×10 万张账单（N 为 1-100）",
)
def seed_demo_command(allow_production: bool, scale: int | None) -> None:
    """写入演示数据（可重复执行，不会重复创建）。"""
    from flask import current_app

    from app.demo import seed_demo

    if current_app.config["ENV_NAME"] == "production" and not allow_production:
        raise click.UsageError("生产环境不写入演示数据；确需写入请加 --allow-production")
    summary = seed_demo()
    click.echo(f"演示数据已就绪：{summary}")
    if scale is not None:
        _seed_scale(scale)


def _seed_scale(n: int) -> None:
    scale = _scale_tools()
    click.echo(f"正在写入规模数据（--scale {n}）……")
    try:
        result = scale.seed_scale(scale.Volume.for_scale(n))
    except scale.AlreadySeeded as seeded:
        if seeded.label == scale.Volume.for_scale(n).label:
            click.echo(f"规模数据（--scale {n}）已写入过，本次未重复写入。")
            return
        raise click.UsageError(
            f"数据库中已有 --scale {seeded.scale} 的规模数据，不能再写入 --scale {n}；"
            "如需换一个规模，请换一个新数据库。"
        ) from None
    except scale.ScaleError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"规模数据已写入：{result.summary}")


def _validate_phone(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    phone = normalise_phone(value)
    if not is_mainland_mobile(phone):
        raise click.BadParameter("请输入正确的11位手机号码")
    return phone


@click.command("create-staff")
@click.argument("phone", callback=_validate_phone)
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role if role.is_staff]),
    required=True,
    help="工作人员角色",
)
@click.option("--district", "district_code", default=None, help="所属区划代码（如 360403）")
@click.password_option("--password", prompt="初始密码", help="初始密码")
def create_staff_command(phone: str, role: str, district_code: str | None, password: str) -> None:
    """创建工作人员账号。"""
    from sqlalchemy import select

    from app.auth.passwords import password_problem
    from app.auth.services import create_user, phone_registered
    from app.extensions import db
    from app.housing.models import District

    problem = password_problem(password)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    if phone_registered(phone):
        raise click.BadParameter("该手机号已注册", param_hint="PHONE")
    district_id = None
    if district_code is not None and not re.fullmatch(r"[0-9]{6}", district_code):
        raise click.BadParameter(
            f"区划代码应为6位数字（如 360403），收到的是 {district_code!r}", param_hint="--district"
        )
    if district_code:
        district_id = db.session.scalar(select(District.id).where(District.code == district_code))
        if district_id is None:
            raise click.BadParameter(f"没有代码为 {district_code} 的区", param_hint="--district")
    create_user(phone, password, Role(role), district_id=district_id)
    db.session.commit()
    click.echo(f"已创建{Role(role).label}账号 {phone}")
