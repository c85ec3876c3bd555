"""Attacks on the roll-ups ("kleinere scholen samen", issue 15): a pool is a new released figure, so a
curious bestuurder subtracts it from everything else they can read. Each attack must fail: the pool
goes through the release plan (padding, growth, the atom audit over all releases) like any group.
"""

from __future__ import annotations

from itertools import product

import numpy as np
from builders import add_member, api_token, gen_traject, gen_user
from respond_builders import VALID_SMALL, close_and_release, gen_participant, gen_questionnaire

from analysis.disclosure import _inside, admit_rollups, atom_leaks, audit, figure_rows, measures_of, plan, with_margins
from app.extensions import db
from app.models import Response

K = 5


def _atoms(sizes, batch=1):
    return {"c": {(org, "ict_staff", batch): n for org, n in sizes.items()}}


def _subtraction_attack(figures: dict, threshold: int):
    """Every combination with coefficients -1, 0, 1 of the released (n, sum) figures: the ones
    that give a group of 1 … threshold-1 people with its sum, i.e. the attacker's win."""
    keys = list(figures)
    wins = []
    for coefficients in product((-1, 0, 1), repeat=len(keys)):
        members = {}
        for c, key in zip(coefficients, keys):
            for person in figures[key]:
                members[person] = members.get(person, 0) + c
        if all(v in (0, 1) for v in members.values()):
            group = {p for p, v in members.items() if v == 1}
            if 0 < len(group) < threshold:
                wins.append((coefficients, group))
    return wins


def test_a_pool_with_a_visible_school_is_refused():
    """The naive "kleinere scholen samen" (the smallest schools by size, here A and C) holds a visible
    school: pool minus C would be A's two respondents. The audit refuses it; the safe pool of
    the hidden schools A and B is admitted."""
    sizes = {"A": 2, "B": 6, "C": 7, "D": 8, "E": 9}
    atoms = _atoms(sizes)
    decision = plan(atoms, K, number=1, rollups=True)
    assert ("A", None) in decision.hidden and ("C", None) not in decision.hidden
    assert decision.rollups == [("+A+B", None)]
    naive = ("+A+C", None)  # 9 respondents, and 23 in the rest: both at least K
    assert admit_rollups(atoms, K, number=1, hidden=decision.hidden, proposed=[naive]) == []
    # What the naive pool would have given away, as the attacker computes it:
    people = {org: {f"{org}{i}" for i in range(n)} for org, n in sizes.items()}
    shown = {
        c: {p for org, ps in people.items() for p in ps if _inside(c, org, "ict_staff")}
        for c in measures_of(atoms)["c"]
        if c not in decision.hidden
    }
    wins = _subtraction_attack({**shown, naive: people["A"] | people["C"]}, K)
    assert any(group == people["A"] for _, group in wins)
    # …and what the admitted pool gives: no subtraction isolates anyone.
    assert _subtraction_attack({**shown, ("+A+B", None): people["A"] | people["B"]}, K) == []


def _released_sets(atoms_all: dict, shown_by_release: list) -> tuple[list, list]:
    """Respondent sets of the shown groups of each release (batch b joins in release b)."""
    people = {atom: [f"{atom[0]}{atom[2]}-{i}" for i in range(n)] for atom, n in atoms_all.items()}
    releases = [
        {
            "c": {
                cell: {
                    p
                    for atom, ps in people.items()
                    if atom[2] <= number and _inside(cell, atom[0], atom[1])
                    for p in ps
                }
                for cell in cells
            }
        }
        for number, cells in enumerate(shown_by_release, start=1)
    ]
    return releases, [p for ps in people.values() for p in ps]


def test_a_school_leaving_the_pool_cannot_be_subtracted_from_it():
    """Release 1 shows the pool A+B+C (2 + 3 + 3). Then five more of C answer: C alone now holds 8.
    Showing C would let a bestuurder compute pool₁ − (C − growth of the total) = A+B of release 1…
    and C minus that growth = C's first three. The earlier pool is in the audited row space, so
    the plan keeps C hidden and shows the grown pool instead."""
    first = {
        "c": {
            ("A", "ict_staff", 1): 2,
            ("B", "ict_staff", 1): 3,
            ("C", "ict_staff", 1): 3,
            ("D", "ict_staff", 1): 9,
            ("E", "ict_staff", 1): 9,
        }
    }
    d1 = plan(first, K, number=1, rollups=True)
    assert d1.rollups == [("+A+B+C", None)]
    shown1 = [c for c in measures_of(first, d1.rollups)["c"] if c not in d1.hidden]
    second = {"c": {**first["c"], ("C", "ict_staff", 2): 5}}
    last_visible = {"c": {c: n for c, n in measures_of(first, d1.rollups)["c"].items() if c not in d1.hidden}}
    d2 = plan(second, K, number=2, history=[(1, {"c": shown1})], rollups=True, closed=True, last_visible=last_visible)
    assert ("C", None) in d2.hidden and d2.rollups == [("+A+B+C", None)]
    shown2 = [c for c in measures_of(second, d2.rollups)["c"] if c not in d2.hidden]
    releases, respondents = _released_sets(second["c"], [shown1, shown2])
    assert audit(releases, respondents, K) == {}
    # Had C been shown, its first three would follow (a set below K): the attack the plan prevents.
    rows = figure_rows(second["c"], [(1, shown1), (2, shown2 + [("C", None)])])
    assert atom_leaks(second["c"], rows, K) == [(("C", "ict_staff", 1),)]
    assert atom_leaks(second["c"], figure_rows(second["c"], [(1, shown1), (2, shown2)]), K) == []


