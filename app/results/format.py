"""Number formatting for results pages, charts and the report: Dutch decimal comma, None as a dash."""

from __future__ import annotations

from analysis.numbers import grouped


def language() -> str:
    try:
        from flask_babel import get_locale

        locale = get_locale()
        return locale.language if locale is not None else "nl"
    except RuntimeError:  # outside a request or app context
        return "nl"


def fmt(value, digits: int = 0) -> str:
    """`value` rounded to `digits`, with the current language's separators; '–' for None/NaN."""
    return grouped(value, digits, language())


def pct(share, digits: int = 0) -> str:
    return "–" if share is None else fmt(share * 100, digits) + "%"
