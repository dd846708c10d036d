"""how far the reminder worker has come with each open task; notifications keep only the
indexes their readers use (each step inserts rows)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("work_items") as batch:
        batch.add_column(sa.Column("reminded", sa.Integer(), server_default="0", nullable=False))
        batch.create_index("ix_work_items_reminder_queue", ["closed_at", "reminded", "due_at"])
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_case_id")
        batch.drop_index("ix_notifications_work_item_id")
        batch.drop_index("ix_notifications_role_created_at")
        batch.create_index("ix_notifications_role_item_created_at", ["role", "work_item_id", "created_at"])


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_role_item_created_at")
        batch.create_index("ix_notifications_role_created_at", ["role", "created_at"])
        batch.create_index("ix_notifications_work_item_id", ["work_item_id"])
        batch.create_index("ix_notifications_case_id", ["case_id"])
    with op.batch_alter_table("work_items") as batch:
        batch.drop_index("ix_work_items_reminder_queue")
        batch.drop_column("reminded")