def test_pool_through_the_api_explained_and_unsubtractable(app, client):
    """Four schools with 2, 3, 5 and 5 ICT staff: AA and BB are hidden, and the API shows them
    together (n = 5) with how the pool was formed. A bestuurder who subtracts the pool and the
    visible schools from the total, in any combination, isolates no one; the audit over the
    released respondent sets agrees."""
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB", "CC", "DD"), anonymity_threshold=K, comment_threshold=K)
    board = gen_user("bestuurder")
    add_member(traject, board)
    questionnaire = gen_questionnaire(traject)
    # Each submission is followed by a recompute: in this order every release adds K respondents,
    # so no school is held back by the growth rule and the last release is the one described above.
    values = {"CC": [4, 4, 5, 3, 4], "DD": [2, 3, 4, 4, 3], "AA": [1, 2], "BB": [2, 3, 3]}
    tokens = {org: [gen_participant(questionnaire, organisation=org)[1] for _ in v] for org, v in values.items()}
    for org, answers in values.items():
        for token, value in zip(tokens[org], answers):
            body = {"token": token, "answers": dict(VALID_SMALL, wil_1=value, wil_2=value)}
            assert client.post("/api/v1/responses", json=body).status_code == 201
    close_and_release(client, owner, questionnaire)
    body = client.get(f"/api/v1/trajects/{traject.id}/indicators", headers=api_token(board)).get_json()
    shown = {
        (r["organisation"], r["role"]): r
        for r in body["constructs"]
        if r["construct"] == "appropriateness" and not r["suppressed"]
    }
    assert ("AA", None) not in shown and ("BB", None) not in shown and ("CC", None) in shown
    pools = [p for p in body["rollups"] if p["questionnaire"] == questionnaire.key]
    assert [(p["organisation"], p["kind"], p["organisations"], p["n"]) for p in pools] == [
        ("+AA+BB", "kleinere_scholen", ["AA", "BB"], 5)
    ]
    pool_row = next(r for r in pools[0]["constructs"] if r["construct"] == "appropriateness")
    # Independent computation: the mean of the five pooled answers (each respondent's two items equal).
    assert pool_row["n"] == 5 and pool_row["mean"] == np.mean(values["AA"] + values["BB"])
    assert pool_row["organisation"] == "+AA+BB" and pool_row["role"] is None
    explained = {(r["organisation"], r["role"]): r["shown_in"] for r in body["rolled_up"]}
    assert {"kind": "kleinere_scholen", "organisations": ["AA", "BB"], "role": None} in explained[("AA", None)]
    assert all("n" not in r and "reason" not in r for r in body["rolled_up"])
    # The attacker: n and sum of every released group, pool included, combined every way.
    rows = (
        db.session.query(Response.id, Response.organisation_code, Response.role)
        .filter(Response.questionnaire_id == questionnaire.id)
        .all()
    )
    figures = {cell: {rid for rid, o, r in rows if _inside(cell, o, r)} for cell in shown}
    figures[("+AA+BB", None)] = {rid for rid, o, r in rows if o in ("AA", "BB")}
    for cell, row in shown.items():
        assert len(figures[cell]) == row["n"]
    assert _subtraction_attack(figures, K) == []
    assert audit([{"c": figures}], [r[0] for r in rows], K, subsets=True) == {}


def test_the_preview_matches_what_a_full_response_releases():
    """The regisseur's preview (from the participant list, at full response) names the same hidden
    groups and pool as the release plan makes when everyone answers."""
    from analysis.rollups import preview

    listed = {
        ("A", "ict_staff"): 2,
        ("B", "ict_staff"): 4,
        ("C", "ict_staff"): 8,
        ("D", "ict_staff"): 9,
        ("C", "ict_lead"): 1,
        ("D", "ict_lead"): 1,
    }
    seen = preview(listed, K)
    atoms = {"responses": {(o, r, 1): n for (o, r), n in listed.items()}}
    decision = plan(atoms, K, number=1, rollups=True, early=with_margins(listed))
    hidden_preview = {(g["organisation"], g["role"]) for g in seen["groups"] if not g["shown"]}
    assert hidden_preview == decision.hidden
    assert [("+" + "+".join(p["organisations"]), p["role"]) for p in seen["pools"]] == decision.rollups


def test_every_school_small_the_smallest_together_and_no_school_isolated():
    """The real case: five schools with a handful of ICT staff each, all hidden. The pool is the
    smallest schools together, the rest (the larger ones) follows as total minus pool — both at
    least K — and the brute-force attacker over every shown figure isolates nobody."""
    sizes = {"ZL": 4, "BM": 2, "EC": 4, "VN": 3, "BC": 3}
    atoms = {"responses": {(org, "ict_staff", 1): n for org, n in sizes.items()}}
    decision = plan(atoms, K, number=1, rollups=True)
    assert {c for c in decision.hidden if c[1] is None} == {(org, None) for org in sizes}
    assert decision.rollups == [("+BC+BM", None)]
    people = {org: {f"{org}{i}" for i in range(n)} for org, n in sizes.items()}
    shown = {
        c: {p for org, ps in people.items() for p in ps if _inside(c, org, "ict_staff")}
        for c in measures_of(atoms, decision.rollups)["responses"]
        if c not in decision.hidden
    }
    assert len(shown[("+BC+BM", None)]) == 5 and len(shown[(None, None)]) - 5 >= K
    assert _subtraction_attack(shown, K) == []
