"""the planned cases of delivered units (installation and commissioning)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 21:55:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.db import UTCDateTime

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_care_starts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("serial_number", sa.String(length=80), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="SET NULL")),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("kind", "serial_number", "due_on"),
    )


def downgrade() -> None:
    op.drop_table("unit_care_starts")
