"""View models of the results: tables and charts from a snapshot payload, shared by pages, report and XLSX.

Every table is a dict ``{"key", "title", "columns", "rows", "note"}`` whose cells are already
display values (strings; a suppressed figure is "te weinig respons"), so the HTML page, the PDF
and the XLSX show exactly the same, already safe, figures.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from flask_babel import gettext as _

from analysis.feasibility import CRITERION_NAMES, DOMAINS, FORM_NAMES, FORMS
from analysis.swot import DOMAIN_NAMES, INDEX_NAMES, MOTIVE_NAMES, pooled_foto
from app.i18n import pick, role_label
from app.results import charts
from app.results.format import fmt, language, pct
from surveys.constructs import CONSTRUCTS, INDEX_CONSTRUCTS

INDEX_ORDER = ("draagvlak", "wil", "moet", "kun", "steun", "weerstand")
ROLE_ORDER = ("ict_staff", "ict_lead", "board")
STAFF_CONSTRUCTS = tuple(c for group in INDEX_CONSTRUCTS.values() for c in group) + (
    "normative_commitment",
    "continuance_commitment",
    "benefit_quality",
    "benefit_vulnerability",
    "benefit_cost",
)


def _lang(pair) -> str:
    return pair[1] if language() == "en" else pair[0]


def construct_name(code: str) -> str:
    entry = CONSTRUCTS.get(code)
    if entry is not None:
        return entry[1] if language() == "en" else entry[0]
    if code.startswith("motive_") and code[7:] in MOTIVE_NAMES:
        name = _lang(MOTIVE_NAMES[code[7:]])
        return name[0].upper() + name[1:]
    if code.startswith("consult_") and code[8:] in DOMAIN_NAMES:  # the consultation on the proposals
        return _("Steun voor het voorstel: %(domain)s", domain=domain_name(code[8:]))
    return code


def index_name(code: str) -> str:
    name = _lang(INDEX_NAMES.get(code, (code, code)))
    return name[0].upper() + name[1:]


def domain_name(code: str) -> str:
    name = _lang(DOMAIN_NAMES.get(code, (code, code)))
    return name[0].upper() + name[1:]


def form_name(code: str) -> str:
    name = _lang(FORM_NAMES.get(code, (code, code)))
    return name[0].upper() + name[1:]


def criterion_name(code: str) -> str:
    name = _lang(CRITERION_NAMES.get(code, (code, code)))
    return name[0].upper() + name[1:]


def too_few() -> str:
    return _("te weinig respons")


def value_cell(row: dict | None, key: str = "value", digits: int = 0) -> str:
    if row is None:
        return "–"
    if row.get("suppressed"):
        return too_few()
    return fmt(row.get(key), digits)


def ci_cell(row: dict | None, digits: int = 0) -> str:
    if row is None or row.get("suppressed"):
        return too_few() if row else "–"
    shown = row.get("interval")  # the interval for the group size (docs/statistics.md), when released with it
    if shown is not None and shown.get("method") == "median":
        return _("mediaan %(m)s, n < 10", m=fmt(row.get("median"), digits))
    if shown is not None and shown.get("low") is not None:
        text = f"{fmt(shown['low'], digits)} – {fmt(shown['high'], digits)}"
        return text + " BCa" if shown["method"] == "bca" else text
    if row.get("ci_low") is None:
        return "–"
    return f"{fmt(row['ci_low'], digits)} – {fmt(row['ci_high'], digits)}"


def n_cell(row: dict | None) -> str:
    if row is None:
        return "–"
    return too_few() if row.get("suppressed") else fmt(row.get("n"))


def _table(key, title, columns, rows, note="", numeric=()):
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "rows": rows,
        "note": note,
        "numeric": set(numeric) if numeric else set(range(1, len(columns))),
    }


def org_label(code, names) -> str:
    return _("Alle organisaties") if code is None else names.get(code, code)


def _scale_to_100(row, key):
    value = row.get(key)
    return None if value is None else value


# --- sections -------------------------------------------------------------------------------


def _questionnaire_short(key) -> str:
    """A short name of the instrument, so rows of different questionnaires can be told apart."""
    return (
        {
            "ict_staff": _("ICT-medewerkers"),
            "motives": _("Motieven"),
            "ict_foto": _("ICT-foto"),
            "board_commitment": _("Commitmentverklaring"),
            "ict_users": _("ICT-gebruikers"),
        }.get(key)
        or consultation_label(key)
        or str(key or "–")
    )


def consultation_label(key) -> str | None:
    """`consultatie_v3` (app/services/advice_consultation.py) as words; None for any other key."""
    match = re.fullmatch(r"consultatie_v(\d+)", str(key or ""))
    return _("Consultatie op adviesversie %(n)s", n=int(match.group(1))) if match else None


def response_section(traject, payload) -> dict:
    names = {o.code: o.name for o in traject.organisations}
    rows, chart_rows = [], []
    for r in sorted(
        payload.get("response_rates") or [],
        key=lambda r: (
            str(r.get("questionnaire")),
            str(r.get("organisation")),
            ROLE_ORDER.index(r["role"]) if r.get("role") in ROLE_ORDER else 9,
        ),
    ):
        invited, completed = r.get("invited") or 0, r.get("completed") or 0
        # The release decides (one set of hidden groups for every output, analysis/disclosure.py);
        # identified questionnaires (one respondent per school by design) hide nothing.
        hidden = bool(r.get("suppressed")) or r.get("completed") is None
        rate = completed / invited if invited else None
        label = (
            f"{r.get('organisation') or '–'} · {role_label(r['role'])}" if r.get("role") else str(r.get("organisation"))
        )
        label = f"{_questionnaire_short(r.get('questionnaire'))}: {label}"
        rows.append(
            [
                _questionnaire_short(r.get("questionnaire")),
                org_label(r.get("organisation"), names),
                role_label(r.get("role")),
                fmt(invited),
                too_few() if hidden else fmt(completed),
                too_few() if hidden else pct(rate),
            ]
        )
        chart_rows.append(
            {
                "label": label,
                "value": None if rate is None else rate * 100,
                "n": None if hidden else completed,
                "suppressed": hidden,
            }
        )
    deadline = traject.deadline
    days = (deadline - date.today()).days if deadline else None
    table = _table(
        "respons",
        _("Respons per organisatie en rol"),
        [_("Vragenlijst"), _("Organisatie"), _("Rol"), _("Uitgenodigd"), _("Ingevuld"), _("Respons")],
        rows,
        numeric=(3, 4, 5),
    )
    chart = (
        charts.bar_chart(
            chart_rows,
            _("Respons per organisatie en rol"),
            _("Percentage ingevulde vragenlijsten per organisatie en rol; groepen onder de drempel tonen geen aantal."),
            reference=None,
            label_width=330,
        )
        if chart_rows
        else None
    )
    return {"table": table, "chart": chart, "deadline": deadline, "days": days}


def _index_rows(payload, organisation="*", role="*"):
    return [
        r
        for r in payload.get("indices") or []
        if (organisation == "*" or r.get("organisation") == organisation) and (role == "*" or r.get("role") == role)
    ]


def indices_section(traject, payload) -> dict:
    names = {o.code: o.name for o in traject.organisations}
    rows = payload.get("indices") or []
    groups = (
        [(None, None)]
        + [(o.code, None) for o in traject.organisations]
        + [
            (None, role)
            for role in ROLE_ORDER
            if any(r.get("role") == role and r.get("organisation") is None for r in rows)
        ]
    )
    lookup = {(r.get("index"), r.get("organisation"), r.get("role")): r for r in rows}
    table_rows = []
    for organisation, role in groups:
        label = role_label(role) if role else org_label(organisation, names)
        first = lookup.get(("draagvlak", organisation, role))
        cells = [label, n_cell(first)]
        for index in INDEX_ORDER:
            r = lookup.get((index, organisation, role))
            if r is None or r.get("suppressed"):
                cells.append(value_cell(r))
            else:
                level = r.get("knelpunt_level", "certain" if r.get("knelpunt") else None)
                mark = {"certain": " ▲", "possible": " △"}.get(level, "")
                cells.append(f"{fmt(r['value'])} ({ci_cell(r)}){mark}")
        table_rows.append(cells)
    table = _table(
        "indices",
        _("Draagvlakindices (0–100) met 95%-betrouwbaarheidsinterval"),
        [_("Groep"), "n"] + [index_name(i) for i in INDEX_ORDER],
        table_rows,
        note=_(
            "▲ = zeker knelpunt: het hele interval ligt onder 50; △ = mogelijk knelpunt: alleen de "
            "waarde ligt onder 50 (bij weerstand: 100 − weerstand). Onder n = 10 staat de mediaan in "
            "plaats van een interval; van 10 tot 30 een BCa-bootstrapinterval."
        ),
    )
    overall = [{"label": index_name(i), **_bar(lookup.get((i, None, None)))} for i in INDEX_ORDER]
    by_org = [
        {
            "label": org_label(code, names) if code else _("Alle organisaties"),
            **_bar(lookup.get(("draagvlak", code, None))),
        }
        for code, _r in groups
        if _r is None
    ]
    by_role = [
        {"label": role_label(role), **_bar(lookup.get(("draagvlak", None, role)))}
        for o, role in groups
        if role is not None
    ]
    return {
        "table": table,
        "chart_all": charts.bar_chart(
            overall,
            _("Indices, alle respondenten"),
            _(
                "Waarde van elke index op 0–100 met 95%-betrouwbaarheidsinterval; de stippellijn is de knelpuntgrens 50."
            ),
        )
        if rows
        else None,
        "chart_org": charts.bar_chart(
            by_org,
            _("Draagvlakindex per organisatie"),
            _("Draagvlakindex op 0–100 per organisatie met 95%-betrouwbaarheidsinterval."),
            label_width=250,
        )
        if rows
        else None,
        "chart_role": charts.bar_chart(
            by_role, _("Draagvlakindex per rol"), _("Draagvlakindex op 0–100 per rol met 95%-betrouwbaarheidsinterval.")
        )
        if by_role
        else None,
    }


def _bar(row):
    if row is None:
        return {"value": None, "suppressed": True}
    shown = row.get("interval") or {"low": row.get("ci_low"), "high": row.get("ci_high")}  # none below n = 10
    return {
        "value": row.get("value"),
        "low": shown.get("low"),
        "high": shown.get("high"),
        "n": row.get("n"),
        "suppressed": bool(row.get("suppressed")),
    }


def heatmap_section(traject, payload) -> dict:
    codes = [o.code for o in traject.organisations]
    rows = [
        r for r in payload.get("constructs") or [] if r.get("questionnaire") == "ict_staff" and r.get("role") is None
    ]
    present = {r["construct"] for r in rows}
    constructs = [c for c in STAFF_CONSTRUCTS if c in present]
    lookup = {(r["construct"], r.get("organisation")): r for r in rows}
    columns = [None] + codes
    grid, table_rows = [], []
    for c in constructs:
        line, cells = [], [construct_name(c)]
        for code in columns:
            r = lookup.get((c, code))
            line.append(
                None if r is None else {"value": r.get("score"), "n": r.get("n"), "suppressed": r.get("suppressed")}
            )
            cells.append(value_cell(r, "score") + ("" if r is None or r.get("suppressed") else f" (n = {r.get('n')})"))
        grid.append(line)
        table_rows.append(cells)
    col_labels = [_("Alle")] + codes
    table = _table(
        "heatmap", _("Scores per construct en organisatie (0–100)"), [_("Construct")] + col_labels, table_rows
    )
    chart = (
        charts.heatmap(
            [construct_name(c) for c in constructs],
            col_labels,
            grid,
            _("Scores per construct en organisatie"),
            _(
                "Gemiddelde score op 0–100 per construct (rijen) en organisatie (kolommen); donkerder is hoger. "
                "Bij weerstandsfacetten is hoger ongunstig."
            ),
            label_width=230,
        )
        if constructs
        else None
    )
    return {"table": table, "chart": chart}


def motives_section(traject, payload) -> dict:
    rows = [r for r in payload.get("motives") or [] if r.get("organisation") is None and r.get("role") is None]
    rows.sort(key=lambda r: -(r.get("score") or -1))
    table_rows = [
        [
            construct_name(r["construct"]),
            n_cell(r),
            value_cell(r, "score"),
            value_cell(r, "mean", 2),
            pct(r.get("top2box")) if not r.get("suppressed") else too_few(),
        ]
        for r in rows
    ]
    table = _table(
        "motieven",
        _("Motieven voor samenwerking (anonieme vragenlijst)"),
        [_("Motief"), "n", _("Score (0–100)"), _("Gemiddelde (1–5)"), _("Top-2-box")],
        table_rows,
        numeric=(1, 2, 3, 4),
    )
    chart = (
        charts.bar_chart(
            [
                {
                    "label": construct_name(r["construct"]),
                    "value": r.get("score"),
                    "n": r.get("n"),
                    "suppressed": r.get("suppressed"),
                }
                for r in rows
            ],
            _("Belang van de motieven"),
            _("Score op 0–100 per motief, alle respondenten."),
            reference=None,
        )
        if rows
        else None
    )
    return {"table": table, "chart": chart}


# A board's received trust is shown (to bestuurders, in the report) only when at least this many
# other boards rated it: a bestuurder knows their own rating, and with fewer raters the average
# minus their own would be one other board's individual rating.
MIN_TRUST_RATERS = 3


def _trust_sums_visible(constructs: list[dict]) -> tuple[bool, set]:
    """(total visible, organisations whose given trust is visible) among the released construct
    rows: the board statement's `trust` construct is the mean of what a board gave."""
    total, given = False, set()
    for r in constructs or []:
        if r.get("construct") != "trust" or r.get("suppressed") or r.get("n") is None:
            continue
        if r.get("role") not in (None, "board"):
            continue
        if r.get("organisation") is None:
            total = True
        else:
            given.add(r["organisation"])
    return total, given


