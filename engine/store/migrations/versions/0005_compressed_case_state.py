"""store case state zlib-compressed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:45:00

The state is rewritten on every step of a case; compressed it is about a fifth of the JSON,
which is most of the pages a step writes (docs/performance.md).
"""

from __future__ import annotations

import zlib

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

cases = sa.table(
    "cases", sa.column("id", sa.Integer), sa.column("state_json", sa.Text), sa.column("state", sa.LargeBinary)
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("state", sa.LargeBinary(), nullable=True))
    connection = op.get_bind()
    for case_id, text in connection.execute(sa.select(cases.c.id, cases.c.state_json)).all():
        packed = zlib.compress(text.encode("utf-8"), 1)
        connection.execute(sa.update(cases).where(cases.c.id == case_id).values(state=packed))
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("state", existing_type=sa.LargeBinary(), nullable=False)
        batch.drop_column("state_json")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("state_json", sa.Text(), nullable=True))
    connection = op.get_bind()
    for case_id, packed in connection.execute(sa.select(cases.c.id, cases.c.state)).all():
        text = zlib.decompress(packed).decode("utf-8")
        connection.execute(sa.update(cases).where(cases.c.id == case_id).values(state_json=text))
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("state_json", existing_type=sa.Text(), nullable=False)
        batch.drop_column("state")
