"""Language choice (Dutch first, English switchable) and template helpers."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import lazy_gettext as _l


def select_locale() -> str:
    lang = session.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        return lang
    if has_request_context() and request.path.startswith("/api/"):
        # The API has no session: its callers choose by Accept-Language (Dutch unless en is asked).
        best = request.accept_languages.best_match(current_app.config["LANGUAGES"])
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def translate(message: object) -> str:
    """A domain or service message in the reader's language: a `surveys.messages.Message` by its
    catalog id and parameters; any other text by itself as id (unchanged when not in the catalog)."""
    from flask_babel import gettext

    msgid = getattr(message, "msgid", None)
    if msgid is None:
        return gettext(str(message)) if message else ""
    return gettext(msgid, **message.params)  # type: ignore[attr-defined]


def translate_errors(errors: dict[str, list] | None) -> dict[str, list[str]]:
    """{field: [message]} in the reader's language."""
    return {key: [translate(m) for m in messages] for key, messages in (errors or {}).items()}


def pick(text: dict | str | None) -> str:
    """Pick the current language from a {'nl','en'} text, falling back to Dutch."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(select_locale()) or text.get("nl") or ""


PHASE_LABELS = {
    "ict_foto": _l("1. ICT-foto"),
    "analyse": _l("2. Motieven en sterkte-zwakte"),
    "voorstellen": _l("3. Voorstellen"),
}
ROLE_LABELS = {
    "regisseur": _l("Regisseur"),
    "bestuurder": _l("Bestuurder"),
    "ict_lead": _l("Hoofd ICT / ICT-coördinator"),
    "ict_staff": _l("ICT-medewerker"),
    "board": _l("Bestuurder"),
    "staff": _l("Medewerker (ICT-gebruiker)"),
    "pupil": _l("Leerling"),
}


def phase_label(code: str) -> str:
    return str(PHASE_LABELS.get(code, code))


def role_label(code: str) -> str:
    return str(ROLE_LABELS.get(code, code))


def init_app(app: Flask) -> None:
    @app.context_processor
    def inject_language():
        return {"current_lang": select_locale(), "pick": pick, "phase_label": phase_label, "role_label": role_label}

    @app.template_filter("nl_number")
    def nl_number(value, digits: int = 0):
        from flask_babel import get_locale

        from analysis.numbers import grouped

        locale = get_locale()  # the report task renders in an app context with its own locale
        return grouped(value, digits, locale.language if locale is not None else "nl")

    @app.template_filter("datetime")
    def fmt_datetime(value):
        from flask_babel import format_datetime

        return format_datetime(value, "short") if value else "–"

    @app.template_filter("date")
    def fmt_date(value):
        from flask_babel import format_date

        return format_date(value, "medium") if value else "–"