def trust_isolates_a_rating(cells: list[dict], shown_targets: set, constructs: list[dict]) -> bool:
    """True when some bestuurder could work out another board's single rating from what is
    shown: the received averages of `shown_targets` (column sums of the trust matrix), the
    visible `trust` construct rows (the total and per-organisation means: row sums) and their own
    ratings (their row). A rank test per viewer: a cell is determined when its unit vector lies in
    the row space of what that viewer knows."""
    import numpy as np

    index = {(c["from"], c["to"]): i for i, c in enumerate(cells)}
    if not index:
        return False
    total, given = _trust_sums_visible(constructs)
    rows = [[1.0 if key[1] == target else 0.0 for key in index] for target in shown_targets]
    rows += [[1.0 if key[0] == org else 0.0 for key in index] for org in given]
    if total:
        rows.append([1.0] * len(index))
    for viewer in {key[0] for key in index} | {key[1] for key in index}:
        known = rows + [[1.0 if key == own else 0.0 for key in index] for own in index if own[0] == viewer]
        if not known:
            continue
        # e_i lies in the row space exactly when the projector onto it has 1 on the diagonal at i
        # (one reduced SVD per viewer: fast also for many schools).
        _, singular, vt = np.linalg.svd(np.array(known), full_matrices=False)
        rank = int((singular > 1e-9 * max(1.0, float(singular.max(initial=0.0)))).sum())
        diagonal = (vt[:rank] ** 2).sum(axis=0)
        for key, i in index.items():
            if key[0] != viewer and diagonal[i] > 1 - 1e-9:
                return True
    return False


