"""The one place that talks to the queue: Celery set-up and enqueue helpers with de-duplication.

Handlers never touch Celery directly; they call `enqueue`. Tasks are addressed by name, so the
web app never imports `worker` (the worker imports the app, not the other way round).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import Celery, Task
from flask import Flask, current_app, has_app_context
from sqlalchemy import select, update

from app import pending_recompute
from app.extensions import db
from app.models import Job
from app.models.base import aware, utcnow

RECOMPUTE_TASK = "worker.tasks.indicators.recompute_indicators"
INVITATIONS_TASK = "worker.tasks.mail.send_invitations"
REMINDERS_TASK = "worker.tasks.mail.send_reminders"
REPORT_TASK = "worker.tasks.reports.build_report"
RETENTION_TASK = "worker.tasks.privacy.apply_retention"


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its task, and how long it may wait (`queued_limit`) or run without a sign of
    life (`running_limit`, seconds since the row's last update) before the sweep sends it again."""

    task: str
    queued_limit: float
    running_limit: float


# The registry of task names, one per kind of job. Other kinds (added by other features) are swept
# with the default limits, by the task name stored on their row.
JOB_KINDS: dict[str, JobKind] = {
    "recompute": JobKind(RECOMPUTE_TASK, 60, 600),
    "invitations": JobKind(INVITATIONS_TASK, 120, 900),
    "reminders": JobKind(REMINDERS_TASK, 120, 900),
    "report": JobKind(REPORT_TASK, 120, 900),
    "retention": JobKind(RETENTION_TASK, 300, 3600),
}
DEFAULT_KIND = JobKind("", 300, 1800)
MAX_SWEEP_RESENDS = 5
NOT_QUEUED_GRACE = 10.0  # seconds


def kind_limits(kind: str) -> JobKind:
    limits = dict(current_app.config.get("JOB_LIMITS") or {})
    base = JOB_KINDS.get(kind, DEFAULT_KIND)
    if kind in limits:
        queued, running = limits[kind]
        return JobKind(base.task, float(queued), float(running))
    return base


def celery_init_app(app: Flask) -> Celery:
    """Flask's celery_init_app pattern: every task runs inside an app context."""
    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.flask_app = app
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


class FlaskTask(Task):
    """Runs the task inside the Flask app's context (the one its Celery app was made for)."""

    def _context(self):
        flask_app = getattr(self.app, "flask_app", None)
        if flask_app is None or (has_app_context() and current_app._get_current_object() is flask_app):
            return contextlib.nullcontext()
        return flask_app.app_context()

    def __call__(self, *args, **kwargs):
        with self._context():
            return self.run(*args, **kwargs)


class JobTask(FlaskTask):
    """The one job lifecycle: the base of every task that has a Job row (`job_id` kwarg).

    - before it starts: the job is `running` (its `updated_at` is the heartbeat the sweep reads);
    - `self.progress(job_id, share, message)` while it runs;
    - on success: `done` with progress 1.0, unless the task left it `queued` for a planned retry
      or set a final state itself;
    - on failure (an exception that is not a retry): `failed` with the exception's name.
    The sweep (`sweep_jobs`) sends any job queued or running longer than its kind's limit again.
    """

    abstract = True

    def before_start(self, task_id, args, kwargs):
        job_id = (kwargs or {}).get("job_id")
        if job_id:
            with self._context():
                _update_job(job_id, only_from=("queued", "running"), state="running", retry_at=None)

    def progress(self, job_id: str | None, share: float, message: str | None = None) -> None:
        if job_id:
            values = {"progress": max(0.0, min(1.0, share))}
            if message is not None:
                values["message"] = message[:2000]
            _update_job(job_id, only_from=("running",), **values)

    def on_success(self, retval, task_id, args, kwargs):
        job_id = (kwargs or {}).get("job_id")
        if job_id:
            with self._context():
                _update_job(job_id, only_from=("running",), state="done", progress=1.0)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        job_id = (kwargs or {}).get("job_id")
        if job_id:
            with self._context():
                _update_job(
                    job_id, only_from=("queued", "running"), state="failed", message=f"Mislukt: {type(exc).__name__}"
                )


def _update_job(job_id: str, *, only_from: tuple[str, ...], **values) -> None:
    """One small UPDATE of a job row; never raises (the database may be what failed)."""
    try:
        db.session.rollback()
        db.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state.in_(only_from))
            .values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception:  # noqa: BLE001 - keep the task's own outcome
        db.session.rollback()


def celery_app() -> Celery:
    return current_app.extensions["celery"]


def broker_state() -> str:
    """'eager' when tasks run in-process, else 'ok' or 'down' from a real broker ping."""
    celery = celery_app()
    if celery.conf.task_always_eager:
        return "eager"
    try:
        with celery.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        global _broker_down_until
        _broker_down_until = 0.0  # it answers again: the next enqueue need not wait for the breaker
        return "ok"
    except Exception:  # any broker failure means the same thing to the health check
        return "down"


