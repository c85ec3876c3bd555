"""Engagement log, concerns register and communication plan routes (bestuurders read, the regisseur writes)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.actions import commit, run_action
from app.extensions import db
from app.models.stakeholders import CommunicationItem, Engagement
from app.security.access import can_edit, role_required, traject_for
from app.services import concerns as concern_service
from app.services import engagements as engagement_service
from app.services import stakeholders as stakeholder_service
from app.stakeholders import bp
from app.stakeholders.forms import AnswerForm, CommunicationForm, ConcernForm, CsrfForm, EngagementForm

T = "/trajecten/<int:traject_id>"


def _saved(form, action, success: str, redirect_to: str):
    """Run a register change for a valid form: committed, flashed and the redirect; refused: rolled
    back with the errors on the form, and None (the caller reloads what it shows)."""
    return run_action(action, success=success, redirect_to=redirect_to, form=form).response


def _own(traject, model, ident: int):
    row = db.session.get(model, ident)
    if row is None or row.traject_id != traject.id:
        abort(404)
    return row


# --- engagement log --------------------------------------------------------------------------


@bp.route(T + "/betrokkenheid")
@login_required
def engagements(traject_id: int):
    traject = traject_for(current_user, traject_id)
    rows = engagement_service.engagements(traject)
    return render_template(
        "stakeholders/engagements.html",
        traject=traject,
        phases=engagement_service.by_phase(rows),
        total=len(rows),
        editable=can_edit(current_user, traject),
        confirm=CsrfForm(),
    )


def _engagement_form(traject, engagement: Engagement | None = None) -> EngagementForm:
    if engagement is None:
        form = EngagementForm(data={"phase": engagement_service.PHASE_OF_TRAJECT.get(traject.phase, "ict_foto")})
    else:
        form = EngagementForm(
            data={
                "date": engagement.held_on,
                "kind": engagement.kind,
                "phase": engagement.phase,
                "topic": engagement.topic,
                "outcome": engagement.outcome,
                "attendees": engagement.attendees,
                "domains": list(engagement.domains or []),
                "stakeholders": [s.id for s in engagement.stakeholders],
            }
        )
    form.stakeholders.choices = [(s.id, s.name) for s in stakeholder_service.register(traject)]
    return form


def _engagement_data(form) -> dict:
    return {
        "date": form.date.data,
        "kind": form.kind.data,
        "phase": form.phase.data,
        "topic": form.topic.data,
        "outcome": form.outcome.data,
        "attendees": form.attendees.data,
        "domains": form.domains.data or [],
        "stakeholders": form.stakeholders.data or [],
    }


@bp.route(T + "/betrokkenheid/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def engagement_add(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    form = _engagement_form(traject)
    if form.validate_on_submit():
        back = url_for("stakeholders.engagements", traject_id=traject.id)
        if done := _saved(
            form, lambda: engagement_service.log(traject, _engagement_data(form)), _("Activiteit vastgelegd."), back
        ):
            return done
        traject = traject_for(current_user, traject_id, write=True)
    return render_template("stakeholders/engagement_form.html", form=form, traject=traject, engagement=None)


@bp.route(T + "/betrokkenheid/<int:engagement_id>/bewerken", methods=["GET", "POST"])
@role_required("regisseur")
def engagement_edit(traject_id: int, engagement_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    engagement = _own(traject, Engagement, engagement_id)
    form = _engagement_form(traject, engagement)
    if form.validate_on_submit():
        back = url_for("stakeholders.engagements", traject_id=traject.id)
        change = lambda: engagement_service.update(engagement, traject, _engagement_data(form))  # noqa: E731
        if done := _saved(form, change, _("Wijzigingen opgeslagen."), back):
            return done
        traject = traject_for(current_user, traject_id, write=True)
        engagement = _own(traject, Engagement, engagement_id)
    return render_template("stakeholders/engagement_form.html", form=form, traject=traject, engagement=engagement)


@bp.route(T + "/betrokkenheid/<int:engagement_id>/verwijderen", methods=["POST"])
@role_required("regisseur")
def engagement_delete(traject_id: int, engagement_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    engagement = _own(traject, Engagement, engagement_id)
    if CsrfForm().validate_on_submit():
        engagement_service.delete(engagement)
        commit()
        flash(_("Activiteit verwijderd."), "success")
    return redirect(url_for("stakeholders.engagements", traject_id=traject.id))


# --- concerns --------------------------------------------------------------------------------


@bp.route(T + "/zorgen")
@login_required
def concerns(traject_id: int):
    traject = traject_for(current_user, traject_id)
    rows = concern_service.visible(traject)
    return render_template(
        "stakeholders/concerns.html",
        traject=traject,
        rows=rows,
        editable=can_edit(current_user, traject),
        confirm=CsrfForm(),
    )


def _concern_choices(form, traject) -> None:
    form.stakeholder.choices = [("", _("ICT-medewerker of onbekend"))] + [
        (str(s.id), s.name) for s in stakeholder_service.register(traject)
    ]
    form.engagement.choices = [("", _("geen activiteit"))] + [
        (str(e.id), f"{e.held_on.isoformat()} · {e.topic}") for e in engagement_service.engagements(traject)
    ]


@bp.route(T + "/zorgen/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def concern_add(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    form = ConcernForm()
    _concern_choices(form, traject)
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("text", "stakeholder", "engagement", "domain", "status", "answer")}
        back = url_for("stakeholders.concerns", traject_id=traject.id)
        if done := _saved(form, lambda: concern_service.record(traject, data), _("Zorg vastgelegd."), back):
            return done
        traject = traject_for(current_user, traject_id, write=True)
    return render_template("stakeholders/concern_form.html", form=form, traject=traject, concern=None)


@bp.route(T + "/zorgen/<int:concern_id>", methods=["GET", "POST"])
@login_required
def concern(traject_id: int, concern_id: int):
    """One concern: everyone who may read the traject reads it; the regisseur answers it here."""
    traject = traject_for(current_user, traject_id)
    row = concern_service.visible_concern(traject, concern_id)
    if row is None:
        abort(404)
    editable = can_edit(current_user, traject)
    form = None
    if editable or current_user.role == "regisseur":
        values = {
            "status": row.status,
            "answer": row.answer,
            "text": row.text,
            "domain": row.domain or "",
            "stakeholder": str(row.stakeholder_id or ""),
            "engagement": str(row.engagement_id or ""),
        }
        form = AnswerForm(data=values) if row.anonymous else ConcernForm(data=values)
        if not row.anonymous:
            _concern_choices(form, traject)
    from flask import request

    if request.method == "POST":
        traject = traject_for(current_user, traject_id, write=True)
        if form is None or not form.validate_on_submit():
            abort(400)
        data = {name: form[name].data for name in form.data if name not in ("csrf_token", "submit")}
        back = url_for("stakeholders.concern", traject_id=traject.id, concern_id=row.id)
        if done := _saved(form, lambda: concern_service.update(row, traject, data), _("Wijzigingen opgeslagen."), back):
            return done
        traject = traject_for(current_user, traject_id, write=True)
        row = concern_service.visible_concern(traject, concern_id)
    return render_template(
        "stakeholders/concern.html",
        traject=traject,
        c=row,
        form=form if editable else None,
        editable=editable,
        confirm=CsrfForm(),
    )


@bp.route(T + "/zorgen/<int:concern_id>/<any(bedreiging, actie):target>", methods=["POST"])
@role_required("regisseur")
def concern_convert(traject_id: int, concern_id: int, target: str):
    traject = traject_for(current_user, traject_id, write=True)
    row = concern_service.visible_concern(traject, concern_id)
    if row is None:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    convert, success = (
        (concern_service.to_threat, _("De zorg staat nu als bedreiging in de SWOT."))
        if target == "bedreiging"
        else (concern_service.to_action, _("De zorg staat nu als actie op de routekaart."))
    )
    run_action(lambda: convert(row, traject), success=success)
    return redirect(url_for("stakeholders.concern", traject_id=traject_id, concern_id=concern_id))


# --- communication plan ------------------------------------------------------------------------


@bp.route(T + "/communicatieplan")
@login_required
def plan(traject_id: int):
    traject = traject_for(current_user, traject_id)
    return render_template(
        "stakeholders/plan.html",
        traject=traject,
        items=engagement_service.plan(traject),
        people=stakeholder_service.register(traject),
        editable=can_edit(current_user, traject),
        confirm=CsrfForm(),
    )


def _item_form(traject, item: CommunicationItem | None):
    from app.stakeholders.labels import channel, message

    if item is None:
        form = CommunicationForm()
    else:
        form = CommunicationForm(
            data={
                "message": message(item.message),
                "channel": channel(item.channel),
                "planned_on": item.planned_on,
                "by_whom": item.by_whom,
                "done": item.done,
                "stakeholder": str(item.stakeholder_id),
            }
        )
    form.stakeholder.choices = [(str(s.id), s.name) for s in stakeholder_service.register(traject)]
    return form


@bp.route(T + "/communicatieplan/nieuw", methods=["GET", "POST"])
@bp.route(T + "/communicatieplan/<int:item_id>/bewerken", methods=["GET", "POST"])
@role_required("regisseur")
def plan_item(traject_id: int, item_id: int | None = None):
    traject = traject_for(current_user, traject_id, write=True)
    item = _own(traject, CommunicationItem, item_id) if item_id is not None else None
    form = _item_form(traject, item)
    if form.validate_on_submit():
        data = {k: form[k].data for k in ("stakeholder", "message", "channel", "planned_on", "by_whom", "done")}
        back = url_for("stakeholders.plan", traject_id=traject.id)
        change = lambda: engagement_service.save_item(traject, data, item)  # noqa: E731
        if done := _saved(form, change, _("Communicatiemoment opgeslagen."), back):
            return done
        traject = traject_for(current_user, traject_id, write=True)
    return render_template("stakeholders/plan_form.html", form=form, traject=traject, item=item)


@bp.route(T + "/communicatieplan/<int:item_id>/verwijderen", methods=["POST"])
@role_required("regisseur")
def plan_item_delete(traject_id: int, item_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    item = _own(traject, CommunicationItem, item_id)
    if CsrfForm().validate_on_submit():
        engagement_service.delete_item(item)
        commit()
        flash(_("Communicatiemoment verwijderd."), "success")
    return redirect(url_for("stakeholders.plan", traject_id=traject.id))
