"""Likert answers joined to their items as integer codes: the fast core under scores and indicators."""

import gc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analysis._blocks import _BLOCK, _codes, _factorize_keys, _narrow, _scored, _subset
from analysis._frames import NO_QUESTIONNAIRE, RESPONSE_COLUMNS, ROLES, items_frame

# Answer cells (respondents × items) from which prepare_coded collects garbage first.
_COLLECT_CELLS = 1 << 20
# Keeps "exactly half answered" in when min_share * n_items is not exact in binary floating point.
_EPS = 1e-9


@dataclass
class Block:
    """One questionnaire's answers as a respondents × items matrix.

    Attributes
    ----------
    persons : ndarray of int
        The rows: person codes, ascending.
    items : ndarray of int
        The columns: codes of the items someone in the block answered, ascending.
    constructs : ndarray of int
        The construct code of each column.
    values : ndarray of float
        The answers after reverse scoring (float32 while exact, as ``_scored`` gives them), NaN
        where unanswered.
    """

    persons: np.ndarray
    items: np.ndarray
    constructs: np.ndarray
    values: np.ndarray


@dataclass
class Coded:
    """Integer-coded likert answers.

    Attributes
    ----------
    blocks : list of Block
        The answers, one respondents × items matrix per questionnaire of the people answering.
    people : DataFrame
        Indexed by person code: ``questionnaire``, ``respondent``, ``organisation``, ``role``
        (labels; None when missing) and ``org``, ``role_code`` (codes; -1 when missing).
    constructs : DataFrame
        Indexed by construct code: ``questionnaire``, ``construct``, ``min``, ``max``, ``n_items``.
    items : DataFrame
        Indexed by item code: the item metadata plus ``position`` within its construct.
    """

    blocks: list
    people: pd.DataFrame
    constructs: pd.DataFrame
    items: pd.DataFrame

    @property
    def answers(self) -> pd.DataFrame:
        """The answered cells as long rows ``person``, ``item``, ``construct``, ``value`` (by person,
        then item code); derived on each call, for callers that want the long form."""
        parts = []
        for block in self.blocks:
            row, column = np.nonzero(~np.isnan(block.values))
            parts.append((block.persons[row], block.items[column], block.constructs[column], block.values[row, column]))
        if not parts:
            empty = np.empty(0, dtype=np.int32)
            return pd.DataFrame({"person": empty, "item": empty, "construct": empty, "value": np.empty(0)})
        person, item, construct, value = (np.concatenate(column) for column in zip(*parts))
        order = np.argsort(person, kind="stable") if len(parts) > 1 else slice(None)
        return pd.DataFrame(
            {"person": person[order], "item": item[order], "construct": construct[order], "value": value[order]}
        )

    def columns_of(self, construct: int) -> tuple[Block, np.ndarray] | None:
        """The block holding a construct's answers and the construct's columns in it (None: no answers)."""
        for block in self.blocks:
            columns = np.flatnonzero(block.constructs == construct)
            if len(columns):
                return block, columns
        return None


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
    items, item_q, construct_keys, construct_size = _coded_items(items)

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
    constructs = _constructs_frame(items, construct_pairs, len(construct_keys), construct_size, person_q_labels)
    people = _people_frame(
        person_q_of,
        person_q_labels,
        np.asarray(respondent_labels, dtype=object)[(person_keys % n_respondents).astype(np.int64)],
        organisation_labels,
        org_of,
        role_labels,
        role_of,
    )
    blocks = _blocks(person, item, construct, values, None if everything else answered, person_q_of, len(items))
    return Coded(blocks=blocks, people=people, constructs=constructs, items=items)


@dataclass
class AnswerMatrix:
    """One questionnaire's likert answers as read: respondents × questions, and who each row is.

    Attributes
    ----------
    questionnaire : str
        The questionnaire (template) key.
    questions : list of str
        The columns' question keys.
    values : ndarray of float
        The answers as given (before reverse scoring), NaN where unanswered.
    respondents : ndarray
        One id per row, each once.
    organisation : ndarray of int
        Per row: the code of its organisation among the labels given to :func:`coded_from_matrices`
        (-1 when missing).
    role : ndarray of int
        Per row: the code of its role in ``ROLES`` (-1 when missing).
    """

    questionnaire: str
    questions: list
    values: np.ndarray
    respondents: np.ndarray
    organisation: np.ndarray
    role: np.ndarray


