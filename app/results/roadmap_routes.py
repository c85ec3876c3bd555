"""Roadmap: actions per horizon proposed from the feasibility, editable, with a timeline by quarter."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from analysis.feasibility import DOMAINS, FORMS
from analysis.roadmap import HORIZONS
from app.actions import run_action
from app.results import bp, charts, views
from app.results.forms import CsrfForm
from app.security.access import can_edit, role_required, traject_for
from app.services import advice


def horizon_label(h: str) -> str:
    return {"kort": _("Korte termijn"), "middellang": _("Middellange termijn"), "lang": _("Lange termijn")}[h]


def status_label(s: str) -> str:
    return {"open": _("Open"), "bezig": _("Bezig"), "klaar": _("Klaar")}[s]


def action_title(a) -> str:
    from app.results.format import language

    return a.title_en if language() == "en" and a.title_en and a.key else a.title


def roadmap_timeline(rows):
    quarters = advice.quarters_span(rows)
    if not quarters:
        return None
    return charts.timeline(
        [{"label": action_title(a), "quarter": a.quarter, "horizon": a.horizon, "status": a.status} for a in rows],
        quarters,
        _("Tijdlijn van de routekaart"),
        _("Elke actie in het kwartaal waarin ze gepland is; donkerder is een langere termijn. ✓ = klaar."),
    )


@bp.route("/trajecten/<int:traject_id>/routekaart")
@login_required
def roadmap(traject_id: int):
    traject = traject_for(current_user, traject_id)
    rows = advice.actions(traject)
    by_id = {a.id: a for a in rows}
    return render_template(
        "results/roadmap.html",
        traject=traject,
        rows=rows,
        by_id=by_id,
        horizons=HORIZONS,
        horizon_label=horizon_label,
        status_label=status_label,
        action_title=action_title,
        timeline=roadmap_timeline(rows),
        views=views,
        domains=DOMAINS,
        forms=FORMS,
        editable=can_edit(current_user, traject),
        form=CsrfForm(),
    )


@bp.route("/trajecten/<int:traject_id>/routekaart/voorstel", methods=["POST"])
@role_required("regisseur")
def roadmap_generate(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    if not CsrfForm().validate_on_submit():
        abort(400)
    added = run_action(lambda: advice.generate_proposals(traject)).result
    if added:
        flash(ngettext("%(num)s actie voorgesteld.", "%(num)s acties voorgesteld.", len(added)), "success")
    else:
        flash(_("Geen nieuwe voorstellen: alle voorgestelde acties staan al op de routekaart."), "success")
    return redirect(url_for("results.roadmap", traject_id=traject.id))


@bp.route("/trajecten/<int:traject_id>/routekaart/acties", methods=["POST"])
@bp.route("/trajecten/<int:traject_id>/routekaart/acties/<int:action_id>", methods=["POST"])
@role_required("regisseur")
def roadmap_save(traject_id: int, action_id: int | None = None):
    traject = traject_for(current_user, traject_id, write=True)
    if not CsrfForm().validate_on_submit():
        abort(400)
    action = None
    if action_id is not None:
        action = advice.action_for(traject, action_id)
        if action is None:
            abort(404)
    f = request.form
    outcome = run_action(
        lambda: advice.save_action(
            traject,
            title=f.get("title", ""),
            horizon=f.get("horizon", ""),
            owner=f.get("owner", ""),
            quarter=f.get("quarter"),
            status=f.get("status", "open"),
            depends_on=[int(v) for v in f.getlist("depends_on") if v.isdigit()],
            domain=f.get("domain") or None,
            form=f.get("form") or None,
            action=action,
        ),
        success=_("Actie opgeslagen."),
        redirect_to=lambda saved: url_for("results.roadmap", traject_id=traject.id, _anchor=f"actie-{saved.id}"),
    )
    if outcome.response:
        return outcome.response
    return redirect(
        url_for("results.roadmap", traject_id=traject.id, _anchor=f"actie-{action_id}" if action_id else "nieuw")
    )


@bp.route("/trajecten/<int:traject_id>/routekaart/acties/<int:action_id>/verwijderen", methods=["POST"])
@role_required("regisseur")
def roadmap_delete(traject_id: int, action_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    if not CsrfForm().validate_on_submit():
        abort(400)
    action = advice.action_for(traject, action_id)
    if action is None:
        abort(404)
    run_action(lambda: advice.delete_action(traject, action), success=_("Actie verwijderd."))
    return redirect(url_for("results.roadmap", traject_id=traject.id))
