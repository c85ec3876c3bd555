"""Reading a traject's answers for a recompute: COPY streaming, CSV parsing in chunks, one likert matrix per instrument.

Memory is the point of this module (bench/README.md): on PostgreSQL the database takes the answers
apart (``json_to_record``) and streams them as CSV, which is parsed a chunk of rows at a time into
one float32 matrix per instrument (respondents × likert items). The matrices are what a recompute
codes (``analysis.coded.coded_from_matrices``); a long likert frame (one row per answer, small
integer codes) is built only on demand, block by block, for the few readers that want one.
"""

from __future__ import annotations

import ctypes
import hashlib
import io
import json
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from analysis.coded import AnswerMatrix
from app.extensions import db
from app.models import Questionnaire, Response, Traject
from app.models.packed_answers import UNANSWERED, likert_layout, question_keys
from app.services.indicator_fingerprints import digest as digest_of
from app.services.indicator_instruments import (
    RESPONSE_COLUMNS,
    ROLES,
    Instrument,
    instruments,
    items_frame,
    response_filter,
)

# Instruments with at least this many rows are read in two halves on two connections at once.
PARALLEL_READ_MIN_ROWS = 4_000
# Rows parsed (and respondents turned into long rows) at a time: bounds the temporaries.
CHUNK_ROWS = 16_384


@dataclass
class Frames:
    """One traject's answers: likert answers as one matrix per instrument, choices, free text, and item metadata."""

    # Per instrument with likert questions and responses, in the instruments' order; None once
    # coded (compute_raw frees them before the analyses' peak).
    matrices: list[AnswerMatrix] | None
    choices: pd.DataFrame
    texts: pd.DataFrame
    items: pd.DataFrame
    counts: dict
    digest: str | None = None  # of what the read took in, when it knows (PostgreSQL's COPY)
    # Per instrument key: respondent, organisation, role of every response read (who the
    # response counts and rates sum over; see app/services/releases.py).
    people: dict = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)  # every likert key read, in order (the long frame's categories)
    organisations: list[str] = field(default_factory=list)  # the labels of the matrices' organisation codes
    instrument_keys: list[str] = field(default_factory=list)

    @property
    def likert(self) -> pd.DataFrame | None:
        """Every likert answer as one long frame (see :func:`_likert_frame`), built on each call;
        None once the matrices are freed. A recompute never builds it (bench/README.md)."""
        if self.matrices is None:
            return None
        questions = {key: at for at, key in enumerate(self.questions)}
        return _likert_frame(
            [_long_likert(m, questions) for m in self.matrices],
            self.questions,
            self.organisations,
            self.instrument_keys,
        )

    def likert_of(self, questionnaire: str, roles=None, questions=None) -> pd.DataFrame:
        """The long frame's rows of one questionnaire (of ``roles``, to ``questions``), in its order,
        built from that matrix alone (a fresh index; respondent categories of that questionnaire)."""
        if self.matrices is None:  # cannot happen: read before the analyses free them
            raise RuntimeError("read before the analyses free them")
        codes = {key: at for at, key in enumerate(self.questions)}
        parts = []
        for matrix in self.matrices:
            if matrix.questionnaire != questionnaire:
                continue
            rows = None
            if roles is not None:
                rows = np.flatnonzero(np.isin(matrix.role, [ROLES.index(r) for r in roles]))
            columns = None if questions is None else np.flatnonzero(np.isin(matrix.questions, list(questions)))
            parts.append(_long_likert(matrix, codes, rows, columns))
        return _likert_frame(parts, self.questions, self.organisations, self.instrument_keys)

    def answered(self, questionnaire: str | None = None) -> bool:
        """Whether any likert question (of ``questionnaire``) was answered: the long frame is not empty."""
        if self.matrices is None:  # cannot happen: read before the analyses free them
            raise RuntimeError("read before the analyses free them")
        return any(
            _any_answer(m.values) for m in self.matrices if questionnaire is None or m.questionnaire == questionnaire
        )


def _any_answer(matrix: np.ndarray) -> bool:
    """Whether the matrix holds a number, a chunk of rows at a time (usually the first chunk tells)."""
    return any(not np.isnan(matrix[s : s + CHUNK_ROWS]).all() for s in range(0, len(matrix), CHUNK_ROWS))


