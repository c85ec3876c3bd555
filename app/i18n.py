"""Language choice (Dutch first, English switchable) and template helpers."""
from __future__ import annotations

from flask import Flask, current_app, session
from flask_babel import lazy_gettext as _l


def select_locale() -> str:
    lang = session.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return lang
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def pick(text: dict | str | None) -> str:
    """Pick the current language from a {'nl','en'} text, falling back to Dutch."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(select_locale()) or text.get("nl") or ""


PHASE_LABELS = {"ict_foto": _l("1. ICT-foto"), "analyse": _l("2. Motieven en sterkte-zwakte"),
                "voorstellen": _l("3. Voorstellen")}
ROLE_LABELS = {"regisseur": _l("Regisseur"), "bestuurder": _l("Bestuurder"),
               "ict_lead": _l("Hoofd ICT / ICT-coördinator"), "ict_staff": _l("ICT-medewerker"),
               "board": _l("Bestuurder"), "staff": _l("Medewerker (ICT-gebruiker)"), "pupil": _l("Leerling")}


def phase_label(code: str) -> str:
    return str(PHASE_LABELS.get(code, code))


def role_label(code: str) -> str:
    return str(ROLE_LABELS.get(code, code))


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_language():
        return {"current_lang": select_locale(), "pick": pick, "phase_label": phase_label,
                "role_label": role_label}

    @app.template_filter("nl_number")
    def nl_number(value, digits: int = 0):
        if value is None:
            return "–"
        text = f"{value:,.{digits}f}"
        if select_locale() == "nl":
            text = text.replace(",", "_").replace(".", ",").replace("_", ".")
        return text

    @app.template_filter("datetime")
    def fmt_datetime(value):
        from flask_babel import format_datetime

        return format_datetime(value, "short") if value else "–"

    @app.template_filter("date")
    def fmt_date(value):
        from flask_babel import format_date

        return format_date(value, "medium") if value else "–"

