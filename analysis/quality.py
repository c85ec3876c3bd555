"""Instrument quality per construct: Cronbach's alpha with the respondents it rests on, and item–rest correlations."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.coded import Prepared

#: Below this many complete respondents an alpha is marked unreliable on the pages.
RELIABLE_ALPHA_N = 10


def item_quality(responses: Any, items: Any = None, min_share: float | None = None) -> list[dict[str, Any]]:
    """Per construct, over all respondents counted in it: alpha and each item's item–rest correlation.

    Parameters
    ----------
    responses, items, min_share :
        As for :func:`analysis.construct_indicators` (or a :class:`analysis.Prepared`).

    Returns
    -------
    list of dict
        ``{"questionnaire", "construct", "n", "alpha", "alpha_ci", "alpha_n", "items": [{"question",
        "item_rest", "mean", "n"}]}``; ``alpha_n`` is the number of respondents who answered
        every item (alpha and the item–rest correlations rest on them), ``n`` those counted in
        the construct. Items are after reverse scoring.

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": q, "construct": "c", "min": 1, "max": 5} for q in "abc"]
    >>> wide = {"a": [1, 2, 3, 4, 5], "b": [2, 2, 3, 5, 4], "c": [1, 3, 3, 4, 5]}
    >>> import pandas as pd
    >>> responses = pd.DataFrame([{"respondent": f"r{i}", "question": q, "value": v[i], "organisation": "A",
    ...                            "role": "ict_staff"} for q, v in wide.items() for i in range(5)])
    >>> row = item_quality(responses, items)[0]
    >>> round(row["alpha"], 4), row["alpha_n"], [round(i["item_rest"], 3) for i in row["items"]]
    (0.9451, 5, [0.97, 0.809, 0.899])
    """
    # numpy, pandas and scipy load here, not at import: the pages import alpha_note (tests/app/test_lean_web.py)
    import numpy as np
    import pandas as pd

    from analysis.coded import as_prepared as untyped_as_prepared
    from analysis.reliability import cronbach_alpha, feldt_interval, item_rest_correlations

    # analysis.coded is still in the strict backlog (pyproject.toml): the signature of as_prepared.
    as_prepared: Callable[[Any, Any, float | None], Prepared] = untyped_as_prepared

    prepared = as_prepared(responses, items, min_share)
    coded = prepared.coded
    if prepared.scores.empty:
        return []
    person_of = prepared.scores["person"].to_numpy()
    item_names = coded.items["question"].to_numpy()
    positions = coded.items["position"].to_numpy()
    reversed_items = coded.items["reverse"].to_numpy(dtype=bool)
    construct_items = coded.items["item_construct"].to_numpy()
    item_construct = coded.constructs["item_construct"].to_numpy()
    out = []
    # One construct at a time: its respondents × items matrix (Prepared.construct_matrices).
    for construct, score_rows, matrix in prepared.construct_matrices():
        meta = coded.constructs.loc[construct]
        if not isinstance(meta, pd.Series):  # cannot happen: one row: construct codes are the unique index
            raise RuntimeError("one row: construct codes are the unique index")
        k = int(meta["n_items"])
        # Respondents in person order, in float64, as the figures were always summed.
        dense = matrix[np.argsort(person_of[score_rows], kind="stable")].astype(np.float64)
        # The construct's items that someone counted in it answered, by position.
        seen = np.isnan(dense).sum(axis=0) < len(dense)
        by_position = {
            int(positions[i]): int(i)
            for i in np.flatnonzero(construct_items == item_construct[construct]).tolist()
            if seen[positions[i]]
        }
        names = [item_names[by_position[j]] if j in by_position else None for j in range(k)]
        complete = dense[~np.isnan(dense).any(axis=1)]
        answered = len(by_position) == k
        alpha = cronbach_alpha(complete) if answered else None
        rest = item_rest_correlations(complete) if answered else None
        n_complete = int(len(complete))
        out.append(
            {
                "questionnaire": None if meta["questionnaire"] in ("", None) else meta["questionnaire"],
                "construct": meta["construct"],
                "n": int(len(score_rows)),
                "alpha": alpha,
                "alpha_ci": feldt_interval(alpha, n_complete, k) if alpha is not None else None,
                "alpha_n": n_complete,
                "items": [
                    {
                        "question": names[j],
                        "item_rest": (rest or {}).get(j),
                        "mean": float(np.nanmean(dense[:, j])),
                        "n": int((~np.isnan(dense[:, j])).sum()),
                        "reverse": bool(reversed_items[by_position[j]]),
                    }
                    for j in range(k)
                    if names[j] is not None
                ],
            }
        )
    return out


def alpha_note(alpha: float | None, alpha_n: int | None) -> str | None:
    """Why an alpha needs care: ``"negative"``, ``"unreliable"`` (fewer than 10 complete
    respondents) or None.

    >>> alpha_note(-0.2, 40), alpha_note(0.8, 7), alpha_note(0.8, 40)
    ('negative', 'unreliable', None)
    """
    if alpha is None:
        return None
    if alpha < 0:
        return "negative"
    if alpha_n is not None and alpha_n < RELIABLE_ALPHA_N:
        return "unreliable"
    return None
