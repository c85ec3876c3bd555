"""Published advice versions: publish, list with changes, a version's page and files, the boards'
decisions, the outcome with the MR's advice, and the regisseur's own chapter texts."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from analysis.feasibility import DOMAINS
from app.actions import commit, run_action
from app.extensions import db
from app.models import Organisation
from app.models.advice import CHAPTERS, DECISIONS, MR_COUNCILS, MR_OUTCOMES, AdviceVersion
from app.results import bp, views
from app.results import report as report_service
from app.results.forms import CsrfForm
from app.security.access import can_edit, role_required, traject_for
from app.services import advice_document, advice_versions, audit
from app.services.advice import AdviceError

MIMETYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def version_for(version_id: int, *, write: bool = False):
    """The version and its traject if the current user may see it (404 otherwise, like trajects)."""
    version = db.session.get(AdviceVersion, version_id)
    if version is None:
        abort(404)
    traject = traject_for(current_user, version.traject_id, write=write)
    return version, traject


def _flash_errors(exc: AdviceError) -> None:
    flash(" ".join([str(exc)] + [m for msgs in exc.errors.values() for m in msgs if m not in str(exc)]), "error")


def _check_csrf() -> None:
    if not CsrfForm().validate_on_submit():
        abort(400)


ADVICE_TEXT_MAX = 20000


@bp.route("/trajecten/<int:traject_id>/rapport/teksten", methods=["POST"])
@role_required("regisseur")
def report_texts(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    _check_csrf()
    values = {c: request.form.get(f"text_{c}", "") for c in CHAPTERS if f"text_{c}" in request.form}
    if any(len(text) > ADVICE_TEXT_MAX for text in values.values()):
        # Refused whole, not cut off: a cut text would lose its end without a word.
        flash(
            _("Een hoofdstuktekst is hoogstens %(n)s tekens lang; er is niets opgeslagen.", n=ADVICE_TEXT_MAX), "error"
        )
        return redirect(url_for("results.report", traject_id=traject.id, _anchor="teksten"))
    advice_document.save_texts(traject, values)
    audit.record(
        "advice.texts_saved",
        object_type="Traject",
        object_id=traject.id,
        traject_id=traject.id,
        chapters=sorted(values),
    )
    commit()
    flash(_("De teksten zijn opgeslagen."), "success")
    return redirect(url_for("results.report", traject_id=traject.id, _anchor="teksten"))


@bp.route("/trajecten/<int:traject_id>/adviesversies", methods=["POST"])
@role_required("regisseur")
def version_publish(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    _check_csrf()
    outcome = run_action(
        lambda: advice_versions.publish(
            traject, current_user, note=request.form.get("note", ""), confirm_gaps=request.form.get("confirm") == "1"
        )
    )
    if not outcome.ok:
        return redirect(url_for("results.report", traject_id=traject.id, _anchor="publiceren"))
    version = outcome.value
    advice_versions.deliver_queued(traject)
    advice_versions.request_files(version, current_user)
    flash(_("Versie %(n)s is gepubliceerd; de bestuurders hebben een bericht gekregen.", n=version.number), "success")
    return redirect(url_for("results.version_show", version_id=version.id))


@bp.route("/trajecten/<int:traject_id>/adviesversies")
@login_required
def versions(traject_id: int):
    traject = traject_for(current_user, traject_id)
    rows = advice_versions.versions(traject)
    changes = {v.id: advice_versions.changes_of(v) for v in rows}
    summaries = {
        v.id: advice_versions.summary_line(
            advice_versions.summary(v, traject), len(traject.organisations), views.language()
        )
        for v in rows
    }
    return render_template(
        "results/versions.html",
        traject=traject,
        rows=rows,
        changes=changes,
        summaries=summaries,
        editable=can_edit(current_user, traject),
        lang=views.language(),
    )


@bp.route("/adviesversies/<int:version_id>")
@login_required
def version_show(version_id: int):
    version, traject = version_for(version_id)
    context = report_service.report_context(version.document, version=version)
    files = {f: advice_versions.file_of(version, f) for f in advice_versions.FORMATS}
    own = advice_versions.organisation_of(current_user, traject) if current_user.role == "bestuurder" else None
    return render_template(
        "results/version.html",
        **dict(context, traject=traject),
        files=files,
        job=advice_versions.active_job(version),
        changes=advice_versions.changes_of(version),
        editable=can_edit(current_user, traject),
        own=own,
        lang=views.language(),
    )


@bp.route("/adviesversies/<int:version_id>/rapport.<any(pdf, xlsx):fmt>")
@login_required
def version_download(version_id: int, fmt: str):
    version, traject = version_for(version_id)
    stored = advice_versions.file_of(version, fmt)
    if stored is None:
        advice_versions.request_files(version, current_user)
        flash(_("Het rapport van deze versie wordt gemaakt; probeer het over enkele ogenblikken opnieuw."), "success")
        return redirect(url_for("results.version_show", version_id=version.id, _anchor="downloads"))
    audit.record("export.advice_version", obj=version, traject_id=traject.id, format=fmt, number=version.number)
    commit()
    return send_file(
        io.BytesIO(stored.data),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"advies-{traject.id}-versie-{version.number}.{fmt}",
        etag=stored.sha256,
        last_modified=stored.built_at,
    )


def support_text(cell: dict | None) -> str:
    """'72 (n = 14)' on 0–100, or 'te weinig respons' below the threshold."""
    if not cell or cell.get("suppressed") or cell.get("score") is None:
        return _("te weinig respons")
    return _("%(s)s (n = %(n)s)", s=views.fmt(cell["score"]), n=cell["n"])


def _board_version(version_id: int):
    """A bestuurder of this traject with a school in it; anyone else 403 (a regisseur never decides)."""
    if current_user.role != "bestuurder":
        abort(403)
    version = db.session.get(AdviceVersion, version_id)
    if version is None:
        abort(404)
    traject = traject_for(current_user, version.traject_id)
    organisation = advice_versions.organisation_of(current_user, traject)
    if organisation is None:
        abort(403)
    return version, traject, organisation


@bp.route("/adviesversies/<int:version_id>/besluit", methods=["GET", "POST"])
@login_required
def version_decision(version_id: int):
    version, traject, organisation = _board_version(version_id)
    latest = advice_versions.latest_decisions(version).get(organisation.code)
    errors: dict = {}
    values = request.form if request.method == "POST" else {}
    if request.method == "POST":
        _check_csrf()
        try:
            advice_versions.record_decision(
                version,
                current_user,
                decision=request.form.get("decision"),
                conditions=request.form.get("conditions", ""),
                motivation=request.form.get("motivation", ""),
                signed_name=request.form.get("signed_name", ""),
                signed_function=request.form.get("signed_function", ""),
                signed_on=request.form.get("signed_on") or None,
                domain_conditions={d: request.form.get(f"condition_{d}", "") for d in DOMAINS},
            )
        except advice_versions.RoundClosed as exc:
            db.session.rollback()
            abort(409, str(exc))
        except AdviceError as exc:
            db.session.rollback()
            errors = exc.errors
            flash(str(exc), "error")
        else:
            commit()
            flash(_("Het besluit van uw bestuur is vastgelegd."), "success")
            return redirect(url_for("results.version_outcome", version_id=version.id))
    context = report_service.report_context(version.document, version=version)
    return render_template(
        "results/decision.html",
        traject=traject,
        version=version,
        organisation=organisation,
        latest=latest,
        errors=errors,
        values=values,
        decisions=DECISIONS,
        domains=DOMAINS,
        recommendations=context["recommendations"],
        label=report_service.decision_label,
        views=views,
    ), (422 if errors else 200)


@bp.route("/adviesversies/<int:version_id>/uitkomst")
@login_required
def version_outcome(version_id: int):
    version, traject = version_for(version_id)
    result = advice_versions.outcome(version)
    names = {o.code: o.name for o in traject.organisations}
    line = advice_versions.summary_line(result["summary"], len(traject.organisations), views.language())
    own = advice_versions.organisation_of(current_user, traject) if current_user.role == "bestuurder" else None
    from app.services import advice_consultation

    consultation = advice_consultation.results(version)
    return render_template(
        "results/outcome.html",
        traject=traject,
        version=version,
        result=result,
        names=names,
        consultation=consultation,
        support=support_text,
        line=line,
        editable=can_edit(current_user, traject),
        own=own,
        views=views,
        label=report_service.decision_label,
        mr_label=report_service.mr_outcome_label,
        outcomes=MR_OUTCOMES,
        councils=MR_COUNCILS,
        form=CsrfForm(),
    )


@bp.route("/adviesversies/<int:version_id>/besluitronde-sluiten", methods=["POST"])
@role_required("regisseur")
def version_close(version_id: int):
    version, traject = version_for(version_id, write=True)
    _check_csrf()
    closing = run_action(lambda: advice_versions.close_round(version, current_user))
    if not closing.ok:
        abort(409)
    advice_versions.deliver_queued(traject)
    flash(_("De besluitronde is gesloten; de bestuurders hebben een bericht gekregen."), "success")
    return redirect(url_for("results.version_outcome", version_id=version.id))


@bp.route("/adviesversies/<int:version_id>/medezeggenschap/<int:organisation_id>", methods=["POST"])
@role_required("regisseur")
def version_mr(version_id: int, organisation_id: int):
    version, traject = version_for(version_id, write=True)
    _check_csrf()
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.traject_id != traject.id:
        abort(404)
    f = request.form
    run_action(
        lambda: advice_versions.save_mr_advice(
            version,
            organisation.code,
            council=f.get("council", "mr"),
            sent_on=f.get("sent_on"),
            received_on=f.get("received_on"),
            outcome=f.get("outcome", "nog_niet_ontvangen"),
            staff_move=f.get("staff_move") == "1",
            pmr_sent_on=f.get("pmr_sent_on"),
            pmr_received_on=f.get("pmr_received_on"),
            pmr_outcome=f.get("pmr_outcome"),
            note=f.get("note", ""),
        ),
        success=_("De medezeggenschap van %(school)s is vastgelegd.", school=organisation.name),
    )
    return redirect(url_for("results.version_outcome", version_id=version.id, _anchor=f"mr-{organisation.code}"))


# --- steps with gates -----------------------------------------------------------------------


@bp.route("/trajecten/<int:traject_id>/voortgang")
@login_required
def phases(traject_id: int):
    from app.services import advice_phases

    traject = traject_for(current_user, traject_id)
    state = advice_phases.steps(traject)
    return render_template(
        "results/phases.html",
        traject=traject,
        state=state,
        plan=advice_phases.uitwerking_plan(traject),
        editable=can_edit(current_user, traject),
        lang=views.language(),
        views=views,
        horizon_label=report_service.horizon_label,
    )


@bp.route(
    "/trajecten/<int:traject_id>/voortgang/<any(ict_foto, analyse, voorstellen, besluit, uitwerking):step>/doorgaan",
    methods=["POST"],
)
@role_required("regisseur")
def phase_go_on(traject_id: int, step: str):
    from app.services import advice_phases

    traject = traject_for(current_user, traject_id, write=True)
    _check_csrf()
    run_action(
        lambda: advice_phases.go_on(traject, step, request.form.get("reason", ""), current_user),
        success=_("U gaat door na deze stap; uw reden is vastgelegd in het logboek."),
    )
    return redirect(url_for("results.phases", traject_id=traject.id, _anchor=f"stap-{step}"))


@bp.route("/adviesversies/<int:version_id>/consultatie", methods=["POST"])
@role_required("regisseur")
def version_consultation(version_id: int):
    from app.services import advice_consultation

    version, traject = version_for(version_id, write=True)
    _check_csrf()
    outcome = run_action(lambda: advice_consultation.open_consultation(version, current_user))
    if not outcome.ok:
        return redirect(url_for("results.version_outcome", version_id=version.id, _anchor="consultatie"))
    row = outcome.value
    flash(
        _(
            "De consultatie is als concept-vragenlijst aangemaakt. Publiceer haar en nodig ICT-medewerkers en besturen uit."
        ),
        "success",
    )
    return redirect(url_for("questionnaires.show", qid=row.questionnaire_id))
