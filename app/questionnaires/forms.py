"""Forms of the questionnaire editor: new (template or blank), settings, sections, questions,
publishing, import, and the small confirm form behind every action button."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateTimeLocalField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from surveys.templates import TEMPLATE_KEYS


def audience_choices():
    # A callable, so labels are translated per request.
    from app.questionnaires.labels import AUDIENCE_LABELS

    return [(code, str(label)) for code, label in AUDIENCE_LABELS.items()]


def type_choices():
    from app.questionnaires.labels import type_choices

    return type_choices()


def operator_choices():
    return [("equals", str(_l("is gelijk aan"))), ("contains", str(_l("bevat")))]


class TemplateForm(FlaskForm):
    template = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Maak vanuit dit sjabloon"))

    def validate_template(self, field):
        if field.data not in TEMPLATE_KEYS:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("Onbekend sjabloon."))


class BlankForm(FlaskForm):
    title = StringField(_l("Titel"), validators=[DataRequired(_l("Vul een titel in.")), Length(max=200)])
    audience = SelectField(_l("Doelgroep"), choices=audience_choices, default="all")
    anonymous = BooleanField(_l("Anoniem (antwoorden nooit herleidbaar tot een persoon)"), default=True)
    submit = SubmitField(_l("Lege vragenlijst maken"))


class SettingsForm(FlaskForm):
    title_nl = StringField(
        _l("Titel (Nederlands)"), validators=[DataRequired(_l("Vul een titel in.")), Length(max=200)]
    )
    title_en = StringField(_l("Titel (Engels)"), validators=[DataRequired(_l("Vul een titel in.")), Length(max=200)])
    description_nl = TextAreaField(
        _l("Omschrijving voor de startpagina (Nederlands)"), validators=[Optional(), Length(max=5000)]
    )
    description_en = TextAreaField(
        _l("Omschrijving voor de startpagina (Engels)"), validators=[Optional(), Length(max=5000)]
    )
    audience = SelectField(_l("Doelgroep"), choices=audience_choices)
    anonymous = BooleanField(_l("Anoniem (antwoorden nooit herleidbaar tot een persoon)"))
    submit = SubmitField(_l("Opslaan"))


class SectionForm(FlaskForm):
    key = StringField(_l("Sleutel"), validators=[DataRequired(_l("Vul een sleutel in.")), Length(max=63)])
    title_nl = StringField(_l("Titel (Nederlands)"), validators=[DataRequired(_l("Vul een titel in."))])
    title_en = StringField(_l("Titel (Engels)"), validators=[DataRequired(_l("Vul een titel in."))])
    intro_nl = TextAreaField(_l("Inleiding (Nederlands)"), validators=[Optional()])
    intro_en = TextAreaField(_l("Inleiding (Engels)"), validators=[Optional()])
    condition_question = SelectField(_l("Alleen tonen als vraag"), choices=[], validate_choice=False)
    condition_operator = SelectField(_l("Voorwaarde"), choices=operator_choices)
    condition_value = StringField(_l("Waarde"), validators=[Optional()])
    submit = SubmitField(_l("Opslaan"))


class QuestionForm(FlaskForm):
    key = StringField(_l("Sleutel"), validators=[DataRequired(_l("Vul een sleutel in.")), Length(max=63)])
    type = SelectField(_l("Vraagtype"), choices=type_choices)
    text_nl = TextAreaField(_l("Vraagtekst (Nederlands)"), validators=[DataRequired(_l("Vul de vraagtekst in."))])
    text_en = TextAreaField(_l("Vraagtekst (Engels)"), validators=[DataRequired(_l("Vul de vraagtekst in."))])
    help_nl = TextAreaField(_l("Uitleg (Nederlands)"), validators=[Optional()])
    help_en = TextAreaField(_l("Uitleg (Engels)"), validators=[Optional()])
    required = BooleanField(_l("Verplicht"), default=True)
    construct = StringField(_l("Construct"), validators=[Optional(), Length(max=63)])
    domain = StringField(_l("Domein"), validators=[Optional(), Length(max=63)])
    # Inputs of some types only: each question type names the ones it uses (editor_fields),
    # and the form shows them grouped by the types that use them (editor_groups).
    scale_min = StringField(_l("Schaal van"), validators=[Optional()], description=_l("Standaard 1."))
    scale_max = StringField(
        _l("Schaal tot en met"), validators=[Optional()], description=_l("Standaard 5; 2 tot 11 punten.")
    )
    labels_nl = TextAreaField(
        _l("Schaallabels (Nederlands)"),
        validators=[Optional()],
        description=_l("Eén label per regel: voor elk punt, of alleen voor de twee uitersten."),
    )
    labels_en = TextAreaField(_l("Schaallabels (Engels)"), validators=[Optional()])
    reverse = BooleanField(_l("Omgekeerd scoren"))
    matrix = StringField(
        _l("Matrix-groep"),
        validators=[Optional(), Length(max=63)],
        description=_l("Opeenvolgende stellingen met dezelfde matrix-groep staan samen in één tabel."),
    )
    options = TextAreaField(
        _l("Opties"),
        validators=[Optional()],
        description=_l(
            "Eén optie per regel: waarde | Nederlandse tekst | Engelse tekst. De waarde bestaat uit kleine letters, cijfers en _."
        ),
    )
    min = StringField(
        _l("Minimum"), validators=[Optional()], description=_l("Kleinste getal, of minimaal aantal keuzes.")
    )
    max = StringField(
        _l("Maximum"), validators=[Optional()], description=_l("Grootste getal, of maximaal aantal keuzes.")
    )
    integer = BooleanField(_l("Alleen gehele getallen"))
    unit_nl = StringField(
        _l("Eenheid (Nederlands)"), validators=[Optional()], description=_l("Bij een getal, bv. fte.")
    )
    unit_en = StringField(_l("Eenheid (Engels)"), validators=[Optional()])
    max_length = StringField(_l("Maximaal aantal tekens"), validators=[Optional()], description=_l("Standaard 2000."))
    # condition
    condition_question = SelectField(_l("Alleen tonen als vraag"), choices=[], validate_choice=False)
    condition_operator = SelectField(_l("Voorwaarde"), choices=operator_choices)
    condition_value = StringField(_l("Waarde"), validators=[Optional()])
    submit = SubmitField(_l("Opslaan"))


#: QuestionForm's inputs that belong to some question types only, in the order the form shows them.
TYPE_FIELDS = (
    "scale_min",
    "scale_max",
    "labels_nl",
    "labels_en",
    "reverse",
    "matrix",
    "options",
    "min",
    "max",
    "integer",
    "unit_nl",
    "unit_en",
    "max_length",
)


def editor_groups() -> list[tuple[list[str], list[str]]]:
    """(type names, field names) per fieldset of the question form: consecutive type-specific
    inputs that the same question types use share a fieldset, so a new type's inputs appear
    under its name without editing the template."""
    from surveys.types import QUESTION_TYPES

    groups: list[tuple[list[str], list[str]]] = []
    for name in TYPE_FIELDS:
        users = [t.name for t in QUESTION_TYPES.values() if name in t.editor_fields]
        if not users:
            continue
        if groups and groups[-1][0] == users:
            groups[-1][1].append(name)
        else:
            groups.append((users, [name]))
    return groups


class PublishForm(FlaskForm):
    opens_at = DateTimeLocalField(
        _l("Open vanaf"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Sluit op"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"], validators=[Optional()]
    )
    submit = SubmitField(_l("Publiceren"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("Bestand (YAML of JSON)"),
        validators=[
            FileRequired(_l("Kies een bestand.")),
            FileAllowed(["yaml", "yml", "json"], _l("Alleen .yaml-, .yml- of .json-bestanden.")),
        ],
    )
    submit = SubmitField(_l("Importeren"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Bevestigen"))


class MoveForm(FlaskForm):
    direction = HiddenField()
