"""links stay with their participant: self-distribution per traject, drafts bound to one browser

Revision ID: 0004_links_stay
Revises: 0003_releases
Create Date: 2026-12-01 23:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_links_stay'
down_revision = '0003_releases'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('trajects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('self_distribution', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('browser_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('browser_hash')
    with op.batch_alter_table('trajects', schema=None) as batch_op:
        batch_op.drop_column('self_distribution')