def coded_from_matrices(matrices: Any, items: Any, organisations: Any = ()) -> Coded:
    """:func:`code_answers` of answers read as one matrix per questionnaire, without long rows in between.

    The result equals ``code_answers`` of the long frame of the matrices' answered cells (matrix
    by matrix, row by row, columns in their order) whose ``organisation``, ``role`` and
    ``questionnaire`` columns are categoricals with the categories ``organisations``, ``ROLES``
    and the matrices' questionnaires: the same people, constructs, items and blocks in the same
    order, the same float32-or-float64 answers, the same checks (a respondent twice in one
    matrix is an error; one row holds one organisation and one role).

    Parameters
    ----------
    matrices : list of AnswerMatrix
        At most one per questionnaire.
    items : DataFrame or list of dict
        As for :func:`code_answers`.
    organisations : sequence
        The organisation labels, indexed by the matrices' organisation codes.

    Returns
    -------
    Coded

    Examples
    --------
    >>> import numpy as np
    >>> items = [{"question": "q1", "construct": "c", "reverse": True, "min": 1, "max": 5, "questionnaire": "s"}]
    >>> matrix = AnswerMatrix("s", ["q1"], np.array([[2.0], [np.nan]], dtype=np.float32),
    ...                       np.array(["r1", "r2"], dtype=object), np.array([0, 0]), np.array([0, 0]))
    >>> coded = coded_from_matrices([matrix], items, ["A"])
    >>> coded.answers["value"].tolist(), coded.people["respondent"].tolist()
    ([4.0], ['r1'])
    """
    items, item_q, construct_keys, construct_size = _coded_items(items)
    n_keys = len(construct_keys)
    # As code_answers: items are found by questionnaire and question, or by question when no item names its questionnaire.
    by_question = not items["questionnaire"].notna().any()
    if by_question and items["question"].duplicated().any():
        raise ValueError("items repeat a question, so responses must name their questionnaire")
    keys = [None] * len(items) if by_question else item_q.tolist()
    lookup = {key: at for at, key in enumerate(zip(keys, items["question"].tolist()))}
    q_labels = [m.questionnaire for m in matrices]
    if len(set(q_labels)) < len(q_labels):
        raise ValueError("one matrix per questionnaire")
    organisation_labels = np.asarray(list(organisations), dtype=object)
    construct_of_item = items["item_construct"].to_numpy().astype(np.int64)
    plans, construct_pairs, n_people = [], [], 0
    for q, matrix in enumerate(matrices):
        plan = _matrix_plan(matrix, lookup, by_question, construct_of_item, len(organisation_labels))
        construct_pairs += [q * n_keys + c for c in plan.constructs]
        plans.append(plan)
        n_people += len(plan.rows)
    construct_pairs_array = np.asarray(construct_pairs, dtype=np.int64)
    code_of_pair = {pair: code for code, pair in enumerate(construct_pairs)}
    blocks, person_q_of, respondents, org_of, role_of = [], [], [], [], []
    start = 0
    for q, (matrix, plan) in enumerate(zip(matrices, plans)):
        if not len(plan.rows):
            continue
        codes = np.array([code_of_pair[q * n_keys + c] for c in construct_of_item[plan.items]], dtype=np.int64)
        blocks.append(
            Block(
                _narrow(np.arange(start, start + len(plan.rows)), n_people),
                plan.items,
                _narrow(codes, len(construct_pairs)),
                _scored_matrix(matrix, plan, items),
            )
        )
        start += len(plan.rows)
        person_q_of.append(np.full(len(plan.rows), q, dtype=np.int64))
        respondents.append(np.asarray(matrix.respondents, dtype=object)[plan.rows])
        org_of.append(np.asarray(matrix.organisation)[plan.rows].astype(np.int64))
        role_of.append(np.asarray(matrix.role)[plan.rows].astype(np.int64))
    if any(b.values.dtype != np.float32 for b in blocks):  # as _scored: float64 for all once one is not exact
        for block in blocks:
            block.values = block.values.astype(np.float64, copy=False)

    def joined(parts, dtype):
        return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

    constructs = _constructs_frame(items, construct_pairs_array, n_keys, construct_size, q_labels)
    people = _people_frame(
        joined(person_q_of, np.int64),
        q_labels,
        joined(respondents, object),
        organisation_labels,
        joined(org_of, np.int64),
        np.asarray(ROLES, dtype=object),
        joined(role_of, np.int64),
    )
    return Coded(blocks=blocks, people=people, constructs=constructs, items=items)


