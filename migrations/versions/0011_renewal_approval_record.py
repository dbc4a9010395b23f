"""renewal approval record

The approval of a signed renewal contract, printed with it: the SHA-256 of the signed
version that was approved and a short code anyone can check the approval by. The signed
PDF itself is never rewritten.

Revision ID: j0a2f7000010
Revises: i9e1f6000009
Create Date: 2026-12-07 01:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "j0a2f7000010"
down_revision = "i9e1f6000009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("renewals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contract_approved_sha256", sa.String(length=64), nullable=True)
        )
        batch_op.add_column(sa.Column("approval_code", sa.String(length=12), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_renewals_approval_code"), ["approval_code"]
        )


def downgrade():
    with op.batch_alter_table("renewals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_renewals_approval_code"), type_="unique")
        batch_op.drop_column("approval_code")
        batch_op.drop_column("contract_approved_sha256")
