"""foreign key lookup indexes

Indexes on the foreign keys the pages look rows up by, found missing when the database
was filled to city scale (seed-demo --scale 10): a lease's terms and residents (every
lease page), the lease on a unit, the payment of a bill and a deduction result's bill,
renewal window notices, a district's applications, and the swap application tables.
Without them each lookup reads the whole table.

Revision ID: g7c9d4000007
Revises: f6b8c3000006
Create Date: 2026-11-23 21:40:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "g7c9d4000007"
down_revision = "f6b8c3000006"
branch_labels = None
depends_on = None

INDEXES = [
    ("leases", "unit_id"),
    ("lease_terms", "lease_id"),
    ("lease_residents", "lease_id"),
    ("rent_bills", "payment_id"),
    ("rent_deduction_results", "bill_id"),
    ("renewal_window_notices", "lease_id"),
    ("applications", "district_id"),
    ("swap_applications", "request_id"),
    ("swap_application_parties", "lease_id"),
    ("swap_application_parties", "listing_id"),
]


def upgrade():
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column], unique=False)


def downgrade():
    for table, column in reversed(INDEXES):
        op.drop_index(f"ix_{table}_{column}", table_name=table)
