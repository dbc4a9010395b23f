"""``flask --app app renewal ...``: the renewal area's scheduled work."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.renewal import services

renewal_cli = AppGroup("renewal", help="合同续约：通知续约窗口已开放的承租人。")


@renewal_cli.command("notify-window")
def notify_window_command() -> None:
    """Post “续约申请已开放” once to each tenant whose renewal window has opened."""
    run = services.notify_window_openings()
    click.echo(f"posted {run.posted} message(s); {run.already} already told")
