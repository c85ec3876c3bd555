"""Indicator snapshots: a traject's responses read into frames, the analysis run over them, the result stored.

The flow (docs/worker.md): a submission sets ``Traject.indicators_stale`` in its own transaction
(the outbox flag) and enqueues a recompute; the worker calls :func:`run_recompute`, which takes a
per-traject lock, merges other queued recompute jobs, and calls :func:`compute_snapshot`. That
writes an :class:`IndicatorSnapshot` and clears the stale flag in one transaction, unless a new
submission arrived while it ran. A snapshot whose inputs and code are unchanged is not written again.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from datetime import time as dt_time
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from sqlalchemy import Text, cast, func, select, text, update
from sqlalchemy.exc import DBAPIError

import analysis
from analysis import disclosure
from analysis.board import COMMIT_FORMS
from analysis.motives import board_motives
from app.extensions import db
from app.models import IndicatorSnapshot, Job, Organisation, Participant, Questionnaire, Response, Traject
from app.services import releases
from surveys.model import Questionnaire as Definition
from surveys.types.likert import scale_bounds

STAFF = "ict_staff"
BOARD = "board_commitment"
MOTIVES = "motives"
FOTO = "ict_foto"
STAFF_ROLES = ("ict_staff", "ict_lead")
ROLES = ("ict_staff", "ict_lead", "board", "staff", "pupil")
RESPONSE_COLUMNS = ["respondent", "question", "value", "organisation", "role", "questionnaire"]
ITEM_COLUMNS = ["question", "construct", "reverse", "min", "max", "domain", "questionnaire", "partner"]
TEXT_CONSTRUCT = "open_text"
RECOMPUTE_KIND = "recompute"
MERGED_MESSAGE = "samengevoegd"
# Namespace of the PostgreSQL advisory lock (first key); the traject id is the second key.
LOCK_NAMESPACE = 7_301
ROOT = Path(__file__).resolve().parents[2]

Progress = Callable[[float, str], None]


class TrajectBusy(RuntimeError):
    """Another worker is computing this traject right now; try again shortly."""


# -- instruments --------------------------------------------------------------------------------

@dataclass
class Instrument:
    """All versions of one template (or questionnaire key) in a traject, mapped by question key."""

    key: str
    ids: list[int] = field(default_factory=list)
    anonymous: bool = True
    fingerprints: list[str] = field(default_factory=list)
    questions: dict = field(default_factory=dict)  # key -> surveys Question, newest version wins

    def keys_of(self, kind: str) -> list[str]:
        if kind == "likert":
            return [k for k, q in self.questions.items() if q.type == "likert" and q.construct]
        if kind == "choice":
            return [k for k, q in self.questions.items() if q.type == "single_choice" and q.construct]
        if kind == "text":
            return [k for k, q in self.questions.items() if q.type == "text" and q.construct == TEXT_CONSTRUCT]
        raise ValueError(kind)


def instruments(traject: Traject) -> dict[str, Instrument]:
    """The traject's questionnaires grouped by template key, oldest version first."""
    rows = db.session.execute(
        select(Questionnaire.id, Questionnaire.template_key, Questionnaire.key, Questionnaire.anonymous,
               Questionnaire.definition, Questionnaire.fingerprint)
        .where(Questionnaire.traject_id == traject.id)
        .order_by(Questionnaire.version, Questionnaire.id)).all()
    result: dict[str, Instrument] = {}
    for qid, template_key, key, anonymous, definition, fingerprint in rows:
        name = template_key or key
        instrument = result.setdefault(name, Instrument(key=name))
        instrument.ids.append(qid)
        instrument.anonymous = bool(anonymous)
        instrument.fingerprints.append(fingerprint or "")
        for question in Definition.from_dict(definition).questions():
            instrument.questions[question.key] = question
    return result


def items_frame(groups: dict[str, Instrument]) -> pd.DataFrame:
    """Item metadata of the likert and single-choice items that belong to a construct."""
    rows = []
    for instrument in groups.values():
        for key, q in instrument.questions.items():
            if not q.construct or q.type not in ("likert", "single_choice"):
                continue
            low, high = scale_bounds(q) if q.type == "likert" else (math.nan, math.nan)
            rows.append({"question": key, "construct": q.construct, "reverse": bool(q.reverse),
                         "min": float(low), "max": float(high), "domain": q.domain,
                         "questionnaire": instrument.key, "partner": q.partner})
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


# -- reading ------------------------------------------------------------------------------------

def _response_filter(ids: list[int]):
    return (Response.questionnaire_id.in_(ids), Response.is_latest.is_(True))


@dataclass
class Frames:
    """One traject's answers: likert answers as numbers, choices, free text, and item metadata."""

    likert: pd.DataFrame
    choices: pd.DataFrame
    texts: pd.DataFrame
    items: pd.DataFrame
    counts: dict
    digest: str | None = None  # answers_digest, when the read produced it on the way
    # Per instrument key: respondent, organisation, role of every response read (who the
    # response counts and rates sum over; see app/services/releases.py).
    people: dict = field(default_factory=dict)


