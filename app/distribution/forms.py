"""Forms for participants: one by hand, a CSV import, and confirm buttons for sending."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class ParticipantForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul een e-mailadres in.")), Length(max=254)])
    role = SelectField(_l("Rol"), choices=[], validate_choice=False)
    organisation = SelectField(_l("Organisatie"), choices=[], validate_choice=False)
    language = SelectField(
        _l("Taal van de uitnodiging"),
        choices=lambda: [("nl", str(_l("Nederlands"))), ("en", str(_l("Engels")))],
        default="nl",
    )
    submit = SubmitField(_l("Deelnemer toevoegen"))


class ParticipantImportForm(FlaskForm):
    file = FileField(
        _l("CSV-bestand"),
        validators=[
            FileRequired(_l("Kies een CSV-bestand.")),
            FileAllowed(["csv", "txt"], _l("Alleen .csv-bestanden.")),
        ],
    )
    submit = SubmitField(_l("Importeren"))


class SendForm(FlaskForm):
    submit = SubmitField(_l("Versturen"))


class OptOutForm(FlaskForm):
    submit = SubmitField(_l("Afmelden"))


class SelfDistributionForm(FlaskForm):
    enabled = BooleanField(_l("Zelf verspreiden: ik deel de persoonlijke links van anonieme vragenlijsten zelf uit"))
    submit = SubmitField(_l("Opslaan"))
