"""Respondents' construct scores: the mean of a construct's answered items after reverse scoring."""

from typing import Any

import pandas as pd

from analysis.coded import code_answers, person_scores

SCORE_COLUMNS = ["respondent", "organisation", "role", "questionnaire", "construct", "score", "n_items"]


def construct_scores(responses: Any, items: Any, min_share: float = 0.5) -> pd.DataFrame:
    """Score every respondent on every construct they answered enough items of.

    A reversed answer ``x`` counts as ``min + max - x``. A respondent who answered fewer than
    ``min_share`` of a construct's items (by default: fewer than half) is left out of it;
    exactly half is enough.

    Parameters
    ----------
    responses : DataFrame
        Long answers: ``respondent``, ``question``, ``value``, ``organisation``, ``role`` and
        optionally ``questionnaire``. Unanswered items may be NaN or absent.
    items : DataFrame or list of dict
        Item metadata: ``question``, ``construct``, ``reverse``, ``min``, ``max``, optionally
        ``questionnaire``. Items without a scale or construct are ignored.
    min_share : float, default 0.5
        Least share of a construct's items a respondent must have answered.

    Returns
    -------
    DataFrame
        Columns ``respondent``, ``organisation``, ``role``, ``questionnaire`` (None when absent),
        ``construct``, ``score`` (on the item scale) and ``n_items`` (items answered), sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": "q1", "construct": "trust", "reverse": False, "min": 1, "max": 5},
    ...          {"question": "q2", "construct": "trust", "reverse": True, "min": 1, "max": 5}]
    >>> responses = pd.DataFrame({
    ...     "respondent": ["r1", "r1", "r2", "r2"], "question": ["q1", "q2", "q1", "q2"],
    ...     "value": [4, 2, 5, None], "organisation": ["A", "A", "B", "B"],
    ...     "role": ["ict_staff"] * 4})
    >>> construct_scores(responses, items)[["respondent", "construct", "score", "n_items"]]
      respondent construct  score  n_items
    0         r1     trust    4.0        2
    1         r2     trust    5.0        1
    """
    coded = code_answers(responses, items)
    scores = person_scores(coded, min_share)
    people = coded.people.loc[scores["person"]]
    constructs = coded.constructs.loc[scores["construct"]]
    result = pd.DataFrame(
        {
            "respondent": people["respondent"].to_numpy(),
            "organisation": people["organisation"].to_numpy(),
            "role": people["role"].to_numpy(),
            "questionnaire": constructs["questionnaire"].to_numpy(),
            "construct": constructs["construct"].to_numpy(),
            "score": scores["score"].to_numpy(),
            "n_items": scores["n_items"].to_numpy(),
        }
    )
    order = result[["questionnaire", "construct", "respondent"]].astype(str)
    return result.loc[order.sort_values(list(order.columns), kind="stable").index].reset_index(drop=True)
