"""Board analyses: mutual trust, autonomy willingness, committed cooperation forms, board–staff gap."""

from collections.abc import Iterable
from typing import Any

import pandas as pd

from analysis._frames import attach_items, check_threshold, likert_values, plain

#: Cooperation forms from shallow to deep (DOMAIN.md, "Cooperation forms").
COMMIT_FORMS = ("geen", "projectbasis", "netwerkmodel", "centrummodel", "ssc")


def _likert(responses, items, construct=None, partner=False):
    merged = attach_items(responses, items)
    if construct is not None:
        merged = merged.loc[merged["construct"] == construct]
    if partner:
        merged = merged.loc[merged["partner"].notna()]
    merged = merged.assign(value=likert_values(merged)) if len(merged) else merged.assign(value=pd.Series(dtype=float))
    merged = merged.loc[merged["value"].notna()]
    return merged.assign(value100=(merged["value"] - merged["min"]) / (merged["max"] - merged["min"]) * 100)


def _domain_means(merged, keys):
    """Per respondent and domain the mean 0–100 answer, then per ``keys`` group mean and n."""
    if merged.empty:
        return pd.DataFrame(columns=keys + ["n", "mean"])
    merged = merged.loc[merged["domain"].notna()]
    per_person = (
        merged.groupby(["questionnaire", "respondent", "organisation", "domain"], sort=True, dropna=False)["value100"]
        .mean()
        .reset_index()
    )
    if "organisation" in keys:
        per_person = per_person.loc[per_person["organisation"].notna()]
    return per_person.groupby(keys, sort=True)["value100"].agg(n="size", mean="mean").reset_index()


def trust_matrix(responses, items):
    """Mutual trust between organisations from board members' answers.

    The truster is the respondent's organisation, the trusted party the item's ``partner``. Per
    board member the answers about one partner are averaged (after reverse scoring); a cell is the
    mean over the truster's board members. Answers about one's own organisation are ignored.

    Board members answer identified (one or two per school) on behalf of their organisation, so
    board figures are not suppressed; only the staff side of :func:`board_staff_gap` is.

    Parameters
    ----------
    responses : DataFrame
        Long answers; only ``role == "board"`` rows count.
    items : DataFrame or list of dict
        Item metadata; trust items carry ``partner``, the trusted organisation's code.

    Returns
    -------
    dict
        ``cells``: ``[{"from", "to", "n", "mean", "score"}]`` (mean on the item scale, score on
        0–100); ``mean_received``: ``{code: mean of the cell means towards it}``; ``asymmetry``:
        ``[{"a", "b", "diff"}]`` with ``diff = mean(a→b) - mean(b→a)``, largest first;
        ``weakest_link``: the cell with the lowest mean, or None.

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": f"trust_{p}", "construct": "trust", "partner": p, "min": 1, "max": 5}
    ...          for p in ("A", "B")]
    >>> responses = pd.DataFrame([
    ...     {"respondent": "a1", "question": "trust_B", "value": 4, "organisation": "A", "role": "board"},
    ...     {"respondent": "a2", "question": "trust_B", "value": 2, "organisation": "A", "role": "board"},
    ...     {"respondent": "b1", "question": "trust_A", "value": 5, "organisation": "B", "role": "board"}])
    >>> result = trust_matrix(responses, items)
    >>> result["cells"]
    [{'from': 'A', 'to': 'B', 'n': 2, 'mean': 3.0, 'score': 50.0}, {'from': 'B', 'to': 'A', 'n': 1, 'mean': 5.0, 'score': 100.0}]
    >>> result["asymmetry"], result["weakest_link"]
    ([{'a': 'A', 'b': 'B', 'diff': -2.0}], {'from': 'A', 'to': 'B', 'mean': 3.0})
    """
    merged = _likert(responses, items, partner=True)
    merged = merged.loc[
        (merged["role"] == "board")
        & merged["organisation"].notna()
        & (merged["organisation"].astype(str) != merged["partner"].astype(str))
    ]
    if merged.empty:
        return {"cells": [], "mean_received": {}, "asymmetry": [], "weakest_link": None}
    per_person = merged.groupby(["respondent", "organisation", "partner"], sort=True)[["value", "value100"]].mean()
    cells = (
        per_person.groupby(["organisation", "partner"], sort=True)
        .agg(n=("value", "size"), mean=("value", "mean"), score=("value100", "mean"))
        .reset_index()
    )
    cell_rows = [
        {
            "from": plain(r.organisation),
            "to": plain(r.partner),
            "n": int(r.n),
            "mean": plain(r.mean),
            "score": plain(r.score),
        }
        for r in cells.itertuples(index=False)
    ]
    received = cells.groupby("partner", sort=True)["mean"].mean()
    lookup = {(c["from"], c["to"]): c["mean"] for c in cell_rows}
    asymmetry = [
        {"a": a, "b": b, "diff": lookup[(a, b)] - lookup[(b, a)]}
        for (a, b) in sorted(lookup)
        if str(a) < str(b) and (b, a) in lookup
    ]
    asymmetry.sort(key=lambda d: (-abs(d["diff"]), str(d["a"]), str(d["b"])))
    weakest = min(cell_rows, key=lambda c: (c["mean"], str(c["from"]), str(c["to"])))
    return {
        "cells": cell_rows,
        "mean_received": {plain(code): plain(value) for code, value in received.items()},
        "asymmetry": asymmetry,
        "weakest_link": {"from": weakest["from"], "to": weakest["to"], "mean": weakest["mean"]},
    }


