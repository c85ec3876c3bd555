"""Pages of motives per party and of the ICT users' satisfaction (the ICT-foto's gebruikers dimension)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from app.results import bp, party_views
from app.security.access import can_edit, traject_for
from app.services import advice
from app.services.users_locations import location_figures


@bp.route("/trajecten/<int:traject_id>/motieven")
@login_required
def motives(traject_id: int):
    traject = traject_for(current_user, traject_id)
    snapshot = advice.latest_snapshot(traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    section = party_views.motives_party_section(traject, payload) if snapshot is not None else None
    return render_template(
        "results/motives.html", traject=traject, snapshot=snapshot, m=section, editable=can_edit(current_user, traject)
    )


@bp.route("/trajecten/<int:traject_id>/ict-gebruikers")
@login_required
def ict_users(traject_id: int):
    traject = traject_for(current_user, traject_id)
    snapshot = advice.latest_snapshot(traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    section = (
        party_views.users_section(traject, payload, location_figures(traject, snapshot))
        if snapshot is not None
        else None
    )
    return render_template(
        "results/ict_users.html",
        traject=traject,
        snapshot=snapshot,
        u=section,
        editable=can_edit(current_user, traject),
    )
