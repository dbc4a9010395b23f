"""``flask --app app rent ...``: monthly bills and daily arrears housekeeping.

Both commands are safe to run twice and on several machines at once: bills are unique per
lease and month, notices unique per lease, kind and month (the database decides).
Exit status 2 on bad input, with the reason in Chinese on stderr.
"""

from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from app.core.clock import today_in_china
from app.rent.billing import Period, PeriodError

INVALID_INPUT_EXIT_CODE = 2

rent_cli = AppGroup("rent", help="租金：生成每月账单、处理逾期并发送欠租提醒。")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    click.get_current_context().exit(INVALID_INPUT_EXIT_CODE)


@rent_cli.command("generate-bills")
@click.option("--month", default=None, help="账期 YYYY-MM，例如 2026-12；默认本月（北京时间）。")
def generate_bills_command(month: str | None) -> None:
    """为所有履约中的租约生成指定月份的账单（重复运行不会重复生成）。"""
    from app.rent.bill_generation import generate_bills

    try:
        period = Period.parse(month) if month is not None else Period.of(today_in_china())
    except PeriodError as error:
        _fail(f"--month 有误：{error}")
        return
    result = generate_bills(period)
    click.echo(
        f"{period.label}账单：新生成 {result.created} 张，已存在 {result.existing} 张，"
        f"不在租期内 {result.not_covered} 个租约"
    )


@rent_cli.command("mark-overdue")
@click.option("--date", "on_date", default=None, help="按哪一天计算（YYYY-MM-DD），默认今天。")
def mark_overdue_command(on_date: str | None) -> None:
    """关闭超时未支付的订单，并发送逾期和累计欠缴的提醒（月数见政策参数；每条只发一次）。"""
    from app.rent.notices import send_arrears_notices
    from app.rent.online_payments import expire_stale_payments

    try:
        today = date.fromisoformat(on_date) if on_date else today_in_china()
    except ValueError:
        _fail(f"--date 有误：日期格式应为 YYYY-MM-DD，收到的是 {on_date}")
        return
    from app.extensions import db

    expired = expire_stale_payments()
    db.session.commit()
    posted = send_arrears_notices(today)
    click.echo(f"已关闭超时订单 {expired} 笔，发送欠租提醒 {posted} 条")
