"""Translated labels for questionnaire states, audiences and question types."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {"draft": _l("Concept"), "open": _l("Open"), "closed": _l("Gesloten")}
AUDIENCE_LABELS = {"ict_staff": _l("ICT-medewerkers"), "ict_lead": _l("Hoofd ICT / ICT-coördinatoren"),
                   "board": _l("Bestuurders"), "all": _l("Iedereen"),
                   "users": _l("ICT-gebruikers: medewerkers en leerlingen")}
TYPE_LABELS = {"likert": _l("Stelling op een schaal (likert)"), "single_choice": _l("Eén keuze"),
               "multiple_choice": _l("Meerdere keuzes"), "number": _l("Getal"),
               "currency": _l("Bedrag in euro"), "text": _l("Open tekst"),
               "ranking": _l("Rangorde"), "yes_no": _l("Ja/nee")}


def status_label(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def audience_label(code: str) -> str:
    return str(AUDIENCE_LABELS.get(code, code))


def type_label(code: str) -> str:
    return str(TYPE_LABELS.get(code, code))
