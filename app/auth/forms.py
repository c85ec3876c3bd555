"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in.")), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in."))])
    submit = SubmitField(_l("Inloggen"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Huidig wachtwoord"), validators=[DataRequired(_l("Vul uw huidige wachtwoord in."))])
    new = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[
            DataRequired(_l("Vul een nieuw wachtwoord in.")),
            Length(min=10, message=_l("Het wachtwoord moet minstens 10 tekens lang zijn.")),
        ],
    )
    repeat = PasswordField(
        _l("Herhaal nieuw wachtwoord"),
        validators=[EqualTo("new", message=_l("De twee wachtwoorden zijn niet gelijk."))],
    )
    submit = SubmitField(_l("Wachtwoord wijzigen"))


class ResetRequestForm(FlaskForm):
    email = EmailField(
        _l("E-mailadres"),
        validators=[DataRequired(_l("Vul uw e-mailadres in.")), Email(_l("Vul een geldig e-mailadres in."))],
    )
    submit = SubmitField(_l("Stuur herstellink"))


class ResetForm(FlaskForm):
    new = PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[
            DataRequired(_l("Vul een nieuw wachtwoord in.")),
            Length(min=10, message=_l("Het wachtwoord moet minstens 10 tekens lang zijn.")),
        ],
    )
    repeat = PasswordField(
        _l("Herhaal nieuw wachtwoord"),
        validators=[EqualTo("new", message=_l("De twee wachtwoorden zijn niet gelijk."))],
    )
    submit = SubmitField(_l("Wachtwoord instellen"))
