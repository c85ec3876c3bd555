"""The draagvlak model: WIL, MOET, KUN, STEUN and WEERSTAND indices and their weighted draagvlak index."""

import math

import numpy as np
import pandas as pd

from analysis._frames import check_threshold
from analysis.anonymity import suppress
from analysis.coded import as_prepared, score100
from analysis.fields import INDEX_EXTRA_FIELDS as INDEX_EXTRA_FIELDS  # for callers of this module
from analysis.fields import INDEX_FIELDS
from analysis.groups import add_bootstrap, label_groups, moments, records, sort_rows
from analysis.intervals import knelpunt_level, shown_interval

#: Constructs averaged into each index (DOMAIN.md, "Draagvlak model"; our design proposal).
DEFAULT_INDEX_CONSTRUCTS = {
    "wil": ["appropriateness", "personal_valence", "affective_commitment"],
    "moet": ["discrepancy", "pressure"],
    "kun": ["efficacy", "knowledge", "capacity"],
    "steun": ["management_support", "leadership_trust"],
    "weerstand": ["routine_seeking", "emotional_reaction", "short_term_focus", "cognitive_rigidity"],
}
#: Weights of the draagvlak index; WEERSTAND enters as 100 - WEERSTAND.
DEFAULT_WEIGHTS = {"wil": 0.30, "moet": 0.15, "kun": 0.20, "steun": 0.20, "weerstand": 0.15}
#: Indices where a high value works against support, so they enter the draagvlak index reversed.
REVERSED_INDICES = frozenset({"weerstand"})
#: An index below this value (for a reversed index: 100 - value below it) is a knelpunt.
KNELPUNT_BELOW = 50


def check_model(weights=None, index_constructs=None):
    """Validate and return ``(weights, index_constructs)``, filling in the defaults.

    Weights must be non-negative numbers for known indices that sum to 1 (± 1e-9); an index
    without a weight weighs 0.

    Examples
    --------
    >>> weights, _ = check_model({"wil": 0.5, "kun": 0.5})
    >>> weights["moet"], weights["wil"]
    (0.0, 0.5)
    >>> check_model({"wil": 0.9})
    Traceback (most recent call last):
    ...
    ValueError: weights must sum to 1, got 0.9
    """
    index_constructs = DEFAULT_INDEX_CONSTRUCTS if index_constructs is None else index_constructs
    if not isinstance(index_constructs, dict) or not index_constructs:
        raise ValueError("index_constructs must be a non-empty dict of index -> list of constructs")
    for name, constructs in index_constructs.items():
        if name == "draagvlak":
            raise ValueError("'draagvlak' is the weighted index and cannot be defined by constructs")
        if isinstance(constructs, str) or not constructs or not all(isinstance(c, str) for c in constructs):
            raise ValueError(f"index {name!r} needs a non-empty list of construct names")
    weights = DEFAULT_WEIGHTS if weights is None else weights
    if not isinstance(weights, dict):
        raise ValueError("weights must be a dict of index -> weight")
    unknown = sorted(set(weights) - set(index_constructs))
    if unknown:
        raise ValueError(f"weights name unknown indices: {unknown}")
    checked = {}
    for name in index_constructs:
        w = weights.get(name, 0.0)
        if (
            isinstance(w, bool)
            or not isinstance(w, (int, float, np.integer, np.floating))
            or not math.isfinite(w)
            or w < 0
        ):
            raise ValueError(f"weight of {name!r} must be a non-negative number, got {w!r}")
        checked[name] = float(w)
    total = sum(checked.values())
    if abs(total - 1) > 1e-9:
        raise ValueError(f"weights must sum to 1, got {total:g}")
    return checked, {name: list(constructs) for name, constructs in index_constructs.items()}


