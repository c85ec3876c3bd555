"""Invitation and reminder mails, with the Job's progress and a true status; thin wrappers
around app.services.invitations (who) and app.services.delivery (exactly once).

A run ends in one of three ways (the job's `result` always holds the counts):
- everything sent or refused for good: `done`, "N verstuurd, M mislukt";
- messages wait for a retry (a 4xx answer, a dead worker's claim) or the mail server could not be
  reached: the job goes back to `queued` with `retry_at`, and the same task is sent again with a
  countdown that only delivers what waits (nobody new is selected);
- after MAIL_MAX_RUNS planned retries: `failed`, with what is still waiting (the beat run of
  pending invitations sends it later).
"""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_time, get_timezone
from celery import shared_task
from flask import current_app
from sqlalchemy.exc import DBAPIError, PendingRollbackError

from app.extensions import db
from app.jobs import JobTask, schedule_retry, utcnow
from app.models import Job
from app.models.base import aware
from app.services import invitations

MAIL_KINDS = {"invitation": "uitnodigingen", "reminder": "herinneringen"}
TASKS = {"invitation": "worker.tasks.mail.send_invitations", "reminder": "worker.tasks.mail.send_reminders"}
# The database went away mid-run: the task runs again (backoff up to a minute); the outbox makes
# that safe (docs/distribution.md, "Delivery guarantee").
RETRY_ON = dict(
    autoretry_for=(DBAPIError, PendingRollbackError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=12,
)


def _progress(task: JobTask, job_id: str | None):
    def update(done: int, total: int) -> None:
        task.progress(job_id, min(1.0, done / total) if total else 1.0)

    return update


def _clock(moment) -> str:
    return format_time(aware(moment), "HH:mm:ss", tzinfo=get_timezone("Europe/Amsterdam"), locale="nl")


def summary_text(result: dict, what: str) -> str:
    """ "12 uitnodigingen verstuurd, 1 mislukt, 3 worden opnieuw geprobeerd" (Dutch, from the counts)."""
    parts = [f"{result.get('sent', 0)} {what} verstuurd"]
    if result.get("failed"):
        parts.append(f"{result['failed']} mislukt")
    if result.get("unconfirmed"):
        parts.append(f"{result['unconfirmed']} onbevestigd")
    waiting = (result.get("retry") or 0) + (result.get("pending") or 0)
    if waiting:
        parts.append(f"{waiting} worden opnieuw geprobeerd")
    return ", ".join(parts)


def _finish(
    job_id: str | None,
    result: invitations.SendResult,
    kind: str,
    previous: dict | None,
    questionnaire_id: int | None = None,
) -> dict:
    what = MAIL_KINDS[kind]
    summary = result.as_dict()
    if previous:  # a planned retry adds to what the earlier runs of this job did
        for key in ("queued", "sent", "failed", "skipped", "unconfirmed"):
            summary[key] = summary.get(key, 0) + (previous.get(key) or 0)
    job = db.session.get(Job, job_id) if job_id else None
    if job is None:
        if not (result.retry or result.pending or result.server_down or result.retry_at):
            return summary
        # A beat run (no job) that leaves messages waiting: a job row now, so its retry is planned
        # like any other (and shown), instead of waiting for the next beat run.
        job = Job(
            kind="invitations" if kind == "invitation" else "reminders",
            state="running",
            questionnaire_id=questionnaire_id,
            attempts=1,
            sent_at=utcnow(),
            task_name=TASKS[kind],
            task_kwargs={"questionnaire_id": questionnaire_id, "deliver_only": True},
        )
        if questionnaire_id is not None:
            from app.models import Questionnaire

            questionnaire = db.session.get(Questionnaire, questionnaire_id)
            job.traject_id = questionnaire.traject_id if questionnaire is not None else None
        db.session.add(job)
        db.session.commit()
    db.session.refresh(job)
    job.result = summary
    waiting = result.retry + result.pending
    runs = int((previous or {}).get("runs") or 0) + 1
    summary["runs"] = runs
    cfg = current_app.config
    if result.error and not result.server_down:  # not open, gone: nothing to retry
        job.state, job.message = "done", result.error
        db.session.commit()
        return summary
    if (waiting or result.server_down or result.retry_at) and runs <= int(cfg.get("MAIL_MAX_RUNS") or 8):
        if result.server_down:
            delays = list(cfg.get("MAIL_SERVER_DOWN_RETRY") or (60, 120, 300))
            seconds = float(delays[min(runs - 1, len(delays) - 1)])
            reason = "Mailserver onbereikbaar"
        else:
            seconds = max(1.0, (result.retry_at - utcnow()).total_seconds()) if result.retry_at else 60.0
            reason = summary_text(summary, what)
        message = f"{reason}; nieuwe poging om {_clock(utcnow() + timedelta(seconds=seconds))}."
        db.session.commit()
        schedule_retry(job.id, seconds, message)
        return summary
    job.progress = 1.0
    if waiting or result.server_down:
        job.state = "failed"
        job.message = (
            summary_text(summary, what) + "; de rest blijft in de outbox en gaat mee met de volgende verzendronde."
        )
    else:
        job.state = "done"
        job.message = (
            summary_text(summary, what) + "."
            if (summary.get("queued") or summary.get("sent"))
            else f"Geen {what} te versturen."
        )
    job.retry_at = None
    db.session.commit()
    return summary


def _previous(job_id: str | None) -> dict | None:
    job = db.session.get(Job, job_id) if job_id else None
    return dict(job.result) if job is not None and job.result else None


@shared_task(
    name="worker.tasks.mail.send_invitations",
    bind=True,
    base=JobTask,
    acks_late=True,
    reject_on_worker_lost=True,
    **RETRY_ON,
)
def send_invitations(
    self,
    questionnaire_id: int | None = None,
    job_id: str | None = None,
    participant_ids: list[int] | None = None,
    resend: bool = False,
    deliver_only: bool = False,
) -> dict:
    """Invite a questionnaire's participants (None: every open questionnaire); safe to redeliver."""
    previous = _previous(job_id)
    if previous and previous.get("runs"):
        deliver_only = True  # a planned retry: only what waits in the outbox
    if deliver_only:
        result = invitations.deliver_waiting("invitation", questionnaire_id, progress=_progress(self, job_id))
    else:
        job = db.session.get(Job, job_id) if job_id else None
        result = invitations.send_invitations(
            questionnaire_id,
            participant_ids=participant_ids,
            resend=resend,
            created_by=job.created_by if job else None,
            progress=_progress(self, job_id),
            job_id=job_id,
        )
    return _finish(job_id, result, "invitation", previous, questionnaire_id)


@shared_task(
    name="worker.tasks.mail.send_reminders",
    bind=True,
    base=JobTask,
    acks_late=True,
    reject_on_worker_lost=True,
    **RETRY_ON,
)
def send_reminders(
    self, questionnaire_id: int | None = None, job_id: str | None = None, deliver_only: bool = False
) -> dict:
    """Remind non-responders of a questionnaire (None: every open questionnaire); safe to redeliver."""
    previous = _previous(job_id)
    if previous and previous.get("runs"):
        deliver_only = True
    if deliver_only:
        result = invitations.deliver_waiting("reminder", questionnaire_id, progress=_progress(self, job_id))
    else:
        job = db.session.get(Job, job_id) if job_id else None
        result = invitations.send_reminders(
            questionnaire_id,
            created_by=job.created_by if job else None,
            progress=_progress(self, job_id),
            job_id=job_id,
        )
    return _finish(job_id, result, "reminder", previous, questionnaire_id)
