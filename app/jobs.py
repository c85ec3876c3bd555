"""The one place that talks to the queue: Celery set-up and enqueue helpers with de-duplication.

Handlers never touch Celery directly; they call `enqueue`. Tasks are addressed by name, so the
web app never imports `worker` (the worker imports the app, not the other way round).
"""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask, current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Job


def celery_init_app(app: Flask) -> Celery:
    """Flask's celery_init_app pattern: every task runs inside an app context."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


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
        return "ok"
    except Exception:  # any broker failure means the same thing to the health check
        return "down"


def enqueue(task_name: str, *, kind: str, traject_id: int | None = None,
            created_by: int | None = None, dedupe: bool = False,
            task_kwargs: dict | None = None) -> Job:
    """Create a Job row, commit it, and hand the task to Celery (or run it in-process).

    With `dedupe`, a job of the same kind for the same traject that is still queued is
    returned instead of a new one: many submissions coalesce into one recompute.
    The task is called with `task_kwargs` plus `job_id`.
    """
    kwargs = dict(task_kwargs or {})
    if dedupe:
        existing = db.session.scalar(
            select(Job).where(Job.kind == kind, Job.traject_id == traject_id, Job.state == "queued")
        )
        if existing is not None:
            return existing
    job = Job(kind=kind, traject_id=traject_id, created_by=created_by, state="queued")
    db.session.add(job)
    db.session.commit()
    job_id = job.id
    celery = celery_app()
    if celery.conf.task_always_eager:
        # send_task ignores eager mode, so look the task up by name and apply it here.
        if task_name not in celery.tasks:
            celery.loader.import_default_modules()
        task = celery.tasks.get(task_name)
        if task is None:
            current_app.logger.error("Onbekende taak %s; de job blijft in de wachtrij.", task_name)
            return job
        task.apply(kwargs=dict(kwargs, job_id=job_id))
        db.session.expire_all()
    else:
        try:
            celery.send_task(task_name, kwargs=dict(kwargs, job_id=job_id))
        except Exception as exc:  # broker down: the job stays queued; the beat sweep catches up
            current_app.logger.warning("Taak %s niet aan de broker gegeven: %s", task_name, type(exc).__name__)
            job.message = "Wachtrij onbereikbaar; de taak wordt later alsnog uitgevoerd."
            db.session.commit()
    return db.session.get(Job, job_id)


RECOMPUTE_TASK = "worker.tasks.indicators.recompute_indicators"


def enqueue_recompute(traject_id: int, created_by: int | None = None) -> Job:
    """Ask for a recompute of a traject's indicators; coalesces with one that is still queued.

    Call after committing the change that made the traject stale: the stale flag is the outbox,
    so even if the broker is down the beat sweep recomputes later and nothing is lost.
    """
    return enqueue(RECOMPUTE_TASK, kind="recompute", traject_id=traject_id, created_by=created_by,
                   dedupe=True, task_kwargs={"traject_id": traject_id})