@dataclass
class Rows:
    """One instrument's rows: who, the likert answers as a matrix, the other answers as lists."""

    ids: list
    orgs: list
    roles: list
    likert: np.ndarray | None  # respondents × likert keys, float32, NaN where unanswered (None once moved)
    other: dict  # choice and text key -> list of values (None when unanswered)
    digest: str | None = None  # sha256 of every row the COPY read, by response id (PostgreSQL only)


def _empty_rows(likert_keys: list[str], other_keys: list[str]) -> Rows:
    return Rows(
        [], [], [], np.empty((0, len(likert_keys)), dtype=np.float32), {k: [] for k in other_keys}, EMPTY_DIGEST
    )


def _read_rows(instrument: Instrument, likert_keys: list[str], other_keys: list[str]) -> Rows:
    """Rows of one instrument.

    On PostgreSQL the rows stream with COPY as CSV, which pandas' C parser reads in chunks: the
    likert answers as their packed bytes (``responses.likert``, app/models/packed_answers.py), the
    choices and texts taken apart by ``json_to_record`` only where a row has any, and the whole
    JSON of a row without packed bytes (parsed here). Elsewhere, or if a stored value does not fit
    its type, rows are read with ``yield_per`` and taken apart in Python.
    """
    if not (likert_keys or other_keys) or not instrument.ids:
        return _empty_rows(likert_keys, other_keys)
    if db.engine.dialect.name == "postgresql":
        read = _ReadPlan.of(instrument, likert_keys, other_keys)
        snapshot, median = _parallel_plan(instrument)
        dbapi = db.engine.dialect.dbapi
        if dbapi is None:  # cannot happen: a PostgreSQL engine has its driver loaded
            raise RuntimeError("a PostgreSQL engine has its driver loaded")
        try:
            if snapshot is not None:  # the halves run on their own connections: no savepoint needed
                if median is None:  # cannot happen: _parallel_plan gives both or neither
                    raise RuntimeError("_parallel_plan gives both or neither")
                return _parse_csv(_copy_halves(instrument, read, snapshot, median), read)
            with db.session.begin_nested():
                return _parse_csv(_copy_rows(instrument, read), read)
        except (DBAPIError, dbapi.Error, Unfit):
            pass  # an answer of an unexpected type: read it the slow, tolerant way
    stmt = (
        select(Response.id, Response.organisation_code, Response.role, Response.answers)
        .where(*response_filter(instrument.ids))
        .execution_options(yield_per=2_000)
    )
    ids, orgs, roles, blocks = [], [], [], []
    other: dict[str, list[Any]] = {k: [] for k in other_keys}
    for partition in db.session.execute(stmt).partitions():
        block = []
        for rid, org, role, answers in partition:
            ids.append(rid)
            orgs.append(org)
            roles.append(role)
            get = answers.get
            block.append([get(k) for k in likert_keys])
            for key in other_keys:
                other[key].append(get(key))
        blocks.append(_numeric_block(block, len(likert_keys)))
    likert = np.concatenate(blocks) if blocks else np.empty((0, len(likert_keys)), dtype=np.float32)
    return Rows(ids, orgs, roles, likert, other, None)


def _numeric_block(rows: list[list], width: int) -> np.ndarray:
    """Answers as float32 (None and anything that is no number become NaN, as before)."""
    try:
        return np.array(rows, dtype=np.float32).reshape(len(rows), width)
    except (TypeError, ValueError):
        frame = pd.DataFrame(rows, dtype=object)
        return frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float32).reshape(len(rows), width)


class Unfit(ValueError):
    """A row the fast read cannot take as stored (read the instrument the tolerant way)."""


EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