class BrokerUnavailable(RuntimeError):
    """The broker failed moments ago; not tried again yet (see `publish`)."""


_broker_down_until = 0.0


def publish(task_name: str, kwargs: dict, *, countdown: float | None = None) -> None:
    """`send_task`, with a short circuit breaker: after a failure the broker is not tried again in
    this process for `BROKER_RETRY_AFTER` seconds (default 10). A Redis that hangs would otherwise
    cost every request its socket timeout; the job stays queued (or the stale flag set) and the
    sweep sends it once the broker answers."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        raise BrokerUnavailable("wachtrij kort geleden onbereikbaar")
    try:
        celery_app().send_task(task_name, kwargs=kwargs, countdown=countdown)
    except Exception:
        _broker_down_until = time.monotonic() + float(current_app.config.get("BROKER_RETRY_AFTER", 10))
        raise
    _broker_down_until = 0.0


def stuck(job: Job, now: datetime | None = None) -> bool:
    """Queued or running longer than its kind allows (a planned retry counts from its time)."""
    now = now or utcnow()
    limits = kind_limits(job.kind)
    if job.state == "queued":
        if job.retry_at is not None:
            return now > aware(job.retry_at) + timedelta(seconds=limits.queued_limit)
        if job.sent_at is None and job.task_name is not None:
            # Never reached the broker (it was down): nothing can run it twice, so it is sent again
            # at the first sweep after a short grace (the enqueue itself may still be under way).
            created = aware(job.created_at)
            grace = float(current_app.config.get("JOB_NOT_QUEUED_GRACE", NOT_QUEUED_GRACE))
            return created is not None and (now - created).total_seconds() > grace
        since = aware(job.sent_at) or aware(job.created_at)
        return since is not None and (now - since).total_seconds() > limits.queued_limit
    if job.state == "running":
        since = aware(job.updated_at) or aware(job.created_at)
        return since is not None and (now - since).total_seconds() > limits.running_limit
    return False


def dispatch(job: Job, *, countdown: float | None = None) -> bool:
    """Hand a job's task to the broker (or run it in-process when eager); commits.

    True when the broker took it. When it did not, the job stays `queued` without `sent_at`
    (the page shows "niet in de wachtrij gekomen" and a retry button) and the sweep tries again.
    """
    task_name = job.task_name or JOB_KINDS.get(job.kind, DEFAULT_KIND).task
    kwargs = dict(job.task_kwargs or {}, job_id=job.id)
    job_id = job.id
    celery = celery_app()
    if celery.conf.task_always_eager:
        if countdown:
            return False  # nobody waits in-process; the retry button or the sweep runs it later
        # send_task ignores eager mode, so look the task up by name and apply it here.
        if task_name not in celery.tasks:
            celery.loader.import_default_modules()
        task = celery.tasks.get(task_name)
        if task is None:
            current_app.logger.error("Onbekende taak %s; de job blijft in de wachtrij.", task_name)
            return False
        _mark_sent(job_id)
        task.apply(kwargs=kwargs)
        db.session.expire_all()
        return True
    try:
        publish(task_name, kwargs, countdown=countdown)
    except Exception as exc:  # broker down: the job stays queued; the sweep catches up
        db.session.rollback()
        current_app.logger.warning("Taak %s niet aan de broker gegeven: %s", task_name, type(exc).__name__)
        job = db.session.get(Job, job_id)
        job.message = "Niet in de wachtrij gekomen (wachtrij onbereikbaar); wordt binnen een minuut opnieuw geprobeerd."
        db.session.commit()
        return False
    _mark_sent(job_id)
    return True


def _mark_sent(job_id: str) -> None:
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(sent_at=utcnow(), attempts=Job.attempts + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.message.like("Niet in de wachtrij%"))
        .values(message="")
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def schedule_retry(job_id: str, seconds: float, message: str) -> Job | None:
    """Put a job back in the queue to run again in `seconds` (mail: SMTP down, 4xx); commits."""
    job = db.session.get(Job, job_id)
    if job is None:
        return None
    job.state, job.retry_at, job.message = "queued", utcnow() + timedelta(seconds=seconds), message[:2000]
    db.session.commit()
    dispatch(job, countdown=seconds)
    return db.session.get(Job, job_id)


def enqueue(
    task_name: str,
    *,
    kind: str,
    traject_id: int | None = None,
    created_by: int | None = None,
    dedupe: bool = False,
    task_kwargs: dict | None = None,
    questionnaire_id: int | None = None,
) -> Job:
    """Create a Job row, commit it, and hand the task to Celery (or run it in-process).

    With `dedupe`, a job of the same kind for the same traject that is still queued is
    returned instead of a new one: many submissions coalesce into one recompute. A queued job
    that is stuck (older than its kind's limit) never blocks: it is handed to the broker again.
    The task is called with `task_kwargs` plus `job_id`.
    """
    kwargs = dict(task_kwargs or {})
    if questionnaire_id is None and isinstance(kwargs.get("questionnaire_id"), int):
        questionnaire_id = kwargs["questionnaire_id"]  # mail jobs: listed with their questionnaire
    if dedupe:
        existing = db.session.scalar(
            select(Job)
            .where(Job.kind == kind, Job.traject_id == traject_id, Job.state == "queued", Job.retry_at.is_(None))
            .order_by(Job.created_at.desc())
            .limit(1)
        )
        if existing is not None:
            if stuck(existing):
                dispatch(existing)
            return db.session.get(Job, existing.id)
    job = Job(
        kind=kind,
        traject_id=traject_id,
        questionnaire_id=questionnaire_id,
        created_by=created_by,
        state="queued",
        task_name=task_name,
        task_kwargs=kwargs,
        attempts=0,
    )
    db.session.add(job)
    db.session.commit()
    job_id = job.id
    dispatch(job)
    return db.session.get(Job, job_id)


def retry_job(job: Job) -> bool:
    """The retry button: a job that never reached the queue, or failed, is sent again."""
    if job.state == "done" or (job.state == "running" and not stuck(job)):
        return False
    job.state, job.retry_at, job.progress = "queued", None, 0.0
    job.message = ""
    db.session.commit()
    return dispatch(job)


def sweep_jobs(now: datetime | None = None) -> dict:
    """Beat, every minute: send again every job queued or running longer than its kind's limit.

    Recompute jobs that are merely queued are left to the indicator sweep (it also covers stale
    trajects); a running one whose worker died is handled here. After MAX_SWEEP_RESENDS the job
    is marked failed, so nothing stays "bezig" forever.
    """
    now = now or utcnow()
    resent, failed = [], []
    jobs = db.session.scalars(select(Job).where(Job.state.in_(("queued", "running"))).order_by(Job.created_at)).all()
    for job in jobs:
        if job.kind == "recompute" and job.state == "queued" and job.sent_at is not None:
            continue  # the indicator sweep re-sends these (and covers stale trajects)
        if not stuck(job, now):
            continue
        if (job.attempts or 0) > MAX_SWEEP_RESENDS:
            job.state, job.message = "failed", "Taak bleef hangen en is gestopt; probeer het opnieuw."
            db.session.commit()
            failed.append(job.id)
            continue
        if job.state == "running":
            job.state = "queued"
            job.message = "De taak reageerde niet meer en is opnieuw in de wachtrij gezet."
        job.retry_at = None
        db.session.commit()
        dispatch(job)
        resent.append(job.id)
    return {"resent": resent, "failed": failed}


def enqueue_recompute(traject_id: int, created_by: int | None = None) -> Job:
    """Ask for a recompute of a traject's indicators; coalesces with one that is still queued.

    Call after committing the change that made the traject stale: the stale flag is the outbox,
    so even if the broker is down the beat sweep recomputes later and nothing is lost.
    """
    return enqueue(
        RECOMPUTE_TASK,
        kind="recompute",
        traject_id=traject_id,
        created_by=created_by,
        dedupe=True,
        task_kwargs={"traject_id": traject_id},
    )


def recompute_quietly(traject_id: int) -> None:
    """Ask for a recompute without a Job row (after a submission: its moment must leave no trace).

    Debounced (`RECOMPUTE_DEBOUNCE` seconds, app/pending_recompute.py): the first submission of a
    burst sends the run with that countdown and marks it pending; the others send nothing, so a
    burst makes one run, and a submission during a run makes exactly one follow-up. Eager
    (`make run`, tests) runs it now. The stale flag set in the submission's transaction is the
    outbox; if the broker is down, the beat sweep recomputes later.
    """
    global _broker_down_until
    celery = celery_app()
    kwargs = {"traject_id": traject_id}
    if celery.conf.task_always_eager:
        if RECOMPUTE_TASK not in celery.tasks:
            celery.loader.import_default_modules()
        celery.tasks[RECOMPUTE_TASK].apply(kwargs=kwargs)
        db.session.expire_all()
        return
    delay = float(current_app.config.get("RECOMPUTE_DEBOUNCE") or 0)
    if delay <= 0:
        publish(RECOMPUTE_TASK, kwargs)
        return
    if time.monotonic() < _broker_down_until:
        raise BrokerUnavailable("wachtrij kort geleden onbereikbaar")
    try:
        first = pending_recompute.claim(traject_id, float(current_app.config.get("RECOMPUTE_PENDING_TTL") or 120))
    except Exception:
        _broker_down_until = time.monotonic() + float(current_app.config.get("BROKER_RETRY_AFTER", 10))
        raise
    if not first:
        return  # a run is pending and has not started reading: it will read this submission too
    try:
        publish(RECOMPUTE_TASK, kwargs, countdown=delay)
    except Exception:
        pending_recompute.clear(traject_id)  # nothing is on its way after all
        raise
