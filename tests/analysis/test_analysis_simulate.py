"""The synthetic responses behave like a survey: seeded, correlated, reversed, a little missing."""

import numpy as np

from analysis.scores import construct_scores
from analysis.simulate import simulate_responses

ITEMS = [
    {"question": f"{c}_{i}", "construct": c, "reverse": i == 3, "min": 1, "max": 5}
    for c in ("appropriateness", "routine_seeking")
    for i in (1, 2, 3, 4)
]
BOARD = [
    {
        "question": "form_inkoop",
        "construct": "commit_form",
        "domain": "inkoop",
        "options": [{"value": v} for v in ("geen", "projectbasis", "netwerkmodel", "centrummodel", "ssc")],
    }
]


def test_seeded_and_shaped():
    a = simulate_responses(
        {"ict_staff": ITEMS, "board_commitment": BOARD},
        ["A", "B", "C"],
        {"ict_staff": 400, "board_commitment": 8},
        seed=5,
    )
    b = simulate_responses(
        {"ict_staff": ITEMS, "board_commitment": BOARD},
        ["A", "B", "C"],
        {"ict_staff": 400, "board_commitment": 8},
        seed=5,
    )
    assert a.equals(b)
    staff = a.loc[a.questionnaire == "ict_staff"]
    assert set(staff["role"]) == {"ict_staff", "ict_lead"}
    assert set(a.loc[a.questionnaire == "board_commitment", "role"]) == {"board"}
    assert set(a.loc[a.questionnaire == "board_commitment", "value"]) <= {
        "geen",
        "projectbasis",
        "netwerkmodel",
        "centrummodel",
        "ssc",
    }
    missing = 1 - len(staff) / (400 * len(ITEMS))
    assert 0.01 < missing < 0.05
    # organisations differ in size, so some organisation x role groups are small
    sizes = staff.drop_duplicates("respondent").groupby(["organisation", "role"]).size()
    assert sizes.min() < 20 < sizes.max()


def test_items_correlate_and_reverse_items_are_flipped():
    df = simulate_responses({"ict_staff": ITEMS}, ["A", "B"], 800, seed=2)
    wide = df.pivot(index="respondent", columns="question", values="value")
    assert np.corrcoef(*wide[["appropriateness_1", "appropriateness_2"]].dropna().to_numpy().T)[0, 1] > 0.2
    assert np.corrcoef(*wide[["appropriateness_1", "appropriateness_3"]].dropna().to_numpy().T)[0, 1] < -0.2
    scores = construct_scores(df, ITEMS).pivot(index="respondent", columns="construct", values="score")
    # resistance runs against support
    assert scores.corr().loc["appropriateness", "routine_seeking"] < 0