def _read_columns(instrument: Instrument, columns: list[tuple[str, str]]):
    """Rows of one instrument as (ids, organisations, roles, {key: values}, answer hashes or None).

    On PostgreSQL the database takes the answers apart with ``json_to_record`` (one parse per row,
    in C) and streams them with COPY as CSV, which pandas' C parser reads; elsewhere, or if a
    stored value does not fit its type, rows are read with ``yield_per`` and taken apart in Python.
    """
    if not columns or not instrument.ids:
        return [], [], [], {key: [] for key, _ in columns}, []
    if db.engine.dialect.name == "postgresql":
        snapshot, median = _parallel_plan(instrument)
        try:
            if snapshot is not None:  # the halves run on their own connections: no savepoint needed
                return _parse_csv(_copy_halves(instrument, columns, snapshot, median), columns)
            with db.session.begin_nested():
                return _parse_csv(_copy_rows(instrument, columns), columns)
        except (DBAPIError, db.engine.dialect.dbapi.Error):
            pass  # an answer of an unexpected type: read it the slow, tolerant way
    stmt = (select(Response.id, Response.organisation_code, Response.role, Response.answers)
            .where(*_response_filter(instrument.ids)).execution_options(yield_per=2_000))
    ids, orgs, roles, values = [], [], [], []
    keys = [key for key, _ in columns]
    for partition in db.session.execute(stmt).partitions():
        for rid, org, role, answers in partition:
            ids.append(rid)
            orgs.append(org)
            roles.append(role)
            get = answers.get
            values.append([get(k) for k in keys])
    by_key = dict(zip(keys, map(list, zip(*values)))) if values else {k: [] for k in keys}
    return ids, orgs, roles, by_key, None


# Instruments with at least this many rows are read in two halves on two connections at once.
PARALLEL_READ_MIN_ROWS = 4_000


def _copy_sql(instrument: Instrument, columns: list[tuple[str, str]], where: str = "") -> str:
    # Question keys match surveys.model.KEY_PATTERN (a-z, 0-9, _) and ids are integers from the
    # database, so composing the statement is safe (COPY takes no bind parameters).
    record = ", ".join(f'"{key}" {kind}' for key, kind in columns)
    ids_list = ",".join(str(int(i)) for i in instrument.ids)
    return (f"COPY (SELECT r.id, r.organisation_code, r.role, md5(r.answers::text), x.* FROM responses r "
            f"CROSS JOIN LATERAL json_to_record(r.answers) AS x({record}) "
            f"WHERE r.questionnaire_id IN ({ids_list}) AND r.is_latest{where}) TO STDOUT WITH (FORMAT csv)")


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
    with db.session.connection().connection.driver_connection.cursor() as cursor:
        cursor.execute("SELECT count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY r.ctid)::text "
                       "FROM responses r WHERE r.questionnaire_id = ANY(%s) AND r.is_latest",
                       ([int(i) for i in instrument.ids],))
        count, median = cursor.fetchone()
        if count < PARALLEL_READ_MIN_ROWS or not median:
            return None, None
        cursor.execute("SELECT pg_export_snapshot()")
        return cursor.fetchone()[0], median


def _copy_rows(instrument: Instrument, columns: list[tuple[str, str]]) -> io.BytesIO:
    """The CSV of one instrument's rows, read on the session's connection."""
    buffer = io.BytesIO()
    _copy_into(db.session.connection().connection.driver_connection, _copy_sql(instrument, columns), buffer)
    return buffer


def _copy_halves(instrument: Instrument, columns: list[tuple[str, str]], snapshot: str, median: str) -> io.BytesIO:
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
        halves = [pool.submit(_copy_half, engine, snapshot,
                              _copy_sql(instrument, columns, f" AND r.ctid {op} '{median}'::tid"))
                  for op in ("<", ">=")]
        for half in halves:
            buffer.write(half.result())
    return buffer


def _parse_csv(buffer: io.BytesIO, columns: list[tuple[str, str]]):
    buffer.seek(0)
    names = ["_id", "_org", "_role", "_md5"] + [key for key, _ in columns]
    dtypes = {"_id": str, "_org": object, "_role": str, "_md5": str}
    dtypes.update({key: float if kind == "float8" else object for key, kind in columns})
    if not buffer.getbuffer().nbytes:
        return [], [], [], {key: [] for key, _ in columns}, []
    frame = pd.read_csv(buffer, header=None, names=names, dtype=dtypes, keep_default_na=False, na_values=[""])
    by_key = {}
    for key, kind in columns:
        column = frame[key]
        by_key[key] = column.to_numpy() if kind == "float8" else column.where(column.notna(), None).tolist()
    orgs = frame["_org"].where(frame["_org"].notna(), None).tolist()
    return frame["_id"].tolist(), orgs, frame["_role"].tolist(), by_key, frame["_md5"].tolist()


