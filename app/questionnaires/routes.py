"""Questionnaire routes: list, new (template, blank, import), overview, preview, publish, close,
versions, duplicate and export (editing a draft: editor_routes.py). Changes need a regisseur who is
a member of the traject."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.actions import commit, run_action
from app.extensions import db
from app.i18n import pick
from app.models import Questionnaire
from app.questionnaires import bp
from app.questionnaires.common import apply_errors, back_to_editor, post_action, questionnaire_for
from app.questionnaires.formdata import raw_answers_from_form
from app.questionnaires.forms import BlankForm, ConfirmForm, ImportForm, PublishForm, TemplateForm
from app.questionnaires.labels import (
    audience_label,
    construct_label,
    domain_label,
    status_label,
    template_label,
    type_label,
)
from app.respond.display import answer_errors
from app.security.access import can_edit, role_required, traject_for
from app.services import questionnaires as service
from app.services.questionnaires import QuestionnaireError
from surveys.model import UnknownKey
from surveys.templates import list_templates, load_template

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


@bp.app_context_processor
def _labels():
    return {
        "q_status_label": status_label,
        "q_audience_label": audience_label,
        "q_type_label": type_label,
        "q_template_label": template_label,
        "q_construct_label": construct_label,
        "q_domain_label": domain_label,
    }


# -- list and new -----------------------------------------------------------------------------


@bp.route("/trajecten/<int:traject_id>/vragenlijsten")
@login_required
def index(traject_id: int):
    traject = traject_for(current_user, traject_id)
    return render_template(
        "questionnaires/index.html",
        traject=traject,
        questionnaires=service.for_traject(traject),
        editable=can_edit(current_user, traject),
    )


@bp.route("/trajecten/<int:traject_id>/vragenlijsten/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def create(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    template_form = TemplateForm(prefix="sjabloon")
    blank_form = BlankForm(prefix="leeg")
    if request.method == "POST":
        try:
            if "sjabloon-template" in request.form:
                if not template_form.validate_on_submit():
                    abort(400)
                q = service.create_from_template(traject, template_form.template.data)
            elif blank_form.validate_on_submit():
                q = service.create_blank(
                    traject,
                    blank_form.title.data,
                    audience=blank_form.audience.data,
                    anonymous=blank_form.anonymous.data,
                )
            else:
                q = None
        except QuestionnaireError as exc:
            db.session.rollback()
            traject = traject_for(current_user, traject_id, write=True)
            apply_errors(blank_form, exc)
        else:
            if q is not None:
                commit()
                flash(_("Vragenlijst aangemaakt als concept."), "success")
                return redirect(url_for("questionnaires.show", qid=q.id))
    # list_templates() gives the Dutch title (the API's shape); the page shows the reader's language.
    templates = [dict(t, title=pick(load_template(t["key"]).title)) for t in list_templates()]
    return render_template(
        "questionnaires/new.html",
        traject=traject,
        templates=templates,
        template_form=template_form,
        blank_form=blank_form,
    )


@bp.route("/trajecten/<int:traject_id>/vragenlijsten/import", methods=["GET", "POST"])
@role_required("regisseur")
def import_(traject_id: int):
    traject = traject_for(current_user, traject_id, write=True)
    form = ImportForm()
    status = 200
    if form.validate_on_submit():
        raw = form.file.data.read(2_000_000)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            form.file.errors = list(form.file.errors) + [_("Het bestand is geen UTF-8-tekst.")]
            status = 422
        else:
            imported = run_action(
                lambda: service.import_definition(traject, text),
                success=_("Vragenlijst geïmporteerd als concept."),
                redirect_to=lambda q: url_for("questionnaires.show", qid=q.id),
                field=form.file,
            )
            if imported.response is not None:
                return imported.response
            traject = traject_for(current_user, traject_id, write=True)
            status = 422
    elif form.is_submitted():
        status = 422
    return render_template("questionnaires/import.html", traject=traject, form=form), status


# -- one questionnaire --------------------------------------------------------------------------


@bp.route("/vragenlijsten/<int:qid>")
@login_required
def show(qid: int):
    q, traject = questionnaire_for(qid)
    editable = can_edit(current_user, traject)
    return render_template(
        "questionnaires/show.html",
        q=q,
        traject=traject,
        editable=editable,
        definition=service.definition_of(q),
        confirm=ConfirmForm(),
        next_version=service.next_version(q),
    )


@bp.post("/vragenlijsten/<int:qid>/sluiten")
@role_required("regisseur")
def close(qid: int):
    response = post_action(qid, service.close, _("Vragenlijst gesloten."))
    closed = db.session.get(Questionnaire, qid)
    if closed is not None and closed.status == "closed":
        service.after_close(closed)
    return response


@bp.post("/vragenlijsten/<int:qid>/dupliceren")
@role_required("regisseur")
def duplicate(qid: int):
    return post_action(qid, service.duplicate, _("Kopie gemaakt als concept."))


@bp.post("/vragenlijsten/<int:qid>/nieuwe-versie")
@role_required("regisseur")
def new_version(qid: int):
    return post_action(qid, service.new_version, _("Nieuwe versie gemaakt als concept."))


@bp.post("/vragenlijsten/<int:qid>/verwijderen")
@role_required("regisseur")
def delete(qid: int):
    q, traject = questionnaire_for(qid, write=True)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if not run_action(lambda: service.delete_draft(q), success=_("Concept verwijderd.")).ok:
        return back_to_editor(q)
    return redirect(url_for("questionnaires.index", traject_id=traject.id))


def _local(value):
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value else None


@bp.route("/vragenlijsten/<int:qid>/publiceren", methods=["GET", "POST"])
@role_required("regisseur")
def publish(qid: int):
    q, traject = questionnaire_for(qid, write=True)
    if q.status != "draft":
        flash(_("Alleen een concept kan gepubliceerd worden."), "error")
        return back_to_editor(q)
    form = PublishForm()
    if request.method == "GET":
        form.opens_at.data = _local(q.opens_at)
        form.closes_at.data = _local(q.closes_at)
    if form.validate_on_submit():
        # The inputs are wall-clock times in the Netherlands; the database keeps UTC.
        opens_at = form.opens_at.data.replace(tzinfo=LOCAL_TZ) if form.opens_at.data else None
        closes_at = form.closes_at.data.replace(tzinfo=LOCAL_TZ) if form.closes_at.data else None
        published = run_action(
            lambda: service.publish(q, opens_at, closes_at),
            success=_("Vragenlijst gepubliceerd. De vragen liggen nu vast."),
            form=form,
        )
        if published.ok:
            return back_to_editor(q)
        q, traject = questionnaire_for(qid, write=True)
    return render_template(
        "questionnaires/publish.html", q=q, traject=traject, form=form, definition=service.definition_of(q)
    )


@bp.route("/vragenlijsten/<int:qid>/export.<fmt>")
@role_required("regisseur")
def export(qid: int, fmt: str):
    q, _traject = questionnaire_for(qid, write=True)
    if fmt not in service.FORMATS:
        abort(404)
    text = service.export(q, fmt)
    mimetype = service.FORMATS[fmt][0]
    return Response(
        text,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{service.export_filename(q, fmt)}"'},
    )


# -- preview -------------------------------------------------------------------------------------


@bp.route("/vragenlijsten/<int:qid>/voorbeeld", methods=["GET", "POST"])
@login_required
def preview(qid: int):
    """The questionnaire exactly as a respondent sees it, one section at a time. Posting a
    section checks the answers like the respondent flow does; nothing is stored."""
    q, traject = questionnaire_for(qid)
    definition = service.definition_of(q)
    section_key = request.values.get("sectie") or definition.sections[0].key
    try:
        section = definition.section(section_key)
    except UnknownKey:
        abort(404)
    phone = request.values.get("weergave") == "telefoon"
    lang = request.values.get("taal") if request.values.get("taal") in ("nl", "en") else None
    answers, errors, checked = {}, {}, False
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        answers = raw_answers_from_form(section, request.form)
        _clean, errors = definition.validate_section(section.key, answers)
        checked = True
    keys = [s.key for s in definition.sections]
    index = keys.index(section.key)
    return render_template(
        "questionnaires/preview.html",
        q=q,
        traject=traject,
        definition=definition,
        section=section,
        answers=answers,
        errors=answer_errors(errors),
        checked=checked,
        phone=phone,
        lang=lang,
        index=index,
        previous_key=keys[index - 1] if index > 0 else None,
        next_key=keys[index + 1] if index + 1 < len(keys) else None,
        confirm=ConfirmForm(),
    )