@dataclass
class _ReadPlan:
    """What one instrument's COPY selects and how its packed bytes map onto the likert columns."""

    likert_keys: list[str]
    other_keys: list[str]
    # questionnaire id -> (columns of likert_keys, their byte positions in the packed row, row width)
    layouts: dict[int, tuple[np.ndarray, np.ndarray, int]]
    unpacked: list[int]  # questionnaires whose rows are read from their JSON whatever is stored

    @classmethod
    def of(cls, instrument: Instrument, likert_keys: list[str], other_keys: list[str]) -> _ReadPlan:
        rows = db.session.execute(
            select(Questionnaire.id, Questionnaire.definition, Questionnaire.fingerprint).where(
                Questionnaire.id.in_(instrument.ids)
            )
        ).all()
        wanted = {key: at for at, key in enumerate(likert_keys)}
        layouts, unpacked = {}, []
        for qid, definition, fingerprint in rows:
            layout = likert_layout(definition, fingerprint)
            keys = set(question_keys(definition, fingerprint))
            # A key whose type differs between versions (likert here, a choice in the instrument,
            # or the other way round) is read from the JSON, exactly as before the packing.
            if set(layout) & set(other_keys) or (set(likert_keys) - set(layout)) & keys:
                unpacked.append(int(qid))
                continue
            pairs = [(wanted[key], at + 1) for at, key in enumerate(layout) if key in wanted]
            columns = np.array([c for c, _ in pairs], dtype=np.intp)
            positions = np.array([p for _, p in pairs], dtype=np.intp)
            layouts[int(qid)] = (columns, positions, len(layout) + 1)
        return cls(likert_keys, other_keys, layouts, unpacked)

    def unpacked_sql(self) -> str:
        extra = f" OR r.questionnaire_id IN ({','.join(str(i) for i in self.unpacked)})" if self.unpacked else ""
        return f"(r.likert IS NULL{extra})"


def _copy_sql(instrument: Instrument, read: _ReadPlan, where: str = "") -> str:
    # Question keys match surveys.model.KEY_PATTERN (a-z, 0-9, _) and ids are integers from the
    # database, so composing the statement is safe (COPY takes no bind parameters).
    ids_list = ",".join(str(int(i)) for i in instrument.ids)
    unpacked = read.unpacked_sql()
    # Each row's md5 over who it is and its whole answer: the packed bytes when they are all of
    # it, else the stored JSON (see _digest).
    who = "r.id || chr(31) || coalesce(r.organisation_code, '') || chr(31) || r.role || chr(31) || r.questionnaire_id"
    if read.likert_keys:
        # The JSON is opened only for rows without bytes or whose flag byte says it holds more
        # than the bytes: choices, texts (app/models/packed_answers.py).
        opened = f"{unpacked} OR get_byte(r.likert, 0) <> 0"
        parse = f"CASE WHEN {opened} THEN r.answers END"
        columns = (
            f"CASE WHEN {unpacked} THEN NULL ELSE encode(r.likert, 'hex') END, CASE WHEN {unpacked} THEN r.answers END, "
            f"md5({who} || chr(31) || CASE WHEN {opened} THEN r.answers::text ELSE encode(r.likert, 'hex') END)"
        )
    else:
        columns, parse = f"NULL, NULL, md5({who} || chr(31) || r.answers::text)", "r.answers"
    join = ""
    if read.other_keys:
        record = ", ".join(f'"{key}" text' for key in read.other_keys)
        join = f"LEFT JOIN LATERAL json_to_record({parse}) AS x({record}) ON true "
    return (
        f"COPY (SELECT r.id, r.organisation_code, r.role, r.questionnaire_id, {columns}"  # nosec B608 # keys match KEY_PATTERN, ids are ints (see above)
        f"{', x.*' if read.other_keys else ''} FROM responses r {join}"
        f"WHERE r.questionnaire_id IN ({ids_list}) AND r.is_latest{where}) TO STDOUT WITH (FORMAT csv)"
    )


def _copy_into(driver_connection, sql: str, buffer: io.BytesIO) -> None:
    cursor = driver_connection.cursor()
    try:
        with cursor.copy(sql) as copy:
            for chunk in copy:
                buffer.write(chunk)
    finally:
        cursor.close()


def _copy_half(engine, snapshot: str, sql: str) -> bytes:
    """One half of a parallel read, on its own connection, in the exported snapshot."""
    buffer = io.BytesIO()
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        try:
            with raw.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # The snapshot id comes from pg_export_snapshot() (hex digits and dashes).
                cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            _copy_into(raw, sql, buffer)
        finally:
            raw.rollback()
    return buffer.getvalue()


