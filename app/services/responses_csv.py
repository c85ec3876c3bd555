"""The responses CSV as a generator: streamed in chunks, safe for anonymous questionnaires.

Columns: `response_id, organisation, role, submitted_on`, then one column per question key in
definition order. Values: lists joined with `|`, booleans `ja`/`nee`, numbers with a decimal
point, unanswered empty; a text answer that starts with `= + - @` gets a leading `'` so a
spreadsheet never runs it as a formula.

For an anonymous questionnaire rows are ordered by the random response id (not by submission),
and groups are protected with the traject's thresholds:
- the `organisation` of an (organisation, role) group with fewer responses than the anonymity
  threshold is left empty; when that would leave just one organisation empty for a role, or empty
  cells fewer than the threshold, the next smallest organisations are emptied too, so a hidden
  group cannot be worked out from the visible ones;
- the `role` of a role with fewer responses than the threshold (over all organisations) is empty;
- text answers of an (organisation, role) group below the comment threshold are left out.
Identified questionnaires (ICT-foto, board statements) export the latest revision per participant,
by organisation; they hold no names or e-mail addresses either.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Iterator

from sqlalchemy import func, select

from app.extensions import db
from app.models import Questionnaire, Response, Traject
from app.services.responses import definition
from app.results.cells import formula_like, safe_csv

FIXED_COLUMNS = ["response_id", "organisation", "role", "submitted_on"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN = (int, str, type(None))  # written unchanged by csv.writer; bool is its own type


def format_value(value, *, text: bool = False) -> str:
    """One answer as a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    value = str(value)
    if text and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _rows_query(questionnaire: Questionnaire):
    columns = select(Response.id, Response.organisation_code, Response.role, Response.submitted_on,
                     Response.answers).where(Response.questionnaire_id == questionnaire.id)
    if questionnaire.anonymous:
        return columns.where(Response.participant_id.is_(None)).order_by(Response.id)
    return columns.where(Response.is_latest.is_(True)).order_by(
        Response.organisation_code, Response.role, Response.id)


def suppression(questionnaire: Questionnaire, traject: Traject) -> tuple[set, set, set]:
    """(hidden organisation cells as (org, role), hidden roles, groups without text) for an
    anonymous questionnaire; three empty sets for an identified one."""
    if not questionnaire.anonymous:
        return set(), set(), set()
    counts: dict[tuple[str | None, str], int] = {
        (org, role): n for org, role, n in db.session.execute(
            select(Response.organisation_code, Response.role, func.count())
            .where(Response.questionnaire_id == questionnaire.id, Response.participant_id.is_(None))
            .group_by(Response.organisation_code, Response.role))}
    threshold = traject.anonymity_threshold
    hidden: set[tuple[str | None, str]] = set()
    by_role: dict[str, dict[str | None, int]] = defaultdict(dict)
    for (org, role), n in counts.items():
        by_role[role][org] = n
    role_totals = {role: sum(orgs.values()) for role, orgs in by_role.items()}
    for role, orgs in by_role.items():
        hidden |= {(org, role) for org in _complement(orgs, threshold)}
    hidden_roles = _complement(role_totals, threshold)
    no_text = {group for group, n in counts.items() if n < traject.comment_threshold}
    return hidden, hidden_roles, no_text


def _complement(counts: dict, threshold: int) -> set:
    """The cells to hide: those below the threshold, plus the next smallest ones while a single
    hidden cell, or hidden cells that together are still a small group, would point straight at
    who they are (complementary suppression)."""
    small = {key for key, n in counts.items() if n < threshold}
    while small and len(small) < len(counts) and (
            len(small) == 1 or sum(counts[k] for k in small) < threshold):
        small.add(min((k for k in counts if k not in small), key=lambda k: (counts[k], str(k))))
    return small


def generate(questionnaire_id: int, chunk_size: int = 1000) -> Iterator[str]:
    """Yield the CSV text in pieces; reads rows `chunk_size` at a time, so memory stays flat."""
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    defn = definition(questionnaire)
    questions = defn.questions()
    keys = [q.key for q in questions]
    text_positions = [i for i, q in enumerate(questions) if q.type == "text"]
    # Option values of a custom questionnaire could look like a formula: quote those columns too.
    risky_positions = [i for i, q in enumerate(questions) if i not in text_positions and any(
        formula_like(str(o.get("value") if isinstance(o, dict) else o)) for o in (q.options or []))]
    hidden, hidden_roles, no_text = suppression(questionnaire, questionnaire.traject)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        chunk = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return chunk

    writer.writerow(FIXED_COLUMNS + keys)
    yield flush()
    result = db.session.execute(_rows_query(questionnaire).execution_options(yield_per=chunk_size))
    written = 0
    for response_id, org, role, submitted_on, answers in result:
        group = (org, role)
        answers = answers or {}
        drop_text = group in no_text
        cells = [response_id,
                 "" if group in hidden else (org or ""),
                 "" if role in hidden_roles else role,
                 submitted_on.isoformat()]
        values = [answers.get(key) for key in keys]
        # The hot path of large exports: ints, option strings and None are written by the csv
        # module as they are; only lists, booleans and floats need format_value.
        if not all(type(value) in _PLAIN for value in values):
            values = [value if type(value) in _PLAIN else format_value(value) for value in values]
        for i in text_positions:
            values[i] = "" if drop_text else format_value(answers.get(keys[i]), text=True)
        for i in risky_positions:
            values[i] = safe_csv(format_value(answers.get(keys[i])))
        cells.extend(values)
        writer.writerow(cells)
        written += 1
        if written % chunk_size == 0:
            yield flush()
    result.close()
    tail = flush()
    if tail:
        yield tail
