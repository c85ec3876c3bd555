"""Respondents' construct scores: the mean of a construct's answered items after reverse scoring."""

import pandas as pd

from analysis._frames import NO_QUESTIONNAIRE, attach_items, likert_values, responses_frame

SCORE_COLUMNS = ["respondent", "organisation", "role", "questionnaire", "construct", "score", "n_items"]
# Keeps "exactly half answered" in when min_share * n_items is not exact in binary floating point.
_EPS = 1e-9


def _check_min_share(min_share):
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must lie in (0, 1], got {min_share!r}")


def respondent_table(responses):
    """One row per (questionnaire, respondent) with its organisation and role.

    Raises ValueError when a respondent appears with two organisations or roles.
    """
    people = responses[["questionnaire", "respondent", "organisation", "role"]].drop_duplicates()
    people = people.assign(questionnaire=people["questionnaire"].astype(object).where(people["questionnaire"].notna(), NO_QUESTIONNAIRE))
    people = people.drop_duplicates()
    if people.duplicated(["questionnaire", "respondent"]).any():
        raise ValueError("a respondent appears with more than one organisation or role")
    return people


def scored_answers(responses, items):
    """Likert answers joined to their items, reverse scored, with missing answers dropped.

    Returns
    -------
    DataFrame
        Columns ``questionnaire``, ``respondent``, ``question``, ``construct``, ``value`` (reverse
        scored), ``min``, ``max``, ``construct_items``, ``domain``, ``partner``.
    """
    merged = attach_items(responses, items)
    merged["value"] = likert_values(merged)
    merged = merged.loc[merged["value"].notna()]
    if merged.duplicated(["questionnaire", "respondent", "question"]).any():
        raise ValueError("a respondent answered the same question twice")
    return merged[["questionnaire", "respondent", "question", "construct", "value", "min", "max",
                   "construct_items", "domain", "partner"]]


def scores_from_answers(answers, people, min_share=0.5):
    """Construct scores from :func:`scored_answers` output; also keeps ``min`` and ``max``."""
    _check_min_share(min_share)
    keys = ["questionnaire", "respondent", "construct"]
    grouped = answers.groupby(keys, sort=False, observed=True)
    scores = grouped.agg(
        score=("value", "mean"),
        n_items=("value", "size"),
        construct_items=("construct_items", "first"),
        min=("min", "first"),
        max=("max", "first"),
    ).reset_index()
    enough = scores["n_items"] >= min_share * scores["construct_items"] - _EPS
    scores = scores.loc[enough]
    if (people["questionnaire"] == NO_QUESTIONNAIRE).all():
        # The responses name no questionnaire; the items may have supplied one.
        scores = scores.merge(people.drop(columns="questionnaire"), on="respondent", how="left", sort=False)
    else:
        scores = scores.merge(people, on=["questionnaire", "respondent"], how="left", sort=False)
    return scores.drop(columns="construct_items")


def construct_scores(responses, items, min_share=0.5):
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
    responses = responses_frame(responses)
    people = respondent_table(responses)
    scores = scores_from_answers(scored_answers(responses, items), people, min_share)
    scores = scores.sort_values(["questionnaire", "construct", "respondent"], kind="stable").reset_index(drop=True)
    scores["questionnaire"] = scores["questionnaire"].where(scores["questionnaire"] != NO_QUESTIONNAIRE, None)
    return scores[SCORE_COLUMNS]
