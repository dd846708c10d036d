"""cases get an audit seal: an HMAC of the head under a key outside the database

Existing cases are sealed by ``aftercare init-db`` after the upgrade (the key lives in the
instance folder, which migrations do not read).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 15:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("audit_seal", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("audit_seal")
