"""Forms for trajects, organisations, CSV import and members."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional


class MaxLength(Length):
    """A maximum length the server refuses with a message, without the browser's maxlength
    attribute (which cuts pasted text off silently, mid-word)."""

    def __init__(self, max: int, message=None):
        super().__init__(max=max, message=message or _l("Hoogstens %(max)d tekens; u heeft er nu meer.", max=max))
        self.field_flags: dict[str, object] = {}


def _phase_choices():
    # A callable, so labels are translated per request (lazy strings break WTForms' deepcopy).
    from app.i18n import PHASE_LABELS

    return [(code, str(label)) for code, label in PHASE_LABELS.items()]


def _role_choices():
    from app.i18n import ROLE_LABELS

    return [(code, str(ROLE_LABELS[code])) for code in ("bestuurder", "regisseur", "ict_lead")]


class TrajectForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), MaxLength(200)])
    description = TextAreaField(_l("Omschrijving"), validators=[Optional(), MaxLength(5000)])
    phase = SelectField(_l("Fase"), choices=_phase_choices)
    anonymity_threshold = IntegerField(
        _l("Anonimiteitsdrempel (minimale groepsgrootte)"),
        default=5,
        validators=[
            DataRequired(_l("Vul een getal in.")),
            NumberRange(min=3, message=_l("De anonimiteitsdrempel is minstens 3.")),
        ],
    )
    comment_threshold = IntegerField(
        _l("Drempel voor open antwoorden"),
        default=10,
        validators=[DataRequired(_l("Vul een getal in.")), NumberRange(min=3, message=_l("De drempel is minstens 3."))],
    )
    deadline = DateField(_l("Deadline respons"), validators=[Optional()])
    submit = SubmitField(_l("Opslaan"))


class OrganisationForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Vul een code in.")), Length(max=20)])
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul een naam in.")), MaxLength(200)])
    staff = IntegerField(_l("Medewerkers"), validators=[Optional(), NumberRange(min=0)])
    students = IntegerField(_l("Leerlingen"), validators=[Optional(), NumberRange(min=0)])
    locations = IntegerField(_l("Locaties"), validators=[Optional(), NumberRange(min=0)])
    region = StringField(_l("Regio"), validators=[Optional(), MaxLength(100)])
    submit = SubmitField(_l("Opslaan"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV-bestand"),
        validators=[
            FileRequired(_l("Kies een CSV-bestand.")),
            FileAllowed(["csv", "txt"], _l("Alleen .csv-bestanden.")),
        ],
    )
    submit = SubmitField(_l("Importeren"))


class MemberForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul een e-mailadres in.")), Email(_l("Vul een geldig e-mailadres in."))],
    )
    name = StringField(_l("Naam (voor een nieuw account)"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Rol"), choices=_role_choices)
    organisation = SelectField(_l("Organisatie"), choices=[], validate_choice=False)
    password = PasswordField(
        _l("Startwachtwoord (voor een nieuw account)"),
        validators=[Optional(), Length(min=10, message=_l("Het wachtwoord moet minstens 10 tekens lang zijn."))],
    )
    submit = SubmitField(_l("Lid toevoegen"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Bevestigen"))
