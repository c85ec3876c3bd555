"""Board analyses: trust matrix, autonomy willingness, committed forms and the board–staff gap."""

import pandas as pd
import pytest

from analysis.board import autonomy_willingness, board_staff_gap, commit_forms, trust_matrix

TRUST_ITEMS = [
    {"question": f"trust_{p}_{i}", "construct": "trust", "partner": p, "min": 1, "max": 5, "reverse": i == 2}
    for p in "ABC"
    for i in (1, 2)
]


def answers(rows):
    return pd.DataFrame(
        [{"respondent": r, "question": q, "value": v, "organisation": o, "role": role} for r, o, role, q, v in rows]
    )


def test_trust_matrix_by_hand():
    df = answers(
        [
            ("a1", "A", "board", "trust_B_1", 4),
            ("a1", "A", "board", "trust_B_2", 2),  # reversed 2 -> 4: 4
            ("a2", "A", "board", "trust_B_1", 2),
            ("a2", "A", "board", "trust_B_2", 4),  # 2 and 2: 2
            ("a1", "A", "board", "trust_A_1", 5),  # own school: ignored
            ("b1", "B", "board", "trust_A_1", 5),
            ("b1", "B", "board", "trust_C_1", 1),
            ("c1", "C", "board", "trust_A_1", 4),
            ("s1", "A", "ict_staff", "trust_B_1", 1),  # not board: ignored
        ]
    )
    result = trust_matrix(df, TRUST_ITEMS)
    cells = {(c["from"], c["to"]): c for c in result["cells"]}
    assert set(cells) == {("A", "B"), ("B", "A"), ("B", "C"), ("C", "A")}
    assert cells[("A", "B")]["mean"] == 3.0 and cells[("A", "B")]["n"] == 2 and cells[("A", "B")]["score"] == 50.0
    assert result["mean_received"] == {"A": 4.5, "B": 3.0, "C": 1.0}
    assert result["asymmetry"] == [{"a": "A", "b": "B", "diff": -2.0}]
    assert result["weakest_link"] == {"from": "B", "to": "C", "mean": 1.0}
    assert trust_matrix(df.iloc[:0], TRUST_ITEMS)["weakest_link"] is None


AW_ITEMS = [
    {"question": f"aw_{d}_{i}", "construct": "autonomy_willingness", "domain": d, "min": 1, "max": 5}
    for d in ("inkoop", "servicedesk")
    for i in (1, 2)
]
DS_ITEMS = [
    {"question": f"ds_{d}", "construct": "domain_support", "domain": d, "min": 1, "max": 5}
    for d in ("inkoop", "servicedesk")
]
FORM_ITEMS = [{"question": f"form_{d}", "construct": "commit_form", "domain": d} for d in ("inkoop", "servicedesk")]


def test_autonomy_willingness_per_domain():
    df = answers(
        [
            ("a1", "A", "board", "aw_inkoop_1", 5),
            ("a1", "A", "board", "aw_inkoop_2", 3),
            ("b1", "B", "board", "aw_inkoop_1", 1),
            ("b1", "B", "board", "aw_servicedesk_1", 4),
        ]
    )
    rows = {(r["domain"], r["organisation"]): r for r in autonomy_willingness(df, AW_ITEMS)}
    assert rows[("inkoop", "A")]["mean"] == 75.0
    assert rows[("inkoop", None)] == {"domain": "inkoop", "organisation": None, "n": 2, "mean": 37.5}
    assert rows[("servicedesk", None)]["mean"] == 75.0


def test_commit_forms_deepest_form():
    df = answers(
        [
            ("a1", "A", "board", "form_inkoop", "ssc"),
            ("a2", "A", "board", "form_inkoop", "geen"),
            ("b1", "B", "board", "form_servicedesk", "netwerkmodel"),
        ]
    )
    rows = commit_forms(df, FORM_ITEMS)
    assert [(r["organisation"], r["domain"], r["form"], r["n"]) for r in rows] == [
        ("A", "inkoop", "ssc", 2),
        ("B", "servicedesk", "netwerkmodel", 1),
    ]
    with pytest.raises(ValueError):
        commit_forms(answers([("a1", "A", "board", "form_inkoop", "fusie")]), FORM_ITEMS)


def test_board_staff_gap_suppresses_small_staff_groups():
    rows = [("a1", "A", "board", "aw_inkoop_1", 4), ("b1", "B", "board", "aw_inkoop_1", 2)]
    rows += [(f"sa{i}", "A", "ict_staff", "ds_inkoop", 2) for i in range(6)]
    rows += [(f"sb{i}", "B", "ict_staff", "ds_inkoop", 5) for i in range(3)]
    result = {r["organisation"]: r for r in board_staff_gap(answers(rows), AW_ITEMS + DS_ITEMS, threshold=5)}
    assert result["A"]["board"] == 75.0 and result["A"]["staff"] == 25.0 and result["A"]["gap"] == 50.0
    assert result["B"]["staff"] is None and result["B"]["staff_n"] is None and result["B"]["gap"] is None
    assert result["B"]["staff_suppressed"] is True and result["B"]["board"] == 25.0
