"""drop indexes that a unique constraint already provides

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:30:00

``audit_events(case_id)``, ``work_items(case_id)`` and ``process_versions(key)`` each lead a
unique constraint, whose index serves the same lookups; the extra index only cost a page
write on every step of every case.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

REDUNDANT = [
    ("ix_audit_events_case_id", "audit_events", "case_id"),
    ("ix_work_items_case_id", "work_items", "case_id"),
    ("ix_process_versions_key", "process_versions", "key"),
]


def upgrade() -> None:
    for name, table, _column in REDUNDANT:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, column in REDUNDANT:
        op.create_index(name, table, [column])
