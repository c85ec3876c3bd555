"""The draagvlak model: WIL, MOET, KUN, STEUN and WEERSTAND indices and their weighted draagvlak index."""

import math

import numpy as np
import pandas as pd

from analysis._blocks import _BLOCK, _factorize_keys
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


def _runs(person: np.ndarray) -> list[slice]:
    """Blocks of about ``_BLOCK`` rows, each ending where a person's rows end (``person``
    ascending, as scores are); the whole column as one block when it is not ascending."""
    for start in range(0, len(person), _BLOCK):
        if (np.diff(person[start : start + _BLOCK + 1]) < 0).any():
            return [slice(0, len(person))]
    runs, start = [], 0
    while start < len(person):
        end = start + _BLOCK
        if end < len(person):
            end = int(np.searchsorted(person, person[end], side="left"))
            if end <= start:  # one person's rows longer than a block
                end = int(np.searchsorted(person, person[start], side="right"))
        runs.append(slice(start, min(end, len(person))))
        start = min(end, len(person))
    return runs


def _index_sums(scores, constructs, construct_index, n_index):
    """Per (index, person) pair, in order of first appearance: ``(keys, sums of score100, counts,
    n_people)`` with ``key = index · n_people + person``, as ``pd.factorize`` and ``bincount`` over
    the member rows would give them, without their full-length int64 keys, hash table or copies
    (issue 18: 95 → ≈ 15 MB of temporaries at 100k). Blocks end where a person's rows end, so
    every pair is summed in row order in one ``bincount``, as over the whole column."""
    construct = scores["construct"].to_numpy()
    person = scores["person"].to_numpy()
    n_people = 0
    for start in range(0, len(person), _BLOCK):
        block = slice(start, start + _BLOCK)
        member = construct_index[construct[block]] >= 0 if len(constructs) else np.zeros(0, dtype=bool)
        if member.any():
            n_people = max(n_people, int(person[block][member].max()) + 1)
    width = max(n_people, 1)
    outside = n_index * width  # the one key of every row outside the indices, dropped below

    def keys(block):
        index = construct_index[construct[block]]
        return np.where(index >= 0, index * width + person[block], outside)

    codes, uniques = _factorize_keys(keys, len(person) if len(constructs) else 0, outside + 1)
    sums = np.zeros(len(uniques))
    counts = np.zeros(len(uniques), dtype=np.int64)
    for block in _runs(person[: len(codes)]):
        sums += np.bincount(codes[block], weights=score100(scores, constructs, block), minlength=len(uniques))
        counts += np.bincount(codes[block], minlength=len(uniques))
    inside = uniques != outside
    return uniques[inside], sums[inside], counts[inside], n_people


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
    key_values, sums, counts, n_people = _index_sums(scores, constructs, construct_index, len(names))
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


def index_table(responses, items=None, weights=None, index_constructs=None, min_share=None, per_person=None):
    """Unsuppressed index rows; see :func:`index_indicators`.

    ``per_person``: what :func:`person_indices` returned for these prepared answers and this
    model, when the caller needs it too (a recompute keeps it for the release's members), so the
    per-person indices are computed once.
    """
    weights, index_constructs = check_model(weights, index_constructs)
    prepared = as_prepared(responses, items, min_share)
    coded, scores = prepared.coded, prepared.scores
    if scores.empty:
        return []
    if per_person is None:
        per_person = person_indices(scores, coded.constructs, weights, index_constructs, coded.people)
    frame, names = per_person
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