def autonomy_willingness(
    responses: pd.DataFrame, items: pd.DataFrame | Iterable[dict[str, Any]], construct: str = "autonomy_willingness"
) -> list[dict[str, Any]]:
    """Willingness to give up autonomy per cooperation domain, on 0–100, overall and per organisation.

    A respondent's domain value is the mean of their answered items of that domain, each rescaled
    ``(x - min)/(max - min)·100`` after reverse scoring; a group's value is the mean over
    respondents.

    Returns
    -------
    list of dict
        ``[{"domain", "organisation", "n", "mean"}]``, ``organisation`` None for all together;
        per domain the overall row first.

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": "aw_inkoop", "construct": "autonomy_willingness", "domain": "inkoop",
    ...           "min": 1, "max": 5}]
    >>> responses = pd.DataFrame({"respondent": ["a1", "b1"], "question": ["aw_inkoop"] * 2,
    ...                           "value": [5, 3], "organisation": ["A", "B"], "role": ["board"] * 2})
    >>> autonomy_willingness(responses, items)
    [{'domain': 'inkoop', 'organisation': None, 'n': 2, 'mean': 75.0}, {'domain': 'inkoop', 'organisation': 'A', 'n': 1, 'mean': 100.0}, {'domain': 'inkoop', 'organisation': 'B', 'n': 1, 'mean': 50.0}]
    """
    merged = _likert(responses, items, construct=construct)
    overall = _domain_means(merged, ["domain"])
    by_org = _domain_means(merged, ["domain", "organisation"])
    rows = [
        {"domain": plain(r.domain), "organisation": None, "n": int(r.n), "mean": plain(r.mean)}
        for r in overall.itertuples(index=False)
    ]
    rows += [
        {"domain": plain(r.domain), "organisation": plain(r.organisation), "n": int(r.n), "mean": plain(r.mean)}
        for r in by_org.itertuples(index=False)
    ]
    return sorted(rows, key=lambda r: (str(r["domain"]), r["organisation"] is not None, str(r["organisation"])))