def _parallel_plan(instrument: Instrument) -> tuple[str | None, str | None]:
    """(exported snapshot, median ctid) when the instrument is large enough to read in two halves.

    Runs in the session's own transaction (not in a savepoint: PostgreSQL exports no snapshot
    from a subtransaction); the snapshot stays valid until that transaction ends.
    """
    driver = db.session.connection().connection.driver_connection
    if driver is None:  # cannot happen: an open connection has its driver connection
        raise RuntimeError("an open connection has its driver connection")
    with driver.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY r.ctid)::text "
            "FROM responses r WHERE r.questionnaire_id = ANY(%s) AND r.is_latest",
            ([int(i) for i in instrument.ids],),
        )
        count, median = cursor.fetchone()
        if count < PARALLEL_READ_MIN_ROWS or not median:
            return None, None
        cursor.execute("SELECT pg_export_snapshot()")
        return cursor.fetchone()[0], median


def _copy_rows(instrument: Instrument, read: _ReadPlan) -> io.BytesIO:
    """The CSV of one instrument's rows, read on the session's connection."""
    buffer = io.BytesIO()
    _copy_into(db.session.connection().connection.driver_connection, _copy_sql(instrument, read), buffer)
    return buffer


def _copy_halves(instrument: Instrument, read: _ReadPlan, snapshot: str, median: str) -> io.BytesIO:
    """The same CSV as :func:`_copy_rows`, read in two halves at once.

    The rows are split at their median ctid; each half is read on its own pooled connection in
    its own thread (psycopg releases the GIL while it waits), so PostgreSQL takes the JSON apart
    on two cores. Both connections import the snapshot the session exported, so the halves are
    one consistent view (a revision committed in between cannot show up twice or not at all),
    and the lower half comes first: rows arrive in heap (ctid) order, as the single read's scan
    gives them. The analyses sum in row order, so that order is part of a byte-identical payload.
    """
    engine = db.engine
    buffer = io.BytesIO()
    with ThreadPoolExecutor(max_workers=2) as pool:
        halves = [
            pool.submit(_copy_half, engine, snapshot, _copy_sql(instrument, read, f" AND r.ctid {op} '{median}'::tid"))
            for op in ("<", ">=")
        ]
        for half in halves:
            buffer.write(half.result())
            del half
    return buffer


def _parse_csv(buffer: io.BytesIO, read: _ReadPlan) -> Rows:
    """The CSV of :func:`_copy_sql`, parsed ``CHUNK_ROWS`` rows at a time into :class:`Rows`.

    Raises :class:`Unfit` when a row cannot be taken as stored (the caller reads the tolerant way).
    """
    likert_keys, other_keys = read.likert_keys, read.other_keys
    if not buffer.getbuffer().nbytes:
        return _empty_rows(likert_keys, other_keys)
    buffer.seek(0)
    names = ["_id", "_org", "_role", "_qid", "_likert", "_json", "_row"] + other_keys
    dtypes = {"_id": str, "_org": object, "_role": str, "_qid": np.int64, "_likert": object, "_json": object}
    dtypes["_row"] = object
    dtypes.update({key: object for key in other_keys})
    ids, orgs, roles, blocks = [], [], [], []
    row_hashes: list[str] = []
    other: dict[str, list[Any]] = {k: [] for k in other_keys}
    with pd.read_csv(
        buffer, header=None, names=names, dtype=dtypes, keep_default_na=False, na_values=[""], chunksize=CHUNK_ROWS
    ) as reader:
        for chunk in reader:
            ids += chunk["_id"].tolist()
            orgs += chunk["_org"].where(chunk["_org"].notna(), None).tolist()
            roles += chunk["_role"].tolist()
            blocks.append(_likert_block(chunk, read))
            row_hashes += chunk["_row"].tolist()
            for key in other_keys:
                column = chunk[key]
                other[key] += column.where(column.notna(), None).tolist()
    buffer.close()
    digest = _digest(row_hashes)
    del row_hashes
    return Rows(ids, orgs, roles, np.concatenate(blocks), other, digest)


def _digest(row_hashes: list[str]) -> str:
    """The rows read, as a multiset: the count and the sums (mod 2**64) of the two halves of their md5s.

    Each row's md5 (computed by the database) covers its id, organisation, role, questionnaire and
    whole answer, so any change to a row changes the digest; summed, the order in which the table
    hands the rows out does not (as the md5s sorted by id before 0013), without sorting 100,000
    strings here. This only decides whether a recompute may be skipped; it guards nothing.
    """
    halves = np.frombuffer(bytes.fromhex("".join(row_hashes)), dtype="<u8").reshape(-1, 2)
    sums = halves.sum(axis=0, dtype=np.uint64)  # wraps around: a sum modulo 2**64
    return hashlib.sha256(f"{len(halves)}:{int(sums[0])}:{int(sums[1])}".encode()).hexdigest()


