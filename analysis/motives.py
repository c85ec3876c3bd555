"""Motives per party: the boards' signed motives per school against the ICT staff's anonymous ones, and the shared drivers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas loads in the worker only (tests/app/test_lean_web.py)
    import pandas as pd

#: The motives in the order of the instruments (the case's three first).
MOTIVES = ("quality", "vulnerability", "cost", "continuity", "innovation", "professionalisation", "procurement")
#: A motive scored at least this high (0–100) drives a party; by both parties it is a shared driver.
DRIVER = 70.0
#: A motive below this score leaves a party cold; one party driven and the other cold is a divergence.
COLD = 50.0


def _finite(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def board_motives(
    responses: pd.DataFrame | None, items: pd.DataFrame | Iterable[dict[str, Any]], construct: str = "motive_weight"
) -> list[dict[str, Any]]:
    """The boards' motives from their signed statements: per school and over the schools, on 0–100.

    A board statement is identified (one per school, on name), so no threshold applies: these
    rows are the boards' own positions, shown as such.

    Parameters
    ----------
    responses : DataFrame
        Long board answers (``respondent``, ``question``, ``value``, ``organisation``, ``role``).
    items : DataFrame or list of dict
        Item metadata with ``construct``, ``domain`` (the motive), ``min`` and ``max``.

    Returns
    -------
    list of dict
        ``[{"motive", "organisation", "n", "score"}]``; ``organisation`` None is the mean over the
        schools' boards (``n`` boards).

    Examples
    --------
    >>> import pandas as pd
    >>> items = [{"question": "bm_cost", "construct": "motive_weight", "domain": "cost", "min": 1, "max": 5}]
    >>> answers = pd.DataFrame({"respondent": ["a", "b"], "question": ["bm_cost"] * 2, "value": [5, 4],
    ...                         "organisation": ["A", "B"], "role": ["board"] * 2})
    >>> [(r["organisation"], r["n"], r["score"]) for r in board_motives(answers, items)]
    [(None, 2, 87.5), ('A', 1, 100.0), ('B', 1, 75.0)]
    """
    if responses is None or len(responses) == 0:
        return []
    from analysis.board import autonomy_willingness  # pandas only in the worker (tests/app/test_lean_web.py)

    rows = autonomy_willingness(responses, items, construct=construct)
    return [{"motive": r["domain"], "organisation": r["organisation"], "n": r["n"], "score": r["mean"]} for r in rows]


def _staff_rows(payload: Mapping[str, Any]) -> dict[tuple[str, str | None], dict[str, Any]]:
    """The released rows of the anonymous motives questionnaire, all roles together, by (motive, school)."""
    rows: dict[tuple[str, str | None], dict[str, Any]] = {}
    for row in payload.get("motives") or []:
        if row.get("role") is not None:
            continue
        motive = str(row.get("construct", "")).removeprefix("motive_")
        rows[(motive, row.get("organisation"))] = row
    return rows


def by_party(payload: Mapping[str, Any], organisations: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Per motive: the boards (signed) and the ICT staff (anonymous, released), overall and per school.

    Parameters
    ----------
    payload : dict
        A release payload: ``board.motives`` (identified) and ``motives`` (disclosed rows).
    organisations : iterable of str
        The school codes to give a row for (also those without data).

    Returns
    -------
    list of dict
        One per motive with data: ``{"motive", "board": {"score", "n"}, "staff": {"score", "n",
        "suppressed"}, "gap" (board − staff or None), "schools": [{"organisation", "board",
        "staff": {"score", "n", "suppressed"}}]}``. A hidden staff group has ``score`` None and
        ``suppressed`` True; it is never filled in from other figures.

    Examples
    --------
    >>> payload = {"board": {"motives": [{"motive": "cost", "organisation": None, "n": 2, "score": 80.0},
    ...                                  {"motive": "cost", "organisation": "A", "n": 1, "score": 90.0}]},
    ...            "motives": [{"construct": "motive_cost", "organisation": None, "role": None, "n": 12,
    ...                         "score": 60.0, "suppressed": False},
    ...                        {"construct": "motive_cost", "organisation": "A", "role": None, "n": None,
    ...                         "score": None, "suppressed": True}]}
    >>> row = by_party(payload, ["A"])[0]
    >>> row["board"], row["staff"], row["gap"]
    ({'score': 80.0, 'n': 2}, {'score': 60.0, 'n': 12, 'suppressed': False}, 20.0)
    >>> row["schools"][0]["board"], row["schools"][0]["staff"]["suppressed"]
    ({'score': 90.0, 'n': 1}, True)
    """
    board = {(r["motive"], r["organisation"]): r for r in (payload.get("board") or {}).get("motives") or []}
    staff = _staff_rows(payload)
    seen = {m for m, _ in board} | {m for m, _ in staff}
    order = [m for m in MOTIVES if m in seen] + sorted(m for m in seen if m not in MOTIVES)

    def board_cell(motive: str, org: str | None) -> dict[str, Any] | None:
        row = board.get((motive, org))
        if row is None or not _finite(row.get("score")):
            return None
        return {"score": float(row["score"]), "n": int(row["n"])}

    def staff_cell(motive: str, org: str | None) -> dict[str, Any] | None:
        row = staff.get((motive, org))
        if row is None:
            return None
        hidden = bool(row.get("suppressed")) or not _finite(row.get("score"))
        return {
            "score": None if hidden else float(row["score"]),
            "n": None if hidden else row.get("n"),
            "suppressed": hidden,
        }

    result = []
    for motive in order:
        b, s = board_cell(motive, None), staff_cell(motive, None)
        gap = b["score"] - s["score"] if b and s and s["score"] is not None else None
        result.append(
            {
                "motive": motive,
                "board": b,
                "staff": s,
                "gap": gap,
                "schools": [
                    {"organisation": code, "board": board_cell(motive, code), "staff": staff_cell(motive, code)}
                    for code in organisations
                ],
            }
        )
    return result


