"""Shared by the questionnaire routes: loading a questionnaire with its access check, placing a
service's errors on a form, and running a button's service action."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_login import current_user

from app.actions import run_action, show_refusal
from app.extensions import db
from app.models import Questionnaire
from app.questionnaires.forms import ConfirmForm
from app.security.access import traject_for
from app.services.questionnaires import QuestionnaireError


def questionnaire_for(qid: int, *, write: bool = False):
    """The questionnaire and its traject, checked like the traject itself (404 / 403)."""
    q = db.session.get(Questionnaire, qid)
    if q is None:
        abort(404)
    traject = traject_for(current_user, q.traject_id, write=write)
    if q.traject_id != traject.id:  # pragma: no cover - defensive
        abort(404)
    return q, traject


def apply_errors(form, exc: QuestionnaireError) -> None:
    show_refusal(exc, form)  # on the form's fields, else a flash; in the reader's language


def back_to_editor(q: Questionnaire, anchor: str | None = None):
    url = url_for("questionnaires.show", qid=q.id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


def post_action(qid: int, action, success: str, anchor: str | None = None):
    """Run a service action for a POSTed button form; flash the outcome; back to the editor."""
    q, _traject = questionnaire_for(qid, write=True)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    done = run_action(lambda: action(q), success=success)
    if isinstance(done.result, Questionnaire):
        return redirect(url_for("questionnaires.show", qid=done.result.id))
    return back_to_editor(q, anchor)
