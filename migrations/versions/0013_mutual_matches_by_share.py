"""mutual matches by share

``swap_matches.share``: on a move whose home's listing wants the wanter's home too, the
匹配度 of the two moves; a partial index reads a listing's mutual matches best first, so
互相匹配 reads one page of them instead of sorting them all. Filled here from the rows
0012 stored (the same division as ``chains.ratio``), writing only the mutual ones.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 17:05:00

"""

from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("swap_matches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share", sa.Float(), nullable=True))
    op.execute(
        """
        UPDATE swap_matches SET share = (
            SELECT CASE
                WHEN swap_matches.wished + back.wished = 0 THEN 1.0
                ELSE CAST(swap_matches.points + back.points AS FLOAT)
                    / (swap_matches.wished + back.wished)
            END
            FROM swap_matches AS back
            WHERE back.wanter_id = swap_matches.home_id
                AND back.home_id = swap_matches.wanter_id
        )
        WHERE EXISTS (
            SELECT 1 FROM swap_matches AS back
            WHERE back.wanter_id = swap_matches.home_id
                AND back.home_id = swap_matches.wanter_id
        )
        """
    )
    with op.batch_alter_table("swap_matches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_swap_matches_mutual",
            ["wanter_id", "share", "home_id"],
            unique=False,
            sqlite_where=sa.text("share IS NOT NULL"),
            postgresql_where=sa.text("share IS NOT NULL"),
        )


def downgrade():
    with op.batch_alter_table("swap_matches", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_swap_matches_mutual",
            sqlite_where=sa.text("share IS NOT NULL"),
            postgresql_where=sa.text("share IS NOT NULL"),
        )
        batch_op.drop_column("share")
