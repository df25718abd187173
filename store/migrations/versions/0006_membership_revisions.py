"""memberships revisioned like figures: rev_from, rev_to

Before, an upload changed a membership in place: a rollback left the change, and a view "as of
revision N" showed today's members. Existing memberships are taken to hold since the first
revision (the shipped dataset, or the oldest there is).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rev_from", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("rev_to", sa.Integer(), nullable=True))
    op.execute("UPDATE membership SET rev_from = (SELECT MIN(id) FROM revision)")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.alter_column("rev_from", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            "fk_membership_rev_from_revision", "revision", ["rev_from"], ["id"]
        )
        batch_op.create_foreign_key("fk_membership_rev_to_revision", "revision", ["rev_to"], ["id"])


def downgrade() -> None:
    """Only the live memberships stay, as they are now."""
    op.execute("DELETE FROM membership WHERE rev_to IS NOT NULL")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint("fk_membership_rev_to_revision", type_="foreignkey")
        batch_op.drop_constraint("fk_membership_rev_from_revision", type_="foreignkey")
        batch_op.drop_column("rev_to")
        batch_op.drop_column("rev_from")
