"""Migrations build the schema from empty, and agree with the models.

Runs on ``MIGRATION_DATABASE_URL`` (an empty PostgreSQL database in CI) or a fresh
SQLite file.
"""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db


@pytest.fixture
def migration_app(tmp_path):
    url = os.environ.get("MIGRATION_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        _drop_everything()
        yield app
        db.session.remove()
        _drop_everything()
        db.engine.dispose()


def _drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_from_empty_matches_models(migration_app) -> None:
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    tables = set(inspect(db.engine).get_table_names())
    assert {"users", "leases", "lease_terms", "messages", "sms_codes", "audit_events"} <= tables


def test_downgrade_to_base_and_back(migration_app) -> None:
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "users" in inspect(db.engine).get_table_names()


def test_0013_fills_the_share_of_mutual_matches_as_the_app_writes_it(migration_app) -> None:
    """Down to 0012 (no ``share``) and up again: the SQL fill gives every mutual move the
    share the app wrote, to the last bit, and leaves the others NULL."""
    from app.demo import seed_demo
    from app.swap.models import SwapMatch

    upgrade()
    seed_demo()
    columns = (SwapMatch.wanter_id, SwapMatch.home_id, SwapMatch.share)
    written = {(w, h): s for w, h, s in db.session.execute(db.select(*columns))}
    db.session.remove()
    assert sum(s is not None for s in written.values()) >= 2  # the demo has mutual matches
    assert None in written.values()
    downgrade(revision="0012")
    upgrade()
    filled = {(w, h): s for w, h, s in db.session.execute(db.select(*columns))}
    assert filled == written
