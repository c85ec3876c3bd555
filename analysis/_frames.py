"""Input checks and conversions shared by the analysis modules."""

import math
import numbers
from typing import Any, cast

import numpy as np
import pandas as pd

from analysis._checks import check_threshold as check_threshold  # noqa: F401 - re-exported for the analysis modules

ROLES = ("ict_staff", "ict_lead", "board", "staff", "pupil")
RESPONSE_COLUMNS = ("respondent", "question", "value", "organisation", "role")
ITEM_COLUMNS = ("question", "construct")
# Stands in for a missing questionnaire key inside groupbys, which drop None keys.
NO_QUESTIONNAIRE = ""


def plain(value: Any) -> Any:
    """Return ``value`` as a JSON-ready Python scalar: NaN and NA become None.

    Parameters
    ----------
    value : object
        A numpy or Python scalar, or None.

    Returns
    -------
    object
        ``float``, ``int``, ``bool``, ``str`` or None.

    Examples
    --------
    >>> import numpy as np
    >>> plain(np.float64(2.5)), plain(np.nan), plain(np.int64(3)), plain(None)
    (2.5, None, 3, None)
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, np.generic):
        return value.item()
    return value


def items_frame(items: Any) -> pd.DataFrame:
    """Return item metadata as a DataFrame with ``reverse``, ``min``, ``max`` filled in.

    Parameters
    ----------
    items : DataFrame or list of dict
        Columns ``question`` and ``construct``; optionally ``reverse`` (default False),
        ``min`` and ``max`` (missing for non-likert items), ``domain``, ``questionnaire``,
        ``partner``.

    Returns
    -------
    DataFrame
        A copy with every optional column present.

    Examples
    --------
    >>> items_frame([{"question": "q1", "construct": "c", "min": 1, "max": 5}])[["reverse", "min", "max"]]
       reverse  min  max
    0    False  1.0  5.0
    """
    if isinstance(items, pd.DataFrame):
        frame = items.copy()
    elif isinstance(items, (list, tuple)):
        if not all(isinstance(row, dict) for row in items):
            raise ValueError("items must be a DataFrame or a list of dicts")
        frame = pd.DataFrame(list(items))
    else:
        raise ValueError("items must be a DataFrame or a list of dicts")
    missing = [c for c in ITEM_COLUMNS if c not in frame.columns]
    if missing and len(frame):
        raise ValueError(f"items lack column(s): {', '.join(missing)}")
    for column in ("question", "construct", "domain", "questionnaire", "partner"):
        if column not in frame.columns:
            frame[column] = None
    frame["reverse"] = frame["reverse"].fillna(False).astype(bool) if "reverse" in frame.columns else False
    for column in ("min", "max"):
        if column not in frame.columns:
            frame[column] = np.nan
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    bad = frame["min"].notna() & frame["max"].notna() & (frame["min"] >= frame["max"])
    if bad.any():
        raise ValueError(f"item {frame.loc[bad, 'question'].iloc[0]!r} has min >= max")
    keys = ["questionnaire", "question"] if frame["questionnaire"].notna().any() else ["question"]
    if frame.duplicated(keys).any():
        raise ValueError("items list the same question twice")
    return frame


def responses_frame(responses: Any) -> pd.DataFrame:
    """Return the long responses frame after checking its columns and roles.

    Parameters
    ----------
    responses : DataFrame
        Columns ``respondent``, ``question``, ``value``, ``organisation``, ``role`` and
        optionally ``questionnaire``.

    Returns
    -------
    DataFrame
        The same frame (not copied) with a ``questionnaire`` column added when absent.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"respondent": ["r1"], "question": ["q1"], "value": [4],
    ...                    "organisation": ["A"], "role": ["ict_staff"]})
    >>> list(responses_frame(df).columns)
    ['respondent', 'question', 'value', 'organisation', 'role', 'questionnaire']
    """
    if not isinstance(responses, pd.DataFrame):
        raise ValueError("responses must be a pandas DataFrame")
    missing = [c for c in RESPONSE_COLUMNS if c not in responses.columns]
    if missing:
        raise ValueError(f"responses lack column(s): {', '.join(missing)}")
    roles = pd.unique(responses["role"].dropna())
    unknown = sorted(str(r) for r in roles if r not in ROLES)
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; expected one of {list(ROLES)}")
    if "questionnaire" not in responses.columns:
        responses = responses.assign(questionnaire=None)
    return cast(pd.DataFrame, responses)


def attach_items(responses: Any, items: Any, *, likert_only: bool = True) -> pd.DataFrame:
    """Join responses to item metadata; keep only items of a construct (and a scale).

    Returns
    -------
    DataFrame
        Columns of the responses plus ``construct``, ``reverse``, ``min``, ``max``, ``domain``,
        ``partner``; ``questionnaire`` comes from the responses, else from the items, else is
        ``NO_QUESTIONNAIRE``.
    """
    responses = responses_frame(responses)
    items = items_frame(items)
    keep = items["construct"].notna()
    if likert_only:
        keep &= items["min"].notna() & items["max"].notna()
    items = items.loc[keep, ["questionnaire", "question", "construct", "reverse", "min", "max", "domain", "partner"]]
    construct_key = [items["questionnaire"].fillna(NO_QUESTIONNAIRE), items["construct"]]
    by_construct = items.groupby(construct_key, sort=False)
    if (
        likert_only
        and ((by_construct["min"].transform("nunique") > 1) | (by_construct["max"].transform("nunique") > 1)).any()
    ):
        raise ValueError("the items of one construct must share one scale (min and max)")
    items = items.assign(construct_items=by_construct["question"].transform("size"))
    responses_have = responses["questionnaire"].notna().any()
    if items["questionnaire"].notna().any() and responses_have:
        merged = responses.merge(items, on=["questionnaire", "question"], how="inner", sort=False)
    elif responses_have:
        if items["question"].duplicated().any():
            raise ValueError("items list the same question twice")
        merged = responses.merge(items.drop(columns="questionnaire"), on="question", how="inner", sort=False)
    else:
        if items["question"].duplicated().any():
            raise ValueError("items repeat a question across questionnaires but responses name no questionnaire")
        merged = responses.drop(columns="questionnaire").merge(items, on="question", how="inner", sort=False)
    merged["questionnaire"] = (
        merged["questionnaire"].astype(object).where(merged["questionnaire"].notna(), NO_QUESTIONNAIRE)
    )
    return cast(pd.DataFrame, merged)


def likert_values(merged: pd.DataFrame) -> pd.Series:
    """Return reverse-scored numeric answers of ``merged`` and check them against the scale.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"value": [1, 5, None], "reverse": [True, False, True],
    ...                   "min": [1.0, 1.0, 1.0], "max": [5.0, 5.0, 5.0], "question": ["a", "b", "c"]})
    >>> likert_values(m).tolist()
    [5.0, 5.0, nan]
    """
    raw = merged["value"]
    values = pd.to_numeric(raw, errors="coerce").astype(float) if raw.dtype == object else raw.astype(float)
    if raw.dtype == object:
        bad = values.isna() & raw.notna()
        if bad.any():
            raise ValueError(
                f"non-numeric answer {raw[bad].iloc[0]!r} to likert question {merged.loc[bad, 'question'].iloc[0]!r}"
            )
    lo = merged["min"].to_numpy()
    hi = merged["max"].to_numpy()
    v = values.to_numpy()
    out = (v < lo) | (v > hi)
    if out.any():
        position = int(np.flatnonzero(out)[0])
        raise ValueError(
            f"answer {v[position]!r} to question {merged['question'].iloc[position]!r} lies outside its scale"
        )
    flipped = np.where(merged["reverse"].to_numpy(dtype=bool), lo + hi - v, v)
    return pd.Series(flipped, index=merged.index, dtype=float)
