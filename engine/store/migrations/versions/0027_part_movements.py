"""the parts ledger

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.db import UTCDateTime

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "part_movements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("part_no", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("quantity", sa.Numeric(12, 3), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_part_movements_part", "part_movements", ["part_no", "id"])
    op.create_index("ix_part_movements_case_id", "part_movements", ["case_id"])


def downgrade() -> None:
    op.drop_table("part_movements")
