"""ICT users as participants: the participant roles gain "staff" and "pupil" (the ict_users
instrument), for the demo that matches the case and the sector suggestions of the SWOT (which need
no schema of their own: an adopted suggestion is a normal SWOT item)

Revision ID: 0009_suggestions
Revises: 0008_stakeholders
"""
from alembic import op


revision = '0009_suggestions'
down_revision = '0008_stakeholders'
branch_labels = None
depends_on = None

OLD = "role IN ('ict_staff', 'ict_lead', 'board')"
NEW = "role IN ('ict_staff', 'ict_lead', 'board', 'staff', 'pupil')"


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_participants_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_participants_role'), NEW)


def downgrade():
    # Participants of the ICT-users instrument cannot keep a role the old schema does not know.
    op.execute("DELETE FROM participants WHERE role IN ('staff', 'pupil')")
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_participants_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_participants_role'), OLD)
