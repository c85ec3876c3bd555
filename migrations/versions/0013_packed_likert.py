"""packed likert answers (responses.likert, backfilled) and release marks without a foreign key

A recompute read every likert answer by taking each response's JSON apart in the database; the
writers now also store them one byte each (app/models/packed_answers.py), and this migration packs
the existing responses. release_batches loses its foreign key (its per-row check was most of a
release's COPY); a trigger on responses deletes a response's mark with it, as the cascade did, and
a changed `answers` drops its packed copy.

Revision ID: 0013_packed_likert
Revises: 0012_concern_padding
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0013_packed_likert'
down_revision = '0012_concern_padding'
branch_labels = None
depends_on = None

BATCH = 2_000

# Frozen copies of app/models/packed_answers.py as of this revision (migrations do not import app code).
PG_TRIGGERS = """
CREATE OR REPLACE FUNCTION responses_drop_marks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM release_batches b USING gone g WHERE b.response_id = g.id;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER responses_drop_marks AFTER DELETE ON responses
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION responses_drop_marks();
CREATE OR REPLACE FUNCTION responses_unpack_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.answers::text IS DISTINCT FROM OLD.answers::text AND NEW.likert IS NOT DISTINCT FROM OLD.likert THEN
    NEW.likert := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER responses_unpack_changed BEFORE UPDATE OF answers ON responses
  FOR EACH ROW EXECUTE FUNCTION responses_unpack_changed();
"""
SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS responses_drop_marks AFTER DELETE ON responses FOR EACH ROW BEGIN "
    "DELETE FROM release_batches WHERE response_id = OLD.id; END",
    "CREATE TRIGGER IF NOT EXISTS responses_unpack_changed AFTER UPDATE OF answers ON responses FOR EACH ROW "
    "WHEN NEW.answers IS NOT OLD.answers AND NEW.likert IS OLD.likert BEGIN "
    "UPDATE responses SET likert = NULL WHERE id = NEW.id; END",
)


def _layout(definition):
    if isinstance(definition, str):
        definition = json.loads(definition)
    return [
        q["key"]
        for section in (definition or {}).get("sections", [])
        for q in section.get("questions", [])
        if q.get("type") == "likert"
    ]


def _pack(layout, answers):
    if not isinstance(answers, dict):
        return None
    out = bytearray(len(layout) + 1)
    for at, key in enumerate(layout, start=1):
        value = answers.get(key)
        if value is None:
            out[at] = 0x80
        elif type(value) is int and -127 <= value <= 127:
            out[at] = value & 0xFF
        else:
            return None
    out[0] = 0 if not (answers.keys() - set(layout)) and None not in answers.values() else 1
    return bytes(out)


def upgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('likert', sa.LargeBinary(), nullable=True))
    bind = op.get_bind()
    layouts = {
        qid: _layout(definition)
        for qid, definition in bind.execute(sa.text("SELECT id, definition FROM questionnaires")).all()
    }
    responses = sa.table('responses', sa.column('id', sa.String), sa.column('likert', sa.LargeBinary))
    update = responses.update().where(responses.c.id == sa.bindparam('rid')).values(likert=sa.bindparam('packed'))
    last = ''
    while True:  # in batches by id: a large table is never held in memory at once
        rows = bind.execute(
            sa.text(
                "SELECT id, questionnaire_id, CAST(answers AS TEXT) FROM responses WHERE id > :last ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            break
        values = []
        for rid, qid, answers in rows:
            packed = _pack(layouts.get(qid, []), json.loads(answers) if answers is not None else None)
            if packed is not None:
                values.append({"rid": rid, "packed": packed})
        if values:
            bind.execute(update, values)
        last = rows[-1][0]
    with op.batch_alter_table('release_batches', schema=None) as batch_op:
        batch_op.drop_constraint('fk_release_batches_response_id_responses', type_='foreignkey')
    if bind.dialect.name == 'postgresql':
        op.execute(PG_TRIGGERS)
    elif bind.dialect.name == 'sqlite':
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS responses_unpack_changed ON responses")
        op.execute("DROP TRIGGER IF EXISTS responses_drop_marks ON responses")
        op.execute("DROP FUNCTION IF EXISTS responses_unpack_changed()")
        op.execute("DROP FUNCTION IF EXISTS responses_drop_marks()")
    elif bind.dialect.name == 'sqlite':
        op.execute("DROP TRIGGER IF EXISTS responses_unpack_changed")
        op.execute("DROP TRIGGER IF EXISTS responses_drop_marks")
    # A mark whose response is gone cannot come back under the foreign key.
    op.execute("DELETE FROM release_batches WHERE response_id NOT IN (SELECT id FROM responses)")
    with op.batch_alter_table('release_batches', schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f('fk_release_batches_response_id_responses'), 'responses', ['response_id'], ['id'],
            ondelete='CASCADE',
        )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('likert')
