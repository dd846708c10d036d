"""process versions remember the hashes of their scripts

Deploying as a process owner accepts a script task only when an administrator deployed the
same script before. That used to re-parse the sources of every version ever deployed on each
upload; the hashes are now stored with the version when it is deployed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:30:00
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op
from defusedxml import ElementTree

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _hashes(sources: dict[str, str]) -> list[str]:
    found = set()
    for name, text in sources.items():
        if name.endswith(".bpmn") and "scriptTask" in text:
            root = ElementTree.fromstring(text.encode("utf-8"))  # refuses entities
            for task in root.iter(f"{BPMN}scriptTask"):
                script = task.find(f"{BPMN}script")
                body = (script.text or "").strip() if script is not None else ""
                found.add(hashlib.sha256(body.encode("utf-8")).hexdigest())
    return sorted(found)


def upgrade() -> None:
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("script_hashes", sa.JSON(), server_default="[]", nullable=False))
    connection = op.get_bind()
    versions = sa.table(
        "process_versions", sa.column("id"), sa.column("sources", sa.JSON()), sa.column("script_hashes", sa.JSON())
    )
    for version_id, sources in connection.execute(sa.select(versions.c.id, versions.c.sources)).all():
        stored = sources if isinstance(sources, dict) else json.loads(sources)
        hashes = _hashes(stored)
        if hashes:
            connection.execute(versions.update().where(versions.c.id == version_id).values(script_hashes=hashes))


def downgrade() -> None:
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.drop_column("script_hashes")
