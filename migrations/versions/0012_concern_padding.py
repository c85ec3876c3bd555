"""padding rule for anonymous concerns: per traject (never per concern) the participant mark at
which the current batch began, the concerns counting toward it, and how many are shown

Revision ID: 0012_concern_padding
Revises: 0011_release_batches
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_concern_padding'
down_revision = '0011_release_batches'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('trajects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('concern_list_mark', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('concerns_counting', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('concerns_released', sa.Integer(), nullable=False, server_default='0'))
    # Existing trajects keep showing exactly what they showed (whole batches of the comment
    # threshold); the waiting concerns count for nothing (who raised them is unknown, on purpose),
    # and the next batch begins now, with everyone on the list today.
    bind = op.get_bind()
    mark = bind.execute(sa.text("SELECT max(id) FROM participants")).scalar() or 0
    rows = bind.execute(
        sa.text(
            "SELECT t.id, t.comment_threshold, count(c.id) FROM trajects t "
            "JOIN concerns c ON c.traject_id = t.id AND c.anonymous "
            "GROUP BY t.id, t.comment_threshold"
        )
    ).all()
    for traject_id, threshold, count in rows:
        bind.execute(
            sa.text(
                "UPDATE trajects SET concern_list_mark = :mark, concerns_released = :shown WHERE id = :id"
            ),
            {"mark": mark, "shown": (count // threshold) * threshold, "id": traject_id},
        )


def downgrade():
    with op.batch_alter_table('trajects', schema=None) as batch_op:
        batch_op.drop_column('concerns_released')
        batch_op.drop_column('concerns_counting')
        batch_op.drop_column('concern_list_mark')
