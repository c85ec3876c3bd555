"""Released free-text answers in their own table: written in the release's transaction, read a page at a time.

A release's payload holds per anonymous instrument only a digest of its comments
(``payload["comments_released"][key] = {"count", "sha256"}``): every comparison of payloads
(`releases.same_payload`, frozen advice versions, their fingerprints) still sees a changed comment
as a change, while no page decodes 200,000 texts to show fifty. The rows keep the order the
payload's list had (per instrument in the release's instrument order; within one, sorted by
question, school, role and text), never the order of submission.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy import delete, func, insert, literal, select

from app.extensions import db
from app.models import IndicatorSnapshot, ReleasedComment
from app.services.comment_words import domain_of, normalise

FIELDS = ("questionnaire", "question", "organisation", "role", "text")
COLUMNS = FIELDS + ("form", "normalised", "domain", "group_size")
GROUP = slice(0, 4)  # questionnaire, question, organisation, role


@dataclass
class Part:
    """One instrument's comments in a release: fresh rows, or the previous release's rows carried."""

    key: str
    rows: list | None = None  # fresh: the table's columns (COLUMNS) per row, in order
    carried: int = 0  # carried: how many rows the previous release held for the instrument


def derived(rows: Iterable[dict]) -> list[tuple]:
    """The table's columns of payload-shaped rows; the derived ones come from the text alone, and
    the group size from these rows (an instrument's rows are always written together)."""
    return released(rows)[0]


def released(rows: Iterable[dict]) -> tuple[list[tuple], dict]:
    """The table's columns (COLUMNS) of payload-shaped rows and their digest, in one pass.

    Equal rows (same instrument, question, group and text: at 100,000 respondents most are) are
    one tuple, built, classified and encoded for the digest once; the rows' order is the input's.
    """
    rows = rows if isinstance(rows, list) else list(rows)
    try:
        fields = list(map(_FIELDS_OF, rows))
    except KeyError:  # a row without some field: None there, as row.get gave
        fields = [tuple(row.get(f) for f in FIELDS) for row in rows]
    sizes = Counter(map(_GROUP_OF, filter(_TEXT_OF, fields)))
    words: dict = {}

    def make(f: tuple) -> tuple[tuple, bytes]:
        text = f[4]
        found = words.get(text)
        if found is None:  # many answers repeat: normalise and classify each text once
            norm = normalise(text or "")
            found = words[text] = ((text or "").strip(), norm, domain_of(norm))
        row = f + found + (sizes.get(f[GROUP], 0) if text else 0,)
        return row, _line(row)

    made = list(map(_Cache(make).__getitem__, fields))
    out = list(map(_FIRST, made))
    return out, {"count": len(out), "sha256": hashlib.sha256(b"".join(map(_SECOND, made))).hexdigest()}


def digest(rows: Iterable[tuple]) -> dict:
    """Count and SHA-256 of rows (COLUMNS) in order: equal exactly when the rows, their order and
    their domains are (a changed word list changes what the page shows, so it is a change too)."""
    lines = [_line(row) for row in rows]
    return {"count": len(lines), "sha256": hashlib.sha256(b"".join(lines)).hexdigest()}


_DOMAIN = len(FIELDS) + 2
_FIELDS_OF = itemgetter(*FIELDS)
_GROUP_OF = itemgetter(0, 1, 2, 3)  # FIELDS[GROUP] of a fields tuple
_TEXT_OF = itemgetter(4)
_FIRST, _SECOND = itemgetter(0), itemgetter(1)


def _line(row: tuple) -> bytes:
    """A row's part of the digest: the fields and the domain joined by 0x1F, the row closed by 0x1E;
    None is 0x00, unlike "". SHA-256 over the lines joined is SHA-256 fed line by line, as before."""
    fields = row[: len(FIELDS)] + (row[_DOMAIN],)
    try:
        return ("\x1f".join(fields) + "\x1e").encode()
    except TypeError:  # a None (or a non-text) among them
        return "\x1f".join("\x00" if v is None else str(v) for v in fields).encode() + b"\x1e"


class _Cache(dict):
    """A dict that makes a missing value with `make(key)` and keeps it."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key)
        return value


def store(snapshot_id: int, parts: list[Part], previous_id: int | None) -> int:
    """Write a release's comment rows (in its transaction): fresh ones in bulk, carried ones copied
    from the previous release's rows in SQL. Positions run on over the parts, so the order is the
    payload's order of before. Returns the number of rows."""
    position = 0
    for part in parts:
        if part.rows is not None:
            _insert(snapshot_id, position, part.rows)
            position += len(part.rows)
        elif part.carried and previous_id is not None:
            _copy(snapshot_id, position, previous_id, part.key)
            position += part.carried
    return position


def _insert(snapshot_id: int, start: int, rows: list[tuple]) -> None:
    if not rows:
        return
    if db.engine.dialect.name == "postgresql":
        driver = db.session.connection().connection.driver_connection
        if driver is None:  # a live connection inside the release's transaction is a must
            raise RuntimeError("geen databaseverbinding voor COPY van vrijgegeven opmerkingen")
        cursor = driver.cursor()
        columns = ", ".join(("snapshot_id", "position") + COLUMNS)
        try:
            with cursor.copy(f"COPY released_comments ({columns}) FROM STDIN") as copy:
                # psycopg's write_row (its C build) over the rows: hand-written COPY text, escaped
                # in Python, took twice its CPU at 195,000 distinct texts (issue 18, measured).
                for i, row in enumerate(rows, start):
                    copy.write_row((snapshot_id, i) + row)
        finally:
            cursor.close()
        return
    db.session.execute(
        insert(ReleasedComment),
        [
            dict(zip(("snapshot_id", "position") + COLUMNS, (snapshot_id, start + i) + row, strict=True))
            for i, row in enumerate(rows)
        ],
    )


def _copy(snapshot_id: int, start: int, previous_id: int, key: str) -> None:
    """INSERT … SELECT of one instrument's rows of the previous release, renumbered from `start`."""
    t = ReleasedComment.__table__
    first = (
        select(func.min(t.c.position)).where(t.c.snapshot_id == previous_id, t.c.questionnaire == key)
    ).scalar_subquery()
    rows = select(
        literal(snapshot_id),
        t.c.position - first + start,
        *[t.c[c] for c in COLUMNS],
    ).where(t.c.snapshot_id == previous_id, t.c.questionnaire == key)
    db.session.execute(t.insert().from_select(["snapshot_id", "position", *COLUMNS], rows))


def clear_before(traject_id: int, number: int) -> None:
    """Delete the rows of a traject's releases before `number` (their payloads are emptied too)."""
    older = select(IndicatorSnapshot.id).where(
        IndicatorSnapshot.traject_id == traject_id, IndicatorSnapshot.number < number
    )
    db.session.execute(
        delete(ReleasedComment)
        .where(ReleasedComment.snapshot_id.in_(older))
        .execution_options(synchronize_session=False)
    )


def erase(traject_id: int) -> int:
    """Delete every released comment of a traject (erasure: the texts are raw answers). Returns the count."""
    ids = select(IndicatorSnapshot.id).where(IndicatorSnapshot.traject_id == traject_id)
    result = db.session.execute(
        delete(ReleasedComment).where(ReleasedComment.snapshot_id.in_(ids)).execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def rows_of(snapshot_id: int) -> list[dict]:
    """Every row of a release, payload-shaped and in order (tests, the migration's way back)."""
    t = ReleasedComment.__table__
    result = db.session.execute(
        select(*[t.c[f] for f in FIELDS]).where(t.c.snapshot_id == snapshot_id).order_by(t.c.position)
    )
    return [dict(zip(FIELDS, r, strict=True)) for r in result]
