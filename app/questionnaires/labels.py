"""Translated labels for questionnaire states, audiences and question types."""
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {"draft": _l("Concept"), "open": _l("Open"), "closed": _l("Gesloten")}
AUDIENCE_LABELS = {"ict_staff": _l("ICT-medewerkers"), "ict_lead": _l("Hoofd ICT / ICT-coördinatoren"),
                   "board": _l("Bestuurders"), "all": _l("Iedereen")}
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


def template_label(key: str) -> str:
    """The built-in instrument's title in the reader's language (the key only for an unknown one)."""
    from app.i18n import pick
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