def read_frames(traject: Traject, groups: dict[str, Instrument] | None = None) -> Frames:
    """All latest responses of the traject's questionnaires as long frames (the hot path)."""
    groups = instruments(traject) if groups is None else groups
    items = items_frame(groups)
    likert_parts, choice_parts, text_parts = [], [], []
    counts = {"responses": 0, "by_questionnaire": {}}
    hashes: list[tuple[str, str]] | None = []
    question_codes: dict[str, int] = {}
    org_codes: dict[str | None, int] = {}
    people: dict[str, pd.DataFrame] = {}
    for instrument in groups.values():
        likert_keys = instrument.keys_of("likert")
        choice_keys = instrument.keys_of("choice")
        text_keys = instrument.keys_of("text")
        columns = ([(k, "float8") for k in likert_keys] + [(k, "text") for k in choice_keys]
                   + [(k, "text") for k in text_keys])
        if not columns:
            columns = [("_none", "text")]
        ids, orgs, roles, by_key, answer_hashes = _read_columns(instrument, columns)
        if answer_hashes is None or hashes is None:
            hashes = None
        else:
            hashes.extend(zip(ids, answer_hashes))
        n = len(ids)
        people[instrument.key] = pd.DataFrame({"respondent": list(ids), "organisation": list(orgs),
                                               "role": list(roles)})
        counts["by_questionnaire"][instrument.key] = n
        counts["responses"] += n
        if n == 0:
            continue
        ids_arr = np.asarray(ids, dtype=object)
        org_arr = np.asarray(orgs, dtype=object)
        role_arr = np.asarray(roles, dtype=object)
        if likert_keys:
            matrix = _numeric_matrix([by_key[k] for k in likert_keys])  # k × n
            # Respondent by respondent, items in order: the nonzero entries of the transpose.
            person_index, item_index = np.nonzero(~np.isnan(matrix.T))
            role_codes = pd.Index(ROLES).get_indexer(role_arr)
            if (role_codes < 0).any():
                raise ValueError(f"onbekende rol in de antwoorden: {role_arr[role_codes < 0][0]!r}")
            org_index = np.array([org_codes.setdefault(o, len(org_codes)) for o in orgs], dtype=np.int64)
            q_index = np.array([question_codes.setdefault(k, len(question_codes)) for k in likert_keys],
                               dtype=np.int64)
            likert_parts.append({
                "ids": ids_arr, "person": person_index, "question": q_index[item_index],
                "value": matrix[item_index, person_index], "organisation": org_index[person_index],
                "role": role_codes[person_index], "questionnaire": instrument.key})
        for keys, parts in ((choice_keys, choice_parts), (text_keys, text_parts)):
            for key in keys:
                values = np.asarray(by_key[key], dtype=object)
                keep = np.array([v is not None and v != "" for v in values], dtype=bool)
                if keep.any():
                    parts.append(pd.DataFrame({
                        "respondent": ids_arr[keep], "question": key, "value": values[keep],
                        "organisation": org_arr[keep], "role": role_arr[keep],
                        "questionnaire": instrument.key}))
    likert = _likert_frame(likert_parts, question_codes, org_codes, [g.key for g in groups.values()])
    choices = (pd.concat(choice_parts, ignore_index=True) if choice_parts
               else pd.DataFrame(columns=RESPONSE_COLUMNS))
    texts = (pd.concat(text_parts, ignore_index=True).rename(columns={"value": "text"}) if text_parts
             else pd.DataFrame(columns=["respondent", "question", "text", "organisation", "role", "questionnaire"]))
    return Frames(likert=likert, choices=choices, texts=texts, items=items, counts=counts,
                  digest=_digest(hashes) if hashes is not None else None, people=people)


def _numeric_matrix(columns: list[list]) -> np.ndarray:
    try:
        return np.array(columns, dtype=float)  # None becomes NaN
    except (TypeError, ValueError):
        frame = pd.DataFrame(columns, dtype=object).T
        return frame.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float).T


def _likert_frame(parts: list[dict], question_codes: dict, org_codes: dict, instrument_keys: list[str]) -> pd.DataFrame:
    """Concatenate the likert parts; key columns become categoricals built from codes (cheap to group)."""
    if not parts:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in RESPONSE_COLUMNS})
        frame["value"] = frame["value"].astype(float)
        return frame
    questions = list(question_codes)
    organisations = list(org_codes)
    org_categories = [o for o in organisations if o is not None]
    org_map = np.array([org_categories.index(o) if o is not None else -1 for o in organisations], dtype=np.int64)
    offsets = np.cumsum([0] + [len(p["ids"]) for p in parts])
    respondent = np.concatenate([p["person"] + offset for p, offset in zip(parts, offsets)])
    respondents = np.concatenate([p["ids"] for p in parts])
    role_codes = np.concatenate([p["role"] for p in parts])
    questionnaire = np.concatenate([np.full(len(p["person"]), instrument_keys.index(p["questionnaire"]))
                                    for p in parts])
    return pd.DataFrame({
        # Response ids are unique across questionnaires, so each respondent code is one response.
        "respondent": pd.Categorical.from_codes(respondent, categories=respondents),
        "question": pd.Categorical.from_codes(np.concatenate([p["question"] for p in parts]), categories=questions),
        "value": np.concatenate([p["value"] for p in parts]),
        "organisation": pd.Categorical.from_codes(org_map[np.concatenate([p["organisation"] for p in parts])],
                                                  categories=org_categories),
        "role": pd.Categorical.from_codes(role_codes, categories=list(ROLES)),
        "questionnaire": pd.Categorical.from_codes(questionnaire, categories=instrument_keys),
    })


