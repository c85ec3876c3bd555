"""Questionnaire editor routes: a draft's settings, and adding, editing, moving and deleting its
sections and questions. Every route needs a regisseur who is a member of the traject."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _

from app.actions import run_action
from app.i18n import pick, translate
from app.models import Questionnaire
from app.questionnaires import bp
from app.questionnaires.common import back_to_editor, post_action, questionnaire_for
from app.questionnaires.forms import QuestionForm, SectionForm, SettingsForm, editor_groups
from app.questionnaires.labels import type_label
from app.security.access import role_required
from app.services import questionnaire_editor as editor
from app.services import questionnaires as service


@bp.route("/vragenlijsten/<int:qid>/instellingen", methods=["GET", "POST"])
@role_required("regisseur")
def settings(qid: int):
    q, traject = questionnaire_for(qid, write=True)
    if q.status != "draft":
        flash(translate(service.FROZEN), "error")
        return back_to_editor(q)
    definition = q.definition
    form = SettingsForm(
        data={
            "title_nl": definition["title"]["nl"],
            "title_en": definition["title"]["en"],
            "description_nl": (definition.get("description") or {}).get("nl", ""),
            "description_en": (definition.get("description") or {}).get("en", ""),
            "audience": definition["audience"],
            "anonymous": definition["anonymous"],
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        saved = run_action(
            lambda: editor.update_settings(q, form.data), success=_("Instellingen opgeslagen."), form=form
        )
        if saved.ok:
            return back_to_editor(q)
        q, traject = questionnaire_for(qid, write=True)
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
        flash(translate(service.FROZEN), "error")
        return back_to_editor(q)
    return None


@bp.route("/vragenlijsten/<int:qid>/secties/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def add_section(qid: int):
    q, traject = questionnaire_for(qid, write=True)
    if (refused := _guard_draft(q)) is not None:
        return refused
    form = SectionForm()
    form.condition_question.choices = _earlier_questions(q, None)
    if form.validate_on_submit():
        saved = run_action(
            lambda: editor.add_section(q, form.data),
            success=_("Sectie toegevoegd, met een voorbeeldvraag om te bewerken."),
            form=form,
        )
        if saved.ok:
            return back_to_editor(q, f"sectie-{saved.value}")
        q, traject = questionnaire_for(qid, write=True)
    return render_template("questionnaires/section_form.html", q=q, traject=traject, form=form, section=None)


def _section_of(q: Questionnaire, key: str) -> dict:
    for section in q.definition["sections"]:
        if section["key"] == key:
            return section
    abort(404)


@bp.route("/vragenlijsten/<int:qid>/secties/<key>/bewerken", methods=["GET", "POST"])
@role_required("regisseur")
def edit_section(qid: int, key: str):
    q, traject = questionnaire_for(qid, write=True)
    if (refused := _guard_draft(q)) is not None:
        return refused
    section = _section_of(q, key)
    form = SectionForm(data=editor.section_values(section) if request.method == "GET" else None)
    form.condition_question.choices = _earlier_questions(q, None, section_key=key)
    if form.validate_on_submit():
        saved = run_action(lambda: editor.edit_section(q, key, form.data), success=_("Sectie opgeslagen."), form=form)
        if saved.ok:
            return back_to_editor(q, f"sectie-{saved.value}")
        q, traject = questionnaire_for(qid, write=True)
    return render_template("questionnaires/section_form.html", q=q, traject=traject, form=form, section=section)


@bp.route("/vragenlijsten/<int:qid>/secties/<key>/vragen/nieuw", methods=["GET", "POST"])
@role_required("regisseur")
def add_question(qid: int, key: str):
    q, traject = questionnaire_for(qid, write=True)
    if (refused := _guard_draft(q)) is not None:
        return refused
    section = _section_of(q, key)
    form = QuestionForm()
    last = section["questions"][-1]["key"]
    # Conditions may refer to any question up to and including the section's last one.
    form.condition_question.choices = _earlier_questions(q, _following_key(q, last))
    if form.validate_on_submit():
        saved = run_action(lambda: editor.add_question(q, key, form.data), success=_("Vraag toegevoegd."), form=form)
        if saved.ok:
            return back_to_editor(q, f"vraag-{saved.value}")
        q, traject = questionnaire_for(qid, write=True)
    return _question_page(q, traject, form, section, None)


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
    q, traject = questionnaire_for(qid, write=True)
    if (refused := _guard_draft(q)) is not None:
        return refused
    section, question = _question_of(q, key)
    form = QuestionForm(data=editor.question_values(question) if request.method == "GET" else None)
    form.condition_question.choices = _earlier_questions(q, key)
    if form.validate_on_submit():
        saved = run_action(lambda: editor.edit_question(q, key, form.data), success=_("Vraag opgeslagen."), form=form)
        if saved.ok:
            return back_to_editor(q, f"vraag-{saved.value}")
        q, traject = questionnaire_for(qid, write=True)
    return _question_page(q, traject, form, section, question)


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
    questionnaire_for(qid, write=True)  # access first: a stranger learns nothing from a 400
    direction = _direction()
    return post_action(qid, lambda q: editor.move_question(q, key, direction), _("Vraag verplaatst."), f"vraag-{key}")


@bp.post("/vragenlijsten/<int:qid>/vragen/<key>/verwijderen")
@role_required("regisseur")
def delete_question(qid: int, key: str):
    return post_action(qid, lambda q: editor.delete_question(q, key), _("Vraag verwijderd."))


@bp.post("/vragenlijsten/<int:qid>/secties/<key>/verplaatsen")
@role_required("regisseur")
def move_section(qid: int, key: str):
    questionnaire_for(qid, write=True)  # access first: a stranger learns nothing from a 400
    direction = _direction()
    return post_action(qid, lambda q: editor.move_section(q, key, direction), _("Sectie verplaatst."), f"sectie-{key}")


@bp.post("/vragenlijsten/<int:qid>/secties/<key>/verwijderen")
@role_required("regisseur")
def delete_section(qid: int, key: str):
    return post_action(qid, lambda q: editor.delete_section(q, key), _("Sectie verwijderd."))


def _question_page(q: Questionnaire, traject, form: QuestionForm, section: dict, question: dict | None):
    """The question form (a new question when `question` is None), with its type-specific fieldsets."""
    return render_template(
        "questionnaires/question_form.html",
        q=q,
        traject=traject,
        form=form,
        section=section,
        question=question,
        editor_groups=_editor_groups(),
    )


def _editor_groups() -> list[tuple[str, list[str]]]:
    """The question form's type-specific fieldsets: (the types' labels, the inputs)."""
    return [(", ".join(type_label(name) for name in types), names) for types, names in editor_groups()]
