"""The responses CSV as a generator: streamed in chunks, safe for anonymous questionnaires.

Columns: `response_id, organisation, role, submitted_on`, then one column per question key in
definition order. Values: lists joined with `|`, booleans `ja`/`nee`, numbers with a decimal
point, unanswered empty; a text answer that starts with `= + - @` gets a leading `'` so a
spreadsheet never runs it as a formula.

For an anonymous questionnaire the export exists only after closing, once the latest release
holds every response (two downloads while it is open would differ by the newest rows); rows are
ordered by the random response id (not by submission), and the labels follow the release's shown
groups (analysis.disclosure.csv_labels): every combination of labels rows carry holds 0 or at
least the threshold, and no shown group's n minus its labelled rows is a small group; text
answers of a label combination below the comment threshold are left out.
Identified questionnaires (ICT-foto, board statements) export the latest revision per participant,
by organisation; they hold no names or e-mail addresses either.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import func, select

from analysis import disclosure
from app.extensions import db
from app.models import Questionnaire, Response, Traject
from app.services import releases
from app.services.cells import formula_like, safe_csv
from app.services.indicators import latest_snapshot
from app.services.responses import definition, questionnaire_state

FIXED_COLUMNS = ["response_id", "organisation", "role", "submitted_on"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN = (int, str, type(None))  # written unchanged by csv.writer; bool is its own type
# Rows fetched (and CSV text yielded) at a time. A row's decoded answers take about 6 KB (a dict
# of 60 answers, its keys decoded anew for every row), so the batch is most of the worker's peak:
# 1,000 rows raised a gunicorn worker by 10-18 MB, 200 rows by about 3 MB (issue 18). Smaller
# batches only add round trips (500 at 100,000 rows) and 50 KB pieces are still large writes.
CHUNK_ROWS = 200


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
    columns = select(
        Response.id, Response.organisation_code, Response.role, Response.submitted_on, Response.answers
    ).where(Response.questionnaire_id == questionnaire.id)
    if questionnaire.anonymous:
        return columns.where(Response.participant_id.is_(None)).order_by(Response.id)
    return columns.where(Response.is_latest.is_(True)).order_by(Response.organisation_code, Response.role, Response.id)


class ExportRefused(Exception):
    """The CSV of an anonymous questionnaire cannot be given now (the message says why, in Dutch)."""


def _instrument_key(questionnaire: Questionnaire) -> str:
    return questionnaire.template_key or questionnaire.key


def labels_for(questionnaire: Questionnaire, traject: Traject) -> tuple[dict, set]:
    """(labels per (organisation, role) cell, cells without text) for the export.

    Identified questionnaires keep every label. For an anonymous one the export exists only
    once the questionnaire has closed and the latest release holds all of its responses; the
    labels follow that release's shown groups (analysis.disclosure.csv_labels), so the CSV
    neither shows a small group nor narrows one down beside the indicators.
    """
    if not questionnaire.anonymous:
        return {}, set()
    if questionnaire_state(questionnaire) != "closed":
        raise ExportRefused(
            "De antwoorden van een anonieme vragenlijst zijn pas na het sluiten te downloaden: "
            "een tussentijdse download zou met een latere te vergelijken zijn."
        )
    counts = {
        (org, role): n
        for org, role, n in db.session.execute(
            select(Response.organisation_code, Response.role, func.count())
            .where(Response.questionnaire_id == questionnaire.id, Response.participant_id.is_(None))
            .group_by(Response.organisation_code, Response.role)
        )
    }
    if not counts:
        return {}, set()  # a header only: nothing to protect
    release = latest_snapshot(traject, payload=False)  # the disclosure state only, not the figures
    shown_counts = releases.released_counts(release, _instrument_key(questionnaire))
    hidden = releases.hidden_groups_of(release, _instrument_key(questionnaire))
    unreleased = db.session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.questionnaire_id == questionnaire.id, ~releases.released())
    )
    if shown_counts is None or hidden is None or unreleased:
        raise ExportRefused("De laatste antwoorden zijn nog niet vrijgegeven; probeer het na de herberekening opnieuw.")
    shown = {cell: n for cell, n in shown_counts.items() if cell not in hidden}
    try:
        labels = disclosure.csv_labels(
            counts, shown, traject.anonymity_threshold, early=releases.early_cells([questionnaire.id])
        )
    except ValueError:
        raise ExportRefused("Te weinig antwoorden om ze zonder herleidbaarheid te exporteren.") from None
    classes: dict = defaultdict(int)
    for cell, n in counts.items():
        show_org, show_role = labels.get(cell, (False, False))
        classes[(cell[0] if show_org else None, cell[1] if show_role else None)] += n
    no_text = set()
    for cell, (show_org, show_role) in labels.items():
        key = (cell[0] if show_org else None, cell[1] if show_role else None)
        # Text needs the comment threshold both in its own group (as on the pages) and among
        # the rows that carry the same labels.
        if classes[key] < traject.comment_threshold or counts[cell] < traject.comment_threshold:
            no_text.add(cell)
    return labels, no_text


def generate(
    questionnaire_id: int, chunk_size: int = CHUNK_ROWS, labels: tuple[dict, set] | None = None
) -> Iterator[str]:
    """Yield the CSV text in pieces; reads rows `chunk_size` at a time, so memory stays flat."""
    questionnaire = db.session.get(Questionnaire, questionnaire_id)
    defn = definition(questionnaire)
    questions = defn.questions()
    keys = [q.key for q in questions]
    text_positions = [i for i, q in enumerate(questions) if q.question_type.free_text]
    # Option values of a custom questionnaire could look like a formula: quote those columns too.
    risky_positions = [
        i
        for i, q in enumerate(questions)
        if i not in text_positions
        and any(formula_like(str(o.get("value") if isinstance(o, dict) else o)) for o in (q.options or []))
    ]
    # The caller checked the export with labels_for before the response started; reuse its answer.
    labels, no_text = labels if labels is not None else labels_for(questionnaire, questionnaire.traject)

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
        show_org, show_role = labels.get(group, (True, True)) if labels else (True, True)
        cells = [response_id, (org or "") if show_org else "", role if show_role else "", submitted_on.isoformat()]
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
