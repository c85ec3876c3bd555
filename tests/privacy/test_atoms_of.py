"""disclosure.atoms_of counts each measure's members per (organisation, role, batch) as a plain Counter does."""

from collections import Counter

import numpy as np
import pandas as pd
import pytest

from analysis import disclosure


def _members(seed):
    rng = np.random.default_rng(seed)
    n = 700
    people = pd.DataFrame(
        {
            "respondent": [f"r{i}" for i in range(n)],
            "organisation": rng.choice(np.array(["A", "B", "C", None], dtype=object), n),
            "role": rng.choice(["ict_staff", "ict_lead"], n),
        }
    )
    names = ["responses"] + [f"construct:c{j}" for j in range(6)]
    pairs = [(0, p) for p in range(n)] + [(m, p) for m in range(1, 7) for p in range(n) if rng.random() < 0.8]
    pairs = [pairs[i] for i in rng.permutation(len(pairs))]  # any order: atoms are counts
    measure, person = (np.array(c, dtype=np.int32) for c in zip(*pairs))
    batch_of = {f"r{i}": int(b) for i, b in enumerate(rng.integers(1, 4, n)) if b < 3}  # 3: not yet released
    return disclosure.Members(people=people, names=names, measure=measure, person=person), batch_of


@pytest.mark.parametrize("pairs", [37, 1 << 16])
@pytest.mark.parametrize("seed", [1, 2])
def test_atoms_of_equals_a_counter(monkeypatch, pairs, seed):
    monkeypatch.setattr(disclosure, "_PAIRS", pairs)
    found, batch_of = _members(seed)
    expected = {}
    people = found.people.to_dict("records")
    for m, p in Counter(zip(found.measure.tolist(), found.person.tolist())):
        row = people[p]
        cell = (row["organisation"], row["role"], batch_of.get(row["respondent"], 3))
        expected.setdefault(found.names[m], Counter())[cell] += 1
    assert disclosure.atoms_of(found, batch_of, 3) == {m: dict(c) for m, c in expected.items()}
