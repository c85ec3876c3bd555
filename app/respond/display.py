"""Answers as the respondent reads them back on the review and statement pages."""
from __future__ import annotations

import re

from flask_babel import gettext as _

from app.i18n import select_locale


def answer_text(question, value) -> str:
    """A clean (or raw) answer in words, as its question type writes it in the reader's language."""
    if value is None or value == "" or value == []:
        return _("(niet beantwoord)")
    return question.question_type.display(question, value, select_locale())


# -- the `surveys` package's answer messages in the reader's language --------------------------------
# `surveys` has no Flask, so its messages are Dutch; here they are marked for the catalog (N_) and
# translated when shown. A message that is not listed is shown as it is.

def N_(msgid: str) -> str:  # noqa: N802 - babel's keyword for "extract, do not translate yet"
    return msgid


FIXED_MESSAGES = {N_("Deze vraag is verplicht."), N_("Kies een van de genoemde opties."), N_("Kies ja of nee."),
                  N_("Onbekende vraag."), N_("Vul een getal in."), N_("Vul een geheel getal in."),
                  N_("Vul een bedrag in euro in, bijvoorbeeld 1.234,50."), N_("Het bedrag moet minstens 0 zijn."),
                  N_("Gebruik hoogstens twee cijfers achter de komma."), N_("Kies uit de genoemde opties."),
                  N_("Vul tekst in."), N_("De tekst bevat ongeldige tekens."),
                  N_("Kies alleen uit de genoemde opties."), N_("Kies elke optie hoogstens één keer."),
                  N_("Kies minstens één optie."), N_("Kies hoogstens één optie."),
                  N_("Rangschik alleen de genoemde opties."), N_("Geef elke optie hoogstens één plaats."),
                  N_("Zet alle opties in volgorde.")}
PATTERNS = [
    (re.compile(r"Kies een waarde van (?P<low>\S+) tot en met (?P<high>\S+)\."),
     N_("Kies een waarde van %(low)s tot en met %(high)s.")),
    (re.compile(r"Het getal moet minstens (?P<value>\S+) zijn\."), N_("Het getal moet minstens %(value)s zijn.")),
    (re.compile(r"Het getal mag hoogstens (?P<value>\S+) zijn\."), N_("Het getal mag hoogstens %(value)s zijn.")),
    (re.compile(r"Maximaal (?P<value>\d+) tekens\."), N_("Maximaal %(value)s tekens.")),
    (re.compile(r"Kies minstens (?P<value>\d+) opties\."), N_("Kies minstens %(value)s opties.")),
    (re.compile(r"Kies hoogstens (?P<value>\d+) opties\."), N_("Kies hoogstens %(value)s opties.")),
    (re.compile(r"Zet minstens (?P<value>\d+) opties in volgorde\."), N_("Zet minstens %(value)s opties in volgorde.")),
    (re.compile(r"Zet hoogstens (?P<value>\d+) opties in volgorde\."), N_("Zet hoogstens %(value)s opties in volgorde.")),
]


def answer_message(message: str) -> str:
    if message in FIXED_MESSAGES:
        return _(message)
    for pattern, msgid in PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return _(msgid, **match.groupdict())
    return message


def answer_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """{question key: messages} from `surveys` validation, in the reader's language."""
    return {key: [answer_message(m) for m in messages] for key, messages in errors.items()}