def received_trust_rows(cells: list[dict], constructs: list[dict] | None = None) -> list[dict]:
    """Per rated board: the number of other boards that rated it and, when at least
    MIN_TRUST_RATERS did, the mean of their ratings (item scale and 0–100); never a single cell.
    When the shown averages together with the visible totals would let any bestuurder work out
    one other board's rating (e.g. the total minus the shown averages leaves a hidden board with
    two raters, one of them the viewer), every average is hidden."""
    by_target: dict = {}
    for c in cells:
        if c.get("from") == c.get("to") or c.get("mean") is None:
            continue
        by_target.setdefault(c["to"], []).append(c)
    shown_targets = {code for code, got in by_target.items() if len(got) >= MIN_TRUST_RATERS}
    kept = [c for got in by_target.values() for c in got]
    if shown_targets and trust_isolates_a_rating(kept, shown_targets, constructs or []):
        shown_targets = set()
    rows = []
    for code in sorted(by_target, key=str):
        got = by_target[code]
        shown = code in shown_targets
        rows.append(
            {
                "organisation": code,
                "raters": len(got),
                "suppressed": not shown,
                "mean": sum(c["mean"] for c in got) / len(got) if shown else None,
                "score": (
                    sum(c["score"] for c in got if c.get("score") is not None) / len(got)
                    if shown and all(c.get("score") is not None for c in got)
                    else None
                ),
            }
        )
    return rows


