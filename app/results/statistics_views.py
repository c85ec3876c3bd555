"""View models of the roll-up note, the differences between schools and the instrument quality page.

All figures come from the latest release's payload (analysis/disclosure.py decided what it shows):
``rollups`` and the disclosure state for the note, ``comparisons`` (only schools the release shows)
and ``item_quality`` (only when the whole group is shown) plus the construct rows' alpha.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from analysis.quality import alpha_note
from app.i18n import role_label
from app.results.format import fmt
from app.results.views import INDEX_ORDER, ci_cell, construct_name, index_name, org_label, too_few
from app.services import rollups

STAFF = "ict_staff"
#: Pairs are listed where the Kruskal–Wallis test of the construct is significant at this level.
ALPHA_LEVEL = 0.05
#: Item–rest correlations below this are marked weak (a common rule of thumb, e.g. Field 2018).
WEAK_ITEM_REST = 0.30


def _names(traject) -> dict:
    return {o.code: o.name for o in traject.organisations}


def _p(value) -> str:
    if value is None:
        return "–"
    return "< " + fmt(0.001, 3) if value < 0.001 else fmt(value, 3)


def pool_label(entry: dict, names: dict) -> str:
    members = ", ".join(names.get(code, code) for code in entry.get("organisations") or [])
    label = _("Kleinere scholen samen (%(scholen)s)", scholen=members)
    return label if entry.get("role") is None else f"{label} · {role_label(entry['role'])}"


def rollup_note(traject, snapshot, payload: dict, key: str = STAFF) -> dict | None:
    """Which per-school groups the release hides and where their respondents are shown instead."""
    if snapshot is None:
        return None
    state = ((snapshot.counts or {}).get("disclosure") or {}).get(key)
    explained = rollups.explanation(payload, state, traject.anonymity_threshold, key)
    return rollup_note_of(traject, explained, payload, key)


def rollup_note_of(traject, explained: list, payload: dict, key: str = STAFF) -> dict:
    """:func:`rollup_note` from the explanation rows themselves (a frozen advice version keeps them)."""
    names = _names(traject)
    pools = [e for e in payload.get("rollups") or [] if e.get("questionnaire") == key]
    role_all = {
        "ict_staff": _("alle ICT-medewerkers samen"),
        "ict_lead": _("alle Hoofden ICT samen"),
        "board": _("alle bestuurders samen"),
    }
    hidden_orgs = {row["organisation"] for row in explained if row["role"] is None}
    merged: dict = {}
    for row in explained:
        # A school hidden as a whole lists its role groups' roll-ups under its own name.
        cell = (row["organisation"], None if row["organisation"] in hidden_orgs else row["role"])
        kinds = merged.setdefault(cell, [])
        for target in row["shown_in"]:
            if target["kind"] == "kleinere_scholen":
                label = pool_label(target, names)
            elif target["kind"] == "per_rol":
                label = role_all.get(target["role"], role_label(target["role"]))
            else:
                label = _("alle respondenten samen")
            order = {"kleinere_scholen": 0, "per_rol": 1}.get(target["kind"], 2)  # smallest roll-up first
            if (order, label) not in kinds:
                kinds.append((order, label))
    hidden: list[dict[str, Any]] = []
    for (org, role), found in merged.items():
        kinds = [label for _order, label in sorted(found, key=lambda item: item[0])]
        group = org_label(org, names) if role is None else f"{org_label(org, names)} · {role_label(role)}"
        same = next((h for h in hidden if h["shown_in"] == kinds), None)  # one line per shared roll-up
        if same is not None:
            same["groups"].append(group)
        else:
            hidden.append({"groups": [group], "shown_in": kinds})
    for h in hidden:
        h["group"] = ", ".join(h["groups"])
    pool_rows = []
    for entry in pools:
        lookup = {r.get("index"): r for r in entry.get("indices") or []}
        cells = []
        for index in INDEX_ORDER:
            r = lookup.get(index)
            cells.append("–" if r is None else f"{fmt(r.get('value'))} ({ci_cell(r)})")
        pool_rows.append({"label": pool_label(entry, names), "n": entry.get("n"), "cells": cells})
    return {
        "hidden": hidden,
        "pools": pool_rows,
        "threshold": traject.anonymity_threshold,
        "index_names": [index_name(i) for i in INDEX_ORDER],
    }


def rollup_note_for(traject, key: str = STAFF) -> dict | None:
    """:func:`rollup_note` of the traject's latest release (for pages that hold no snapshot)."""
    from app.services.indicators import latest_snapshot

    snapshot = latest_snapshot(traject)
    return rollup_note(traject, snapshot, dict(snapshot.payload or {}), key) if snapshot is not None else None