def _plain_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The same frame with object columns instead of categoricals (for the pandas-groupby analyses)."""
    return frame.assign(**{c: frame[c].astype(object).where(frame[c].notna(), None)
                           for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def build_inputs(traject: Traject) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(responses, items) of a traject in the analysis package's long format.

    responses: ``respondent`` (response id), ``question``, ``value`` (likert as a number, single
    choice as its option value), ``organisation``, ``role``, ``questionnaire`` (template key);
    only the latest revision of identified responses; all versions of a template together, by
    question key. items: ``question``, ``construct``, ``reverse``, ``min``, ``max``, ``domain``,
    ``questionnaire``, ``partner``. Free text is left out (see :func:`read_frames`).
    """
    frames = read_frames(traject)
    likert = _plain_columns(frames.likert)
    responses = pd.concat([likert.astype({"value": object}), frames.choices], ignore_index=True) \
        if len(frames.choices) else likert
    return responses[RESPONSE_COLUMNS], frames.items


# -- fingerprints -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def code_version() -> str:
    """Short hash of the analysis and surveys sources and the package version."""
    from importlib import metadata

    digest = hashlib.sha256()
    try:
        digest.update(metadata.version("draagvlak").encode())
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        digest.update(b"0")
    for package in ("analysis", "surveys"):
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _all_ids(groups: dict[str, Instrument]) -> list[int]:
    return [qid for g in groups.values() for qid in g.ids]


def response_marker(groups: dict[str, Instrument]) -> str:
    """Hash of the sorted ids of the responses in scope: any new submission changes it."""
    if db.engine.dialect.name == "postgresql":
        # The same sha256 of the same string, computed where the ids are (no 20,000 rows shipped).
        return db.session.execute(text(
            "SELECT encode(sha256(convert_to(coalesce(string_agg(r.id, ',' ORDER BY r.id COLLATE \"C\"), ''), "
            "'UTF8')), 'hex') FROM responses r WHERE r.questionnaire_id = ANY(:ids) AND r.is_latest"),
            {"ids": _all_ids(groups)}).scalar_one()
    ids = db.session.scalars(select(Response.id).where(*_response_filter(_all_ids(groups)))).all()
    return hashlib.sha256(",".join(sorted(ids)).encode()).hexdigest()


def _digest(hashes: list[tuple[str, str]]) -> str:
    return hashlib.sha256("\n".join(f"{rid}:{h}" for rid, h in sorted(hashes)).encode()).hexdigest()


def answers_digest(groups: dict[str, Instrument]) -> str:
    """sha256 over the sorted response ids, each with the md5 of its stored answers JSON."""
    ids = _all_ids(groups)
    if db.engine.dialect.name == "postgresql":
        rows = db.session.execute(text("SELECT r.id, md5(r.answers::text) FROM responses r "
                                       "WHERE r.questionnaire_id = ANY(:ids) AND r.is_latest"), {"ids": ids}).all()
        return _digest([(rid, h) for rid, h in rows])
    rows = db.session.execute(select(Response.id, cast(Response.answers, Text)).where(*_response_filter(ids))).all()
    return _digest([(rid, hashlib.md5(answers.encode()).hexdigest()) for rid, answers in rows])


def input_fingerprint(traject: Traject, groups: dict[str, Instrument], digest: str | None = None) -> str:
    closed = db.session.scalars(select(Questionnaire.id).where(Questionnaire.id.in_(_all_ids(groups)),
                                                               Questionnaire.status == "closed")).all()
    settings = {"threshold": traject.anonymity_threshold, "comment_threshold": traject.comment_threshold,
                "weights": traject.index_weights, "closed": sorted(closed),
                "questionnaires": {g.key: [g.ids, g.fingerprints] for g in groups.values()}}
    digest = hashlib.sha256((digest or answers_digest(groups)).encode())
    digest.update(json.dumps(settings, sort_keys=True, separators=(",", ":")).encode())
    return digest.hexdigest()


# -- the payload --------------------------------------------------------------------------------

def _subset(frame: pd.DataFrame, questionnaire: str, roles=None) -> pd.DataFrame:
    mask = frame["questionnaire"].to_numpy() == questionnaire if not isinstance(
        frame["questionnaire"].dtype, pd.CategoricalDtype) else (frame["questionnaire"] == questionnaire).to_numpy()
    if roles is not None:
        mask &= frame["role"].isin(roles).to_numpy()
    return frame.loc[mask]


