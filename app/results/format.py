"""Number formatting for results pages, charts and the report: Dutch decimal comma, None as a dash."""
from __future__ import annotations

import math


def language() -> str:
    try:
        from flask_babel import get_locale

        locale = get_locale()
        return locale.language if locale is not None else "nl"
    except RuntimeError:  # outside a request or app context
        return "nl"


def fmt(value, digits: int = 0) -> str:
    """`value` rounded to `digits`, with the current language's separators; '–' for None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    if text in ("-0", "-0.0", "-0.00"):
        text = text[1:]
    if language() == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def pct(share, digits: int = 0) -> str:
    return "–" if share is None else fmt(share * 100, digits) + "%"