@dataclass
class _MatrixPlan:
    """What of one matrix is coded: its people's rows, the answered items' columns, the constructs met."""

    rows: np.ndarray  # rows with an answer to an item, ascending
    items: np.ndarray  # codes of the items someone answered, ascending (the block's columns)
    columns: np.ndarray  # their columns in the matrix, in the same order
    constructs: list  # item constructs in the order the long rows first meet them


def _matrix_plan(matrix, lookup, by_question, construct_of_item, n_organisations) -> _MatrixPlan:
    """Check one matrix and find its people, answered items and constructs (a few rows at a time)."""
    values = matrix.values
    n_rows, n_columns = values.shape
    if len(matrix.questions) != n_columns or not (
        len(matrix.respondents) == len(matrix.organisation) == len(matrix.role) == n_rows
    ):
        raise ValueError(f"matrix {matrix.questionnaire!r}: its rows and columns do not match its labels")
    role, organisation = np.asarray(matrix.role), np.asarray(matrix.organisation)
    if n_rows and (role.min() < -1 or role.max() >= len(ROLES)):
        raise ValueError(f"unknown role code(s); expected codes of {list(ROLES)}")
    if n_rows and (organisation.min() < -1 or organisation.max() >= n_organisations):
        raise ValueError("an organisation code without a label")
    item = np.array(
        [lookup.get((None if by_question else matrix.questionnaire, q), -1) for q in matrix.questions], dtype=np.int64
    )
    kept = np.flatnonzero(item >= 0)  # matrix columns of items, in matrix order
    answered_row = np.zeros(n_rows, dtype=bool)
    first_row = np.full(len(kept), n_rows, dtype=np.int64)
    step = max(1, _BLOCK // max(len(kept), 1))
    for start in range(0, n_rows if len(kept) else 0, step):
        answered = ~np.isnan(values[start : start + step][:, kept])
        answered_row[start : start + step] = answered.any(axis=1)
        seen = answered.any(axis=0) & (first_row == n_rows)
        first_row[seen] = start + answered[:, seen].argmax(axis=0)
    rows = np.flatnonzero(answered_row)
    respondents = pd.Index(np.asarray(matrix.respondents, dtype=object)[rows])
    if respondents.hasnans:
        raise ValueError("every response row needs a respondent")
    if not respondents.is_unique:
        raise ValueError("a respondent appears in more than one row of a questionnaire's answers")
    used = first_row < n_rows
    kept, first_row = kept[used], first_row[used]
    # The long rows meet a construct first at its first answering row, at that row's first answered
    # column of it (columns in matrix order): code_answers numbers the constructs in that order.
    construct = construct_of_item[item[kept]]
    met = []
    for c in np.unique(construct).tolist():
        mine = construct == c
        row = int(first_row[mine].min())
        column = int(np.flatnonzero(mine & (first_row == row))[0])
        met.append((row, column, c))
    order = np.argsort(item[kept], kind="stable")
    return _MatrixPlan(rows, item[kept][order], kept[order], [c for _, _, c in sorted(met)])


def _scored_matrix(matrix, plan, items) -> np.ndarray:
    """The block's answers reverse scored and checked as ``_scored`` does, a few rows at a time.

    Scored in matrix column order, so the first answer outside its scale is the one the long rows
    would meet first; float32 while every value is exactly a float32.
    """
    in_matrix_order = np.argsort(plan.columns, kind="stable")  # block column of each matrix-ordered column
    columns = plan.columns[in_matrix_order]
    item = plan.items[in_matrix_order]
    labels = np.asarray(matrix.questions, dtype=object)
    out = np.empty((len(plan.rows), len(columns)), dtype=np.float32)
    step = max(1, _BLOCK // max(len(columns), 1))
    for start in range(0, len(plan.rows), step):
        rows = plan.rows[start : start + step]
        raw = matrix.values[np.ix_(rows, columns)]
        scored = _scored(raw.ravel(), np.tile(item, len(rows)), items, np.tile(columns, len(rows)), labels).reshape(
            raw.shape
        )
        if scored.dtype != out.dtype:
            out = out.astype(scored.dtype)
        out[start : start + step, in_matrix_order] = scored
    return out


def _coded_items(items):
    """The likert items with their construct codes and positions: ``(items, item_q, construct_keys, construct_size)``."""
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
    return items, item_q, construct_keys, construct_size


def _constructs_frame(items, construct_pairs, n_keys, construct_size, q_labels):
    """:attr:`Coded.constructs` from the (questionnaire, item construct) key of each construct code."""
    construct_item = construct_pairs % n_keys
    construct_q = construct_pairs // n_keys
    first_item = items.drop_duplicates("item_construct").set_index("item_construct")
    return pd.DataFrame(
        {
            "questionnaire": [_label(q_labels[q]) for q in construct_q],
            "construct": first_item.loc[construct_item, "construct"].to_numpy(),
            "min": first_item.loc[construct_item, "min"].to_numpy(),
            "max": first_item.loc[construct_item, "max"].to_numpy(),
            "n_items": construct_size[construct_item],
            "item_construct": construct_item,
        }
    )


def _people_frame(person_q_of, q_labels, respondents, organisation_labels, org_of, role_labels, role_of):
    """:attr:`Coded.people` from each person's questionnaire, respondent, organisation and role codes."""
    return pd.DataFrame(
        {
            "questionnaire": [_label(q_labels[q]) for q in person_q_of],
            "respondent": respondents,
            "organisation": _labels(organisation_labels, org_of),
            "role": _labels(role_labels, role_of),
            "org": org_of,
            "role_code": role_of,
        }
    )


def _blocks(person, item, construct, values, answered, person_q_of, n_items):
    """The answered rows as one respondents × items matrix per questionnaire of the people, built
    in two passes over blocks of rows (which items each questionnaire's people answered, then the
    values): no temporaries as long as the answers."""
    questionnaires = np.unique(person_q_of)
    q_index = np.full(int(person_q_of.max()) + 1 if len(person_q_of) else 1, -1, dtype=np.int64)
    q_index[questionnaires] = np.arange(len(questionnaires))
    q_of_person = q_index[person_q_of]
    used = np.zeros((len(questionnaires), n_items), dtype=bool)
    construct_of = np.full((len(questionnaires), n_items), -1, dtype=np.int64)
    for start in range(0, len(person), _BLOCK):
        block = slice(start, start + _BLOCK)
        q, it, c = q_of_person[person[block]], item[block], construct[block]
        if answered is not None:
            keep = answered[block]
            q, it, c = q[keep], it[keep], c[keep]
        used[q, it] = True
        construct_of[q, it] = c
    row_of = np.empty(len(person_q_of), dtype=np.int64)
    column_of = np.full((len(questionnaires), n_items), -1, dtype=np.int64)
    out = []
    for i in range(len(questionnaires)):
        persons = np.flatnonzero(q_of_person == i)
        row_of[persons] = np.arange(len(persons))
        columns = np.flatnonzero(used[i])
        column_of[i, columns] = np.arange(len(columns))
        matrix = np.full((len(persons), len(columns)), np.nan, dtype=values.dtype)
        out.append(
            Block(
                _narrow(persons, len(person_q_of)),
                columns,
                _narrow(construct_of[i, columns], int(construct_of.max()) + 1),
                matrix,
            )
        )
    for start in range(0, len(person), _BLOCK):
        block = slice(start, start + _BLOCK)
        p, it, v = person[block], item[block], values[block]
        if answered is not None:
            keep = answered[block]
            p, it, v = p[keep], it[keep], v[keep]
        q = q_of_person[p]
        for i in np.unique(q).tolist() if len(out) > 1 else [0] if len(p) else []:
            mine = q == i if len(out) > 1 else slice(None)
            out[i].values[row_of[p[mine]], column_of[i, it[mine]]] = v[mine]
    return out


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
        ``org``, ``role_code``: codes as int32 (as wide as ``person``) and ``n_items`` as int64, for
        callers' key arithmetic (:attr:`Prepared.scores` holds them narrower, without ``score100``).
    """
    scores = _person_scores(coded, min_share)
    code = scores["person"].dtype
    return pd.DataFrame(
        {
            "construct": scores["construct"].to_numpy().astype(code),
            "person": scores["person"].to_numpy(),
            "score": scores["score"].to_numpy(),
            "score100": score100(scores, coded.constructs),
            "n_items": scores["n_items"].to_numpy().astype(np.int64),
            "org": scores["org"].to_numpy().astype(code),
            "role_code": scores["role_code"].to_numpy().astype(code),
        }
    )


def _smallest(most: int, least: int = -1) -> type:
    """The narrowest signed integer type holding ``least`` … ``most``."""
    for kind in (np.int8, np.int16, np.int32):
        if np.iinfo(kind).min <= least and most <= np.iinfo(kind).max:
            return kind
    return np.int64


def _person_scores(coded, min_share):
    """:func:`person_scores` without ``score100``: per block, each construct's sums and counts over its columns.

    Rows by person, then construct code (the order in which a respondent-by-respondent frame
    first meets the pairs). Sums add a person's answers in item order in float64. The columns are
    as narrow as their codes allow (15–19 bytes a row instead of 40; issue 18: 1.9 M rows at 100k):
    every reader widens them before key arithmetic (``groups.level_keys``, ``astype(np.int64)``).
    """
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must lie in (0, 1], got {min_share!r}")
    n_items = coded.constructs["n_items"].to_numpy()
    org_of, role_of = coded.people["org"].to_numpy(), coded.people["role_code"].to_numpy()
    n_people = max(len(coded.people), 1)
    tables = []
    count = _smallest(int(n_items.max()) if len(n_items) else 0)  # counts up to a construct's items: int8
    for block in coded.blocks:
        constructs = np.unique(block.constructs)
        sums = np.zeros((len(block.persons), len(constructs)))
        counts = np.zeros((len(block.persons), len(constructs)), dtype=count)
        keep = np.empty((len(block.persons), len(constructs)), dtype=bool)
        for j, m in enumerate(constructs.tolist()):
            for column in np.flatnonzero(block.constructs == m).tolist():
                value = block.values[:, column]
                answered = ~np.isnan(value)
                sums[:, j] += np.where(answered, value, 0.0)
                counts[:, j] += answered
            keep[:, j] = counts[:, j] >= float(n_items[m]) * min_share - _EPS  # a column at a time: no float copy
        tables.append((block, constructs, sums, counts, keep))
    total = sum(int(keep.sum()) for *_, keep in tables)
    code = np.int32 if n_people < np.iinfo(np.int32).max else np.int64  # as _narrow
    columns = {
        "construct": np.empty(total, dtype=_smallest(len(coded.constructs))),
        "person": np.empty(total, dtype=code),
        "score": np.empty(total),
        "n_items": np.empty(total, dtype=count),
        "org": np.empty(total, dtype=_smallest(int(org_of.max()) if len(org_of) else 0)),
        "role_code": np.empty(total, dtype=_smallest(int(role_of.max()) if len(role_of) else 0)),
    }
    # The rows a block of people at a time, straight into the columns: no temporaries as long as the scores.
    at = 0
    for block, constructs, sums, counts, keep in tables:
        for start in range(0, len(block.persons), _BLOCK):
            row, j = np.nonzero(keep[start : start + _BLOCK])  # by person, then construct code
            row += start
            rows = slice(at, at + len(row))
            at += len(row)
            person = block.persons[row]
            columns["construct"][rows] = constructs[j]
            columns["person"][rows] = person
            columns["score"][rows] = sums[row, j] / counts[row, j]
            columns["n_items"][rows] = counts[row, j]
            columns["org"][rows] = org_of[person]
            columns["role_code"][rows] = role_of[person]
    del tables
    if len(coded.blocks) > 1:  # several questionnaires: by person across them
        order = np.argsort(columns["person"], kind="stable")
        if (np.diff(order) != 1).any():
            columns = {name: column[order] for name, column in columns.items()}
    return pd.DataFrame(columns, copy=False)


def score100(scores: pd.DataFrame, constructs: pd.DataFrame, rows: Any = slice(None)) -> np.ndarray:
    """``(score - min) / (max - min) · 100`` of the ``rows`` of ``scores`` (a slice, mask or
    positions), on their construct's scale: derived where it is read instead of held beside
    the scores (8 bytes a score), with the arithmetic the scores were once stored with."""
    construct = scores["construct"].to_numpy()[rows]
    low = constructs["min"].to_numpy()[construct]
    high = constructs["max"].to_numpy()[construct]
    return np.asarray((scores["score"].to_numpy()[rows] - low) / (high - low) * 100, dtype=np.float64)


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
        From :func:`person_scores` with ``min_share``, without ``score100`` (see :meth:`score100`):
        by person, then construct code.
    min_share : float
        The least share of a construct's items the scores were computed with.
    """

    coded: Coded
    scores: pd.DataFrame
    min_share: float

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
        blocks = [b for b in self.coded.blocks if len(b.constructs) and constructs[b.constructs].all()]
        kept = constructs[self.scores["construct"].to_numpy()]
        if len(blocks) == len(self.coded.blocks) and kept.all():
            return self
        coded = Coded(
            blocks=blocks,
            people=self.coded.people,
            constructs=self.coded.constructs,
            items=self.coded.items,
        )
        rows: Any = np.flatnonzero(kept)
        del kept
        if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
            rows = slice(
                int(rows[0]), int(rows[-1]) + 1
            )  # one run (people numbered questionnaire by questionnaire): views
        scores = pd.DataFrame({name: self.scores[name].to_numpy()[rows] for name in self.scores.columns}, copy=False)
        return Prepared(coded=coded, scores=scores, min_share=self.min_share)

    def score100(self, rows: Any = slice(None)) -> np.ndarray:
        """The 0–100 scores of ``rows`` of :attr:`scores` (see :func:`score100`)."""
        return score100(self.scores, self.coded.constructs, rows)

    def construct_matrices(self, constructs: list[int] | None = None) -> Iterator[tuple[int, np.ndarray, np.ndarray]]:
        """Per construct: ``(construct, score_rows, dense)``, one construct at a time.

        ``score_rows`` are the construct's rows in ``scores`` (score order); ``dense`` is its
        respondents × items matrix of the answers that count (rows as ``score_rows``, columns in
        item position order, NaN where unanswered), in the answers' dtype: the construct's columns
        of its block, for the rows of the people scored in it. ``constructs`` limits and orders
        the constructs (default: every construct with a score, by code).
        """
        scores = self.scores
        measure_of = scores["construct"].to_numpy()
        person_of = scores["person"].to_numpy()
        n_constructs = len(self.coded.constructs)
        per_construct = np.bincount(measure_of, minlength=n_constructs)
        if constructs is None:
            constructs = np.flatnonzero(per_construct).tolist()
        # The scores construct by construct, each in score order: one stable sort (a radix sort
        # on narrow codes) instead of a scan of every score per construct.
        narrow = measure_of.astype(np.int16) if measure_of.itemsize > 2 and n_constructs < 2**15 else measure_of
        order = np.argsort(narrow, kind="stable")
        del narrow
        starts = np.concatenate([[0], np.cumsum(per_construct)])
        positions = self.coded.items["position"].to_numpy()
        n_items = self.coded.constructs["n_items"].to_numpy()
        row_of = {}  # per block: the row of each person code (-1: not in the block)
        for m in constructs:
            score_rows = order[starts[m] : starts[m + 1]]
            found = self.coded.columns_of(m)
            if found is None:  # cannot happen for a construct with scores
                raise RuntimeError("a scored construct has answers")
            block, columns = found
            if id(block) not in row_of:
                lookup = np.full(len(self.coded.people), -1, dtype=np.int32 if len(block.persons) < 2**31 else np.int64)
                lookup[block.persons] = np.arange(len(block.persons))
                row_of[id(block)] = lookup
            rows = row_of[id(block)][person_of[score_rows]]
            dense = np.full((len(score_rows), int(n_items[m])), np.nan, dtype=block.values.dtype)
            dense[:, positions[block.items[columns]]] = block.values[np.ix_(rows, columns)]
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
                "score100": self.score100(),
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
    the frame and the scoring's temporaries are never in memory together. A DataFrame let go
    can still sit in a reference cycle until the next full collection (at 100k the read's long
    likert frame, ≈ 160 MB, lived on beside the scoring: issue 18), so large answers are
    scored after one; small ones (tests, single analyses) skip its cost.
    """
    if sum(block.values.size for block in coded.blocks) >= _COLLECT_CELLS:
        gc.collect()
    return Prepared(coded=coded, scores=_person_scores(coded, min_share), min_share=min_share)


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
