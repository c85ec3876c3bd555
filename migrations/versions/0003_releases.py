"""released indicators: release number and date on snapshots, release of each response, early participants

Revision ID: 0003_releases
Revises: 0002_questionnaires_and_advice
Create Date: 2026-12-01 23:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_releases'
down_revision = '0002_questionnaires_and_advice'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('indicator_snapshots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('released_on', sa.Date(), nullable=False,
                                      server_default=sa.text('CURRENT_DATE')))
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released_in', sa.Integer(), nullable=True))
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('early', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Snapshots of the first round were streamed, not released: keep only the newest per traject,
    # dated without a time, and let the next recompute release again under the new rules.
    op.execute("DELETE FROM indicator_snapshots WHERE id NOT IN "
               "(SELECT max(id) FROM indicator_snapshots GROUP BY traject_id)")
    op.execute("UPDATE indicator_snapshots SET released_on = CAST(computed_at AS DATE)")
    op.execute("UPDATE trajects SET indicators_stale = true")


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('early')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('released_in')
    with op.batch_alter_table('indicator_snapshots', schema=None) as batch_op:
        batch_op.drop_column('released_on')
        batch_op.drop_column('number')
