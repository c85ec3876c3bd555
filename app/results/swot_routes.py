"""SWOT per organisation and for the whole traject: derived and manual items, selection, confrontatiematrix."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.actions import commit, run_action, show_refusal
from app.extensions import db
from app.results import bp, findings
from app.results.format import language
from app.results.forms import CsrfForm
from app.results.swot_words import item_label, quadrant_letter, rule_label
from app.security.access import can_edit, role_required, traject_for
from app.services import advice
from app.services.indicator_snapshots import latest_snapshot

#: dashboard anchor per evidence kind
EVIDENCE_ANCHORS = {
    "index": "indices",
    "ict_foto": "ict-foto",
    "board": "vertrouwen",
    "gap": "kloof",
    "motive": "motieven",
    "ict_users": "ict-gebruikers",
}


def quadrant_label(q: str) -> str:
    return {"S": _("Sterktes"), "W": _("Zwaktes"), "O": _("Kansen"), "T": _("Bedreigingen")}[q]


def evidence_anchor(item) -> str | None:
    evidence = item.evidence or {}
    kind = evidence.get("kind")
    if kind == "board" and str(evidence.get("ref", "")).startswith("autonomy"):
        return "autonomie"
    return EVIDENCE_ANCHORS.get(kind)


def _scope(traject):
    code = request.values.get("org") or None
    if code is not None and traject.organisation_by_code(code) is None:
        abort(404)
    return code


def _back(traject, scope, anchor=None):
    return redirect(url_for("results.swot", traject_id=traject.id, org=scope, _anchor=anchor))


@bp.route("/trajecten/<int:traject_id>/swot")
@login_required
def swot(traject_id: int):
    traject = traject_for(current_user, traject_id)
    scope = _scope(traject)
    editable = can_edit(current_user, traject)
    if editable:
        advice.sync_swot(traject)
        commit()
    items = advice.swot_items(traject, scope)
    state = advice.confrontation_state(traject, scope)
    return render_template(
        "results/swot.html",
        traject=traject,
        scope=scope,
        items=items,
        state=state,
        editable=editable,
        form=CsrfForm(),
        quadrant_label=quadrant_label,
        quadrant_letter=quadrant_letter,
        item_label=item_label,
        rule_label=rule_label,
        evidence_anchor=evidence_anchor,
        evidence_part=findings.part_of_anchor,
        has_snapshot=latest_snapshot(traject, payload=False) is not None,
        suggestions=advice.offered_suggestions(traject, scope) if editable else [],
        item_origin=item_origin,
    )


def item_origin(item) -> str:
    """Where a manual item came from: an adopted sector suggestion (with its source), the demo case, or the regisseur."""
    evidence = item.evidence or {}
    rule = item.rule or ""
    if evidence.get("kind") == "suggestion":
        source = evidence.get("source_en") if language() == "en" else evidence.get("source_nl")
        return _("suggestie uit de sector; bron: %(source)s", source=source or "")
    if rule.startswith(("case.", "default.")):
        return _("feit uit de casus (demo)")
    return ""


@bp.route("/trajecten/<int:traject_id>/swot/suggesties", methods=["POST"])
@role_required("regisseur")
def swot_suggestion_adopt(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    scope = _scope(traject)
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        advice.adopt_suggestion(traject, scope, request.form.get("suggestion", ""))
    except advice.AdviceError as exc:
        db.session.rollback()
        show_refusal(exc)
        return _back(traject, scope, "suggesties")
    commit()
    flash(_("Suggestie overgenomen als SWOT-punt."), "success")
    return _back(traject, scope, "selectie")


@bp.route("/trajecten/<int:traject_id>/swot/selectie", methods=["POST"])
@role_required("regisseur")
def swot_selection(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    scope = _scope(traject)
    if not CsrfForm().validate_on_submit():
        abort(400)
    ids = {int(v) for v in request.form.getlist("selected") if v.isdigit()}
    if not run_action(lambda: advice.set_selection(traject, scope, ids), success=_("Selectie opgeslagen.")).ok:
        return _back(traject, scope, "selectie")
    return _back(traject, scope, "matrix")


@bp.route("/trajecten/<int:traject_id>/swot/punten", methods=["POST"])
@bp.route("/trajecten/<int:traject_id>/swot/punten/<int:item_id>", methods=["POST"])
@role_required("regisseur")
def swot_item_save(traject_id: int, item_id: int | None = None):
    traject = traject_for(current_user, traject_id, write=True)
    scope = _scope(traject)
    if not CsrfForm().validate_on_submit():
        abort(400)
    item = None
    if item_id is not None:
        item = advice.item_for(traject, item_id)
        if item is None:
            abort(404)
        scope = item.organisation_code
    outcome = run_action(
        lambda: advice.save_manual_item(
            traject,
            organisation=scope,
            quadrant=request.form.get("quadrant", ""),
            text_nl=request.form.get("text_nl", ""),
            text_en=request.form.get("text_en", ""),
            item=item,
        ),
        success=_("SWOT-punt opgeslagen."),
    )
    return _back(traject, scope, "selectie" if outcome.ok else "toevoegen")


@bp.route("/trajecten/<int:traject_id>/swot/punten/<int:item_id>/verwijderen", methods=["POST"])
@role_required("regisseur")
def swot_item_delete(traject_id: int, item_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    if not CsrfForm().validate_on_submit():
        abort(400)
    item = advice.item_for(traject, item_id)
    if item is None:
        abort(404)
    scope = item.organisation_code
    run_action(lambda: advice.delete_manual_item(traject, item), success=_("SWOT-punt verwijderd."))
    return _back(traject, scope, "selectie")


@bp.route("/trajecten/<int:traject_id>/swot/confrontatie", methods=["POST"])
@role_required("regisseur")
def swot_scores(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    scope = _scope(traject)
    if not CsrfForm().validate_on_submit():
        abort(400)
    values = {}
    for name, raw in request.form.items():
        if not name.startswith("score-"):
            continue
        try:
            _prefix, row, column = name.split("-")
            values[(int(row), int(column))] = int(raw)
        except ValueError:
            flash(_("Een score ligt tussen −2 en +2."), "error")
            return _back(traject, scope, "matrix")
    run_action(lambda: advice.save_scores(traject, scope, values), success=_("Confrontatiematrix opgeslagen."))
    return _back(traject, scope, "matrix")
