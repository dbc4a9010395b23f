"""``flask --app app handoff ...``: housekeeping for the face check."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.handoff import services

handoff_cli = AppGroup("handoff", help="人脸识别：删除超过保存期限的人脸照片。")


@handoff_cli.command("purge-face-images")
def purge_face_images_command() -> None:
    """Delete kept face photos whose retention period has ended."""
    count = services.purge_expired_images()
    click.echo(f"deleted {count} face photo(s)")
