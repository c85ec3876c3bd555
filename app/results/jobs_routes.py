"""Jobs of a traject in the UI: recent recomputes with their progress, a recompute button, a JSON poll."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select

from app.extensions import db
from app.jobs import enqueue_recompute
from app.models import Job
from app.results import bp
from app.security.access import can_edit, traject_for
from app.services import indicators

RECENT = 20


def _state_label(state: str) -> str:
    return {"queued": _("In de wachtrij"), "running": _("Bezig"), "done": _("Klaar"),
            "failed": _("Mislukt")}.get(state, state)


def _job_json(job: Job) -> dict:
    return {"id": job.id, "kind": job.kind, "state": job.state, "state_label": _state_label(job.state),
            "progress": float(job.progress or 0.0), "message": job.message or ""}


@bp.route("/trajecten/<int:traject_id>/taken")
@login_required
def jobs(traject_id: int):
    traject = traject_for(current_user, traject_id)
    # Recomputes nobody asked for (the sweep after submissions) are not listed: their times
    # would tell when anonymous answers came in (docs/privacy.md, metadata).
    recent = db.session.scalars(select(Job).where(Job.traject_id == traject.id,
                                                  (Job.kind != "recompute") | Job.created_by.is_not(None))
                                .order_by(Job.created_at.desc()).limit(RECENT)).all()
    return render_template("results/jobs.html", traject=traject, jobs=recent, form=FlaskForm(),
                           editable=can_edit(current_user, traject), state_label=_state_label,
                           snapshot=indicators.latest_snapshot(traject))


@bp.post("/trajecten/<int:traject_id>/taken/herberekenen")
@login_required
def recompute(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    if not FlaskForm().validate_on_submit():
        abort(400)
    job = enqueue_recompute(traject.id, created_by=current_user.id)
    flash(_("Herberekening aangevraagd."), "success")
    return redirect(url_for("results.jobs", traject_id=traject.id, _anchor=f"taak-{job.id}"))


@bp.route("/trajecten/<int:traject_id>/taken/<job_id>.json")
@login_required
def job_status(traject_id: int, job_id: str):
    traject = traject_for(current_user, traject_id)
    job = db.session.get(Job, job_id)
    if job is None or job.traject_id != traject.id:
        abort(404)
    return jsonify(_job_json(job))