def drivers(payload: Mapping[str, Any], organisation: str | None = None) -> list[dict[str, Any]]:
    """The motives that drive both parties (shared) and those that drive one and leave the other cold.

    For a school the board is that school's board; its ICT staff are the school's own group when
    released, otherwise the ICT staff of all schools together (``staff_scope`` says which). When no
    board gave motives (older trajects) the anonymous figure of everyone together decides alone.

    Returns
    -------
    list of dict
        ``{"motive", "kind": "shared" | "board_only" | "staff_only" | "all", "board", "staff",
        "staff_scope": "school" | "all"}`` with scores on 0–100 (None where a party has none).

    Examples
    --------
    >>> payload = {"board": {"motives": [{"motive": "quality", "organisation": None, "n": 5, "score": 85.0},
    ...                                  {"motive": "cost", "organisation": None, "n": 5, "score": 90.0}]},
    ...            "motives": [{"construct": "motive_quality", "organisation": None, "role": None, "n": 14,
    ...                         "score": 75.0, "suppressed": False},
    ...                        {"construct": "motive_cost", "organisation": None, "role": None, "n": 14,
    ...                         "score": 40.0, "suppressed": False}]}
    >>> [(d["motive"], d["kind"]) for d in drivers(payload)]
    [('quality', 'shared'), ('cost', 'board_only')]
    """
    rows = by_party(payload, [organisation] if organisation else [])
    found = []
    for row in rows:
        if organisation is None:
            board, staff, scope = row["board"], row["staff"], "all"
        else:
            school = row["schools"][0]
            board = school["board"]
            own = school["staff"]
            visible = own is not None and not own["suppressed"]
            staff, scope = (own, "school") if visible else (row["staff"], "all")
        b = board["score"] if board else None
        s = staff["score"] if staff and not staff["suppressed"] else None
        if b is None and organisation is None and not (payload.get("board") or {}).get("motives"):
            if s is not None and s >= DRIVER:
                found.append({"motive": row["motive"], "kind": "all", "board": None, "staff": s, "staff_scope": scope})
            continue
        if b is None or s is None:
            continue
        if b >= DRIVER and s >= DRIVER:
            kind = "shared"
        elif b >= DRIVER and s < COLD:
            kind = "board_only"
        elif s >= DRIVER and b < COLD:
            kind = "staff_only"
        else:
            continue
        found.append({"motive": row["motive"], "kind": kind, "board": b, "staff": s, "staff_scope": scope})
    return found
