"""Questionnaire routes: list, new (template, blank, import), editor, preview, publish, close,
versions, duplicate and export. Changes need a regisseur who is a member of the traject."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from app.i18n import pick
from app.models import Questionnaire
from app.questionnaires import bp
from app.questionnaires.formdata import raw_answers_from_form
from app.questionnaires.forms import (BlankForm, ConfirmForm, ImportForm, MoveForm, PublishForm,
                                      QuestionForm, SectionForm, SettingsForm, TemplateForm)
from app.questionnaires.labels import (audience_label, construct_label, domain_label, status_label, template_label,
                                       type_label)
from app.respond.display import answer_errors
from app.security.access import can_edit, role_required, traject_for
from app.services import questionnaires as service
from app.services.questionnaires import QuestionnaireError
from surveys.model import UnknownKey
from surveys.templates import list_templates, load_template

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")


@bp.app_context_processor
def _labels():
    return {"q_status_label": status_label, "q_audience_label": audience_label, "q_type_label": type_label,
            "q_template_label": template_label, "q_construct_label": construct_label, "q_domain_label": domain_label}


def _questionnaire(qid: int, *, write: bool = False):
    """The questionnaire and its traject, checked like the traject itself (404 / 403)."""
    q = db.session.get(Questionnaire, qid)
    if q is None:
        abort(404)
    traject = traject_for(current_user, q.traject_id, write=write)
    if q.traject_id != traject.id:  # pragma: no cover - defensive
        abort(404)
    return q, traject


def _reload(qid: int):
    db.session.rollback()
    return _questionnaire(qid, write=True)


def _apply_errors(form, exc: QuestionnaireError) -> None:
    placed = False
    for name, messages in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
            placed = True
    if not placed or not exc.errors:
        flash(str(exc), "error")


def _back(q: Questionnaire, anchor: str | None = None):
    url = url_for("questionnaires.show", qid=q.id)
    return redirect(url + (f"#{anchor}" if anchor else ""))


# -- list and new -----------------------------------------------------------------------------

@bp.route("/trajecten/<int:traject_id>/vragenlijsten")
@login_required
def index(traject_id: int):
    traject = traject_for(current_user, traject_id)
    return render_template("questionnaires/index.html", traject=traject,
                           questionnaires=service.for_traject(traject),
                           editable=can_edit(current_user, traject))


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
                q = service.create_blank(traject, blank_form.title.data, audience=blank_form.audience.data,
                                         anonymous=blank_form.anonymous.data)
            else:
                q = None
        except QuestionnaireError as exc:
            db.session.rollback()
            traject = traject_for(current_user, traject_id, write=True)
            _apply_errors(blank_form, exc)
        else:
            if q is not None:
                db.session.commit()
                flash(_("Vragenlijst aangemaakt als concept."), "success")
                return redirect(url_for("questionnaires.show", qid=q.id))
    # list_templates() gives the Dutch title (the API's shape); the page shows the reader's language.
    templates = [dict(t, title=pick(load_template(t["key"]).title)) for t in list_templates()]
    return render_template("questionnaires/new.html", traject=traject, templates=templates,
                           template_form=template_form, blank_form=blank_form)


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
            q = service.import_definition(traject, text)
        except UnicodeDecodeError:
            form.file.errors = list(form.file.errors) + [_("Het bestand is geen UTF-8-tekst.")]
            status = 422
        except QuestionnaireError as exc:
            db.session.rollback()
            traject = traject_for(current_user, traject_id, write=True)
            form.file.errors = list(form.file.errors) + [str(exc)]
            status = 422
        else:
            db.session.commit()
            flash(_("Vragenlijst geïmporteerd als concept."), "success")
            return redirect(url_for("questionnaires.show", qid=q.id))
    elif form.is_submitted():
        status = 422
    return render_template("questionnaires/import.html", traject=traject, form=form), status


# -- one questionnaire --------------------------------------------------------------------------

@bp.route("/vragenlijsten/<int:qid>")
@login_required
def show(qid: int):
    q, traject = _questionnaire(qid)
    editable = can_edit(current_user, traject)
    return render_template("questionnaires/show.html", q=q, traject=traject, editable=editable,
                           definition=service.definition_of(q), confirm=ConfirmForm(),
                           next_version=service.next_version(q))


@bp.route("/vragenlijsten/<int:qid>/instellingen", methods=["GET", "POST"])
@role_required("regisseur")
def settings(qid: int):
    q, traject = _questionnaire(qid, write=True)
    if q.status != "draft":
        flash(service.FROZEN, "error")
        return _back(q)
    definition = q.definition
    form = SettingsForm(data={"title_nl": definition["title"]["nl"], "title_en": definition["title"]["en"],
                              "description_nl": (definition.get("description") or {}).get("nl", ""),
                              "description_en": (definition.get("description") or {}).get("en", ""),
                              "audience": definition["audience"], "anonymous": definition["anonymous"]}
                        if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.update_settings(q, form.data)
        except QuestionnaireError as exc:
            q, traject = _reload(qid)
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Instellingen opgeslagen."), "success")
            return _back(q)
    return render_template("questionnaires/settings.html", q=q, traject=traject, form=form)


def _earlier_questions(q: Questionnaire, before_key: str | None, section_key: str | None = None):
    """(key, label) of questions a condition may refer to: those before the edited item."""
    choices = [("", _("— altijd tonen —"))]
    for section in q.definition["sections"]:
        if section_key is not None and section["key"] == section_key and before_key is None:
            break
        for question in section["questions"]:
            if question["key"] == before_key:
                return choices
            # The question as the reader reads it (not its key, an internal code), shortened at a word.
            text = pick(question["text"])
            short = text if len(text) <= 70 else text[:70].rsplit(" ", 1)[0] + " …"
            choices.append((question["key"], short))
    return choices


def _guard_draft(q: Questionnaire):
    if q.status != "draft":
        flash(service.FROZEN, "error")
        return _back(q)
    return None


@bp.route("/vragenlijsten/<int:qid>/secties/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def add_section(qid: int):
    q, traject = _questionnaire(qid, write=True)
    if (refused := _guard_draft(q)) is not None:
        return refused
    form = SectionForm()
    form.condition_question.choices = _earlier_questions(q, None)
    if form.validate_on_submit():
        try:
            key = service.add_section(q, form.data)
        except QuestionnaireError as exc:
            q, traject = _reload(qid)
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Sectie toegevoegd, met een voorbeeldvraag om te bewerken."), "success")
            return _back(q, f"sectie-{key}")
    return render_template("questionnaires/section_form.html", q=q, traject=traject, form=form, section=None)


def _section_of(q: Questionnaire, key: str) -> dict:
    for section in q.definition["sections"]:
        if section["key"] == key:
            return section
    abort(404)


@bp.route("/vragenlijsten/<int:qid>/secties/<key>/bewerken", methods=["GET", "POST"])
@role_required("regisseur")
def edit_section(qid: int, key: str):
    q, traject = _questionnaire(qid, write=True)
    if (refused := _guard_draft(q)) is not None:
        return refused
    section = _section_of(q, key)
    form = SectionForm(data=service.section_values(section) if request.method == "GET" else None)
    form.condition_question.choices = _earlier_questions(q, None, section_key=key)
    if form.validate_on_submit():
        try:
            new_key = service.edit_section(q, key, form.data)
        except QuestionnaireError as exc:
            q, traject = _reload(qid)
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Sectie opgeslagen."), "success")
            return _back(q, f"sectie-{new_key}")
    return render_template("questionnaires/section_form.html", q=q, traject=traject, form=form, section=section)


@bp.route("/vragenlijsten/<int:qid>/secties/<key>/vragen/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def add_question(qid: int, key: str):
    q, traject = _questionnaire(qid, write=True)
    if (refused := _guard_draft(q)) is not None:
        return refused
    section = _section_of(q, key)
    form = QuestionForm()
    last = section["questions"][-1]["key"]
    # Conditions may refer to any question up to and including the section's last one.
    form.condition_question.choices = _earlier_questions(q, _following_key(q, last))
    if form.validate_on_submit():
        try:
            new_key = service.add_question(q, key, form.data)
        except QuestionnaireError as exc:
            q, traject = _reload(qid)
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Vraag toegevoegd."), "success")
            return _back(q, f"vraag-{new_key}")
    return render_template("questionnaires/question_form.html", q=q, traject=traject, form=form,
                           section=section, question=None)


def _following_key(q: Questionnaire, key: str) -> str | None:
    keys = [x["key"] for s in q.definition["sections"] for x in s["questions"]]
    index = keys.index(key)
    return keys[index + 1] if index + 1 < len(keys) else None


def _question_of(q: Questionnaire, key: str) -> tuple[dict, dict]:
    for section in q.definition["sections"]:
        for question in section["questions"]:
            if question["key"] == key:
                return section, question
    abort(404)


@bp.route("/vragenlijsten/<int:qid>/vragen/<key>/bewerken", methods=["GET", "POST"])
@role_required("regisseur")
def edit_question(qid: int, key: str):
    q, traject = _questionnaire(qid, write=True)
    if (refused := _guard_draft(q)) is not None:
        return refused
    section, question = _question_of(q, key)
    form = QuestionForm(data=service.question_values(question) if request.method == "GET" else None)
    form.condition_question.choices = _earlier_questions(q, key)
    if form.validate_on_submit():
        try:
            new_key = service.edit_question(q, key, form.data)
        except QuestionnaireError as exc:
            q, traject = _reload(qid)
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Vraag opgeslagen."), "success")
            return _back(q, f"vraag-{new_key}")
    return render_template("questionnaires/question_form.html", q=q, traject=traject, form=form,
                           section=section, question=question)


def _post_action(qid: int, action, success: str, anchor: str | None = None):
    """Run a service action for a POSTed button form; flash the outcome; back to the editor."""
    q, _traject = _questionnaire(qid, write=True)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = action(q)
    except QuestionnaireError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(q, anchor)
    db.session.commit()
    flash(success, "success")
    if isinstance(result, Questionnaire):
        return redirect(url_for("questionnaires.show", qid=result.id))
    return _back(q, anchor)


def _direction() -> int:
    try:
        direction = int(request.form.get("direction", ""))
    except ValueError:
        abort(400)
    if direction not in (-1, 1):
        abort(400)
    return direction


@bp.post("/vragenlijsten/<int:qid>/vragen/<key>/verplaatsen")
@role_required("regisseur")
def move_question(qid: int, key: str):
    _questionnaire(qid, write=True)  # access first: a stranger learns nothing from a 400
    direction = _direction()
    return _post_action(qid, lambda q: service.move_question(q, key, direction), _("Vraag verplaatst."),
                        f"vraag-{key}")


@bp.post("/vragenlijsten/<int:qid>/vragen/<key>/verwijderen")
@role_required("regisseur")
def delete_question(qid: int, key: str):
    return _post_action(qid, lambda q: service.delete_question(q, key), _("Vraag verwijderd."))


@bp.post("/vragenlijsten/<int:qid>/secties/<key>/verplaatsen")
@role_required("regisseur")
def move_section(qid: int, key: str):
    _questionnaire(qid, write=True)  # access first: a stranger learns nothing from a 400
    direction = _direction()
    return _post_action(qid, lambda q: service.move_section(q, key, direction), _("Sectie verplaatst."),
                        f"sectie-{key}")


@bp.post("/vragenlijsten/<int:qid>/secties/<key>/verwijderen")
@role_required("regisseur")
def delete_section(qid: int, key: str):
    return _post_action(qid, lambda q: service.delete_section(q, key), _("Sectie verwijderd."))


@bp.post("/vragenlijsten/<int:qid>/sluiten")
@role_required("regisseur")
def close(qid: int):
    response = _post_action(qid, service.close, _("Vragenlijst gesloten."))
    closed = db.session.get(Questionnaire, qid)
    if closed is not None and closed.status == "closed":
        service.after_close(closed)
    return response


@bp.post("/vragenlijsten/<int:qid>/dupliceren")
@role_required("regisseur")
def duplicate(qid: int):
    return _post_action(qid, service.duplicate, _("Kopie gemaakt als concept."))


@bp.post("/vragenlijsten/<int:qid>/nieuwe-versie")
@role_required("regisseur")
def new_version(qid: int):
    return _post_action(qid, service.new_version, _("Nieuwe versie gemaakt als concept."))


@bp.post("/vragenlijsten/<int:qid>/verwijderen")
@role_required("regisseur")
def delete(qid: int):
    q, traject = _questionnaire(qid, write=True)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.delete_draft(q)
    except QuestionnaireError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(q)
    db.session.commit()
    flash(_("Concept verwijderd."), "success")
    return redirect(url_for("questionnaires.index", traject_id=traject.id))


def _local(value):
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None) if value else None


@bp.route("/vragenlijsten/<int:qid>/publiceren", methods=["GET", "POST"])
@role_required("regisseur")
def publish(qid: int):
    q, traject = _questionnaire(qid, write=True)
    if q.status != "draft":
        flash(_("Alleen een concept kan gepubliceerd worden."), "error")
        return _back(q)
    form = PublishForm()
    if request.method == "GET":
        form.opens_at.data = _local(q.opens_at)
        form.closes_at.data = _local(q.closes_at)
    if form.validate_on_submit():
        # The inputs are wall-clock times in the Netherlands; the database keeps UTC.
        opens_at = form.opens_at.data.replace(tzinfo=LOCAL_TZ) if form.opens_at.data else None
        closes_at = form.closes_at.data.replace(tzinfo=LOCAL_TZ) if form.closes_at.data else None
        try:
            service.publish(q, opens_at, closes_at)
        except QuestionnaireError as exc:
            q, traject = _reload(qid)
            _apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Vragenlijst gepubliceerd. De vragen liggen nu vast."), "success")
            return _back(q)
    return render_template("questionnaires/publish.html", q=q, traject=traject, form=form,
                           definition=service.definition_of(q))


@bp.route("/vragenlijsten/<int:qid>/export.<fmt>")
@role_required("regisseur")
def export(qid: int, fmt: str):
    q, _traject = _questionnaire(qid, write=True)
    if fmt not in service.FORMATS:
        abort(404)
    text = service.export(q, fmt)
    mimetype = service.FORMATS[fmt][0]
    return Response(text, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{service.export_filename(q, fmt)}"'})


# -- preview -------------------------------------------------------------------------------------

@bp.route("/vragenlijsten/<int:qid>/voorbeeld", methods=["GET", "POST"])
@login_required
def preview(qid: int):
    """The questionnaire exactly as a respondent sees it, one section at a time. Posting a
    section checks the answers like the respondent flow does; nothing is stored."""
    q, traject = _questionnaire(qid)
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
    return render_template("questionnaires/preview.html", q=q, traject=traject, definition=definition,
                           section=section, answers=answers, errors=answer_errors(errors), checked=checked,
                           phone=phone, lang=lang, index=index,
                           previous_key=keys[index - 1] if index > 0 else None,
                           next_key=keys[index + 1] if index + 1 < len(keys) else None,
                           confirm=ConfirmForm())
