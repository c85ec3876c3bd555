"""The likert answers of a response packed at write time (one byte per likert question), and the triggers that keep them honest.

A recompute reads every likert answer of every response; taking 100,000 JSON documents apart in
the database cost more than all the rest of the read (bench/README.md, issue 18). So each writer
also stores ``responses.likert``: a flag byte, then one signed byte per likert question of the
questionnaire's (frozen) definition, in definition order. The JSON in ``answers`` stays the
record; ``likert`` is a copy the reader may trust only while it is there: a row without it (an
answer that does not fit a byte, a writer that left it out, an ``answers`` changed afterwards) is
read from the JSON as before. Nothing in it is new information about the respondent.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import object_session
from sqlalchemy.orm.util import identity_key

# Flag byte: 1 when the answers hold anything besides the packed likert ones (choices, texts, a
# signature, a null...), so the reader must open the JSON for them; 0 when the bytes are the whole answer.
HAS_OTHER = 1
UNANSWERED = -128  # a likert question left open (scale points are whole numbers from -127 to 127)


def likert_layout(definition: dict, fingerprint: str | None = None) -> list[str]:
    """The keys of a definition's likert questions, in order: the packed bytes' columns.

    Read off the stored definition itself (type name ``likert``, not what a question type
    declares today), so a published questionnaire's layout can never change under its rows.
    ``fingerprint`` names a frozen definition for the cache.
    """
    return _keys(definition, fingerprint)[0]


def question_keys(definition: dict, fingerprint: str | None = None) -> list[str]:
    """The keys of all of a definition's questions."""
    return _keys(definition, fingerprint)[1]


_layouts: dict[str, tuple[list[str], list[str]]] = {}


def _keys(definition: dict, fingerprint: str | None) -> tuple[list[str], list[str]]:
    if fingerprint and fingerprint in _layouts:
        return _layouts[fingerprint]
    questions = [q for section in (definition or {}).get("sections", []) for q in section.get("questions", [])]
    keys = ([q["key"] for q in questions if q.get("type") == "likert"], [q["key"] for q in questions])
    if fingerprint:
        _layouts[fingerprint] = keys
    return keys


def pack(layout: list[str], answers: Any) -> bytes | None:
    """The packed form of ``answers`` under ``layout``; None when an answer does not fit a byte."""
    if not isinstance(answers, dict):
        return None
    out = bytearray(len(layout) + 1)
    for at, key in enumerate(layout, start=1):
        value = answers.get(key)
        if value is None:
            out[at] = UNANSWERED & 0xFF
        elif type(value) is int and -127 <= value <= 127:  # not bool, not "4", not 4.5
            out[at] = value & 0xFF
        else:
            return None
    # Flag 0 only when the bytes say all the JSON says (no other key, no null): the reader then
    # neither opens nor hashes the JSON (its digest takes the bytes instead).
    whole = not (answers.keys() - set(layout)) and None not in answers.values()
    out[0] = 0 if whole else HAS_OTHER
    return bytes(out)


def pack_for(questionnaire: Any, answers: Any) -> bytes | None:
    """:func:`pack` under a loaded questionnaire's layout, for writers that insert with Core (the
    submission): its definition is read only when the layout of its fingerprint is not cached yet."""
    fingerprint = questionnaire.fingerprint
    if fingerprint and fingerprint in _layouts:
        return pack(_layouts[fingerprint][0], answers)
    return pack(likert_layout(questionnaire.definition, fingerprint), answers)


def _fill_on_insert(mapper, connection, target) -> None:
    """Every ORM insert of a response packs its likert answers (unless the writer already did).

    A submission has its questionnaire loaded already (the session's identity map); otherwise one
    small query for the fingerprint, and the definition only for a layout not cached yet.
    """
    if target.likert is not None or target.answers is None:
        return
    from app.models.questionnaires import Questionnaire

    session = object_session(target)
    loaded = session.identity_map.get(identity_key(Questionnaire, target.questionnaire_id)) if session else None
    if loaded is not None:
        definition, fingerprint = loaded.definition, loaded.fingerprint
    else:
        fingerprint = connection.scalar(
            select(Questionnaire.fingerprint).where(Questionnaire.id == target.questionnaire_id)
        )
        definition = None
        if not fingerprint or fingerprint not in _layouts:
            definition = connection.scalar(
                select(Questionnaire.definition).where(Questionnaire.id == target.questionnaire_id)
            )
    if definition is not None or (fingerprint and fingerprint in _layouts):
        target.likert = pack(likert_layout(definition or {}, fingerprint), target.answers)


# PostgreSQL: the marks follow their response out (release_batches has no foreign key: its
# per-row check was most of a release's write, bench/README.md), and a changed `answers` drops
# its packed copy. One statement-level trigger for a bulk delete, not one per row.
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


def _create_triggers(target, connection, **kw) -> None:
    """The triggers for a schema made by ``create_all`` (tests, benchmarks); migration 0013 makes them otherwise."""
    if "responses" not in target.tables or "release_batches" not in target.tables:
        return
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(PG_TRIGGERS)
    elif connection.dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            connection.exec_driver_sql(statement)


def register(response_class, metadata) -> None:
    event.listen(response_class, "before_insert", _fill_on_insert)
    event.listen(metadata, "after_create", _create_triggers)
