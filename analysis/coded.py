"""Likert answers joined to their items as integer codes: the fast core under scores and indicators."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis._blocks import _BLOCK, _codes, _factorize_keys, _narrow, _scored, _subset
from analysis._frames import NO_QUESTIONNAIRE, RESPONSE_COLUMNS, ROLES, items_frame

# Keeps "exactly half answered" in when min_share * n_items is not exact in binary floating point.
_EPS = 1e-9


@dataclass
class Coded:
    """Integer-coded likert answers.

    Attributes
    ----------
    answers : DataFrame
        Answered likert items only: ``person``, ``item``, ``construct`` (codes) and ``value``
        (after reverse scoring).
    people : DataFrame
        Indexed by person code: ``questionnaire``, ``respondent``, ``organisation``, ``role``
        (labels; None when missing) and ``org``, ``role_code`` (codes; -1 when missing).
    constructs : DataFrame
        Indexed by construct code: ``questionnaire``, ``construct``, ``min``, ``max``, ``n_items``.
    items : DataFrame
        Indexed by item code: the item metadata plus ``position`` within its construct.
    """

    answers: pd.DataFrame
    people: pd.DataFrame
    constructs: pd.DataFrame
    items: pd.DataFrame


def _check_columns(responses):
    if not isinstance(responses, pd.DataFrame):
        raise ValueError("responses must be a pandas DataFrame")
    missing = [c for c in RESPONSE_COLUMNS if c not in responses.columns]
    if missing:
        raise ValueError(f"responses lack column(s): {', '.join(missing)}")


def code_answers(responses: Any, items: Any) -> Coded:
    """Join likert answers to their items, check them and reverse score them.

    Parameters
    ----------
    responses : DataFrame
        Long answers; see :func:`analysis.scores.construct_scores`.
    items : DataFrame or list of dict
        Item metadata; items without a construct or scale are left out.

    Returns
    -------
    Coded

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": "q1", "construct": "c", "reverse": True, "min": 1, "max": 5}]
    >>> responses = pd.DataFrame({"respondent": ["r1"], "question": ["q1"], "value": [2],
    ...                           "organisation": ["A"], "role": ["board"]})
    >>> code_answers(responses, items).answers["value"].tolist()
    [4.0]
    """
    _check_columns(responses)
    items = items_frame(items)
    items = items.loc[items["construct"].notna() & items["min"].notna() & items["max"].notna()].reset_index(drop=True)
    item_q = items["questionnaire"].astype(object).where(items["questionnaire"].notna(), NO_QUESTIONNAIRE)
    construct_code = items.groupby([item_q, items["construct"]], sort=False).ngroup().to_numpy(dtype=np.int64)
    construct_keys = range(int(construct_code.max()) + 1 if len(construct_code) else 0)
    items["item_construct"] = construct_code
    by_construct = items.groupby("item_construct", sort=False)
    if ((by_construct["min"].transform("nunique") > 1) | (by_construct["max"].transform("nunique") > 1)).any():
        raise ValueError("the items of one construct must share one scale (min and max)")
    items["position"] = by_construct.cumcount()
    construct_size = by_construct.size().reindex(range(len(construct_keys))).to_numpy()

    # Factorise every key column once; all later work is on integer codes.
    question, question_labels = _codes(responses["question"])
    if "questionnaire" in responses.columns:
        response_q, response_q_labels = _codes(responses["questionnaire"])
    else:
        response_q, response_q_labels = np.full(len(responses), -1, dtype=np.int64), np.array([], dtype=object)
    role, role_labels = _codes(responses["role"])
    unknown = sorted(str(r) for r in role_labels if r not in ROLES)
    if unknown and isinstance(responses["role"].dtype, pd.CategoricalDtype):  # unused categories do not count
        used = np.flatnonzero(np.bincount(role[role >= 0], minlength=len(role_labels)))
        unknown = sorted(str(role_labels[int(c)]) for c in used if role_labels[int(c)] not in ROLES)
    if unknown:
        raise ValueError(f"unknown role(s) {unknown}; expected one of {list(ROLES)}")
    responses_have_q = len(response_q_labels) > 0
    match_q = responses_have_q and items["questionnaire"].notna().any()
    if not match_q and items["question"].duplicated().any():
        raise ValueError("items repeat a question, so responses must name their questionnaire")
    position_of = pd.Index(question_labels)
    question_position = position_of.get_indexer(items["question"])
    if match_q:
        table: np.ndarray = np.full((len(response_q_labels) + 1, len(question_labels) + 1), -1, dtype=np.int32)
        q_position = pd.Index(response_q_labels).get_indexer(item_q)
        ok = (q_position >= 0) & (question_position >= 0)
        table[q_position[ok], question_position[ok]] = np.flatnonzero(ok)
        # Code -1 (missing) lands in the extra last row or column, which stays -1.
        item = table[response_q, question]
    else:
        table = np.full(len(question_labels) + 1, -1, dtype=np.int32)
        ok = question_position >= 0
        table[question_position[ok]] = np.flatnonzero(ok)
        item = table[question]
    kept = item >= 0
    keep = None if kept.all() else np.flatnonzero(kept)  # usually every row: no copies
    del kept
    item = _subset(item, keep)
    question = _subset(question, keep)
    role = _subset(role, keep)
    values = _scored(_subset(responses["value"].to_numpy(), keep), item, items, question, question_labels)

    person_q_labels: np.ndarray | pd.Index
    if responses_have_q:
        person_q, person_q_labels = (
            _subset(response_q, keep),
            np.append(np.asarray(response_q_labels, dtype=object), NO_QUESTIONNAIRE),
        )
        person_q = np.where(person_q < 0, len(person_q_labels) - 1, person_q)
    else:
        person_q, person_q_labels = _codes(item_q.to_numpy()[item])
    respondent, respondent_labels = _codes(responses["respondent"])
    respondent = _subset(respondent, keep)
    if (respondent < 0).any():
        raise ValueError("every response row needs a respondent")
    n_respondents = max(len(respondent_labels), 1)
    person, person_keys = _factorize_keys(
        lambda b: person_q[b].astype(np.int64) * n_respondents + respondent[b],  # noqa: F821 - runs before the del
        len(respondent),
        (len(person_q_labels) + 1) * n_respondents,
    )
    del respondent
    organisation, organisation_labels = _codes(responses["organisation"])
    organisation = _subset(organisation, keep)
    n_people = len(person_keys)
    org_of = np.full(n_people, -1, dtype=np.int64)
    role_of = np.full(n_people, -1, dtype=np.int64)
    org_of[person] = organisation
    role_of[person] = role
    for start in range(0, len(person), _BLOCK):  # in blocks: no full-length int64 lookups
        block = slice(start, start + _BLOCK)
        if (org_of[person[block]] != organisation[block]).any() or (role_of[person[block]] != role[block]).any():
            raise ValueError("a respondent appears with more than one organisation or role")

    answered = ~np.isnan(values)
    everything = bool(answered.all())
    if _answered_twice(person, item, None if everything else answered, n_people, len(items)):
        raise ValueError("a respondent answered the same question twice")

    # A construct is one item construct within one questionnaire of the people answering it.
    person_q_of = (person_keys // n_respondents).astype(np.int64)
    construct_of_item = items["item_construct"].to_numpy().astype(np.int64)
    construct, construct_pairs = _factorize_keys(
        lambda b: person_q_of[person[b]] * len(construct_keys) + construct_of_item[item[b]],
        len(item),
        (int(person_q_of.max()) + 1 if len(person_q_of) else 1) * max(len(construct_keys), 1),
    )
    construct_item = construct_pairs % len(construct_keys)
    construct_q = construct_pairs // len(construct_keys)
    first_item = items.drop_duplicates("item_construct").set_index("item_construct")
    constructs = pd.DataFrame(
        {
            "questionnaire": [_label(person_q_labels[q]) for q in construct_q],
            "construct": first_item.loc[construct_item, "construct"].to_numpy(),
            "min": first_item.loc[construct_item, "min"].to_numpy(),
            "max": first_item.loc[construct_item, "max"].to_numpy(),
            "n_items": construct_size[construct_item],
            "item_construct": construct_item,
        }
    )
    people = pd.DataFrame(
        {
            "questionnaire": [_label(person_q_labels[q]) for q in person_q_of],
            "respondent": np.asarray(respondent_labels, dtype=object)[(person_keys % n_respondents).astype(np.int64)],
            "organisation": _labels(organisation_labels, org_of),
            "role": _labels(role_labels, role_of),
            "org": org_of,
            "role_code": role_of,
        }
    )
    columns = {"person": person, "item": item, "construct": construct, "value": values}
    if not everything:
        columns = {name: column[answered] for name, column in columns.items()}
    # The columns are fresh arrays: no copy into a consolidated block.
    answers = pd.DataFrame(columns, copy=False)
    return Coded(answers=answers, people=people, constructs=constructs, items=items)


def _answered_twice(person, item, answered, n_people, n_items):
    """Whether a (person, item) pair occurs twice among the answered rows (``answered`` None: all)."""
    size = n_people * n_items
    n_rows = len(person) if answered is None else int(answered.sum())
    if size > 4 * n_rows + 1_000_000:  # a wide key space: a hash table over the pairs
        pair = person.astype(np.int64) * n_items + item
        return bool(pd.Series(pair if answered is None else pair[answered]).duplicated().any())
    # One flag per possible pair, and the pairs a block of rows at a time.
    seen = np.zeros(size, dtype=bool)
    for start in range(0, len(person), _BLOCK):
        block = slice(start, start + _BLOCK)
        keys = person[block].astype(np.int64) * n_items + item[block]
        if answered is not None:
            keys = keys[answered[block]]
        if not len(keys):
            continue
        low, high = int(keys.min()), int(keys.max())
        if high - low < 4 * len(keys) + 4_096:  # rows come person by person: a short count
            inside = np.bincount(keys - low).max() > 1
        else:
            inside = len(np.unique(keys)) < len(keys)
        if inside or seen[keys].any():
            return True
        seen[keys] = True
    return False


def _label(value):
    return None if value == NO_QUESTIONNAIRE else value


def _labels(labels, codes):
    out = (
        np.asarray(labels, dtype=object)[np.maximum(codes, 0)]
        if len(labels)
        else np.full(len(codes), None, dtype=object)
    )
    out[codes < 0] = None
    return out


def person_scores(coded: Coded, min_share: float = 0.5) -> pd.DataFrame:
    """Construct score per person and construct, leaving out those who answered too few items.

    Returns
    -------
    DataFrame
        ``construct``, ``person``, ``score`` (item scale), ``score100`` (0–100), ``n_items``,
        ``org``, ``role_code``; plus ``organisation`` and ``role`` labels.
    """
    return _person_scores(coded, min_share)[0]


def _person_scores(coded, min_share):
    """:func:`person_scores` and, per row of ``coded.answers``, the row of the score it counts in (-1: none)."""
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must lie in (0, 1], got {min_share!r}")
    answers = coded.answers
    n_people = max(len(coded.people), 1)
    construct_codes, person_codes = answers["construct"].to_numpy(), answers["person"].to_numpy()
    pair, pair_keys = _factorize_keys(
        lambda b: construct_codes[b].astype(np.int64) * n_people + person_codes[b],
        len(answers),
        (int(construct_codes.max()) + 1 if len(answers) else 1) * n_people,
    )
    sums = np.bincount(pair, weights=answers["value"].to_numpy(), minlength=len(pair_keys))
    counts = np.bincount(pair, minlength=len(pair_keys))
    # Codes as int32 (one row per person and construct, so 4 bytes a code matter at 100,000 people).
    construct = _narrow(pair_keys // n_people, len(pair_keys))
    keep = counts >= coded.constructs["n_items"].to_numpy()[construct] * min_share - _EPS
    score_row = _narrow(np.where(keep, np.cumsum(keep) - 1, -1), int(keep.sum()) + 1)[pair]
    del pair
    construct, person = construct[keep], _narrow(pair_keys[keep] % n_people, n_people)
    score, counts = sums[keep] / counts[keep], counts[keep]
    del sums, pair_keys
    low = coded.constructs["min"].to_numpy()[construct]
    high = coded.constructs["max"].to_numpy()[construct]
    people = coded.people
    scores = pd.DataFrame(
        copy=False,
        data={
            "construct": construct,
            "person": person,
            "score": score,
            "score100": (score - low) / (high - low) * 100,
            "n_items": counts,
            "org": _narrow(people["org"].to_numpy()[person], n_people),
            "role_code": _narrow(people["role_code"].to_numpy()[person], n_people),
        },
    )
    return scores, score_row


@dataclass
class Prepared:
    """Likert answers coded once, with the construct scores: the shared input of
    :func:`analysis.construct_indicators`, :func:`analysis.index_indicators` and
    :func:`analysis.compare_groups` (pass it instead of ``responses`` and leave ``items`` out).

    Attributes
    ----------
    coded : Coded
        From :func:`code_answers`.
    scores : DataFrame
        From :func:`person_scores` with ``min_share``.
    score_row : ndarray of int
        Per row of ``coded.answers``: the position in ``scores`` of the score it counts in, or
        -1 when the person answered too few of the construct's items to be scored.
    min_share : float
        The least share of a construct's items the scores were computed with.
    """

    coded: Coded
    scores: pd.DataFrame
    score_row: np.ndarray
    min_share: float

    @property
    def counted(self):
        """Per row of ``coded.answers``: whether it counts in a score (the person is in ``n``)."""
        return self.score_row >= 0

    def only(self, questionnaire):
        """The same prepared answers restricted to one questionnaire's constructs.

        Codes are kept (not renumbered), so every analysis gives exactly what it gives on
        answers prepared from that questionnaire's responses and items alone.

        Examples
        --------
        >>> import pandas as pd
        >>> items = [{"question": "q", "construct": "c", "min": 1, "max": 5, "questionnaire": qn}
        ...          for qn in ("staff", "board")]
        >>> responses = pd.DataFrame({"respondent": ["r1", "r2"], "question": ["q", "q"], "value": [4, 2],
        ...                           "organisation": ["A", "A"], "role": ["ict_staff", "board"],
        ...                           "questionnaire": ["staff", "board"]})
        >>> prepare(responses, items).only("staff").scores["score"].tolist()
        [4.0]
        """
        constructs = self.coded.constructs["questionnaire"].to_numpy() == questionnaire
        answers = constructs[self.coded.answers["construct"].to_numpy()]
        scores = constructs[self.scores["construct"].to_numpy()]
        if answers.all() and scores.all():
            return self
        coded = Coded(
            answers=self.coded.answers.loc[answers],
            people=self.coded.people,
            constructs=self.coded.constructs,
            items=self.coded.items,
        )
        renumber = np.full(len(scores) + 1, -1, dtype=np.int64)  # the extra last entry maps -1 to -1
        renumber[np.flatnonzero(scores)] = np.arange(int(scores.sum()))
        return Prepared(
            coded=coded,
            scores=self.scores.loc[scores],
            score_row=renumber[self.score_row[answers]],
            min_share=self.min_share,
        )

    def construct_matrices(self, constructs: list[int] | None = None) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """Per construct: ``(construct, score_rows, dense)``, one construct at a time.

        ``score_rows`` are the construct's rows in ``scores`` (score order); ``dense`` is its
        respondents × items matrix of the answers that count (rows as ``score_rows``, columns in
        item position order, NaN where unanswered), in the answers' dtype. ``constructs`` limits
        and orders the constructs (default: every construct with a score, by code). The only
        temporaries as long as the answers are one boolean mask per construct.
        """
        answers, scores = self.coded.answers, self.scores
        measure_of = scores["construct"].to_numpy()
        if constructs is None:
            constructs = np.flatnonzero(np.bincount(measure_of, minlength=len(self.coded.constructs))).tolist()
        construct_of = answers["construct"].to_numpy()
        item, value = answers["item"].to_numpy(), answers["value"].to_numpy()
        positions = self.coded.items["position"].to_numpy()
        n_items = self.coded.constructs["n_items"].to_numpy()
        local = np.empty(len(measure_of), dtype=np.int32 if len(measure_of) < 2**31 else np.int64)
        for m in constructs:
            score_rows = np.flatnonzero(measure_of == m)
            local[score_rows] = np.arange(len(score_rows), dtype=local.dtype)
            rows = np.flatnonzero(construct_of == m)
            at = self.score_row[rows]
            rows, at = rows[at >= 0], at[at >= 0]  # only the answers that count in a score
            dense = np.full((len(score_rows), int(n_items[m])), np.nan, dtype=value.dtype)
            dense[local[at], positions[item[rows]]] = value[rows]
            yield m, score_rows, dense

    def score_frame(self):
        """One row per person and construct: ``questionnaire``, ``construct``, ``respondent``,
        ``organisation``, ``role``, ``score``, ``score100``, ``n_items`` (in score order, unsorted)."""
        construct = self.scores["construct"].to_numpy()
        person = self.scores["person"].to_numpy()
        constructs, people = self.coded.constructs, self.coded.people
        return pd.DataFrame(
            {
                "questionnaire": constructs["questionnaire"].to_numpy()[construct],
                "construct": constructs["construct"].to_numpy()[construct],
                "respondent": people["respondent"].to_numpy()[person],
                "organisation": people["organisation"].to_numpy()[person],
                "role": people["role"].to_numpy()[person],
                "score": self.scores["score"].to_numpy(),
                "score100": self.scores["score100"].to_numpy(),
                "n_items": self.scores["n_items"].to_numpy(),
            }
        )


def prepare(responses, items, min_share=0.5):
    """Code the likert answers and score the constructs once, for several analyses.

    Parameters
    ----------
    responses, items :
        As for :func:`analysis.scores.construct_scores`.
    min_share : float, default 0.5
        Least share of a construct's items a respondent must have answered.

    Returns
    -------
    Prepared

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": "q1", "construct": "c", "reverse": True, "min": 1, "max": 5}]
    >>> responses = pd.DataFrame({"respondent": ["r1"], "question": ["q1"], "value": [2],
    ...                           "organisation": ["A"], "role": ["board"]})
    >>> prepare(responses, items).scores[["construct", "person", "score"]].to_dict("records")
    [{'construct': 0, 'person': 0, 'score': 4.0}]
    """
    return prepare_coded(code_answers(responses, items), min_share)


def prepare_coded(coded, min_share=0.5):
    """:func:`prepare` from answers already coded by :func:`code_answers`.

    A caller holding a large long frame codes it, lets the frame go, and scores afterwards, so
    the frame and the scoring's temporaries are never in memory together.
    """
    scores, score_row = _person_scores(coded, min_share)
    return Prepared(coded=coded, scores=scores, score_row=score_row, min_share=min_share)


def as_prepared(responses, items, min_share=None):
    """``responses`` if it is :class:`Prepared` (then ``items`` must be None), else ``prepare(...)``.

    ``min_share`` None means 0.5 for raw responses and the prepared value otherwise; a prepared
    input with another ``min_share`` is an error.
    """
    if isinstance(responses, Prepared):
        if items is not None:
            raise ValueError("prepared answers carry their items; pass items=None")
        if min_share is not None and min_share != responses.min_share:
            raise ValueError(f"the answers were prepared with min_share={responses.min_share!r}, not {min_share!r}")
        return responses
    if items is None:
        raise ValueError("items are required with raw responses")
    return prepare(responses, items, 0.5 if min_share is None else min_share)