def commit_forms(responses, items, construct="commit_form"):
    """The deepest cooperation form an organisation's board committed to, per domain.

    Forms rank ``geen`` < ``projectbasis`` < ``netwerkmodel`` < ``centrummodel`` < ``ssc``.

    Returns
    -------
    list of dict
        ``[{"organisation", "domain", "form", "n", "forms"}]`` with ``n`` answers and ``forms``
        their count per form.

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": "form_inkoop", "construct": "commit_form", "domain": "inkoop"}]
    >>> responses = pd.DataFrame({"respondent": ["a1", "a2"], "question": ["form_inkoop"] * 2,
    ...                           "value": ["netwerkmodel", "projectbasis"], "organisation": ["A", "A"],
    ...                           "role": ["board"] * 2})
    >>> commit_forms(responses, items)
    [{'organisation': 'A', 'domain': 'inkoop', 'form': 'netwerkmodel', 'n': 2, 'forms': {'projectbasis': 1, 'netwerkmodel': 1}}]
    """
    merged = attach_items(responses, items, likert_only=False)
    merged = merged.loc[
        (merged["construct"] == construct)
        & merged["value"].notna()
        & merged["domain"].notna()
        & merged["organisation"].notna()
    ]
    values = merged["value"].astype(str).str.strip().str.lower()
    unknown = sorted(set(values) - set(COMMIT_FORMS))
    if unknown:
        raise ValueError(f"unknown cooperation form(s) {unknown}; expected one of {list(COMMIT_FORMS)}")
    merged = merged.assign(rank=values.map({form: i for i, form in enumerate(COMMIT_FORMS)}), form=values)
    rows = []
    for (organisation, domain), sub in merged.groupby(["organisation", "domain"], sort=True):
        counts = sub["form"].value_counts()
        rows.append(
            {
                "organisation": plain(organisation),
                "domain": plain(domain),
                "form": COMMIT_FORMS[int(sub["rank"].max())],
                "n": int(len(sub)),
                "forms": {form: int(counts[form]) for form in COMMIT_FORMS if form in counts},
            }
        )
    return rows


def board_staff_gap(
    responses, items, threshold, *, board_construct="autonomy_willingness", staff_construct="domain_support"
):
    """Board autonomy willingness minus staff support per organisation and domain, both on 0–100.

    The staff side is the mean over staff respondents (roles other than ``board``) of their
    ``domain_support`` items of the domain; it is None (and so is the gap) for an organisation
    and domain with fewer than ``threshold`` staff respondents.

    Returns
    -------
    list of dict
        ``[{"organisation", "domain", "board", "board_n", "staff", "staff_n", "staff_suppressed",
        "gap"}]``; ``gap = board - staff`` when both are known.

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": "aw", "construct": "autonomy_willingness", "domain": "inkoop", "min": 1, "max": 5},
    ...          {"question": "ds", "construct": "domain_support", "domain": "inkoop", "min": 1, "max": 5}]
    >>> rows = [{"respondent": "b", "question": "aw", "value": 5, "organisation": "A", "role": "board"}]
    >>> rows += [{"respondent": f"s{i}", "question": "ds", "value": 3, "organisation": "A", "role": "ict_staff"}
    ...          for i in range(5)]
    >>> board_staff_gap(pd.DataFrame(rows), items, threshold=5)
    [{'organisation': 'A', 'domain': 'inkoop', 'board': 100.0, 'board_n': 1, 'staff': 50.0, 'staff_n': 5, 'staff_suppressed': False, 'gap': 50.0}]
    >>> board_staff_gap(pd.DataFrame(rows), items, threshold=6)[0]["staff"] is None
    True
    """
    threshold = check_threshold(threshold)
    board = _likert(responses, items, construct=board_construct)
    board = _domain_means(board.loc[board["role"] == "board"], ["organisation", "domain"])
    staff = _likert(responses, items, construct=staff_construct)
    staff = _domain_means(staff.loc[staff["role"].notna() & (staff["role"] != "board")], ["organisation", "domain"])
    merged = board.merge(staff, on=["organisation", "domain"], how="outer", suffixes=("_board", "_staff"), sort=True)
    rows = []
    for r in merged.itertuples(index=False):
        staff_n = None if pd.isna(r.n_staff) else int(r.n_staff)
        hidden = staff_n is not None and staff_n < threshold
        board_value = plain(r.mean_board)
        staff_value = None if hidden or staff_n is None else plain(r.mean_staff)
        rows.append(
            {
                "organisation": plain(r.organisation),
                "domain": plain(r.domain),
                "board": board_value,
                "board_n": None if pd.isna(r.n_board) else int(r.n_board),
                "staff": staff_value,
                "staff_n": None if hidden else staff_n,
                "staff_suppressed": bool(hidden),
                "gap": board_value - staff_value if board_value is not None and staff_value is not None else None,
            }
        )
    return rows
