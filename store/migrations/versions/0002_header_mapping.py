"""header mappings remembered per sheet layout

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "header_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("header_text", sa.String(length=300), nullable=False),
        sa.Column("indicator_code", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["indicator_code"], ["indicator.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("signature", "header_text"),
    )
    with op.batch_alter_table("header_mapping", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_header_mapping_signature"), ["signature"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("header_mapping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_header_mapping_signature"))
    op.drop_table("header_mapping")
