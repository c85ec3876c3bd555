"""The advice report: on-screen page, build by a worker task, and downloads of the PDF and XLSX."""

from __future__ import annotations

import os

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.actions import commit
from app.models.advice import CHAPTERS
from app.results import bp
from app.results import report as report_service
from app.results.forms import CsrfForm
from app.security.access import can_edit, traject_for
from app.services import advice, advice_document, advice_versions, audit

MIMETYPES = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def send_report_file(traject, report, fmt: str, actor_id=None):
    path = (report.files or {}).get(fmt)
    if not path or not os.path.exists(path):
        abort(404)
    audit.record("export.report", obj=report, traject_id=traject.id, actor_id=actor_id, format=fmt)
    commit()
    return send_file(
        path,
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        conditional=True,
        download_name=f"adviesrapport-{traject.id}.{fmt}",
    )


@bp.route("/trajecten/<int:traject_id>/rapport")
@login_required
def report(traject_id: int):
    traject = traject_for(current_user, traject_id)
    editable = can_edit(current_user, traject)
    if editable:
        advice.sync_swot(traject)
        commit()
    document = advice_document.build(traject)
    context = report_service.report_context(document)
    return render_template(
        "results/report.html",
        **dict(context, traject=traject),
        current=report_service.current_report(traject),
        job=report_service.active_job(traject),
        editable=editable,
        form=CsrfForm(),
        versions=advice_versions.versions(traject),
        chapters=CHAPTERS,
        own_texts=advice_document.texts(traject),
        gap_list=document["gaps"],
    )


@bp.route("/trajecten/<int:traject_id>/rapport/bouwen", methods=["POST"])
@login_required
def report_build(traject_id: int):
    # Any member may have the report built: it reads the latest aggregates and changes no data,
    # so a bestuurder can get the PDF without waiting for the regisseur (the API does the same).
    traject = traject_for(current_user, traject_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    job = report_service.request_build(traject, current_user)
    if job.state == "done":
        flash(_("Het rapport is klaar."), "success")
    elif job.state == "failed":
        flash(_("Het bouwen van het rapport is mislukt."), "error")
    else:
        flash(_("Het rapport wordt gebouwd; ververs deze pagina over enkele ogenblikken."), "success")
    return redirect(url_for("results.report", traject_id=traject.id, _anchor="downloads"))


@bp.route("/trajecten/<int:traject_id>/rapport.<any(pdf, xlsx):fmt>")
@login_required
def report_download(traject_id: int, fmt: str):
    traject = traject_for(current_user, traject_id)
    current = report_service.current_report(traject)
    if current is None:
        flash(_("Er is geen actueel rapport; bouw het rapport opnieuw."), "error")
        return redirect(url_for("results.report", traject_id=traject.id, _anchor="downloads"))
    return send_report_file(traject, current, fmt)


from app.results import version_routes  # noqa: E402,F401  (published versions, decisions, outcome)