def _items_of(items: pd.DataFrame, questionnaire: str, construct: str | None = None) -> pd.DataFrame:
    mask = items["questionnaire"] == questionnaire
    if construct is not None:
        mask &= items["construct"] == construct
    return items.loc[mask]


def _derived_foto(answers: dict, organisation: Organisation | None) -> dict:
    def number(key):
        value = answers.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def ratio(a, b, scale=1.0):
        return a / b * scale if a is not None and b else None

    costs = [number(k) for k in answers if k.startswith("cost_")]
    costs = [c for c in costs if c is not None]
    cost_total = sum(costs) if costs else None
    pupils = number("users_students") or (float(organisation.students) if organisation and organisation.students else None)
    fte = number("fte_ict")
    return {"cost_total": cost_total, "cost_per_pupil": ratio(cost_total, pupils),
            "fte_per_1000_pupils": ratio(fte, pupils, 1000.0),
            "retiring_share": ratio(number("fte_retiring_5y"), fte),
            "devices_per_pupil": ratio(number("devices_students"), pupils)}


def ict_foto(traject: Traject, groups: dict[str, Instrument]) -> list[dict]:
    """The latest ICT-foto response per school, with derived figures."""
    instrument = groups.get(FOTO)
    if instrument is None:
        return []
    rows = db.session.execute(
        select(Response.organisation_code, Response.answers)
        .where(*_response_filter(instrument.ids), Response.organisation_code.is_not(None))
        .order_by(Response.submitted_on, Response.revision, Response.signed_at)).all()
    latest = {code: answers for code, answers in rows}  # later rows win
    organisations = {o.code: o for o in traject.organisations}
    return [{"organisation": code, "answers": answers, "derived": _derived_foto(answers, organisations.get(code))}
            for code, answers in sorted(latest.items())]


