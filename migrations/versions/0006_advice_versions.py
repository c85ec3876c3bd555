"""advice versions: chapter texts, frozen versions with their files, board decisions, MR advice, phase gates, consultations

Revision ID: 0006_advice_versions
Revises: 0005_hardening
Create Date: 2026-12-02 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_advice_versions'
down_revision = '0005_hardening'
branch_labels = None
depends_on = None

OUTCOMES = "('positief', 'negatief', 'onder_voorwaarden', 'nog_niet_ontvangen')"


def upgrade():
    op.create_table('advice_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('chapter', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['traject_id'], ['trajects.id'], name=op.f('fk_advice_texts_traject_id_trajects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advice_texts')),
    sa.UniqueConstraint('traject_id', 'chapter', name='uq_advice_texts_chapter')
    )
    with op.batch_alter_table('advice_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advice_texts_traject_id'), ['traject_id'], unique=False)

    op.create_table('advice_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.Column('decisions_closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decisions_closed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['traject_id'], ['trajects.id'], name=op.f('fk_advice_versions_traject_id_trajects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['indicator_snapshots.id'], name=op.f('fk_advice_versions_snapshot_id_indicator_snapshots'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_advice_versions_published_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decisions_closed_by'], ['users.id'], name=op.f('fk_advice_versions_decisions_closed_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advice_versions')),
    sa.UniqueConstraint('traject_id', 'number', name='uq_advice_versions_number')
    )
    with op.batch_alter_table('advice_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advice_versions_traject_id'), ['traject_id'], unique=False)

    op.create_table('advice_version_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('built_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['advice_versions.id'], name=op.f('fk_advice_version_files_version_id_advice_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advice_version_files')),
    sa.UniqueConstraint('version_id', 'format', name='uq_advice_version_files_format')
    )
    with op.batch_alter_table('advice_version_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_advice_version_files_version_id'), ['version_id'], unique=False)

    op.create_table('board_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('organisation_code', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=24), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('domain_conditions', sa.JSON(), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('signed_name', sa.String(length=200), nullable=False),
    sa.Column('signed_function', sa.String(length=200), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IN ('yes', 'yes_with_conditions', 'no', 'deferred')", name=op.f('ck_board_decisions_decision')),
    sa.ForeignKeyConstraint(['version_id'], ['advice_versions.id'], name=op.f('fk_board_decisions_version_id_advice_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_board_decisions_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_decisions')),
    sa.UniqueConstraint('version_id', 'organisation_code', 'revision', name='uq_board_decisions_revision')
    )
    with op.batch_alter_table('board_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_board_decisions_version_id'), ['version_id'], unique=False)

    op.create_table('mr_advice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('organisation_code', sa.String(length=20), nullable=False),
    sa.Column('council', sa.String(length=4), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=24), nullable=False),
    sa.Column('staff_move', sa.Boolean(), nullable=False),
    sa.Column('pmr_sent_on', sa.Date(), nullable=True),
    sa.Column('pmr_received_on', sa.Date(), nullable=True),
    sa.Column('pmr_outcome', sa.String(length=24), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("council IN ('mr', 'gmr')", name=op.f('ck_mr_advice_council')),
    sa.CheckConstraint(f"outcome IN {OUTCOMES}", name=op.f('ck_mr_advice_outcome')),
    sa.CheckConstraint(f"pmr_outcome IS NULL OR pmr_outcome IN {OUTCOMES}", name=op.f('ck_mr_advice_pmr_outcome')),
    sa.ForeignKeyConstraint(['version_id'], ['advice_versions.id'], name=op.f('fk_mr_advice_version_id_advice_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mr_advice')),
    sa.UniqueConstraint('version_id', 'organisation_code', name='uq_mr_advice_school')
    )
    with op.batch_alter_table('mr_advice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mr_advice_version_id'), ['version_id'], unique=False)


    op.create_table('phase_gates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('lacking', sa.JSON(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("step IN ('ict_foto', 'analyse', 'voorstellen', 'besluit', 'uitwerking')", name=op.f('ck_phase_gates_step')),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_phase_gates_reason_required')),
    sa.ForeignKeyConstraint(['traject_id'], ['trajects.id'], name=op.f('fk_phase_gates_traject_id_trajects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_phase_gates_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_phase_gates'))
    )
    with op.batch_alter_table('phase_gates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_phase_gates_traject_id'), ['traject_id'], unique=False)

    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['advice_versions.id'], name=op.f('fk_consultations_version_id_advice_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaires.id'], name=op.f('fk_consultations_questionnaire_id_questionnaires'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opened_by'], ['users.id'], name=op.f('fk_consultations_opened_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations')),
    sa.UniqueConstraint('version_id', name='uq_consultations_version')
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultations_version_id'), ['version_id'], unique=False)


def downgrade():
    for table in ('consultations', 'phase_gates', 'mr_advice', 'board_decisions', 'advice_version_files', 'advice_versions', 'advice_texts'):
        op.drop_table(table)