def received_trust(traject, cells: list[dict], constructs: list[dict] | None = None):
    """(table, chart) of what each board receives on average from the others."""
    names = {o.code: o.name for o in traject.organisations}
    rows = received_trust_rows(cells, constructs)
    hidden = _("te weinig beoordelaars")
    table_rows = [
        [
            org_label(r["organisation"], names),
            fmt(r["raters"]),
            hidden if r["suppressed"] else fmt(r["mean"], 2),
            hidden if r["suppressed"] else fmt(r["score"]),
        ]
        for r in rows
    ]
    table = _table(
        "vertrouwen",
        _("Vertrouwen dat elk bestuur ontvangt"),
        [_("Bestuur"), _("Beoordelende besturen"), _("Gemiddeld ontvangen (1–5)"), _("Score (0–100)")],
        table_rows,
        numeric=(1, 2, 3),
        note=_(
            "Per bestuur het gemiddelde van wat de andere besturen over het vertrouwen erin "
            "antwoordden; wie wie hoe beoordeelde ziet alleen de regisseur. Met minder dan "
            "%(n)s beoordelende besturen blijft het gemiddelde verborgen.",
            n=MIN_TRUST_RATERS,
        ),
    )
    chart = (
        charts.bar_chart(
            [
                {
                    "label": org_label(r["organisation"], names),
                    "value": r["score"],
                    "n": r["raters"],
                    "suppressed": r["suppressed"],
                }
                for r in rows
            ],
            _("Ontvangen vertrouwen per bestuur"),
            _("Gemiddeld vertrouwen dat elk bestuur van de andere besturen ontvangt, score 0–100."),
            reference=None,
            label_width=250,
        )
        if rows
        else None
    )
    return table, chart


