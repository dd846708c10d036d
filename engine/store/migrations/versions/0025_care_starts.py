"""the planned cases (visits, renewal notices) the worker has started

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.db import UTCDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_starts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="SET NULL")),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("kind", "subject_id", "due_on"),
    )


def downgrade() -> None:
    op.drop_table("care_starts")
