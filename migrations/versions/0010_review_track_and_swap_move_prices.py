"""review track and swap move prices

The publicity track an application runs (fixed at acceptance, so a change of
REVIEW_PATH applies to applications accepted after it), and the prices a unit was let for
when a lease moved onto it by a 互换 (the next renewal is priced for that unit).

Revision ID: i9e1f6000009
Revises: h8d0e5000008
Create Date: 2026-12-06 01:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "i9e1f6000009"
down_revision = "h8d0e5000008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_track", sa.String(length=16), nullable=True))
    with op.batch_alter_table("lease_unit_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_rent_fen", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unit_fee_fen", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("lease_unit_changes", schema=None) as batch_op:
        batch_op.drop_column("unit_fee_fen")
        batch_op.drop_column("unit_rent_fen")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("review_track")