def board_section(traject, payload, *, full_trust: bool = False) -> dict:
    """Board tables; `full_trust` (the regisseur only) shows who rated whom how."""
    names = {o.code: o.name for o in traject.organisations}
    board = payload.get("board") or {}
    gap = sorted(
        board.get("gap") or [],
        key=lambda r: (str(r.get("organisation")), DOMAINS.index(r["domain"]) if r.get("domain") in DOMAINS else 99),
    )
    gap_rows = [
        [
            org_label(r.get("organisation"), names),
            domain_name(r["domain"]),
            fmt(r.get("board")),
            fmt(r.get("board_n")),
            too_few() if r.get("staff_suppressed") else fmt(r.get("staff")),
            too_few() if r.get("staff_suppressed") else fmt(r.get("staff_n")),
            too_few() if r.get("staff_suppressed") else fmt(r.get("gap")),
        ]
        for r in gap
    ]
    gap_table = _table(
        "kloof",
        _("Kloof bestuur–medewerkers per domein (0–100)"),
        [
            _("Organisatie"),
            _("Domein"),
            _("Bestuur: bereidheid"),
            _("n bestuur"),
            _("Medewerkers: steun"),
            _("n medewerkers"),
            _("Verschil"),
        ],
        gap_rows,
        numeric=(2, 3, 4, 5, 6),
        note=_(
            "Verschil = bereidheid bestuur − steun medewerkers; positief: het bestuur wil verder dan de medewerkers."
        ),
    )
    gap_chart = (
        charts.diverging_bars(
            [
                {
                    "label": f"{r.get('organisation')} · {domain_name(r['domain'])}",
                    "value": r.get("gap"),
                    "suppressed": r.get("staff_suppressed"),
                }
                for r in gap
            ],
            _("Kloof bestuur–medewerkers"),
            _(
                "Verschil tussen de bereidheid van het bestuur en de steun van de medewerkers per domein; "
                "rechts wil het bestuur verder, links de medewerkers."
            ),
            left_label=_("← medewerkers willen verder"),
            right_label=_("bestuur wil verder →"),
        )
        if gap
        else None
    )
    autonomy = [r for r in board.get("autonomy") or []]
    auto_rows = [
        [domain_name(r["domain"]), org_label(r.get("organisation"), names), fmt(r.get("n")), fmt(r.get("mean"))]
        for r in sorted(
            autonomy,
            key=lambda r: (
                DOMAINS.index(r["domain"]) if r.get("domain") in DOMAINS else 99,
                r.get("organisation") is not None,
                str(r.get("organisation")),
            ),
        )
    ]
    autonomy_table = _table(
        "autonomie",
        _("Bereidheid van besturen om autonomie op te geven (0–100)"),
        [_("Domein"), _("Organisatie"), "n", _("Gemiddelde")],
        auto_rows,
        numeric=(2, 3),
    )
    autonomy_chart = (
        charts.bar_chart(
            [
                {"label": domain_name(r["domain"]), "value": r.get("mean"), "n": r.get("n")}
                for r in sorted(
                    autonomy, key=lambda r: DOMAINS.index(r["domain"]) if r.get("domain") in DOMAINS else 99
                )
                if r.get("organisation") is None
            ],
            _("Bereidheid autonomie op te geven, per domein"),
            _("Gemiddelde bereidheid van de besturen op 0–100 per domein."),
            reference=60,
        )
        if autonomy
        else None
    )
    trust = board.get("trust") or {}
    cells = trust.get("cells") or []
    codes = [o.code for o in traject.organisations]
    if full_trust:
        # The regisseur: the full matrix, who rated whom how (identified answers of the boards).
        trust_rows = [[c["from"], c["to"], fmt(c.get("n")), fmt(c.get("mean"), 2), fmt(c.get("score"))] for c in cells]
        trust_table = _table(
            "vertrouwen",
            _("Vertrouwen tussen besturen"),
            [_("Van"), _("Naar"), "n", _("Gemiddelde (1–5)"), _("Score (0–100)")],
            trust_rows,
            numeric=(2, 3, 4),
            note=_(
                "Alleen de regisseur ziet wie wie hoe beoordeelde; bestuurders en het rapport "
                "tonen per bestuur alleen het gemiddelde dat het van de andere besturen ontvangt."
            ),
        )
        trust_chart = (
            charts.trust_grid(
                codes,
                cells,
                _("Vertrouwensmatrix"),
                _("Vertrouwen van het bestuur in de rij in het bestuur in de kolom, score 0–100."),
            )
            if cells
            else None
        )
        weakest = trust.get("weakest_link")
    else:
        trust_table, trust_chart = received_trust(traject, cells, payload.get("constructs") or [])
        weakest = None
    commit = board.get("commit_forms") or []
    commit_rows = [
        [org_label(r["organisation"], names), domain_name(r["domain"]), form_name(r["form"]), fmt(r.get("n"))]
        for r in commit
    ]
    commit_table = _table(
        "toezeggingen",
        _("Toegezegde samenwerkingsvorm per organisatie en domein"),
        [_("Organisatie"), _("Domein"), _("Diepste vorm"), "n"],
        commit_rows,
        numeric=(3,),
    )
    return {
        "gap_table": gap_table,
        "gap_chart": gap_chart,
        "autonomy_table": autonomy_table,
        "autonomy_chart": autonomy_chart,
        "trust_table": trust_table,
        "trust_chart": trust_chart,
        "weakest": weakest,
        "commit_table": commit_table,
    }