def _likert_block(chunk: pd.DataFrame, read: _ReadPlan) -> np.ndarray:
    """One chunk's likert answers (float32, NaN where unanswered) from the packed bytes or the JSON."""
    block = np.full((len(chunk), len(read.likert_keys)), np.nan, dtype=np.float32)
    if not read.likert_keys:
        return block
    packed = chunk["_likert"].to_numpy(dtype=object)
    has_bytes = chunk["_likert"].notna().to_numpy()
    qids = chunk["_qid"].to_numpy()
    for qid in np.unique(qids[has_bytes]):
        layout = read.layouts.get(int(qid))
        if layout is None:  # bytes of a questionnaire read from its JSON: cannot happen (see _copy_sql)
            raise Unfit(qid)
        columns, positions, width = layout
        at = np.flatnonzero(has_bytes & (qids == qid))
        # Two hex digits a byte (encode(…, 'hex')); all rows of a questionnaire share a width.
        raw = bytes.fromhex("".join(packed[at].tolist()))
        if len(raw) != len(at) * width:
            raise Unfit(qid)
        codes = np.frombuffer(raw, dtype=np.int8).reshape(len(at), width)[:, positions]
        values = codes.astype(np.float32)
        values[codes == UNANSWERED] = np.nan
        block[np.ix_(at, columns)] = values
    texts = chunk["_json"].to_numpy(dtype=object)
    for row in np.flatnonzero(~has_bytes).tolist():
        block[row] = _json_likert(texts[row], read.likert_keys)
    return block


def _json_likert(text: Any, likert_keys: list[str]) -> list[float]:
    """A row without packed bytes: its likert answers from the stored JSON, as ``float8`` took them."""
    answers = json.loads(text) if isinstance(text, str) else None
    if not isinstance(answers, dict):
        raise Unfit("answers")
    values = []
    for key in likert_keys:
        value = answers.get(key)
        if value is None:
            values.append(math.nan)
        elif isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise Unfit(key)
        else:
            try:
                values.append(float(value))
            except ValueError:
                raise Unfit(key) from None
    return values


def _small(codes: np.ndarray, limit: int) -> np.ndarray:
    """``codes`` in the smallest signed integer type that holds ``limit``."""
    for dtype in (np.int8, np.int16, np.int32):
        if limit < np.iinfo(dtype).max:
            return codes.astype(dtype, copy=False)
    return codes.astype(np.int64, copy=False)


def _long_likert(
    matrix: AnswerMatrix, question_codes: dict, rows: np.ndarray | None = None, columns: np.ndarray | None = None
) -> dict:
    """The answered cells of the matrix (of ``rows``, in ``columns``) as long columns, respondent by
    respondent, items in matrix order.

    The columns are allocated once at their final length and filled block by block (no list of
    parts and concatenated copy); values stay float32, as read (exact for every stored number
    the float32 matrix holds), at 4 bytes an answer instead of 8.
    """
    values = matrix.values
    q_codes = _small(np.array([question_codes[k] for k in matrix.questions], dtype=np.int32), 1 << 15)
    n = len(values) if rows is None else len(rows)

    def block(start: int) -> np.ndarray:
        part = values[start : start + CHUNK_ROWS] if rows is None else values[rows[start : start + CHUNK_ROWS]]
        return part if columns is None else part[:, columns]

    total = sum(int(np.count_nonzero(~np.isnan(block(s)))) for s in range(0, n, CHUNK_ROWS))
    person = np.empty(total, dtype=np.int32)
    question = np.empty(total, dtype=q_codes.dtype)
    value = np.empty(total, dtype=np.float32)
    at_answer = 0
    for start in range(0, n, CHUNK_ROWS):
        cells = block(start)
        at, item = np.nonzero(~np.isnan(cells))
        stop = at_answer + len(at)
        value[at_answer:stop] = cells[at, item]
        question[at_answer:stop] = q_codes[item if columns is None else columns[item]]
        person[at_answer:stop] = at + start if rows is None else rows[at + start]
        at_answer = stop
        del at, item, cells
    return {
        "ids": matrix.respondents,
        "person": person,
        "question": question,
        "value": value,
        "organisation": matrix.organisation[person],
        "role": matrix.role[person],
        "questionnaire": matrix.questionnaire,
    }


