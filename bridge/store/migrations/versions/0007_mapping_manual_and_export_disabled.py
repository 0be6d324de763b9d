"""mapping: bindings set by hand, and entities whose export Odoo → Xero is disabled

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bindings") as batch:
        batch.add_column(sa.Column("manual", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("entity_settings") as batch:
        batch.add_column(
            sa.Column("export_disabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("entity_settings") as batch:
        batch.drop_column("export_disabled")
    with op.batch_alter_table("bindings") as batch:
        batch.drop_column("manual")
