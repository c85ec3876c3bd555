"""Derived ICT-foto figures of one school: costs per pupil, FTE per 1,000 pupils, retiring share, devices per pupil."""

from __future__ import annotations

from typing import Any

#: The derived figures, in the order the payload and the reports show them.
DERIVED_FIELDS = ("cost_total", "cost_per_pupil", "fte_per_1000_pupils", "retiring_share", "devices_per_pupil")


def derived_figures(answers: dict[str, Any], students: int | float | None = None) -> dict[str, float | None]:
    """Ratios of one ICT-foto response; a ratio with an unknown part is None.

    The pupil count is the answered ``users_students``, else the organisation's ``students``.
    ``cost_total`` sums every answered ``cost_*`` field.

    Examples
    --------
    >>> f = derived_figures({"cost_a": 1000, "cost_b": 500, "users_students": 300, "fte_ict": 0.9,
    ...                      "fte_retiring_5y": 0.3, "devices_students": 150})
    >>> f["cost_total"], f["cost_per_pupil"], f["fte_per_1000_pupils"], round(f["retiring_share"], 3)
    (1500.0, 5.0, 3.0, 0.333)
    >>> derived_figures({"fte_ict": 1}, students=None)["fte_per_1000_pupils"] is None
    True
    """

    def number(key: str) -> float | None:
        value = answers.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    def ratio(a: float | None, b: float | None, scale: float = 1.0) -> float | None:
        return a / b * scale if a is not None and b else None

    costs = [c for c in (number(k) for k in answers if k.startswith("cost_")) if c is not None]
    cost_total = sum(costs) if costs else None
    pupils = number("users_students") or (float(students) if students else None)
    fte = number("fte_ict")
    return {
        "cost_total": cost_total,
        "cost_per_pupil": ratio(cost_total, pupils),
        "fte_per_1000_pupils": ratio(fte, pupils, 1000.0),
        "retiring_share": ratio(number("fte_retiring_5y"), fte),
        "devices_per_pupil": ratio(number("devices_students"), pupils),
    }
