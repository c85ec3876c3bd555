"""The recompute job: the per-traject advisory lock, merging queued jobs, the Job row's state, the beat sweep."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, text, update

from app import pending_recompute
from app.extensions import db
from app.models import Job, Traject
from app.services import indicator_snapshots

RECOMPUTE_KIND = "recompute"
MERGED_MESSAGE = "samengevoegd"
# Namespace of the PostgreSQL advisory lock (first key); the traject id is the second key.
LOCK_NAMESPACE = 7_301


class TrajectBusy(RuntimeError):
    """Another worker is computing this traject right now; try again shortly."""


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
        taken = bool(
            conn.execute(
                text("SELECT pg_try_advisory_lock(:ns, :id)"), {"ns": LOCK_NAMESPACE, "id": traject_id}
            ).scalar()
        )
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
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(updated_at=datetime.now(UTC), **values)
        .execution_options(synchronize_session=False)
    )
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
        # Before reading: a submission from now on schedules its own (follow-up) run.
        pending_recompute.clear(traject_id)
        _set_job(job_id, state="running", progress=0.05, message="")
        merged = cast(
            "CursorResult[Any]",
            db.session.execute(  # an UPDATE: a cursor result with a rowcount
                update(Job)
                .where(
                    Job.kind == RECOMPUTE_KIND,
                    Job.traject_id == traject_id,
                    Job.state == "queued",
                    Job.id != (job_id or ""),
                )
                .values(
                    state="done",
                    progress=1.0,
                    message=MERGED_MESSAGE,
                    result={"status": "merged", "into": job_id},
                    updated_at=datetime.now(UTC),
                )
                .execution_options(synchronize_session=False)
            ),
        ).rowcount
        db.session.commit()

        def progress(fraction: float, message: str) -> None:
            _set_job(job_id, progress=fraction, message=message)
            if pause:
                time.sleep(pause)

        progress(0.05, "gestart")
        result = indicator_snapshots.compute_snapshot(traject, progress)
        summary = {
            "status": result.status,
            "snapshot": result.snapshot.id if result.snapshot else None,
            "stale_cleared": result.stale_cleared,
            "merged": merged,
            "seconds": round(result.seconds, 3),
        }
        _set_job(
            job_id, state="done", progress=1.0, message="ongewijzigd" if not result.created else "klaar", result=summary
        )
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
    cutoff = datetime.now(UTC) - timedelta(seconds=requeue_after)
    old = db.session.scalars(
        select(Job).where(Job.kind == RECOMPUTE_KIND, Job.state == "queued", Job.created_at < cutoff)
    ).all()
    resent = []
    for job in old:
        resend(job)
        resent.append(job.id)
    stale = db.session.scalars(
        select(Traject.id).where(Traject.indicators_stale.is_(True), Traject.archived_at.is_(None))
    ).all()
    enqueued = [enqueue_recompute(traject_id).id for traject_id in stale]
    return {"stale": list(stale), "enqueued": enqueued, "resent": resent}
