"""Forms of the stakeholder pages; the services validate every value (one rule for forms, CSV and API)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from analysis.feasibility import DOMAINS
from analysis.stakeholders import ATTITUDES, CATEGORIES, ENGAGEMENT_LEVELS, KINDS, MEASURED_ROLES
from app.models.stakeholders import CONCERN_STATES, ENGAGEMENT_KINDS, ENGAGEMENT_PHASES
from app.stakeholders import labels


def _choices(table: dict, codes, empty=None):
    # A callable, so labels are translated per request.
    def make():
        head = [("", str(empty))] if empty is not None else []
        return head + [(c, str(table[c])) for c in codes]

    return make


def _domain_choices(empty=None):
    def make():
        from app.results.views import domain_name

        head = [("", str(empty))] if empty is not None else []
        return head + [(d, domain_name(d)) for d in DOMAINS]

    return make


def SCORES():  # noqa: N802 - a callable, so WTForms does not warn about static tuples
    return [(str(i), str(i)) for i in range(1, 6)]


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StakeholderForm(FlaskForm):
    name = StringField(_l("Naam"))
    kind = SelectField(_l("Soort"), choices=_choices(labels.KIND, KINDS), validate_choice=False)
    category = SelectField(_l("Categorie"), choices=_choices(labels.CATEGORY, CATEGORIES), validate_choice=False)
    organisation = SelectField(_l("Organisatie"), choices=[], validate_choice=False)
    influence = SelectField(_l("Invloed (1–5)"), choices=SCORES, default="3", validate_choice=False)
    interest = SelectField(_l("Belang (1–5)"), choices=SCORES, default="3", validate_choice=False)
    attitude = SelectField(
        _l("Houding (uw oordeel)"),
        choices=_choices(labels.ATTITUDE, ATTITUDES),
        default="unknown",
        validate_choice=False,
    )
    engagement = SelectField(
        _l("Betrokkenheid (IAP2)"), choices=_choices(labels.ENGAGEMENT, ENGAGEMENT_LEVELS), validate_choice=False
    )
    measured_role = SelectField(
        _l("Vergelijk met de meting van"),
        choices=_choices(labels.MEASURED_ROLE, MEASURED_ROLES, _l("geen meting")),
        validate_choice=False,
    )
    owner = StringField(_l("Eigenaar"))
    note = TextAreaField(_l("Notitie"))
    submit = SubmitField(_l("Opslaan"))


class MoveForm(FlaskForm):
    influence = SelectField(_l("Invloed"), choices=SCORES, validate_choice=False)
    interest = SelectField(_l("Belang"), choices=SCORES, validate_choice=False)
    submit = SubmitField(_l("Verplaatsen"))


class ImportForm(FlaskForm):
    file = FileField(
        _l("CSV-bestand"),
        validators=[
            FileRequired(_l("Kies een CSV-bestand.")),
            FileAllowed(["csv", "txt"], _l("Alleen .csv-bestanden.")),
        ],
    )
    submit = SubmitField(_l("Importeren"))


class EngagementForm(FlaskForm):
    date = DateField(_l("Datum"), validators=[Optional()])
    kind = SelectField(
        _l("Soort activiteit"), choices=_choices(labels.ENGAGEMENT_KIND, ENGAGEMENT_KINDS), validate_choice=False
    )
    phase = SelectField(_l("Fase"), choices=_choices(labels.PHASE, ENGAGEMENT_PHASES), validate_choice=False)
    topic = StringField(_l("Onderwerp"))
    stakeholders = MultiCheckbox(_l("Belanghebbenden"), choices=[], coerce=int, validate_choice=False)
    domains = MultiCheckbox(_l("Domeinen"), choices=_domain_choices(), validate_choice=False)
    attendees = IntegerField(_l("Aantal deelnemers"), validators=[Optional()])
    outcome = TextAreaField(_l("Uitkomst"))
    submit = SubmitField(_l("Opslaan"))


class ConcernForm(FlaskForm):
    text = TextAreaField(_l("Zorg of bezwaar"))
    stakeholder = SelectField(_l("Ingebracht door"), choices=[], validate_choice=False)
    engagement = SelectField(_l("Ingebracht tijdens"), choices=[], validate_choice=False)
    domain = SelectField(_l("Domein"), choices=_domain_choices(_l("geen domein")), validate_choice=False)
    status = SelectField(_l("Status"), choices=_choices(labels.CONCERN_STATUS, CONCERN_STATES), validate_choice=False)
    answer = TextAreaField(_l("Antwoord"))
    submit = SubmitField(_l("Opslaan"))


class AnswerForm(FlaskForm):
    """An anonymous concern: only its status and answer can change (its text is the staff member's)."""

    status = SelectField(_l("Status"), choices=_choices(labels.CONCERN_STATUS, CONCERN_STATES), validate_choice=False)
    answer = TextAreaField(_l("Antwoord"))
    submit = SubmitField(_l("Opslaan"))


class StaffConcernForm(FlaskForm):
    domain = SelectField(
        _l("Over welk domein gaat het? (niet verplicht)"),
        choices=_domain_choices(_l("geen domein")),
        validate_choice=False,
    )  # the service checks it, with its own message
    text = TextAreaField(_l("Uw zorg of bezwaar"))
    submit = SubmitField(_l("Anoniem versturen"))


class CommunicationForm(FlaskForm):
    stakeholder = SelectField(_l("Belanghebbende"), choices=[], validate_choice=False)
    message = StringField(_l("Wat communiceren we"))
    channel = StringField(_l("Hoe (kanaal)"))
    planned_on = DateField(_l("Wanneer"), validators=[Optional()])
    by_whom = StringField(_l("Door wie"))
    done = BooleanField(_l("Gedaan"))
    submit = SubmitField(_l("Opslaan"))


class CsrfForm(FlaskForm):
    submit = SubmitField(_l("Bevestigen"))
