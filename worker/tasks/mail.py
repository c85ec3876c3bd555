"""Invitation and reminder mails in batches, with the Job's progress; thin wrappers around app services."""
from __future__ import annotations

from celery import shared_task

from app.extensions import db
from app.models import Job
from app.services import invitations


def _job(job_id: str | None) -> Job | None:
    job = db.session.get(Job, job_id) if job_id else None
    if job is not None:
        job.state, job.progress, job.message = "running", 0.0, ""
        db.session.commit()
    return job


def _progress(job: Job | None):
    def update(done: int, total: int) -> None:
        if job is not None:
            # Committed by the batch that follows, or by _finish.
            job.progress = min(1.0, done / total) if total else 1.0
            db.session.commit()

    return update


def _finish(job: Job | None, result: invitations.SendResult, what: str) -> dict:
    summary = result.as_dict()
    if job is not None:
        job = db.session.get(Job, job.id)
        job.result = summary
        if result.error:
            job.state = "failed" if result.server_down else "done"
            job.message = result.error
        else:
            job.state, job.progress = "done", 1.0
            job.message = (f"{result.queued} {what} verstuurd." if result.queued
                           else f"Geen {what} te versturen.")
        db.session.commit()
    return summary


def _fail(job_id: str | None, exc: Exception) -> None:
    db.session.rollback()
    job = db.session.get(Job, job_id) if job_id else None
    if job is not None:
        job.state, job.message = "failed", f"Fout: {type(exc).__name__}"
        db.session.commit()


@shared_task(name="worker.tasks.mail.send_invitations")
def send_invitations(questionnaire_id: int | None = None, job_id: str | None = None,
                     participant_ids: list[int] | None = None, resend: bool = False) -> dict:
    """Invite a questionnaire's participants (None: every open questionnaire) in batches."""
    job = _job(job_id)
    try:
        result = invitations.send_invitations(questionnaire_id, participant_ids=participant_ids, resend=resend,
                                              created_by=job.created_by if job else None,
                                              progress=_progress(job))
    except Exception as exc:
        _fail(job_id, exc)
        raise
    return _finish(job, result, "uitnodigingen")


@shared_task(name="worker.tasks.mail.send_reminders")
def send_reminders(questionnaire_id: int | None = None, job_id: str | None = None) -> dict:
    """Remind non-responders of a questionnaire (None: every open questionnaire) in batches."""
    job = _job(job_id)
    try:
        result = invitations.send_reminders(questionnaire_id, created_by=job.created_by if job else None,
                                            progress=_progress(job))
    except Exception as exc:
        _fail(job_id, exc)
        raise
    return _finish(job, result, "herinneringen")
