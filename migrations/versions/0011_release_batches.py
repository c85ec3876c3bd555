"""release marks in a narrow table: release_batches (response_id, number) replaces responses.released_in

A release wrote its marks with an UPDATE of the wide response rows; it now writes two integers per
response into a table of its own (COPY on PostgreSQL). Existing marks move along.

Revision ID: 0011_release_batches
Revises: 0010_defects
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_release_batches'
down_revision = '0010_defects'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('release_batches',
    sa.Column('response_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_release_batches_response_id_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', name=op.f('pk_release_batches'))
    )
    # Sorted by the random id: the rows' order says nothing about when a response came in.
    op.execute("INSERT INTO release_batches (response_id, number) "
               "SELECT id, released_in FROM responses WHERE released_in IS NOT NULL ORDER BY id")
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('released_in')


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released_in', sa.Integer(), nullable=True))
    op.execute("UPDATE responses SET released_in = "
               "(SELECT number FROM release_batches WHERE release_batches.response_id = responses.id)")
    op.drop_table('release_batches')