def person_indices(scores, constructs, weights, index_constructs, people=None):
    """Per person: each index as the mean of its constructs' 0–100 scores, and draagvlak.

    Parameters
    ----------
    scores : DataFrame
        From :func:`analysis.coded.person_scores` (``score100`` is derived, not read).
    constructs : DataFrame
        The construct table of the coded answers (``construct`` names by code).
    people : DataFrame, optional
        The people table of the coded answers; when given, ``org`` and ``role_code`` are read
        from it by person code instead of from ``scores`` (the same values, without a search).

    Returns
    -------
    DataFrame
        ``index``, ``person``, ``org``, ``role_code``, ``value``; draagvlak only for persons with
        every index that has a positive weight.
    """
    index_of = {construct: name for name, members in index_constructs.items() for construct in members}
    names = list(index_constructs)
    code_of = {name: i for i, name in enumerate(names)}
    construct_index = np.array([code_of.get(index_of.get(c), -1) for c in constructs["construct"]], dtype=np.int64)
    index = construct_index[scores["construct"].to_numpy()] if len(constructs) else np.array([], dtype=np.int64)
    member = index >= 0
    person = scores["person"].to_numpy()[member]
    index = index[member]
    n_people = int(person.max()) + 1 if len(person) else 0
    key, key_values = pd.factorize(index * max(n_people, 1) + person)
    sums = np.bincount(key, weights=score100(scores, constructs, member), minlength=len(key_values))
    counts = np.bincount(key, minlength=len(key_values))
    per_index = pd.DataFrame(
        {"index": key_values // max(n_people, 1), "person": key_values % max(n_people, 1), "value": sums / counts}
    )
    dense = np.full((n_people, len(names)), np.nan)
    dense[per_index["person"].to_numpy(), per_index["index"].to_numpy()] = per_index["value"].to_numpy()
    weight = np.array([weights[name] for name in names])
    direction = np.array([name in REVERSED_INDICES for name in names])
    oriented = np.where(direction, 100 - dense, dense)
    needed = weight > 0
    complete = ~np.isnan(oriented[:, needed]).any(axis=1)
    draagvlak = np.nansum(oriented[:, needed] * weight[needed], axis=1)
    who = np.flatnonzero(complete)
    overall = pd.DataFrame({"index": len(names), "person": who, "value": draagvlak[who]})
    frame = pd.concat([per_index, overall], ignore_index=True)
    if people is not None:
        frame["org"] = people["org"].to_numpy()[frame["person"].to_numpy()]
        frame["role_code"] = people["role_code"].to_numpy()[frame["person"].to_numpy()]
    else:
        org = scores.drop_duplicates("person").set_index("person")
        frame["org"] = org["org"].reindex(frame["person"]).to_numpy()
        frame["role_code"] = org["role_code"].reindex(frame["person"]).to_numpy()
    frame["index"] = frame["index"].astype(np.int64)
    return frame, names + ["draagvlak"]


def index_table(responses, items=None, weights=None, index_constructs=None, min_share=None):
    """Unsuppressed index rows; see :func:`index_indicators`."""
    weights, index_constructs = check_model(weights, index_constructs)
    prepared = as_prepared(responses, items, min_share)
    coded, scores = prepared.coded, prepared.scores
    if scores.empty:
        return []
    frame, names = person_indices(scores, coded.constructs, weights, index_constructs, coded.people)
    if frame.empty:
        return []
    table = moments(frame, "value", measure="index")
    add_bootstrap(frame, table, "value", measure="index")
    table = table.rename(columns={"index": "measure"})
    label_groups(table, coded.people)
    table["index"] = np.asarray(names, dtype=object)[table["measure"].to_numpy()]
    oriented = np.where(table["index"].isin(REVERSED_INDICES), 100 - table["mean"], table["mean"])
    table["knelpunt"] = oriented < KNELPUNT_BELOW
    table["suppressed"] = False
    table = table.rename(columns={"mean": "value"})
    rows = records(table, INDEX_FIELDS + ["median", "bca_low", "bca_high"])
    for row in rows:
        row["interval"] = shown_interval(row["n"], row["ci_low"], row["ci_high"], row["bca_low"], row["bca_high"])
        row["knelpunt_level"] = knelpunt_level(
            row["value"], row["interval"], row["index"] in REVERSED_INDICES, KNELPUNT_BELOW
        )
    order = {name: i for i, name in enumerate(["draagvlak"] + names[:-1])}
    return sort_rows(rows, ("index",), order)


def index_indicators(responses, items=None, threshold=None, weights=None, index_constructs=None, min_share=None):
    """Draagvlak indices on 0–100 for every reporting group, with suppression applied.

    A respondent's construct score on 0–100 is ``(score - min)/(max - min)·100``; an index is
    the mean of the respondent's scores on the index's constructs (those they have), and the
    draagvlak index is ``Σ w·index`` with ``weerstand`` entering as ``100 - WEERSTAND``, only for
    respondents who have every index with a positive weight. Per group the row gives the mean
    over respondents with its 95% t interval; ``knelpunt`` is true when the value (for
    ``weerstand``: 100 - value) is below :data:`KNELPUNT_BELOW`.

    Parameters
    ----------
    responses, items :
        As for :func:`analysis.scores.construct_scores`; or ``responses`` prepared by
        :func:`analysis.prepare` (restricted with ``.only(questionnaire)`` when it holds more
        than the staff questionnaire) and no ``items``.
    threshold : int
        Anonymity threshold; see :func:`analysis.anonymity.suppress`.
    weights : dict, optional
        ``{index: weight}``, non-negative and summing to 1; default :data:`DEFAULT_WEIGHTS`.
    index_constructs : dict, optional
        ``{index: [construct, ...]}``; default :data:`DEFAULT_INDEX_CONSTRUCTS`.
    min_share : float, default 0.5
        Least share of a construct's items a respondent must have answered (prepared answers
        bring their own).

    Returns
    -------
    list of dict
        Rows ``index``, ``organisation``, ``role``, ``n``, ``value``, ``ci_low``, ``ci_high``,
        ``suppressed``, ``knelpunt`` and :data:`INDEX_EXTRA_FIELDS`, ordered draagvlak first, then the indices; within an index
        (all, all), organisations, roles, organisation × role.

    Examples
    --------
    >>> import pandas as pd
    >>> model = {"wil": ["appropriateness"], "weerstand": ["routine_seeking"]}
    >>> items = [{"question": "a", "construct": "appropriateness", "min": 1, "max": 5},
    ...          {"question": "r", "construct": "routine_seeking", "min": 1, "max": 5}]
    >>> answers = [("p1", 5, 2), ("p2", 4, 1), ("p3", 4, 3), ("p4", 3, 2), ("p5", 5, 5)]
    >>> responses = pd.DataFrame([{"respondent": p, "question": q, "value": v, "organisation": "A",
    ...                            "role": "ict_staff"} for p, a, r in answers for q, v in (("a", a), ("r", r))])
    >>> rows = index_indicators(responses, items, 5, weights={"wil": 0.5, "weerstand": 0.5},
    ...                         index_constructs=model)
    >>> for r in rows:
    ...     if r["organisation"] is None and r["role"] is None:
    ...         print(r["index"], r["n"], r["value"], r["knelpunt"])
    draagvlak 5 70.0 False
    wil 5 80.0 False
    weerstand 5 40.0 False
    """
    threshold = check_threshold(threshold)
    return suppress(index_table(responses, items, weights, index_constructs, min_share), threshold)
