"""Translated labels for questionnaire states, audiences and question types."""

from flask_babel import lazy_gettext as _l

from app.i18n import pick
from surveys.types import QUESTION_TYPES

STATUS_LABELS = {"draft": _l("Concept"), "open": _l("Open"), "closed": _l("Gesloten")}
AUDIENCE_LABELS = {
    "ict_staff": _l("ICT-medewerkers"),
    "ict_lead": _l("Hoofd ICT / ICT-coördinatoren"),
    "board": _l("Bestuurders"),
    "all": _l("Iedereen"),
    "users": _l("ICT-gebruikers: medewerkers en leerlingen"),
}


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def audience_label(code: str) -> str:
    return str(AUDIENCE_LABELS.get(code, code))


def type_label(code: str) -> str:
    """The question type's own label ({nl, en}, in surveys/types/) in the reader's language."""
    question_type = QUESTION_TYPES.get(code)
    return pick(question_type.label) if question_type is not None else code


def type_choices() -> list[tuple[str, str]]:
    """(name, label) of every registered question type, in registration order."""
    return [(name, type_label(name)) for name in QUESTION_TYPES]


def template_label(key: str) -> str:
    """The built-in instrument's title in the reader's language (the key only for an unknown one)."""
    from surveys.templates import TEMPLATE_KEYS, load_template

    return pick(load_template(key).title) if key in TEMPLATE_KEYS else key


def construct_label(code: str | None) -> str:
    """What a construct code measures, in the reader's language (as on the results pages)."""
    from app.results.views import construct_name

    return construct_name(code) if code else "–"


def domain_label(code: str) -> str:
    """A question's domain: a cooperation domain (ICT-foto) or a motive (motives questionnaire)."""
    from analysis.swot import DOMAIN_NAMES, MOTIVE_NAMES
    from app.results.views import domain_name

    if code in DOMAIN_NAMES:
        return domain_name(code)
    if code in MOTIVE_NAMES:
        from app.results.format import language

        name = MOTIVE_NAMES[code][1 if language() == "en" else 0]
        return name[0].upper() + name[1:]
    return code
