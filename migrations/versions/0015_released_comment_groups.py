"""the open-answers page's groups per release and comment threshold, in the page's order, so a page
reads its fifty groups by ordinal instead of grouping the release's every answer per request

Revision ID: 0015_released_comment_groups
Revises: 0014_released_comments
"""

from alembic import op
import sqlalchemy as sa


revision = "0015_released_comment_groups"
down_revision = "0014_released_comments"
branch_labels = None
depends_on = None


def upgrade():
    # Existing releases get their groups when their page is first read (app/results/open_groups.py).
    op.create_table(
        "released_comment_groupings",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["indicator_snapshots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("snapshot_id", "threshold"),
    )
    op.create_table(
        "released_comment_groups",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("questionnaire", sa.String(length=60), nullable=False),
        sa.Column("question", sa.String(length=120), nullable=False),
        sa.Column("domain", sa.String(length=20), nullable=False),
        sa.Column("normalised", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["indicator_snapshots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("snapshot_id", "threshold", "ordinal"),
    )


def downgrade():
    op.drop_table("released_comment_groups")
    op.drop_table("released_comment_groupings")
