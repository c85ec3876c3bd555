"""coded_from_matrices (issue 18): the answers coded straight from the read's matrices equal code_answers of the long rows."""

import numpy as np
import pandas as pd
import pytest

from analysis._frames import ROLES
from analysis.coded import AnswerMatrix, code_answers, coded_from_matrices, prepare_coded

ORGANISATIONS = ["B", "A", "C"]


def _long(matrices, organisations=ORGANISATIONS):
    """The long frame the app built before (app/services/indicator_reading.py at b65c288): the
    answered cells matrix by matrix, row by row, columns in order, keys as categoricals."""
    parts = []
    for m in matrices:
        row, column = np.nonzero(~np.isnan(m.values))
        parts.append(
            pd.DataFrame(
                {
                    "respondent": np.asarray(m.respondents, dtype=object)[row],
                    "question": np.asarray(m.questions, dtype=object)[column],
                    "value": m.values[row, column],
                    "organisation": pd.Categorical.from_codes(m.organisation[row], categories=organisations),
                    "role": pd.Categorical.from_codes(m.role[row], categories=list(ROLES)),
                    "questionnaire": m.questionnaire,
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame["questionnaire"] = pd.Categorical(frame["questionnaire"], categories=[m.questionnaire for m in matrices])
    frame["question"] = frame["question"].astype("category")
    return frame


def _matrix(rng, questionnaire, questions, n, missing=0.3, scale=(1, 5), empty_rows=0.1):
    low, high = scale
    values = rng.integers(low, high + 1, size=(n, len(questions))).astype(np.float32)
    values[rng.random(values.shape) < missing] = np.nan
    values[rng.random(n) < empty_rows] = np.nan  # respondents who answered no likert question
    return AnswerMatrix(
        questionnaire,
        list(questions),
        values,
        np.array([f"{questionnaire}-{i}" for i in range(n)], dtype=object),
        rng.integers(-1, len(ORGANISATIONS), size=n).astype(np.int8),
        rng.choice([0, 1, 3], size=n).astype(np.int8),
    )


def _items():
    items = []
    # staff: three constructs whose items are listed out of column order, one reversed item, one
    # question without an item (skipped), one item nobody answers (no column)
    for question, construct, reverse in [
        ("s3", "beta", False),
        ("s1", "alpha", False),
        ("s2", "alpha", True),
        ("s5", "gamma", False),
        ("s4", "beta", True),
        ("s9", "gamma", False),
    ]:
        items.append({"question": question, "construct": construct, "reverse": reverse, "min": 1, "max": 5})
        items[-1]["questionnaire"] = "staff"
    for question, construct in [
        ("b1", "trust"),
        ("b2", "trust"),
        ("s1", "alpha"),
    ]:  # s1 again, in another questionnaire
        items.append(
            {
                "question": question,
                "construct": construct,
                "reverse": False,
                "min": 1,
                "max": 7,
                "questionnaire": "board",
            }
        )
    items.append(
        {"question": "t", "construct": "text", "reverse": False, "questionnaire": "staff"}
    )  # no scale: left out
    return pd.DataFrame(items)


def _same(got, expected):
    pd.testing.assert_frame_equal(got.people, expected.people, check_exact=True)
    pd.testing.assert_frame_equal(got.constructs, expected.constructs, check_exact=True)
    pd.testing.assert_frame_equal(got.items, expected.items, check_exact=True)
    assert len(got.blocks) == len(expected.blocks)
    for a, b in zip(got.blocks, expected.blocks):
        for name in ("persons", "items", "constructs", "values"):
            x, y = getattr(a, name), getattr(b, name)
            assert x.dtype == y.dtype and x.shape == y.shape, name
            np.testing.assert_array_equal(x, y, err_msg=name)


@pytest.mark.parametrize("seed", range(6))
def test_the_matrices_code_as_their_long_rows(seed):
    rng = np.random.default_rng(seed)
    matrices = [
        _matrix(rng, "staff", ["s1", "s2", "x", "s3", "s4", "s5"], int(rng.integers(1, 400))),
        _matrix(rng, "board", ["b2", "s1", "b1"], int(rng.integers(1, 30)), scale=(1, 7), missing=0.6),
    ]
    if seed % 2:
        matrices.reverse()  # the questionnaires' order is the frame's
    expected = code_answers(_long(matrices), _items())
    got = coded_from_matrices(matrices, _items(), ORGANISATIONS)
    _same(got, expected)
    a, b = prepare_coded(got), prepare_coded(expected)
    pd.testing.assert_frame_equal(a.scores, b.scores, check_exact=True)


def test_small_blocks_late_first_answers_and_an_empty_matrix(monkeypatch):
    monkeypatch.setattr("analysis.coded._BLOCK", 16)  # rows a few at a time: first answers found across blocks
    rng = np.random.default_rng(7)
    staff = _matrix(rng, "staff", ["s5", "s4", "s3", "s2", "s1"], 300, missing=0.95)
    staff.values[:200, :] = np.nan
    staff.values[250, 0] = 4  # gamma is met first, in a late row
    board = _matrix(rng, "board", ["b1"], 5)
    board.values[:] = np.nan  # nobody answered: no people, no block
    matrices = [board, staff]
    _same(coded_from_matrices(matrices, _items(), ORGANISATIONS), code_answers(_long(matrices), _items()))


def test_items_without_questionnaires_are_found_by_question():
    rng = np.random.default_rng(3)
    items = _items()
    items = items.loc[items["questionnaire"] == "staff"].assign(questionnaire=None)
    matrices = [_matrix(rng, "staff", ["s1", "s2", "s3"], 50), _matrix(rng, "other", ["s4", "s5"], 20)]
    _same(coded_from_matrices(matrices, items, ORGANISATIONS), code_answers(_long(matrices), items))


def test_values_stay_float32_only_while_exact_in_every_block():
    rng = np.random.default_rng(5)
    staff = _matrix(rng, "staff", ["s1", "s2"], 40)
    board = _matrix(rng, "board", ["b1", "b2"], 40, scale=(1, 7))
    items = _items()
    board_items = items["questionnaire"] == "board"
    items.loc[board_items, ["min", "max"]] = [0.1, 7]
    items.loc[board_items, "reverse"] = True  # 0.1 + 7 - x is no float32 number
    board.values[board.values < 1] = np.nan
    matrices = [staff, board]
    got = coded_from_matrices(matrices, items, ORGANISATIONS)
    assert {b.values.dtype for b in got.blocks} == {np.dtype(np.float64)}
    _same(got, code_answers(_long(matrices), items))
    staff_only = coded_from_matrices([staff], items, ORGANISATIONS)
    assert staff_only.blocks[0].values.dtype == np.float32


def test_the_checks_of_code_answers():
    rng = np.random.default_rng(1)
    staff = _matrix(rng, "staff", ["s1", "s2"], 20, empty_rows=0)
    staff.values[3, 1] = 6
    with pytest.raises(ValueError, match="outside its scale") as raised:
        coded_from_matrices([staff], _items(), ORGANISATIONS)
    with pytest.raises(ValueError, match="outside its scale") as long_raised:
        code_answers(_long([staff]), _items())
    assert str(raised.value) == str(long_raised.value)
    staff.values[3, 1] = 2
    staff.respondents[5] = staff.respondents[4]
    with pytest.raises(ValueError, match="more than one row"):
        coded_from_matrices([staff], _items(), ORGANISATIONS)
    staff.respondents[5] = None
    with pytest.raises(ValueError, match="needs a respondent"):
        coded_from_matrices([staff], _items(), ORGANISATIONS)
    staff.respondents[5] = "someone else"
    staff.role[2] = len(ROLES)
    with pytest.raises(ValueError, match="unknown role"):
        coded_from_matrices([staff], _items(), ORGANISATIONS)
    staff.role[2] = 0
    staff.organisation[2] = len(ORGANISATIONS)
    with pytest.raises(ValueError, match="organisation"):
        coded_from_matrices([staff], _items(), ORGANISATIONS)
    staff.organisation[2] = 0
    with pytest.raises(ValueError, match="one matrix per questionnaire"):
        coded_from_matrices([staff, staff], _items(), ORGANISATIONS)
    repeated = _items().assign(questionnaire=None)
    with pytest.raises(ValueError, match="same question twice"):
        coded_from_matrices([staff], repeated, ORGANISATIONS)