def read_frames(traject: Traject, groups: dict[str, Instrument] | None = None) -> Frames:
    """All latest responses of the traject's questionnaires as long frames (the hot path)."""
    bound_heap()
    groups = instruments(traject) if groups is None else groups
    items = items_frame(groups)
    matrices: list[AnswerMatrix] = []
    choice_parts: list[pd.DataFrame] = []
    text_parts: list[pd.DataFrame] = []
    counts: dict[str, Any] = {"responses": 0, "by_questionnaire": {}}
    hashes: list[tuple[str, str]] | None = []
    question_codes: dict[str, int] = {}
    org_codes: dict[str, int] = {}  # organisations in order of first appearance (None has no code)
    people: dict[str, pd.DataFrame] = {}
    for instrument in groups.values():
        likert_keys = instrument.keys_of("likert")
        choice_keys = instrument.keys_of("choice")
        text_keys = instrument.keys_of("text")
        other_keys = choice_keys + text_keys
        if not likert_keys and not other_keys:
            other_keys = ["_none"]
        rows = _read_rows(instrument, likert_keys, other_keys)
        if rows.digest is None or hashes is None:
            hashes = None
        else:
            hashes.append((instrument.key, rows.digest))
        n = len(rows.ids)
        people[instrument.key] = pd.DataFrame({"respondent": rows.ids, "organisation": rows.orgs, "role": rows.roles})
        counts["by_questionnaire"][instrument.key] = n
        counts["responses"] += n
        if n == 0:
            continue
        ids_arr = np.asarray(rows.ids, dtype=object)
        org_arr = np.asarray(rows.orgs, dtype=object)
        role_arr = np.asarray(rows.roles, dtype=object)
        if likert_keys:
            role_codes = pd.Index(ROLES).get_indexer(pd.Index(role_arr))
            if (role_codes < 0).any():
                raise ValueError(f"onbekende rol in de antwoorden: {role_arr[role_codes < 0][0]!r}")
            org_index = np.array(
                [-1 if o is None else org_codes.setdefault(o, len(org_codes)) for o in rows.orgs], dtype=np.int32
            )
            for k in likert_keys:
                question_codes.setdefault(k, len(question_codes))
            if rows.likert is None:  # cannot happen: a fresh read holds its matrix
                raise RuntimeError("a fresh read holds its matrix")
            matrices.append(
                AnswerMatrix(
                    instrument.key,
                    likert_keys,
                    rows.likert,
                    ids_arr,
                    _small(org_index, len(org_codes) + 1),
                    role_codes.astype(np.int8),
                )
            )
        rows.likert = None  # the matrix is the instrument's AnswerMatrix now
        for keys, parts in ((choice_keys, choice_parts), (text_keys, text_parts)):
            for key in keys:
                values = np.asarray(rows.other[key], dtype=object)
                keep = np.array([v is not None and v != "" for v in values], dtype=bool)
                if keep.any():
                    parts.append(
                        pd.DataFrame(
                            {
                                "respondent": ids_arr[keep],
                                "question": key,
                                "value": values[keep],
                                "organisation": org_arr[keep],
                                "role": role_arr[keep],
                                "questionnaire": instrument.key,
                            }
                        )
                    )
    choices = pd.concat(choice_parts, ignore_index=True) if choice_parts else pd.DataFrame(columns=RESPONSE_COLUMNS)
    texts = (
        pd.concat(text_parts, ignore_index=True).rename(columns={"value": "text"})
        if text_parts
        else pd.DataFrame(columns=["respondent", "question", "text", "organisation", "role", "questionnaire"])
    )
    return Frames(
        matrices=matrices,
        choices=choices,
        texts=texts,
        items=items,
        counts=counts,
        digest=digest_of(hashes) if hashes is not None else None,
        people=people,
        questions=list(question_codes),
        organisations=list(org_codes),
        instrument_keys=[g.key for g in groups.values()],
    )


