"""Indicator tasks: recompute one traject's snapshot, and the beat sweep that catches up on stale trajects."""

from __future__ import annotations

from celery import shared_task
from flask import current_app
from kombu.exceptions import OperationalError as BrokerError
from sqlalchemy.exc import DBAPIError, OperationalError

from app.jobs import RECOMPUTE_TASK, JobTask, dispatch, enqueue_recompute
from app.services import indicators

SWEEP_TASK = "worker.tasks.indicators.sweep_stale_trajects"
RETRYABLE = (OperationalError, DBAPIError, BrokerError, ConnectionError)
MAX_RETRIES = 5


@shared_task(
    name=RECOMPUTE_TASK,
    bind=True,
    base=JobTask,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=RETRYABLE,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def recompute_indicators(self, traject_id: int, job_id: str | None = None) -> dict:
    """Recompute a traject's indicators (idempotent; safe to redeliver after a worker dies)."""
    try:
        return indicators.run_recompute(
            traject_id, job_id, pause=float(current_app.config.get("RECOMPUTE_TEST_DELAY") or 0)
        )
    except indicators.TrajectBusy:
        # Another worker computes this traject now; run after it (that run may already cover us).
        raise self.retry(countdown=3, max_retries=100) from None
    except RETRYABLE as exc:
        if self.request.retries >= MAX_RETRIES or self.request.is_eager:
            indicators.fail_job(job_id, f"Herberekening mislukt: {type(exc).__name__}")
        raise
    except Exception as exc:
        indicators.fail_job(job_id, f"Herberekening mislukt: {type(exc).__name__}: {exc}")
        raise


def _resend(job) -> None:
    if job.task_name is None:  # a row from before jobs kept their task
        job.task_name, job.task_kwargs = RECOMPUTE_TASK, {"traject_id": job.traject_id}
    dispatch(job)


@shared_task(name=SWEEP_TASK, acks_late=True)
def sweep_stale_trajects(job_id: str | None = None) -> dict:
    """Beat, every minute: recompute stale trajects and resend queued jobs the broker lost."""
    result = indicators.sweep(
        enqueue_recompute, _resend, requeue_after=float(current_app.config.get("RECOMPUTE_REQUEUE_AFTER", 60))
    )
    if job_id:
        indicators._set_job(job_id, state="done", progress=1.0, result=result)
    return result
