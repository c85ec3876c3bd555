"""Display labels of the stakeholder codes (Dutch msgids, translated per request)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KIND = {"person": _l("Persoon"), "group": _l("Groep")}
CATEGORY = {
    "board": _l("Bestuur"),
    "school_leader": _l("Schoolleiding"),
    "ict_lead": _l("Hoofd ICT"),
    "ict_staff": _l("ICT-medewerkers"),
    "teachers": _l("Docenten als ICT-gebruikers"),
    "council": _l("Medezeggenschap (MR/GMR/PMR)"),
    "supplier": _l("Leverancier"),
    "sivon": _l("SIVON"),
    "other": _l("Overig"),
}
ATTITUDE = {
    "supporter": _l("voorstander"),
    "neutral": _l("neutraal"),
    "critical": _l("kritisch"),
    "unknown": _l("onbekend"),
}
ENGAGEMENT = {
    "inform": _l("informeren"),
    "consult": _l("raadplegen"),
    "involve": _l("betrekken"),
    "collaborate": _l("samenwerken"),
    "empower": _l("meebeslissen"),
}
QUADRANT = {
    "manage_closely": _l("Nauw betrekken"),
    "keep_satisfied": _l("Tevreden houden"),
    "keep_informed": _l("Informeren"),
    "monitor": _l("Monitoren"),
}
QUADRANT_HINT = {
    "manage_closely": _l("veel invloed, groot belang"),
    "keep_satisfied": _l("veel invloed, minder belang"),
    "keep_informed": _l("minder invloed, groot belang"),
    "monitor": _l("minder invloed, minder belang"),
}
MEASURED_ROLE = {
    "ict_staff": _l("ICT-medewerkers"),
    "ict_lead": _l("Hoofd ICT / ICT-coördinator"),
    "board": _l("Bestuurders"),
}
ENGAGEMENT_KIND = {
    "workshop": _l("Workshop"),
    "meeting": _l("Overleg of sessie"),
    "information": _l("Informatiebijeenkomst"),
    "interview": _l("Interview"),
    "other": _l("Anders"),
}
PHASE = {
    "ict_foto": _l("1. ICT-foto"),
    "analyse": _l("2. Motieven en sterkte-zwakte"),
    "voorstellen": _l("3. Voorstellen"),
    "besluit": _l("4. Besluitvorming"),
}
CONCERN_STATUS = {
    "open": _l("open"),
    "answered": _l("beantwoord"),
    "resolved": _l("opgelost"),
    "declined": _l("niet overgenomen"),
}
DISAGREEMENT = {
    "opposite": _l("Oordeel en meting staan tegenover elkaar."),
    "differs": _l("Oordeel en meting verschillen."),
    "unjudged": _l("Nog geen oordeel; de meting geeft een beeld."),
}
MESSAGE = {
    "personal_meeting": _l("Persoonlijk overleg over voortgang en keuzes"),
    "progress_update": _l("Voortgangsbericht"),
    "decision_briefing": _l("Toelichting op voorgenomen besluiten"),
    "newsletter": _l("Nieuwsbrief van de verkenning"),
    "information_session": _l("Informatiebijeenkomst"),
    "consultation": _l("Raadpleging (vragenlijst of gesprek)"),
    "workshop": _l("Werksessie"),
    "co_design": _l("Samen voorstellen uitwerken"),
    "decision_session": _l("Besluitvormend overleg"),
}
CHANNEL = {
    "personal": _l("persoonlijk gesprek"),
    "mail": _l("e-mail"),
    "meeting": _l("bijeenkomst"),
    "newsletter": _l("nieuwsbrief"),
    "survey": _l("vragenlijst"),
    "workshop": _l("workshop"),
}


def label(table: dict, code) -> str:
    return str(table.get(code, code)) if code is not None else "–"


def message(text: str) -> str:
    """A communication item's text: a derived default is a code, translated here."""
    return str(MESSAGE[text]) if text in MESSAGE else text


def channel(text: str) -> str:
    return str(CHANNEL[text]) if text in CHANNEL else text


def domain(code) -> str:
    if not code:
        return "–"
    from app.results.views import domain_name

    return domain_name(code)


def helpers() -> dict:
    """What the stakeholder templates call."""
    return {
        "kind_label": lambda c: label(KIND, c),
        "category_label": lambda c: label(CATEGORY, c),
        "attitude_label": lambda c: label(ATTITUDE, c),
        "engagement_label": lambda c: label(ENGAGEMENT, c),
        "quadrant_label": lambda c: label(QUADRANT, c),
        "quadrant_hint": lambda c: label(QUADRANT_HINT, c),
        "measured_role_label": lambda c: label(MEASURED_ROLE, c),
        "engagement_kind_label": lambda c: label(ENGAGEMENT_KIND, c),
        "stage_label": lambda c: label(PHASE, c),
        "concern_status_label": lambda c: label(CONCERN_STATUS, c),
        "disagreement_label": lambda c: label(DISAGREEMENT, c),
        "message_label": message,
        "channel_label": channel,
        "domain_label": domain,
        "fmt0": fmt0,
    }


def fmt0(value) -> str:
    return "–" if value is None else f"{value:.0f}"
