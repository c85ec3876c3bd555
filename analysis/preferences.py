"""Staff's preferred cooperation form per domain, in all and per school (unsuppressed counts and shares)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.board import COMMIT_FORMS

STAFF_ROLES = ("ict_staff", "ict_lead")


def preference_answers(choices: pd.DataFrame, items: pd.DataFrame, questionnaire: str = "ict_staff") -> pd.DataFrame:
    """The staff's ``preferred_form`` answers of one questionnaire, with each item's ``domain``.

    ``choices`` is long (``respondent``, ``question``, ``value``, ``organisation``, ``role``,
    ``questionnaire``); ``items`` the item metadata (``question``, ``construct``, ``domain``,
    ``questionnaire``).
    """
    meta = items.loc[(items["questionnaire"] == questionnaire) & (items["construct"] == "preferred_form")]
    staff = choices.loc[
        (choices["questionnaire"].to_numpy() == questionnaire) & choices["role"].isin(STAFF_ROLES).to_numpy()
    ]
    merged: pd.DataFrame = staff.merge(meta[["question", "domain"]], on="question", how="inner")
    return merged


def preferred_forms(staff: pd.DataFrame) -> list[dict[str, Any]]:
    """Count and share of each form per domain, for all staff and each school.

    Every form of :data:`analysis.board.COMMIT_FORMS` gets a row (0 when nobody chose it), then
    any other answered form in order of appearance. The rows are unsuppressed: the release hides
    groups (app/services/releases.py, :mod:`analysis.disclosure`).

    Examples
    --------
    >>> staff = pd.DataFrame({"respondent": ["r1", "r2", "r3"], "domain": ["ibp"] * 3,
    ...                       "value": ["ssc", "ssc", "netwerkmodel"],
    ...                       "organisation": ["A", "A", "B"]})
    >>> rows = preferred_forms(staff)
    >>> [(r["organisation"], r["form"], r["n"], round(r["share"], 2)) for r in rows if r["n"]]
    [(None, 'netwerkmodel', 1, 0.33), (None, 'ssc', 2, 0.67), ('A', 'ssc', 2, 1.0), ('B', 'netwerkmodel', 1, 1.0)]
    """
    if staff.empty:
        return []
    options = {}
    rows = []
    forms = list(COMMIT_FORMS)
    for domain, sub in staff.groupby("domain", sort=True):
        for form in sub["value"]:
            if form not in forms and form not in options:
                options[form] = True
        all_forms = forms + list(options)
        by_org = sub.loc[sub["organisation"].notna()].groupby("organisation", sort=True)
        for org, group in [(None, sub)] + [(org, g) for org, g in by_org]:
            total = int(group["respondent"].nunique())
            counts = group["value"].value_counts()
            for form in all_forms:
                n = int(counts.get(form, 0))
                rows.append(
                    {
                        "domain": domain,
                        "form": form,
                        "organisation": org,
                        "role": None,
                        "n": n,
                        "share": n / total if total else None,
                        "suppressed": False,
                    }
                )
    return rows
