"""Snapshots: the latest release, the stale flag, and one recompute from read to the stored release.

A snapshot whose inputs and code are unchanged is not written again; a new one and the cleared
stale flag are written in one transaction, unless a submission arrived while it ran. pandas and
the analysis are imported inside :func:`compute_snapshot` only, so a web process that reads the
latest snapshot (pages, exports) never loads them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dt_time

from sqlalchemy import select, update
from sqlalchemy.orm import defer

from app.extensions import db
from app.models import IndicatorSnapshot, Traject
from app.services import released_comments, released_groups, releases
from app.services.indicator_fingerprints import code_version, input_fingerprint, response_marker
from app.services.indicator_instruments import Instrument, instruments

Progress = Callable[[float, str], None]


def latest_snapshot(traject: Traject | int, *, payload: bool = True) -> IndicatorSnapshot | None:
    """The newest release, the one every output reads.

    ``payload=False`` leaves the figures unloaded (the disclosure state in ``counts`` is enough
    for the CSV export). The free-text answers are not in the payload: see released_comments.
    """
    traject_id = traject if isinstance(traject, int) else traject.id
    # Only releases are stored; the newest is the one every output reads. First its id, then the
    # row through the session's identity map: a page that asks twice decodes the payload once.
    newest = db.session.scalar(
        select(IndicatorSnapshot.id)
        .where(IndicatorSnapshot.traject_id == traject_id)
        .order_by(IndicatorSnapshot.number.desc(), IndicatorSnapshot.id.desc())
        .limit(1)
    )
    if newest is None:
        return None
    options = [] if payload else [defer(IndicatorSnapshot.payload)]
    return db.session.get(IndicatorSnapshot, newest, options=options)


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
    db.session.execute(
        update(Traject)
        .where(Traject.id == traject_id)
        .values(indicators_stale=True, updated_at=Traject.updated_at)
        .execution_options(synchronize_session=False)
    )


def _finish(
    traject: Traject,
    marker: str,
    groups: dict[str, Instrument],
    snapshot: IndicatorSnapshot | None,
    released_ids: list[str] | None = None,
    comments: tuple[list, int | None] = ([], None),
) -> bool:
    """Write the snapshot and clear the stale flag in one transaction, unless new input arrived.

    The traject row is locked first: a submission's UPDATE of the stale flag holds the same row
    lock until it commits, so after the lock the marker query sees every committed submission.
    """
    db.session.execute(select(Traject.id).where(Traject.id == traject.id).with_for_update())
    unchanged = response_marker(groups) == marker
    if snapshot is not None:
        db.session.add(snapshot)
        db.session.flush()  # the release's id, for its comment rows
        parts, previous_id = comments
        released_comments.store(snapshot.id, parts, previous_id)  # before the previous release's rows go
        releases.mark_released(released_ids or [], snapshot.number)
        releases.clear_superseded(traject.id, snapshot.number)
    if unchanged:
        db.session.execute(
            update(Traject)
            .where(Traject.id == traject.id)
            .values(indicators_stale=False, updated_at=Traject.updated_at)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    db.session.refresh(traject)
    return unchanged


def compute_snapshot(traject: Traject, progress: Progress | None = None) -> SnapshotResult:
    """Compute the traject's indicators and store them as a new snapshot (when anything changed)."""
    started = time.perf_counter()
    progress = progress or (lambda fraction, message: None)
    groups = instruments(traject)
    marker = response_marker(groups)
    from app.services import indicator_payload, indicator_reading

    progress(0.1, "lezen")
    frames = indicator_reading.read_frames(traject, groups)
    indicator_reading.release_free_memory()  # the parse's freed chunks, before the analyses' peak
    progress(0.3, "gelezen")
    fingerprint = input_fingerprint(traject, groups, frames.digest)
    version = code_version()
    latest = latest_snapshot(traject)
    if latest is not None and latest.input_fingerprint == fingerprint and latest.code_version == version:
        cleared = _finish(traject, marker, groups, None)
        return SnapshotResult(latest, False, cleared, time.perf_counter() - started)
    history = releases.releases_of(traject.id)
    number = (latest.number + 1) if latest is not None else 1
    raw = indicator_payload.compute_raw(traject, frames, groups, progress)
    # The analyses hold what they still need of the answers (raw): free the rest (the free texts,
    # choices and who answered) before assembling, whose comments are the recompute's peak.
    counts = frames.counts
    del frames
    release = releases.assemble(traject, groups, raw, latest, history, number)
    del raw  # the coded answers and scores: not needed to write the release
    progress(0.9, "opslaan")
    if latest is not None and releases.same_payload(latest.payload, release.payload):
        # Nothing that may be shown has changed (or every change is held back): no new release.
        cleared = _finish(traject, marker, groups, None)
        return SnapshotResult(latest, False, cleared, time.perf_counter() - started)
    released_on = date.today()
    snapshot = IndicatorSnapshot(
        traject_id=traject.id,
        number=number,
        released_on=released_on,
        # A release carries its date, never the moment: no time of any submission can be read off it.
        computed_at=datetime.combine(released_on, dt_time.min, tzinfo=UTC),
        input_fingerprint=fingerprint,
        code_version=version,
        responses=release.responses,
        anonymity_threshold=traject.anonymity_threshold,
        counts={"by_questionnaire": _released_by_questionnaire(counts, release, groups), "disclosure": release.state},
        payload=release.payload,
        message="",
    )
    cleared = _finish(
        traject, marker, groups, snapshot, release.released_ids, (release.comments, latest.id if latest else None)
    )
    # The open-answers page's groups, in a transaction of their own after the release's: grouping
    # 200,000 answers takes seconds, and submissions wait for the traject's lock the release holds.
    released_groups.summary_of(snapshot.id, traject.comment_threshold)
    return SnapshotResult(snapshot, True, cleared, time.perf_counter() - started)


def _released_by_questionnaire(counts: dict, release: releases.Release, groups: dict[str, Instrument]) -> dict:
    out = {}
    for key, n in counts["by_questionnaire"].items():
        state = release.state.get(key)
        out[key] = int(state["responses"]) if state is not None else int(n)
    return out
