"""Jobs of a traject in the UI: recent recomputes with their progress, a recompute button, a JSON poll."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from app.extensions import db
from app.jobs import enqueue_recompute, retry_job, stuck
from app.models import Job
from app.results import bp
from app.security.access import can_edit, traject_for
from app.services import indicators

RECENT = 20


def _kind_label(kind: str) -> str:
    """What a job does, in words (its kind is a code, 'advice_version:12' for a version's files)."""
    base = (kind or "").split(":", 1)[0]
    labels = {
        "recompute": _("Herberekening"),
        "report": _("Adviesrapport bouwen"),
        "invitations": _("Uitnodigingen versturen"),
        "reminders": _("Herinneringen versturen"),
        "advice_version": _("Bestanden van een adviesversie bouwen"),
    }
    return labels.get(base, base.replace("_", " "))


def _state_label(state, job: Job | None = None) -> str:
    """The state in words; a job may also be passed as the first argument."""
    if isinstance(state, Job):
        job, state = state, state.state
    if job is not None and job.state == "queued":
        if job.not_queued:
            return _("Niet in de wachtrij gekomen")
        if job.retry_at is not None:
            return _("Wacht op nieuwe poging (%(time)s)", time=format_time(job.retry_at, "HH:mm:ss"))
    if job is not None and stuck(job):
        return _("Blijft hangen")
    return {"queued": _("In de wachtrij"), "running": _("Bezig"), "done": _("Klaar"), "failed": _("Mislukt")}.get(
        state, state
    )


def can_retry(job: Job) -> bool:
    """A job that never reached the queue, failed, or hangs past its kind's limit."""
    return job.not_queued or job.state == "failed" or stuck(job)


def _job_json(job: Job) -> dict:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state,
        "state_label": _state_label(job),
        "progress": float(job.progress or 0.0),
        "message": job.message or "",
        "retry_at": job.retry_at.isoformat() if job.retry_at else None,
        "can_retry": can_retry(job),
    }


@bp.route("/trajecten/<int:traject_id>/taken")
@login_required
def jobs(traject_id: int):
    traject = traject_for(current_user, traject_id)
    # Recomputes nobody asked for (the sweep after submissions) are not listed: their times
    # would tell when anonymous answers came in (docs/privacy.md, metadata).
    recent = db.session.scalars(
        select(Job)
        .where(Job.traject_id == traject.id, (Job.kind != "recompute") | Job.created_by.is_not(None))
        .order_by(Job.created_at.desc())
        .limit(RECENT)
    ).all()
    return render_template(
        "results/jobs.html",
        traject=traject,
        jobs=recent,
        form=FlaskForm(),
        editable=can_edit(current_user, traject),
        state_label=_state_label,
        can_retry=can_retry,
        kind_label=_kind_label,
        snapshot=indicators.latest_snapshot(traject),
    )


@bp.post("/trajecten/<int:traject_id>/taken/herberekenen")
@login_required
def recompute(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    if not FlaskForm().validate_on_submit():
        abort(400)
    job = enqueue_recompute(traject.id, created_by=current_user.id)
    flash(_("Herberekening aangevraagd."), "success")
    return redirect(url_for("results.jobs", traject_id=traject.id, _anchor=f"taak-{job.id}"))


@bp.post("/trajecten/<int:traject_id>/taken/<job_id>/opnieuw")
@login_required
def retry(traject_id: int, job_id: str):
    """The retry button: a job that never reached the queue, failed, or hangs is sent again."""
    traject = traject_for(current_user, traject_id, write=True)
    if not FlaskForm().validate_on_submit():
        abort(400)
    job = db.session.get(Job, job_id)
    if job is None or job.traject_id != traject.id:
        abort(404)
    if not can_retry(job):
        flash(_("Deze taak loopt nog of is al klaar."), "info")
    elif retry_job(job):
        flash(_("De taak staat opnieuw in de wachtrij."), "success")
    else:
        flash(_("De wachtrij is nog niet bereikbaar; de taak wordt binnen een minuut opnieuw geprobeerd."), "error")
    return redirect(url_for("results.jobs", traject_id=traject.id, _anchor=f"taak-{job.id}"))


@bp.route("/trajecten/<int:traject_id>/taken/<job_id>.json")
@login_required
def job_status(traject_id: int, job_id: str):
    traject = traject_for(current_user, traject_id)
    job = db.session.get(Job, job_id)
    if job is None or job.traject_id != traject.id:
        abort(404)
    return jsonify(_job_json(job))
