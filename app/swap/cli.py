"""``flask --app app swap ...``: housekeeping for 互换.

An application is submitted for review the moment its last pre-paid bill is paid (in the
payment's transaction), so nothing here is needed day to day. ``submit-ready`` catches
up on applications completed before that was so, or by a change made outside the app
(bills marked paid by hand in the database); it is safe to run twice.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

swap_cli = AppGroup("swap", help="公租房互换：补提交已完成全部步骤的互换申请；重新计算互相匹配。")


@swap_cli.command("submit-ready")
def submit_ready_command() -> None:
    """提交双方都已签署《承诺书》并缴清预缴租金、但仍在办理中的互换申请。"""
    from app.swap.application_steps import submit_ready_applications

    submitted = submit_ready_applications()
    click.echo(f"已提交互换申请 {submitted} 件")


@swap_cli.command("rebuild-matches")
@click.option("--if-empty", is_flag=True, help="只在还没有任何匹配记录时计算（升级后首次运行）。")
def rebuild_matches_command(if_empty: bool) -> None:
    """重新计算互相匹配（升级数据库或批量导入互换信息后运行一次）。"""
    from app.swap.match_store import has_matches, rebuild_all

    if if_empty and has_matches():
        click.echo("已有互相匹配记录，未重新计算")
        return
    written = rebuild_all()
    click.echo(f"已重新计算互相匹配：{written} 条")
