"""Indexes: open cases in deadline order (inboxes, overdue views); cases by report time.

Revision ID: 491542b7e72b
Revises: 83efa9bd5594
Create Date: 2026-11-26 08:07:21.691419

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "491542b7e72b"
down_revision = "83efa9bd5594"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f("ix_cases_reported_at"), "cases", ["reported_at"], unique=False)
    op.create_index(
        "ix_cases_open_category_deadline",
        "cases",
        ["category_code", "deadline_at"],
        unique=False,
        postgresql_include=["paused_at"],
        postgresql_where=sa.text("closed_at IS NULL"),
    )
    op.create_index(
        "ix_cases_open_deadline",
        "cases",
        ["deadline_at"],
        unique=False,
        postgresql_where=sa.text("closed_at IS NULL"),
    )


def downgrade():
    op.drop_index(op.f("ix_cases_reported_at"), table_name="cases")
    op.drop_index(
        "ix_cases_open_deadline", table_name="cases", postgresql_where=sa.text("closed_at IS NULL")
    )
    op.drop_index(
        "ix_cases_open_category_deadline",
        table_name="cases",
        postgresql_include=["paused_at"],
        postgresql_where=sa.text("closed_at IS NULL"),
    )
