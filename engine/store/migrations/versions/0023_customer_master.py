"""the customer master: customers, sites, contacts, agreements; cases and units point at them

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.db import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(length=40), nullable=False, unique=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_customers_name", "customers", ["name"])
    op.create_table(
        "customer_sites",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("zone", sa.String(length=20)),
        sa.Column("distance_km", sa.Integer()),
        sa.UniqueConstraint("customer_id", "name"),
    )
    op.create_table(
        "customer_contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("customer_sites.id", ondelete="SET NULL")),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100)),
        sa.Column("phone", sa.String(length=30)),
        sa.Column("email", sa.String(length=254)),
    )
    op.create_index("ix_customer_contacts_customer_id", "customer_contacts", ["customer_id"])
    op.create_index("ix_customer_contacts_phone", "customer_contacts", ["phone"])
    op.create_table(
        "service_agreements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date()),
        sa.Column("notes", sa.Text()),
    )
    op.create_index("ix_service_agreements_customer_id", "service_agreements", ["customer_id"])
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("customer_id", sa.Integer()))
        batch.create_foreign_key("fk_products_customer_id", "customers", ["customer_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_products_customer_id", ["customer_id"])
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("customer_id", sa.Integer()))
        batch.add_column(sa.Column("site_id", sa.Integer()))
        batch.create_foreign_key("fk_cases_customer_id", "customers", ["customer_id"], ["id"], ondelete="SET NULL")
        batch.create_foreign_key("fk_cases_site_id", "customer_sites", ["site_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_cases_customer_id", ["customer_id"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_index("ix_cases_customer_id")
        batch.drop_constraint("fk_cases_site_id", type_="foreignkey")
        batch.drop_constraint("fk_cases_customer_id", type_="foreignkey")
        batch.drop_column("site_id")
        batch.drop_column("customer_id")
    with op.batch_alter_table("products") as batch:
        batch.drop_index("ix_products_customer_id")
        batch.drop_constraint("fk_products_customer_id", type_="foreignkey")
        batch.drop_column("customer_id")
    op.drop_table("service_agreements")
    op.drop_table("customer_contacts")
    op.drop_table("customer_sites")
    op.drop_table("customers")
