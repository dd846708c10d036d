"""customer links that answer one customer step, spent once used

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.db import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer_links") as batch:
        batch.add_column(sa.Column("work_item_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("used_at", UTCDateTime(), nullable=True))
        batch.create_foreign_key("fk_customer_links_work_item_id", "work_items", ["work_item_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("customer_links") as batch:
        batch.drop_constraint("fk_customer_links_work_item_id", type_="foreignkey")
        batch.drop_column("used_at")
        batch.drop_column("work_item_id")