def distribution_section(traject, payload) -> dict:
    rows = [
        r
        for r in payload.get("constructs") or []
        if r.get("questionnaire") == "ict_staff"
        and r.get("organisation") is None
        and r.get("role") is None
        and r.get("construct") in STAFF_CONSTRUCTS
    ]
    order = {c: i for i, c in enumerate(STAFF_CONSTRUCTS)}
    rows.sort(key=lambda r: order[r["construct"]])
    points = ["1", "2", "3", "4", "5"]
    labels = [_("1 helemaal oneens"), "2", "3", "4", _("5 helemaal eens")]
    table_rows = []
    for r in rows:
        dist = r.get("distribution") or {}
        if r.get("suppressed"):
            table_rows.append([construct_name(r["construct"])] + [too_few()] * 6)
        else:
            table_rows.append([construct_name(r["construct"]), fmt(r.get("n"))] + [fmt(dist.get(p, 0)) for p in points])
    table = _table(
        "verdelingen",
        _("Antwoordverdeling per construct (aantal antwoorden, na omscoren)"),
        [_("Construct"), "n"] + points,
        table_rows,
    )
    chart = (
        charts.stacked_bars(
            [
                {
                    "label": construct_name(r["construct"]),
                    "distribution": r.get("distribution"),
                    "n": r.get("n"),
                    "suppressed": r.get("suppressed"),
                }
                for r in rows
            ],
            points,
            labels,
            _("Antwoordverdeling per construct"),
            _("Aandeel antwoorden per schaalpunt (1–5) per construct, alle ICT-medewerkers."),
            label_width=230,
        )
        if rows
        else None
    )
    return {"table": table, "chart": chart}