def _joined(parts: list[dict], name: str) -> np.ndarray:
    return parts[0][name] if len(parts) == 1 else np.concatenate([p[name] for p in parts])


def _likert_frame(
    parts: list[dict], questions: list[str], organisations: list[str], instrument_keys: list[str]
) -> pd.DataFrame:
    """Concatenate the likert parts; key columns become categoricals built from codes (cheap to group)."""
    if not parts:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in RESPONSE_COLUMNS})
        frame["value"] = frame["value"].astype(float)
        return frame
    offsets = np.cumsum([0] + [len(p["ids"]) for p in parts])
    respondent = (
        parts[0]["person"]
        if len(parts) == 1
        else np.concatenate([p["person"] + np.int32(offset) for p, offset in zip(parts, offsets)])
    )
    respondents = _joined(parts, "ids")
    questionnaire = np.concatenate(
        [np.full(len(p["person"]), instrument_keys.index(p["questionnaire"]), dtype=np.int8) for p in parts]
    )
    return pd.DataFrame(
        {
            # Response ids are unique across questionnaires, so each respondent code is one response.
            # dtype= is what from_codes builds from categories= (pandas-stubs types only the dtype form).
            # The ids wrapped in a Series (no copy) infer their dtype as the bare array would (int or str).
            "respondent": pd.Categorical.from_codes(
                respondent, dtype=pd.CategoricalDtype(pd.Series(respondents, copy=False))
            ),
            "question": pd.Categorical.from_codes(_joined(parts, "question"), dtype=pd.CategoricalDtype(questions)),
            "value": _joined(parts, "value"),
            "organisation": pd.Categorical.from_codes(
                _joined(parts, "organisation"), dtype=pd.CategoricalDtype(organisations)
            ),
            "role": pd.Categorical.from_codes(_joined(parts, "role"), dtype=pd.CategoricalDtype(list(ROLES))),
            "questionnaire": pd.Categorical.from_codes(questionnaire, dtype=pd.CategoricalDtype(instrument_keys)),
        },
        copy=False,
    )


# glibc's mmap threshold: allocations from this size up get pages of their own, handed back to the
# system when freed. By default the threshold climbs to the size of every large block freed (up
# to 32 MB), after which the answer-sized arrays of a recompute land on the heap, and a heap
# with a live array above its freed ones cannot shrink: at 100,000 respondents that slack was
# about 120 MB of the peak (bench/README.md). Fixed at 1 MiB the peak follows what is alive.
MMAP_THRESHOLD = 1 << 20
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def bound_heap() -> None:
    """Fix glibc's mmap threshold at :data:`MMAP_THRESHOLD` for this process (a no-op without glibc)."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):
        pass


def release_free_memory() -> None:
    """Hand memory freed by the parse back to the system (glibc keeps it otherwise, and the
    analyses' peak would come on top of it); a no-op where there is no glibc."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The same frame with object columns instead of categoricals and float64 values (for the
    pandas-groupby analyses, which then sum as they always did; the long frame holds float32)."""
    plain = {
        c: frame[c].astype(object).where(frame[c].notna(), None)
        for c in frame.columns
        if isinstance(frame[c].dtype, pd.CategoricalDtype)
    }
    if "value" in frame.columns and frame["value"].dtype == np.float32:
        plain["value"] = frame["value"].astype(np.float64)
    return frame.assign(**plain)


def build_inputs(traject: Traject) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(responses, items) of a traject in the analysis package's long format.

    responses: ``respondent`` (response id), ``question``, ``value`` (likert as a number, single
    choice as its option value), ``organisation``, ``role``, ``questionnaire`` (template key);
    only the latest revision of identified responses; all versions of a template together, by
    question key. items: ``question``, ``construct``, ``reverse``, ``min``, ``max``, ``domain``,
    ``questionnaire``, ``partner``. Free text is left out (see :func:`read_frames`).
    """
    frames = read_frames(traject)
    long = frames.likert  # built on each access: once here
    if long is None:  # cannot happen: a fresh read holds its likert answers
        raise RuntimeError("a fresh read holds its likert answers")
    likert = plain_columns(long)
    responses = (
        pd.concat([likert.astype({"value": object}), frames.choices], ignore_index=True)
        if len(frames.choices)
        else likert
    )
    return responses[RESPONSE_COLUMNS], frames.items
