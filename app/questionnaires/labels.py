"""Translated labels for questionnaire states, audiences and question types."""
from flask_babel import lazy_gettext as _l

from app.i18n import pick
from surveys.types import QUESTION_TYPES

STATUS_LABELS = {"draft": _l("Concept"), "open": _l("Open"), "closed": _l("Gesloten")}
AUDIENCE_LABELS = {"ict_staff": _l("ICT-medewerkers"), "ict_lead": _l("Hoofd ICT / ICT-coördinatoren"),
                   "board": _l("Bestuurders"), "all": _l("Iedereen"),
                   "users": _l("ICT-gebruikers: medewerkers en leerlingen")}

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