def foto_section(traject, payload) -> dict:
    names = {o.code: o.name for o in traject.organisations}
    foto = payload.get("ict_foto") or []
    rows = []
    for r in foto:
        a, d = r.get("answers") or {}, r.get("derived") or {}
        rows.append(
            [
                org_label(r["organisation"], names),
                fmt(a.get("users_students")),
                fmt(a.get("users_staff")),
                fmt(a.get("fte_ict"), 1),
                fmt(d.get("fte_per_1000_pupils"), 2),
                pct(d.get("retiring_share")),
                fmt(a.get("single_person_dependencies")),
                "€ " + fmt(d.get("cost_total")),
                "€ " + fmt(d.get("cost_per_pupil")),
                fmt(d.get("devices_per_pupil"), 2),
            ]
        )
    pooled = pooled_foto(foto)
    if foto:
        rows.append(
            [
                _("Totaal"),
                fmt(pooled["pupils"]),
                fmt(sum((r.get("answers") or {}).get("users_staff") or 0 for r in foto)),
                fmt(pooled["fte"], 1),
                fmt(pooled["fte"] / pooled["pupils"] * 1000 if pooled["fte"] and pooled["pupils"] else None, 2),
                pct(pooled["retiring_share"]),
                fmt(pooled["single_person"]),
                "€ " + fmt(pooled["cost_total"]),
                "€ " + fmt(pooled["cost_per_pupil"]),
                "–",
            ]
        )
    table = _table(
        "ict_foto",
        _("ICT-foto: gebruikers, organisatie en kosten"),
        [
            _("Organisatie"),
            _("Leerlingen"),
            _("Medewerkers"),
            _("ICT-fte"),
            _("Fte per 1.000 leerlingen"),
            _("Pensioen < 5 jaar"),
            _("Eénpersoonsafhankelijkheden"),
            _("Kosten per jaar"),
            _("Kosten per leerling"),
            _("Devices per leerling"),
        ],
        rows,
    )
    systems = []
    for r in foto:
        a = r.get("answers") or {}
        systems.append(
            [org_label(r["organisation"], names)]
            + [_foto_option(k, a.get(k)) for k in ("server_model", "admin_system", "elo", "office_suite", "identity")]
            + [fmt(a.get("service_satisfaction")), fmt(a.get("network_state")), fmt(a.get("servicedesk_hours_week"))]
        )
    systems_table = _table(
        "systemen",
        _("ICT-foto: systemen en dienstverlening"),
        [
            _("Organisatie"),
            _("Servers"),
            _("Administratie"),
            _("ELO"),
            _("Kantoorpakket"),
            _("Identiteit"),
            _("Tevredenheid (1–5)"),
            _("Netwerk (1–5)"),
            _("Servicedesk uur/week"),
        ],
        systems,
        numeric=(6, 7, 8),
    )
    costs = [
        {"label": org_label(r["organisation"], names), "value": (r.get("derived") or {}).get("cost_per_pupil")}
        for r in foto
    ]
    top = max([c["value"] or 0 for c in costs] + [1])
    chart = (
        charts.bar_chart(
            costs,
            _("ICT-kosten per leerling (€)"),
            _("Totale ICT-kosten per jaar gedeeld door het aantal leerlingen, per organisatie."),
            maximum=float(int(top / 100 + 1) * 100),
            reference=pooled["cost_per_pupil"],
            label_width=250,
        )
        if foto
        else None
    )
    return {"table": table, "systems_table": systems_table, "chart": chart, "pooled": pooled}


def preferences_section(traject, payload) -> dict:
    rows = [r for r in payload.get("preferences") or [] if r.get("organisation") is None]
    lookup = {(r["domain"], r["form"]): r for r in rows}
    forms = ["geen"] + list(FORMS)
    table_rows = []
    for domain in DOMAINS:
        if not any((domain, f) in lookup for f in forms):
            continue
        first = next((lookup[(domain, f)] for f in forms if (domain, f) in lookup), None)
        cells = [domain_name(domain), n_cell(first)]
        for f in forms:
            r = lookup.get((domain, f))
            cells.append("–" if r is None else (too_few() if r.get("suppressed") else pct(r.get("share"))))
        table_rows.append(cells)
    table = _table(
        "voorkeuren",
        _("Gewenste samenwerkingsvorm per domein (ICT-medewerkers)"),
        [_("Domein"), "n"] + [form_name(f) for f in forms],
        table_rows,
    )
    return {"table": table}