def differences(traject, payload: dict) -> list:
    """Per staff construct: Kruskal–Wallis over the shown schools, and the pairs where it matters."""
    names = _names(traject)
    rows = {
        (r.get("construct"), r.get("organisation")): r
        for r in payload.get("constructs") or []
        if r.get("questionnaire") == STAFF and r.get("role") is None and not r.get("suppressed")
    }

    def spread(construct, org):
        # The answer distribution (answers per scale point): with the median, what a small group shows.
        dist = (rows.get((construct, org)) or {}).get("distribution") or {}
        return " · ".join(fmt(dist[p]) for p in sorted(dist, key=float))

    out = []
    for c in payload.get("comparisons") or []:
        groups = [
            {
                "name": org_label(g["group"], names),
                "n": g["n"],
                "mean": fmt(g["mean"], 2),
                "median": fmt(g["median"], 2),
                "distribution": spread(c.get("construct"), g["group"]),
            }
            for g in c.get("groups") or []
        ]
        entry = {
            "construct": construct_name(c.get("construct") or ""),
            "groups": groups,
            "tested": bool(c.get("tested")),
            "pairs": [],
            "significant": False,
        }
        if not entry["tested"]:
            reason = c.get("reason") or ""
            entry["reason"] = (
                _("Geen verschil te toetsen: alle antwoorden zijn gelijk.")
                if reason == "no variation"
                else _("Te weinig getoonde scholen (minstens twee nodig) om te vergelijken.")
            )
        else:
            entry.update(
                h=fmt(c["h"], 2), df=c["df"], p=_p(c["p"]), eta2=fmt(c["eta2_h"], 2), significant=c["p"] < ALPHA_LEVEL
            )
            if entry["significant"]:
                entry["pairs"] = [
                    {
                        "a": org_label(p["a"], names),
                        "b": org_label(p["b"], names),
                        "n": f"{p['n_a']} / {p['n_b']}",
                        "u": fmt(p["u"], 1),
                        "r": fmt(p["r_rb"], 2),
                        "p": _p(p["p"]),
                        "p_holm": _p(p["p_holm"]),
                        "matters": p["p_holm"] < ALPHA_LEVEL,
                    }
                    for p in c.get("pairs") or []
                ]
        out.append(entry)
    return out


def _question_text(instruments: dict, key: str, question: str) -> str:
    from app.i18n import pick

    instrument = instruments.get(key)
    q = instrument.questions.get(question) if instrument is not None else None
    return pick(q.text) if q is not None and getattr(q, "text", None) else question


def quality(traject, payload: dict) -> list:
    """Per instrument and construct: alpha (with its complete respondents) and item–rest correlations."""
    from app.services.indicators import instruments as traject_instruments

    instruments = traject_instruments(traject)
    by_group: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for r in payload.get("constructs") or []:
        if r.get("organisation") is not None and r.get("role") is None:
            by_group.setdefault((r.get("questionnaire"), r.get("construct")), []).append(r)
    names = _names(traject)
    out = []
    for row in payload.get("item_quality") or []:
        note = alpha_note(row.get("alpha"), row.get("alpha_n"))
        schools = []
        for r in sorted(
            by_group.get((row["questionnaire"], row["construct"]), []), key=lambda r: str(r["organisation"])
        ):
            if r.get("suppressed"):
                schools.append({"name": org_label(r["organisation"], names), "alpha": too_few(), "n": "", "note": None})
            else:
                schools.append(
                    {
                        "name": org_label(r["organisation"], names),
                        "alpha": fmt(r.get("alpha"), 2),
                        "n": fmt(r.get("alpha_n")),
                        "note": alpha_note(r.get("alpha"), r.get("alpha_n")),
                    }
                )
        ci = row.get("alpha_ci")
        out.append(
            {
                "questionnaire": row["questionnaire"],
                "construct": construct_name(row["construct"]),
                "alpha": fmt(row.get("alpha"), 2),
                "alpha_ci": f"{fmt(ci[0], 2)} – {fmt(ci[1], 2)}" if ci else "–",
                "alpha_n": row.get("alpha_n"),
                "n": row.get("n"),
                "note": note,
                "items": [
                    {
                        "text": _question_text(instruments, row["questionnaire"], i["question"]),
                        "r": fmt(i.get("item_rest"), 2),
                        "mean": fmt(i.get("mean"), 2),
                        "n": i.get("n"),
                        "weak": i.get("item_rest") is not None and i["item_rest"] < WEAK_ITEM_REST,
                        "reverse": bool(i.get("reverse")),
                    }
                    for i in row.get("items") or []
                ],
                "schools": schools,
            }
        )
    return out


def publish_preview(questionnaire) -> dict | None:
    """The publish page's preview: per group, shown or rolled up at each previewed response rate."""
    from app.services.rollups import preview_for

    found = preview_for(questionnaire)
    if found is None:
        return None
    traject = questionnaire.traject
    names = _names(traject)
    rows: dict = {}
    for scenario in found["scenarios"]:
        for g in scenario["groups"]:
            key = (g["organisation"], g["role"])
            label = (
                org_label(g["organisation"], names)
                if g["role"] is None
                else f"{org_label(g['organisation'], names)} · {role_label(g['role'])}"
            )
            row = rows.setdefault(key, {"label": label, "cells": []})
            if g["shown"]:
                row["cells"].append(_("getoond (n = %(n)s)", n=g["n"]))
            elif g["reason"] == "below_threshold":
                row["cells"].append(_("samengevoegd: minder dan %(k)s", k=found["threshold"]))
            else:
                row["cells"].append(_("samengevoegd: zou een kleine groep verraden"))
    # A role group with the same figures as its whole school (or all schools) adds nothing.
    rows = {c: r for c, r in rows.items() if c[1] is None or rows.get((c[0], None), {}).get("cells") != r["cells"]}
    order = sorted(rows, key=lambda c: (c[0] is not None, str(c[0]), c[1] is not None, str(c[1])))
    pools = [[pool_label(p, names) + f" (n = {p['n']})" for p in scenario["pools"]] for scenario in found["scenarios"]]
    return {
        "listed": found["listed"],
        "threshold": found["threshold"],
        "rates": [fmt(s["rate"] * 100) + "%" for s in found["scenarios"]],
        "rows": [rows[c] for c in order],
        "pools": pools,
    }
