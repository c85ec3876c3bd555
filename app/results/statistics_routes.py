"""Pages of the statistics behind the dashboard: differences between schools and instrument quality."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from app.results import bp, statistics_views
from app.security.access import can_edit, traject_for
from app.services import advice


@bp.app_context_processor
def rollup_helpers():
    # Any results page can say which roll-up it shows: {% with rollup = rollup_note(...) %}.
    return {
        "rollup_note": statistics_views.rollup_note,
        "rollup_preview": statistics_views.publish_preview,
        "rollup_note_for": statistics_views.rollup_note_for,
    }


def _release(traject_id: int):
    traject = traject_for(current_user, traject_id)
    snapshot = advice.latest_snapshot(traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    return traject, snapshot, payload


@bp.route("/trajecten/<int:traject_id>/resultaten/verschillen")
@login_required
def differences(traject_id: int):
    # Bestuurders read these too: only schools the release shows take part (analysis.disclosure).
    traject, snapshot, payload = _release(traject_id)
    return render_template(
        "results/differences.html",
        traject=traject,
        snapshot=snapshot,
        rows=statistics_views.differences(traject, payload),
        rollup=statistics_views.rollup_note(traject, snapshot, payload),
        editable=can_edit(current_user, traject),
        alpha_level=statistics_views.ALPHA_LEVEL,
    )


@bp.route("/trajecten/<int:traject_id>/resultaten/instrumentkwaliteit")
@login_required
def quality(traject_id: int):
    traject, snapshot, payload = _release(traject_id)
    return render_template(
        "results/quality.html",
        traject=traject,
        snapshot=snapshot,
        rows=statistics_views.quality(traject, payload),
        rollup=statistics_views.rollup_note(traject, snapshot, payload),
        editable=can_edit(current_user, traject),
        weak=statistics_views.WEAK_ITEM_REST,
    )