def dashboard_part(part: str, traject, payload, *, full_trust: bool = False) -> dict:
    """Only the sections one detail page of the dashboard shows (app/results/findings.py)."""
    from app.results import party_views  # it builds on this module's helpers

    builders = {
        "respons": {"response": lambda: response_section(traject, payload)},
        "ict-foto": {
            "foto": lambda: foto_section(traject, payload),
            "users": lambda: party_views.users_section(traject, payload),
        },
        "motieven": {"motives": lambda: motives_section(traject, payload)},
        "draagvlak": {
            "indices": lambda: indices_section(traject, payload),
            "heatmap": lambda: heatmap_section(traject, payload),
            "distributions": lambda: distribution_section(traject, payload),
            "preferences": lambda: preferences_section(traject, payload),
        },
        "bestuur": {"board": lambda: board_section(traject, payload, full_trust=full_trust)},
        "open-antwoorden": {},
    }
    return {key: build() for key, build in builders[part].items()}


def dashboard(traject, payload, *, full_trust: bool = False) -> dict:
    """`full_trust`: the trust matrix of the boards, for the regisseur's page only (never the report).

    No free text: the open answers are read a page at a time from their table (app/results/open_answers.py)."""
    from app.results import party_views  # it builds on this module's helpers

    return {
        "party": party_views.motives_party_section(traject, payload),
        "users": party_views.users_section(traject, payload),
        "response": response_section(traject, payload),
        "indices": indices_section(traject, payload),
        "heatmap": heatmap_section(traject, payload),
        "motives": motives_section(traject, payload),
        "board": board_section(traject, payload, full_trust=full_trust),
        "distributions": distribution_section(traject, payload),
        "foto": foto_section(traject, payload),
        "preferences": preferences_section(traject, payload),
    }


# --- feasibility, SWOT and roadmap tables (report and XLSX) -----------------------------------


def feasibility_table(feas: dict) -> dict:
    by = {(c["domain"], c["form"]): c for c in feas["cells"]}
    recs = {r["domain"]: r for r in feas["recommendations"]}
    rows = []
    for domain in feas["domains"]:
        cells = [domain_name(domain)]
        for form in FORMS:
            c = by[(domain, form)]
            text = fmt(c["score"]) if c["score"] is not None else _("geen score")
            if c["override"]:
                text += " *"
            if c["knockouts"] and not c["override"]:
                text += " ✕"
            cells.append(text)
        cells.append(form_name(recs[domain]["form"]))
        rows.append(cells)
    return _table(
        "haalbaarheid",
        _("Haalbaarheid per domein en samenwerkingsvorm (0–100)"),
        [_("Domein")] + [form_name(f) for f in FORMS] + [_("Advies")],
        rows,
        numeric=(1, 2, 3, 4),
        note=_("✕ = knock-out (niet haalbaar ongeacht de score); * = score overschreven door de regisseur."),
    )


def preconditions_table(feas: dict) -> dict:
    rows = []
    for r in feas["recommendations"]:
        texts = [p["text_en"] if language() == "en" else p["text_nl"] for p in r["preconditions"]]
        blockers = r["next"]["blockers"] if r.get("next") else []
        nxt = "; ".join(b["text_en"] if language() == "en" else b["text_nl"] for b in blockers)
        rows.append(
            [
                domain_name(r["domain"]),
                form_name(r["form"]),
                fmt(r.get("score")),
                "; ".join(texts) or _("geen"),
                (form_name(r["next"]["form"]) + ": " + nxt) if r.get("next") else "–",
            ]
        )
    return _table(
        "voorwaarden",
        _("Advies per domein met voorwaarden"),
        [_("Domein"), _("Aanbevolen vorm"), _("Score"), _("Niet vervulde voorwaarden"), _("Volgende stap")],
        rows,
        numeric=(2,),
    )


@lru_cache(maxsize=1)
def _foto_options() -> dict:
    """{question key: {option value: {"nl", "en"} label}} of the ICT-foto instrument."""
    from surveys.templates import load_template

    return {q.key: {o["value"]: o["label"] for o in (q.options or [])} for q in load_template("ict_foto").questions()}


def _foto_option(key: str, value) -> str:
    """An ICT-foto choice as its label in the reader's language ('somtoday' → 'SOMtoday')."""
    if not value:
        return "–"
    return pick(_foto_options().get(key, {}).get(value)) or str(value)
