"""delivery bookkeeping: outbox messages with idempotency key, claim lease and retries; jobs per
questionnaire, with their task, attempts and planned retry

Revision ID: 0007_delivery
Revises: 0006_advice_versions
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_delivery'
down_revision = '0006_advice_versions'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('questionnaire_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('job_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_participant_id'), ['participant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_questionnaire_id'), ['questionnaire_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_job_id'), ['job_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_outbox_messages_idempotency_key'), ['idempotency_key'])

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questionnaire_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('task_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('task_kwargs', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_jobs_questionnaire_id'), ['questionnaire_id'], unique=False)


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_questionnaire_id'))
        for column in ('retry_at', 'sent_at', 'attempts', 'task_kwargs', 'task_name', 'questionnaire_id'):
            batch_op.drop_column(column)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_outbox_messages_idempotency_key'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_job_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_questionnaire_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_participant_id'))
        for column in ('last_error', 'next_attempt_at', 'lease_until', 'attempts', 'idempotency_key',
                       'job_id', 'questionnaire_id', 'participant_id'):
            batch_op.drop_column(column)
