"""the number each printed form of a case was given, and administrators' form wordings

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.db import UTCDateTime

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "printed_documents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("form_key", sa.String(length=40), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False, unique=True),
        sa.Column("first_printed_at", UTCDateTime(), nullable=False),
        sa.Column("first_printed_by", sa.String(length=80), nullable=False),
        sa.Column("last_printed_at", UTCDateTime(), nullable=False),
        sa.Column("prints", sa.Integer(), nullable=False),
        sa.UniqueConstraint("case_id", "form_key"),
    )
    op.create_table(
        "form_templates",
        sa.Column("form_key", sa.String(length=40), primary_key=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("form_templates")
    op.drop_table("printed_documents")