def _preference_answers(choices: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    meta = _items_of(items, STAFF, "preferred_form")
    staff = _subset(choices, STAFF, STAFF_ROLES)
    return staff.merge(meta[["question", "domain"]], on="question", how="inner")


def preferences(choices: pd.DataFrame, items: pd.DataFrame) -> list[dict]:
    """Staff's preferred cooperation form per domain, in all and per school (unsuppressed: the
    release hides groups, app/services/releases.py)."""
    staff = _preference_answers(choices, items)
    if staff.empty:
        return []
    options = {}
    rows = []
    forms = list(COMMIT_FORMS)
    for domain, sub in staff.groupby("domain", sort=True):
        for form in sub["value"]:
            if form not in forms and form not in options:
                options[form] = True
        all_forms = forms + list(options)
        by_org = sub.loc[sub["organisation"].notna()].groupby("organisation", sort=True)
        for org, group in [(None, sub)] + [(org, g) for org, g in by_org]:
            total = int(group["respondent"].nunique())
            counts = group["value"].value_counts()
            for form in all_forms:
                n = int(counts.get(form, 0))
                rows.append({"domain": domain, "form": form, "organisation": org, "role": None,
                             "n": n, "share": n / total if total else None, "suppressed": False})
    return rows


def comments(texts: pd.DataFrame, comment_threshold: int) -> list[dict]:
    """Free text of (organisation, role) groups of at least the comment threshold, sorted by text."""
    if texts.empty:
        return []
    rows = []
    for (questionnaire, question), sub in texts.groupby(["questionnaire", "question"], sort=True):
        visible = analysis.filter_comments(sub, comment_threshold)
        rows += [{"questionnaire": questionnaire, "question": question, "organisation": r.organisation,
                  "role": r.role, "text": r.text}
                 for r in visible.itertuples(index=False)]
    # Sorted by text too, so the order says nothing about who answered when.
    return sorted(rows, key=lambda r: (r["questionnaire"], r["question"], str(r["organisation"]),
                                      str(r["role"]), r["text"]))


def response_rates(traject: Traject) -> list[dict]:
    rows = db.session.execute(
        select(func.coalesce(Questionnaire.template_key, Questionnaire.key), Organisation.code, Participant.role,
               func.count(Participant.id), func.count(Participant.id).filter(Participant.completed.is_(True)),
               Questionnaire.anonymous)
        .join(Questionnaire, Participant.questionnaire_id == Questionnaire.id)
        .outerjoin(Organisation, Participant.organisation_id == Organisation.id)
        .where(Questionnaire.traject_id == traject.id)
        .group_by(func.coalesce(Questionnaire.template_key, Questionnaire.key), Organisation.code, Participant.role,
                  Questionnaire.anonymous)
    ).all()
    # `anonymous` tells pages whether a small completed count must be hidden: for identified
    # questionnaires (ICT-foto, board statements) one respondent per school is the design.
    return sorted(({"questionnaire": q, "organisation": org, "role": role, "invited": int(invited),
                    "completed": int(completed), "anonymous": bool(anonymous)}
                   for q, org, role, invited, completed, anonymous in rows),
                  key=lambda r: (r["questionnaire"], str(r["organisation"]), r["role"]))


def _staff_extra_members(frames: Frames) -> pd.DataFrame:
    """Who the per-domain staff figures sum over: the gap's staff side and the preferred forms."""
    items, parts = frames.items, []
    support = _items_of(items, STAFF, "domain_support")
    likert = frames.likert
    if len(likert) and len(support):
        domain_of = dict(zip(support["question"], "gap:" + support["domain"].astype(str)))
        mask = ((likert["questionnaire"] == STAFF) & likert["role"].isin(STAFF_ROLES)
                & likert["question"].isin(list(domain_of))).to_numpy()
        sub = likert.loc[mask, ["respondent", "question"]]
        parts.append(pd.DataFrame({"measure": sub["question"].astype(object).map(domain_of).to_numpy(),
                                   "respondent": sub["respondent"].astype(object).to_numpy()}))
    if len(frames.choices):
        pref = _preference_answers(frames.choices, items)
        parts.append(pd.DataFrame({"measure": ("pref:" + pref["domain"].astype(str)).to_numpy(),
                                   "respondent": pref["respondent"].to_numpy()}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["measure", "respondent"])


def compute_raw(traject: Traject, frames: Frames, groups: dict[str, Instrument],
                progress: Progress | None = None) -> releases.Raw:
    """Run the analysis package over the frames, unsuppressed: disclosure is decided afterwards."""
    from analysis.indices import check_model, index_table, person_indices

    progress = progress or (lambda fraction, message: None)
    threshold = traject.anonymity_threshold
    likert, items = frames.likert, frames.items
    likert_items = items.loc[items["min"].notna()]
    motive_mask = (likert["questionnaire"] == MOTIVES).to_numpy() if len(likert) else np.zeros(0, dtype=bool)
    staff_mask = (likert["questionnaire"] == STAFF).to_numpy() if len(likert) else np.zeros(0, dtype=bool)
    # Code and score the likert answers once; constructs, indices and comparisons share them.
    prepared = analysis.prepare(likert, likert_items) if len(likert) else None
    constructs = analysis.indicator_table(prepared) if prepared is not None else []
    progress(0.5, "constructen")
    weights = traject.index_weights or None
    members = {}
    indices, compare, index_members, staff_prepared = [], None, None, None
    if staff_mask.any():
        staff_prepared = prepared.only(STAFF)
        indices = index_table(staff_prepared, weights=weights)
        model_weights, model = check_model(weights)
        per_person, names = person_indices(staff_prepared.scores, staff_prepared.coded.constructs, model_weights,
                                           model, people=staff_prepared.coded.people)
        index_members = pd.DataFrame({
            "index": np.asarray(names, dtype=object)[per_person["index"].to_numpy()],
            "respondent": staff_prepared.coded.people["respondent"].to_numpy()[per_person["person"].to_numpy()]})

        def compare(allowed, staff_prepared=staff_prepared):
            return analysis.compare_groups(staff_prepared, "organisation", threshold, allowed=allowed)
    progress(0.7, "indices")
    motives, motive_prepared = [], None
    if motive_mask.any():
        motive_items = _items_of(likert_items, MOTIVES).copy()
        motive_items["construct"] = "motive_" + motive_items["domain"].fillna(motive_items["question"]).astype(str)
        motive_prepared = analysis.prepare(likert.loc[motive_mask], motive_items)
        motives = analysis.indicator_table(motive_prepared)
    for key, instrument in groups.items():
        if not instrument.anonymous or key not in frames.people:
            continue
        if key == STAFF:
            own = staff_prepared  # restricted once, above
        else:
            own = prepared.only(key) if prepared is not None and key in set(items["questionnaire"]) else None
        members[key] = disclosure.members(
            frames.people[key], own if key != MOTIVES else motive_prepared,
            index_members=index_members if key == STAFF else None,
            extra=_staff_extra_members(frames) if key == STAFF else None)
    board_likert = _plain_columns(_subset(likert, BOARD, ("board",))) if len(likert) else likert
    board_items = _items_of(items, BOARD)
    board_choices = _subset(frames.choices, BOARD, ("board",)) if len(frames.choices) else frames.choices
    gap_frame = pd.concat([board_likert.loc[board_likert["question"].isin(
                               _items_of(items, BOARD, "autonomy_willingness")["question"])],
                           _plain_columns(likert.loc[staff_mask & likert["question"].isin(
                               _items_of(items, STAFF, "domain_support")["question"]).to_numpy()])],
                          ignore_index=True) if len(likert) else likert
    gap_items = pd.concat([_items_of(items, BOARD, "autonomy_willingness"), _items_of(items, STAFF, "domain_support")],
                          ignore_index=True)
    board = {
        "trust": analysis.trust_matrix(board_likert, board_items) if len(board_likert) else
        {"cells": [], "mean_received": {}, "asymmetry": [], "weakest_link": None},
        "autonomy": analysis.autonomy_willingness(board_likert, board_items) if len(board_likert) else [],
        "commit_forms": analysis.commit_forms(board_choices, board_items) if len(board_choices) else [],
        "motives": board_motives(board_likert, board_items) if len(board_likert) else [],  # identified: no threshold
    }
    progress(0.8, "bestuur")
    return releases.Raw(
        constructs=constructs, motives=motives, indices=indices,
        gap=analysis.board_staff_gap(gap_frame, gap_items, threshold) if len(gap_frame) else [],
        preferences=preferences(frames.choices, items) if len(frames.choices) else [],
        comments=comments(frames.texts, traject.comment_threshold), rates=response_rates(traject),
        members=members, board=board, ict_foto=ict_foto(traject, groups), compare=compare,
        extra={"responses_by_key": dict(frames.counts["by_questionnaire"])})


def compute_payload(traject: Traject, frames: Frames, groups: dict[str, Instrument],
                    progress: Progress | None = None) -> dict:
    """The payload the next release would show (the shape is documented in docs/worker.md)."""
    history = releases.releases_of(traject.id)
    previous = history[-1] if history else None
    number = (previous.number + 1) if previous is not None else 1
    raw = compute_raw(traject, frames, groups, progress)
    return releases.assemble(traject, groups, raw, previous, history, number).payload


# -- snapshots ----------------------------------------------------------------------------------

def latest_snapshot(traject: Traject | int) -> IndicatorSnapshot | None:
    traject_id = traject if isinstance(traject, int) else traject.id
    # Only releases are stored; the newest is the one every output reads.
    return db.session.scalar(select(IndicatorSnapshot).where(IndicatorSnapshot.traject_id == traject_id)
                             .order_by(IndicatorSnapshot.number.desc(), IndicatorSnapshot.id.desc()).limit(1))


@dataclass
class SnapshotResult:
    snapshot: IndicatorSnapshot | None
    created: bool
    stale_cleared: bool
    seconds: float = 0.0

    @property
    def status(self) -> str:
        return "computed" if self.created else "unchanged"


def mark_stale(traject_id: int) -> None:
    """Set the outbox flag with an explicit UPDATE (it takes the row lock the recompute waits for)."""
    db.session.execute(update(Traject).where(Traject.id == traject_id)
                       .values(indicators_stale=True, updated_at=Traject.updated_at)
                       .execution_options(synchronize_session=False))


def _finish(traject: Traject, marker: str, groups: dict[str, Instrument],
            snapshot: IndicatorSnapshot | None, released_ids: list[str] | None = None) -> bool:
    """Write the snapshot and clear the stale flag in one transaction, unless new input arrived.

    The traject row is locked first: a submission's UPDATE of the stale flag holds the same row
    lock until it commits, so after the lock the marker query sees every committed submission.
    """
    db.session.execute(select(Traject.id).where(Traject.id == traject.id).with_for_update())
    unchanged = response_marker(groups) == marker
    if snapshot is not None:
        db.session.add(snapshot)
        releases.mark_released(released_ids or [], snapshot.number)
        releases.clear_superseded(traject.id, snapshot.number)
    if unchanged:
        db.session.execute(update(Traject).where(Traject.id == traject.id)
                           .values(indicators_stale=False, updated_at=Traject.updated_at)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(traject)
    return unchanged


def compute_snapshot(traject: Traject, progress: Progress | None = None) -> SnapshotResult:
    """Compute the traject's indicators and store them as a new snapshot (when anything changed)."""
    started = time.perf_counter()
    progress = progress or (lambda fraction, message: None)
    groups = instruments(traject)
    marker = response_marker(groups)
    progress(0.1, "lezen")
    frames = read_frames(traject, groups)
    progress(0.3, "gelezen")
    fingerprint = input_fingerprint(traject, groups, frames.digest)
    version = code_version()
    latest = latest_snapshot(traject)
    if latest is not None and latest.input_fingerprint == fingerprint and latest.code_version == version:
        cleared = _finish(traject, marker, groups, None)
        return SnapshotResult(latest, False, cleared, time.perf_counter() - started)
    history = releases.releases_of(traject.id)
    number = (latest.number + 1) if latest is not None else 1
    raw = compute_raw(traject, frames, groups, progress)
    release = releases.assemble(traject, groups, raw, latest, history, number)
    progress(0.9, "opslaan")
    if latest is not None and releases.same_payload(latest.payload, release.payload):
        # Nothing that may be shown has changed (or every change is held back): no new release.
        cleared = _finish(traject, marker, groups, None)
        return SnapshotResult(latest, False, cleared, time.perf_counter() - started)
    released_on = date.today()
    snapshot = IndicatorSnapshot(
        traject_id=traject.id, number=number, released_on=released_on,
        # A release carries its date, never the moment: no time of any submission can be read off it.
        computed_at=datetime.combine(released_on, dt_time.min, tzinfo=timezone.utc),
        input_fingerprint=fingerprint, code_version=version, responses=release.responses,
        anonymity_threshold=traject.anonymity_threshold,
        counts={"by_questionnaire": _released_by_questionnaire(frames, release, groups),
                "disclosure": release.state},
        payload=release.payload, message="")
    cleared = _finish(traject, marker, groups, snapshot, release.released_ids)
    return SnapshotResult(snapshot, True, cleared, time.perf_counter() - started)


def _released_by_questionnaire(frames: Frames, release: releases.Release, groups: dict[str, Instrument]) -> dict:
    out = {}
    for key, n in frames.counts["by_questionnaire"].items():
        state = release.state.get(key)
        out[key] = int(state["responses"]) if state is not None else int(n)
    return out


# -- jobs ---------------------------------------------------------------------------------------

@contextmanager
def traject_lock(traject_id: int):
    """A per-traject PostgreSQL advisory lock on its own connection; yields whether it was taken.

    The lock lives as long as the connection, so a worker killed mid-run releases it with its
    connection. Other databases (the embedded SQLite default, eager tasks) need no lock.
    """
    if db.engine.dialect.name != "postgresql":
        yield True
        return
    conn = db.engine.connect()
    try:
        taken = bool(conn.execute(text("SELECT pg_try_advisory_lock(:ns, :id)"),
                                  {"ns": LOCK_NAMESPACE, "id": traject_id}).scalar())
        conn.commit()
        try:
            yield taken
        finally:
            if taken:
                conn.execute(text("SELECT pg_advisory_unlock(:ns, :id)"), {"ns": LOCK_NAMESPACE, "id": traject_id})
                conn.commit()
    finally:
        conn.close()


def _set_job(job_id: str | None, **values) -> None:
    if job_id is None:
        return
    db.session.execute(update(Job).where(Job.id == job_id).values(updated_at=datetime.now(timezone.utc), **values)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def run_recompute(traject_id: int, job_id: str | None = None, *, pause: float = 0.0) -> dict:
    """What the recompute task does: lock, merge queued jobs, compute, and keep the Job row current.

    Raises TrajectBusy when another worker holds the traject's lock. ``pause`` (seconds, tests
    only) sleeps between stages so a test can kill a worker mid-run.
    """
    if job_id is not None:
        job = db.session.get(Job, job_id)
        if job is not None and job.state in ("done", "failed"):
            return {"status": "skipped", "state": job.state}  # a redelivered message of a finished job
    traject = db.session.get(Traject, traject_id)
    if traject is None:
        _set_job(job_id, state="failed", progress=1.0, message="Traject bestaat niet (meer).")
        return {"status": "missing"}
    with traject_lock(traject_id) as taken:
        if not taken:
            raise TrajectBusy(traject_id)
        _set_job(job_id, state="running", progress=0.05, message="")
        merged = db.session.execute(
            update(Job).where(Job.kind == RECOMPUTE_KIND, Job.traject_id == traject_id, Job.state == "queued",
                              Job.id != (job_id or ""))
            .values(state="done", progress=1.0, message=MERGED_MESSAGE, result={"status": "merged", "into": job_id},
                    updated_at=datetime.now(timezone.utc))
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()

        def progress(fraction: float, message: str) -> None:
            _set_job(job_id, progress=fraction, message=message)
            if pause:
                time.sleep(pause)

        progress(0.05, "gestart")
        result = compute_snapshot(traject, progress)
        summary = {"status": result.status, "snapshot": result.snapshot.id if result.snapshot else None,
                   "stale_cleared": result.stale_cleared, "merged": merged, "seconds": round(result.seconds, 3)}
        _set_job(job_id, state="done", progress=1.0,
                 message="ongewijzigd" if not result.created else "klaar", result=summary)
        return summary


def fail_job(job_id: str | None, message: str) -> None:
    """Mark a job failed; silently gives up when even that cannot be written (database down)."""
    try:
        db.session.rollback()
        _set_job(job_id, state="failed", message=message[:500])
    except Exception:  # noqa: BLE001 - the database itself may be what failed
        db.session.rollback()


def sweep(enqueue_recompute, resend, *, requeue_after: float = 300.0) -> dict:
    """Enqueue a recompute for every stale traject; hand queued jobs older than ``requeue_after``
    seconds to the broker again (their message was lost while the broker was down)."""
    cutoff = datetime.now(timezone.utc) - timedelta(seconds=requeue_after)
    old = db.session.scalars(select(Job).where(Job.kind == RECOMPUTE_KIND, Job.state == "queued",
                                               Job.created_at < cutoff)).all()
    resent = []
    for job in old:
        resend(job)
        resent.append(job.id)
    stale = db.session.scalars(select(Traject.id).where(Traject.indicators_stale.is_(True),
                                                        Traject.archived_at.is_(None))).all()
    enqueued = [enqueue_recompute(traject_id).id for traject_id in stale]
    return {"stale": list(stale), "enqueued": enqueued, "resent": resent}
