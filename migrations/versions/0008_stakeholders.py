"""stakeholder engagement: the register, the engagement log (with its stakeholders), concerns and the
communication plan

Revision ID: 0008_stakeholders
Revises: 0007_delivery
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_stakeholders'
down_revision = '0007_delivery'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('engagements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('phase', sa.String(length=12), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('domains', sa.JSON(), nullable=False),
    sa.Column('attendees', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('workshop', 'meeting', 'information', 'interview', 'other')", name=op.f('ck_engagements_kind')),
    sa.CheckConstraint("phase IN ('ict_foto', 'analyse', 'voorstellen', 'besluit')", name=op.f('ck_engagements_phase')),
    sa.CheckConstraint('attendees IS NULL OR attendees >= 0', name=op.f('ck_engagements_attendees_min')),
    sa.ForeignKeyConstraint(['traject_id'], ['trajects.id'], name=op.f('fk_engagements_traject_id_trajects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagements'))
    )
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagements_traject_id'), ['traject_id'], unique=False)

    op.create_table('stakeholders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('organisation_code', sa.String(length=20), nullable=True),
    sa.Column('influence', sa.Integer(), nullable=False),
    sa.Column('interest', sa.Integer(), nullable=False),
    sa.Column('attitude', sa.String(length=10), nullable=False),
    sa.Column('engagement', sa.String(length=12), nullable=False),
    sa.Column('measured_role', sa.String(length=10), nullable=True),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("attitude IN ('supporter', 'neutral', 'critical', 'unknown')", name=op.f('ck_stakeholders_attitude')),
    sa.CheckConstraint("category IN ('board', 'school_leader', 'ict_lead', 'ict_staff', 'teachers', 'council', 'supplier', 'sivon', 'other')", name=op.f('ck_stakeholders_category')),
    sa.CheckConstraint("engagement IN ('inform', 'consult', 'involve', 'collaborate', 'empower')", name=op.f('ck_stakeholders_engagement')),
    sa.CheckConstraint("kind IN ('person', 'group')", name=op.f('ck_stakeholders_kind')),
    sa.CheckConstraint("measured_role IS NULL OR measured_role IN ('ict_staff', 'ict_lead', 'board')", name=op.f('ck_stakeholders_measured_role')),
    sa.CheckConstraint('influence BETWEEN 1 AND 5', name=op.f('ck_stakeholders_influence_range')),
    sa.CheckConstraint('interest BETWEEN 1 AND 5', name=op.f('ck_stakeholders_interest_range')),
    sa.ForeignKeyConstraint(['traject_id'], ['trajects.id'], name=op.f('fk_stakeholders_traject_id_trajects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholders')),
    sa.UniqueConstraint('traject_id', 'name', name='uq_stakeholders_name')
    )
    with op.batch_alter_table('stakeholders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholders_traject_id'), ['traject_id'], unique=False)

    op.create_table('communication_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('channel', sa.String(length=100), nullable=False),
    sa.Column('planned_on', sa.Date(), nullable=False),
    sa.Column('by_whom', sa.String(length=200), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('derived', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_communication_items_stakeholder_id_stakeholders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['traject_id'], ['trajects.id'], name=op.f('fk_communication_items_traject_id_trajects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communication_items'))
    )
    with op.batch_alter_table('communication_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_communication_items_stakeholder_id'), ['stakeholder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_communication_items_traject_id'), ['traject_id'], unique=False)

    op.create_table('concerns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=True),
    sa.Column('engagement_id', sa.Integer(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('domain', sa.String(length=20), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=True),
    sa.Column('arrival', sa.Integer(), nullable=True),
    sa.Column('swot_item_id', sa.Integer(), nullable=True),
    sa.Column('roadmap_action_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'answered', 'resolved', 'declined')", name=op.f('ck_concerns_status')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_concerns_engagement_id_engagements'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['roadmap_action_id'], ['roadmap_actions.id'], name=op.f('fk_concerns_roadmap_action_id_roadmap_actions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_concerns_stakeholder_id_stakeholders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['swot_item_id'], ['swot_items.id'], name=op.f('fk_concerns_swot_item_id_swot_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['traject_id'], ['trajects.id'], name=op.f('fk_concerns_traject_id_trajects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concerns'))
    )
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concerns_stakeholder_id'), ['stakeholder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_traject_id'), ['traject_id'], unique=False)

    op.create_table('engagement_stakeholders',
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('stakeholder_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_engagement_stakeholders_engagement_id_engagements'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stakeholder_id'], ['stakeholders.id'], name=op.f('fk_engagement_stakeholders_stakeholder_id_stakeholders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('engagement_id', 'stakeholder_id', name=op.f('pk_engagement_stakeholders'))
    )


def downgrade():
    op.drop_table('engagement_stakeholders')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concerns_traject_id'))
        batch_op.drop_index(batch_op.f('ix_concerns_stakeholder_id'))

    op.drop_table('concerns')
    with op.batch_alter_table('communication_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_communication_items_traject_id'))
        batch_op.drop_index(batch_op.f('ix_communication_items_stakeholder_id'))

    op.drop_table('communication_items')
    with op.batch_alter_table('stakeholders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stakeholders_traject_id'))

    op.drop_table('stakeholders')
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagements_traject_id'))

    op.drop_table('engagements')
