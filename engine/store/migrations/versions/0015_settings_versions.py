"""the company's service settings, one row per saved version

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.db import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["saved_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("version"),
    )


def downgrade() -> None:
    op.drop_table("settings_versions")
