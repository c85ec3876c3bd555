"""Figures written out for people: thousands grouped, a fixed number of decimals, Dutch or English."""

from __future__ import annotations

import math


def grouped(value: float | int | None, digits: int = 0, lang: str = "nl") -> str:
    """``value`` rounded to ``digits`` with grouped thousands; '–' for None and NaN.

    The one formatter for report figures: the app's pages, charts and documents (through
    app/results/format.py) and the SWOT texts that analysis writes in both languages.

    >>> grouped(1234567.891, 2), grouped(1234567.891, 2, "en"), grouped(-0.001, 1), grouped(None)
    ('1.234.567,89', '1,234,567.89', '0,0', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # a rounded "-0" reads as an error
    if lang == "nl":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text
