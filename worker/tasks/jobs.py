"""The job sweep: beat, every minute, sends again any job queued or running longer than its kind's limit."""

from __future__ import annotations

from celery import shared_task

from app import jobs

SWEEP_JOBS_TASK = "worker.tasks.jobs.sweep_jobs"


@shared_task(name=SWEEP_JOBS_TASK, acks_late=True)
def sweep_jobs() -> dict:
    """See app.jobs.sweep_jobs; safe to run at any time and from several beats."""
    return jobs.sweep_jobs()
