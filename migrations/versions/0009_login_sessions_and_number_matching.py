"""login sessions and number matching

Sign-ins kept on the server (``login_sessions``), so 退出登录 ends a session for every
copy of its cookie; and on each QR handoff token the computer's session, the number it
shows and the three the phone offers.

Revision ID: h8d0e5000008
Revises: g7c9d4000007
Create Date: 2026-12-05 04:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "h8d0e5000008"
down_revision = "g7c9d4000007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key_hash"),
    )
    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_sessions_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("handoff_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("login_session_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("match_number", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("match_choices", sa.String(length=8), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_handoff_tokens_login_session_id"), ["login_session_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_handoff_tokens_login_session_id", "login_sessions", ["login_session_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("handoff_tokens", schema=None) as batch_op:
        batch_op.drop_constraint("fk_handoff_tokens_login_session_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_handoff_tokens_login_session_id"))
        batch_op.drop_column("match_choices")
        batch_op.drop_column("match_number")
        batch_op.drop_column("login_session_id")

    with op.batch_alter_table("login_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_sessions_user_id"))
    op.drop_table("login_sessions")
