"""The advice report: ONE document (app/services/advice_document.py) presented as HTML, PDF and XLSX.

`report_context(document)` turns the document into display values in the reader's language; the
on-screen page, the print template (WeasyPrint) and the XLSX writer all take that context. The
live report presents the traject's current document; a published version presents its frozen one
and its files are built once (`build_version_files`). No route module is imported here.
"""

from __future__ import annotations

import io
import os
from datetime import UTC, date, datetime
from types import SimpleNamespace

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from analysis.feasibility import FORMS, UNKNOWN
from app.extensions import db
from app.jobs import enqueue, retry_job, stuck
from app.models import Job, Traject
from app.models.advice import CHAPTERS, Report
from app.results import charts, views
from app.results.format import fmt, language
from app.results.swot_words import item_label
from app.services import advice, advice_document

REPORT_TASK = "worker.tasks.reports.build_report"
#: Headings every report carries (the summary, the case's three steps, the annexes)
SECTION_TITLES = (
    "Samenvatting",
    "Stap 1 · ICT-foto",
    "Stap 2 · Motieven",
    "Stap 3 · Voorstellen",
    "Bijlage A",
    "Bijlage B",
    "Bijlage C · Methode en anonimiteit",
)
NBSP = "\u00a0"


def report_dir(traject: Traject) -> str:
    base = current_app.config.get("REPORT_DIR") or os.path.join(current_app.instance_path, "reports")
    path = os.path.join(base, str(traject.id))
    os.makedirs(path, exist_ok=True)
    return path


# --- labels (the report's own; it never reaches into route modules) --------------------------


def horizon_label(h: str) -> str:
    return {"kort": _("Korte termijn"), "middellang": _("Middellange termijn"), "lang": _("Lange termijn")}.get(h, h)


def status_label(s: str) -> str:
    return {"open": _("Open"), "bezig": _("Bezig"), "klaar": _("Klaar")}.get(s, s)


def chapter_title(chapter: str) -> str:
    return {
        "samenvatting": _("Samenvatting"),
        "ict_foto": _("Stap 1 · ICT-foto: de huidige situatie"),
        "analyse": _("Stap 2 · Motieven, draagvlak en sterkte-zwakte"),
        "voorstellen": _("Stap 3 · Voorstellen: stap voor stap samenwerken"),
    }.get(chapter, chapter)


def quadrant_label(q: str) -> str:
    return {"S": _("Sterkte"), "W": _("Zwakte"), "O": _("Kans"), "T": _("Bedreiging")}.get(q, q)


def decision_label(d: str) -> str:
    return {
        "yes": _("Ja"),
        "yes_with_conditions": _("Ja, onder voorwaarden"),
        "no": _("Nee"),
        "deferred": _("Aangehouden"),
    }.get(d, d)


def mr_outcome_label(o: str | None) -> str:
    return {
        "positief": _("Positief"),
        "negatief": _("Negatief"),
        "onder_voorwaarden": _("Onder voorwaarden"),
        "nog_niet_ontvangen": _("Nog niet ontvangen"),
        None: "–",
    }.get(o, o)


def _text(item: dict, nl: str = "text_nl", en: str = "text_en") -> str:
    return item.get(en) if language() == "en" and item.get(en) else item.get(nl, "")


def action_title(a: dict) -> str:
    return a.get("title_en") if language() == "en" and a.get("title_en") and a.get("key") else a.get("title", "")


def item_source(item: dict) -> str:
    if item.get("source") == "auto":
        return _("afgeleid uit de resultaten")
    if (item.get("rule") or "").startswith(("default.", "case.")):
        return _("uit de casus")
    if (item.get("rule") or "").startswith("suggestie."):
        return _("suggestie uit de sector")
    return _("eigen punt")


def amounts(cell):
    """Amounts stay on one line: a non-breaking space after the euro sign and inside ranges."""
    if not isinstance(cell, str):
        return cell
    return cell.replace("€ ", "€" + NBSP).replace(" – ", NBSP + "–" + NBSP)


def _clean_table(table: dict) -> dict:
    table = dict(table)
    table["rows"] = [[amounts(c) for c in row] for row in table["rows"]]
    return table


def _table(key, title, columns, rows, note="", numeric=None, widths=None):
    t = views._table(key, title, columns, rows, note=note, numeric=numeric or ())
    if numeric is not None:
        t["numeric"] = set(numeric)  # () means: no numeric column (views reads it as "all but the first")
    t["widths"] = widths or []
    return t


def caption(svg) -> str:
    """The visible caption of a chart: its accessible title."""
    import re

    found = re.search(r"<title[^>]*>(.*?)</title>", str(svg or ""), re.S)
    from markupsafe import Markup

    # The title text comes from charts._svg, which escaped it before joining: already safe markup.
    return Markup(found.group(1)) if found else ""  # nosec B704  # escaped by charts._svg


def chart_height(svg) -> int:
    import re

    found = re.search(r'viewBox="0 0 \d+ (\d+)"', str(svg or ""))
    return int(found.group(1)) if found else 0


# --- the context ----------------------------------------------------------------------------


def _traject_view(document: dict):
    t = document["traject"]
    deadline = date.fromisoformat(t["deadline"][:10]) if t.get("deadline") else None
    return SimpleNamespace(
        id=t["id"],
        name=t["name"],
        anonymity_threshold=t["anonymity_threshold"],
        comment_threshold=t["comment_threshold"],
        deadline=deadline,
        organisations=[SimpleNamespace(**o) for o in t["organisations"]],
    )


def _headline(payload: dict) -> dict | None:
    rows = [r for r in payload.get("indices") or [] if r.get("index") == "draagvlak" and r.get("organisation") is None]
    chosen = [r for r in rows if r.get("role") == "ict_staff"] or [r for r in rows if r.get("role") is None]
    if not chosen:
        return None
    r = chosen[0]
    if r.get("suppressed") or r.get("value") is None:
        return {"suppressed": True, "value": None, "n": None, "ci": None}
    ci = f"{fmt(r['ci_low'])}–{fmt(r['ci_high'])}" if r.get("ci_low") is not None else None
    return {"suppressed": False, "value": fmt(r["value"]), "n": r.get("n"), "ci": ci, "knelpunt": r["value"] < 50}


def _why(cell: dict | None) -> str:
    """The criteria that carry and that hold back a cell's score, from its contributions."""
    if not cell or cell.get("score") is None or not cell.get("contributions"):
        return ""
    ranked = sorted(cell["contributions"], key=lambda c: -c["value"])
    high = ", ".join(f"{views.criterion_name(c['criterion']).lower()} ({fmt(c['value'])})" for c in ranked[:2])
    low = ranked[-1]
    text = _("Sterkst: %(high)s.", high=high)
    if low["value"] < 50:
        weakest = f"{views.criterion_name(low['criterion']).lower()} ({fmt(low['value'])})"
        text += " " + _("Zwakst: %(low)s.", low=weakest)
    return text


def support_text(cell: dict | None) -> str:
    if not cell or cell.get("suppressed") or cell.get("score") is None:
        return _("te weinig respons")
    return _("%(s)s (n = %(n)s)", s=fmt(cell["score"]), n=cell["n"])


def recommendation_rows(document: dict) -> list[dict]:
    rows = []
    cells = {(c["domain"], c["form"]): c for c in document.get("feasibility", {}).get("cells", [])}
    consultation = document.get("previous_consultation") or {}
    consulted = {p["domain"]: p for p in consultation.get("proposals") or []}
    for r in document.get("recommendations", []):
        conditions = [_text(c) for c in r.get("conditions", [])]
        if r["form"] == "geen" and r.get("next"):
            conditions = [_text(b) for b in r["next"].get("blockers", [])]
        voice = consulted.get(r["domain"])
        rows.append(
            {
                "why": _why(cells.get((r["domain"], r["form"]))),
                "consulted": None
                if voice is None
                else _(
                    "Consultatie op versie %(v)s (%(form)s): steun %(all)s; ICT-medewerkers %(staff)s; besturen %(board)s.",
                    v=consultation["version"],
                    form=views.form_name(voice["form"]).lower(),
                    all=support_text(voice["all"]),
                    staff=support_text(voice["ict_staff"]),
                    board=support_text(voice["board"]),
                ),
                "domain": views.domain_name(r["domain"]),
                "code": r["domain"],
                "form": views.form_name(r["form"]),
                "insufficient": r["form"] == UNKNOWN,
                "score": fmt(r.get("score")),
                "conditions": conditions,
                "next": (views.form_name(r["next"]["form"]), [_text(b) for b in r["next"].get("blockers", [])])
                if r.get("next") and r["form"] not in ("geen", UNKNOWN)
                else None,
            }
        )
    return rows


def _risks(document: dict) -> list[str]:
    swot = document["swot"]
    items = {i["id"]: i for scope in swot["scopes"] if scope["organisation"] is None for i in scope["items"]}
    risks = [
        _text(items[a["item"]])
        for a in swot["confrontation"]["attention"]
        if a["item"] in items and items[a["item"]]["quadrant"] in ("W", "T")
    ]
    if not risks:
        chosen = [i for i in items.values() if i["quadrant"] in ("W", "T") and i["selected"]] or [
            i for i in items.values() if i["quadrant"] in ("W", "T") and i["source"] == "auto"
        ]
        risks = [_text(i) for i in chosen]
    return risks[:5]


def _swot_tables(document: dict, names: dict) -> list[dict]:
    tables = []
    for scope in document["swot"]["scopes"]:
        items = scope["items"]
        chosen = [i for i in items if i["selected"]] or (
            [i for i in items] if scope["organisation"] is None else [i for i in items if i["source"] == "auto"]
        )
        order = {"S": 0, "W": 1, "O": 2, "T": 3}
        rows = [
            [quadrant_label(i["quadrant"]), _text(i), item_source(i)]
            for i in sorted(chosen, key=lambda i: order.get(i["quadrant"], 9))
        ]
        if not rows and scope["organisation"] is not None:
            continue
        org = scope["organisation"]
        title = _("SWOT: hele traject") if org is None else _("SWOT: %(org)s", org=names.get(org, org))
        tables.append(
            _table(
                f"swot_{org or 'traject'}",
                title,
                [_("Kwadrant"), _("Punt"), _("Bron")],
                rows,
                numeric=(),
                widths=[16, 62, 22],
            )
        )
    return tables


def _confrontation(document: dict):
    swot = document["swot"]
    items = {i["id"]: i for scope in swot["scopes"] for i in scope["items"]}
    c = swot["confrontation"]
    internal = [items[i] for i in c["internal"] if i in items]
    external = [items[i] for i in c["external"] if i in items]
    if not internal or not external:
        return None, []
    scores = {(a, b): s for a, b, s in c["scores"]}
    labels = {e["id"]: item_label(e["quadrant"], k + 1) for k, e in enumerate(external)}
    columns = [_("Intern \\ extern")] + [labels[e["id"]] for e in external] + [_("Som")]
    rows = [
        [f"{quadrant_label(i['quadrant'])}: {_text(i)}"]
        + [f"{scores.get((i['id'], e['id']), 0):+d}" for e in external]
        + [f"{c['rows'].get(str(i['id']), 0):+d}"]
        for i in internal
    ]
    rows.append([_("Som")] + [f"{c['columns'].get(str(e['id']), 0):+d}" for e in external] + [str(c["total"])])
    legend = [(labels[e["id"]], quadrant_label(e["quadrant"]), _text(e)) for e in external]
    return _table("confrontatie", _("Confrontatiematrix"), columns, rows), legend


def _feasibility_table(document: dict) -> dict:
    feas = document["feasibility"]
    by = {(c["domain"], c["form"]): c for c in feas["cells"]}
    recs = {r["domain"]: r for r in document["recommendations"]}
    rows = []
    for domain in feas["domains"]:
        cells = [views.domain_name(domain)]
        for form in FORMS:
            c = by[(domain, form)]
            text = fmt(c["score"]) if c["score"] is not None else _("onvoldoende gegevens")
            if c["override"]:
                text += " *"
            if c["knockouts"] and not c["override"]:
                text += " ✕"
            cells.append(text)
        cells.append(views.form_name(recs[domain]["form"]))
        rows.append(cells)
    return _table(
        "haalbaarheid",
        _("Haalbaarheid per domein en samenwerkingsvorm (0–100)"),
        [_("Domein")] + [views.form_name(f) for f in FORMS] + [_("Advies")],
        rows,
        numeric=(1, 2, 3, 4),
        note=_(
            "✕ = niet haalbaar ongeacht de score (een harde voorwaarde is niet vervuld); * = score "
            "overschreven door de regisseur. Ontbrekende gegevens tellen niet mee: de gewichten van "
            "de overige criteria worden herverdeeld."
        ),
    )


def _conditions_table(document: dict) -> dict:
    rows = []
    for r in recommendation_rows(document):
        rows.append(
            [
                r["domain"],
                r["form"] + (f" ({r['score']})" if r["score"] != "–" else ""),
                "\n".join(r["conditions"]) or _("Alle voorwaarden zijn vervuld."),
            ]
        )
    return _table(
        "voorwaarden",
        _("Advies per domein met de open voorwaarden"),
        [_("Domein"), _("Advies"), _("Open voorwaarden")],
        rows,
        numeric=(),
        widths=[23, 21, 56],
    )


def _roadmap_table(document: dict) -> dict:
    actions = document["roadmap"]
    by_id = {a["id"]: a for a in actions}
    rows = [
        [
            action_title(a),
            horizon_label(a["horizon"]),
            a.get("quarter") or "–",
            a.get("owner") or "–",
            "\n".join(action_title(by_id[d]) for d in a.get("depends_on") or [] if d in by_id) or "–",
        ]
        for a in actions
    ]
    return _table(
        "routekaart",
        _("Routekaart"),
        [_("Actie"), _("Termijn"), _("Kwartaal"), _("Eigenaar"), _("Hangt af van")],
        rows,
        numeric=(),
        widths=[40, 14, 10, 12, 24],
    )


def _timeline(document: dict):
    actions = [a for a in document["roadmap"] if a.get("quarter")]
    if not actions:
        return None
    from analysis.roadmap import quarter_add

    present = sorted({a["quarter"] for a in actions})
    span, q = [], present[0]
    while q <= present[-1] and len(span) < 16:
        span.append(q)
        q = quarter_add(q, 1)
    # A long roadmap is drawn narrower per quarter, so the figure stays inside the page margins.
    return charts.timeline(
        [
            {"label": action_title(a), "quarter": a["quarter"], "horizon": a["horizon"], "status": a["status"]}
            for a in actions
            if a["quarter"] in span
        ],
        span,
        _("Tijdlijn van de routekaart"),
        _("Elke actie in het kwartaal waarin ze gepland is; donkerder is een langere termijn."),
        label_width=340,
    )


def _disclosure_rows(document: dict) -> list:
    """How the figures were released, who handed out the links, who was added late (docs/privacy.md)."""
    t, snapshot = document["traject"], document.get("snapshot") or {}
    rows = []
    if snapshot.get("released_on"):
        rows.append(
            [
                _("Vrijgave"),
                _(
                    "De cijfers komen uit vrijgave %(nr)s van %(d)s. Een nieuwe vrijgave komt er pas als elke getoonde groep ten minste %(k)s nieuwe antwoorden heeft (of de vragenlijst sluit), en elke vrijgave is tegen alle eerdere gecontroleerd: geen verschil tussen twee uitkomsten wijst een kleine groep aan.",
                    nr=snapshot.get("number") or "–",
                    d=iso_date(snapshot["released_on"][:10]),
                    k=t["anonymity_threshold"],
                ),
            ]
        )
    late = t.get("added_after_publishing") or {}
    if late:
        rows.append(
            [
                _("Deelnemerslijst"),
                _(
                    "Na het publiceren zijn deelnemers toegevoegd: %(list)s. Hun antwoorden tellen mee, maar kunnen een kleine groep niet zichtbaar maken; de bestuurder van elke school ziet de deelnemerslijst van de eigen school.",
                    list=", ".join(f"{code or '–'} {n}" for code, n in sorted(late.items(), key=lambda x: str(x[0]))),
                ),
            ]
        )
    if t.get("self_distribution"):
        rows.append([_("Verspreiding van de links"), t["self_distribution"]])
    return rows


def _method_table(traject, document: dict | None = None) -> dict:
    rows = [
        [_("Anonimiteitsdrempel"), _("%(n)s respondenten per groep", n=traject.anonymity_threshold)],
        [_("Drempel open antwoorden"), _("%(n)s respondenten per groep", n=traject.comment_threshold)],
        [
            _("Onderdrukking"),
            _(
                "Groepen onder de drempel tonen „te weinig respons”; aanvullende onderdrukking voorkomt terugrekenen uit totalen."
            ),
        ],
        [_("Betrouwbaarheidsintervallen"), _("95%-t-interval van het gemiddelde; Cronbachs alfa met Feldt-interval.")],
        [
            _("Draagvlakindex"),
            _("0,30·WIL + 0,15·MOET + 0,20·KUN + 0,20·STEUN + 0,15·(100 − WEERSTAND); onder 50 is een knelpunt."),
        ],
        [
            _("Ontbrekende gegevens"),
            _(
                "Een criterium zonder gegevens telt niet mee in de haalbaarheid (de andere gewichten worden herverdeeld) en staat als open voorwaarde bij het advies; met minder dan de helft van het gewicht onderbouwd krijgt een vorm geen score."
            ),
        ],
    ]
    rows += _disclosure_rows(document) if document is not None else []
    return _table(
        "methode", _("Methode en anonimiteit"), [_("Onderwerp"), _("Toelichting")], rows, numeric=(), widths=[30, 70]
    )


def _outcome_tables(outcome: dict | None, names: dict) -> list[dict]:
    """Decisions per school and agreement per domain, from `advice_versions.outcome_json`."""
    if not outcome:
        return []
    rows = []
    for s in outcome["schools"]:
        d, mr = s.get("decision"), s.get("mr")
        conditions = ""
        if d is not None:
            conditions = "\n".join(
                [d["conditions"]]
                + [f"{views.domain_name(k)}: {v}" for k, v in sorted((d.get("domain_conditions") or {}).items())]
            ).strip()
            if d.get("motivation"):
                conditions = (conditions + "\n" if conditions else "") + _("Motivering: %(m)s", m=d["motivation"])
        council = ""
        if mr:
            council = f"{mr['council'].upper()}: {mr_outcome_label(mr['outcome'])}"
            if mr.get("received_on"):
                council += f" ({iso_date(mr['received_on'])})"
            if mr.get("staff_move"):
                council += f"\nPMR: {mr_outcome_label(mr.get('pmr_outcome'))}"
        rows.append(
            [
                s["name"],
                (decision_label(d["decision"]) if d else _("Nog geen besluit"))
                + ("" if s.get("final") or not d or d["decision"] == "deferred" else "\n" + _("nog niet definitief")),
                conditions or "–",
                (
                    f"{d['signed_name']}, {d['signed_function']}\n{iso_date(d['signed_on'])}".replace(", \n", "\n")
                    if d
                    else "–"
                ),
                council or _("Nog niet voorgelegd"),
            ]
        )
    decisions = _table(
        "besluiten",
        _("Intentiebesluiten over versie %(n)s per school", n=outcome["number"]),
        [_("School"), _("Besluit"), _("Voorwaarden"), _("Ondertekend"), _("Medezeggenschap")],
        rows,
        numeric=(),
        widths=[19, 14, 30, 17, 20],
        note=outcome["line"] + ".",
    )
    agreement = [
        [
            views.domain_name(a["domain"]),
            views.form_name(a["form"]),
            ", ".join(names.get(c, c) for c in a["agree"]) or "–",
            ", ".join(names.get(c, c) for c in a["conditional"]) or "–",
            ", ".join(names.get(c, c) for c in a["disagree"]) or "–",
        ]
        for a in outcome["domains"]
    ]
    per_domain = _table(
        "instemming",
        _("Instemming per domein met de aanbevolen vorm (versie %(n)s)", n=outcome["number"]),
        [_("Domein"), _("Advies"), _("Akkoord"), _("Onder voorwaarden"), _("Niet akkoord")],
        agreement,
        numeric=(),
        widths=[16, 18, 24, 22, 20],
    )
    return [decisions, per_domain]


def iso_date(value) -> str:
    """A date from the document (ISO text) in the reader's format; '–' when absent."""
    if not value:
        return "–"
    from flask_babel import format_date

    return format_date(date.fromisoformat(str(value)[:10]), "long")


def _consultation_table(consultation: dict | None) -> dict | None:
    if not consultation:
        return None
    rows = [
        [
            views.domain_name(p["domain"]),
            views.form_name(p["form"]),
            support_text(p["all"]),
            support_text(p["ict_staff"]),
            support_text(p["board"]),
        ]
        for p in consultation["proposals"]
    ]
    return _table(
        "consultatie",
        _("Draagvlak per voorstel van versie %(n)s (0–100, met n)", n=consultation["version"]),
        [_("Domein"), _("Voorstel"), _("Iedereen"), _("ICT-medewerkers"), _("Besturen")],
        rows,
        numeric=(2, 3, 4),
        widths=[20, 20, 20, 20, 20],
        note=_("Groepen met minder dan %(t)s respondenten tonen „te weinig respons”.", t=consultation["threshold"]),
    )


def _foto_key_table(payload: dict, names: dict) -> dict | None:
    from app.results.format import pct

    foto = payload.get("ict_foto") or []
    if not foto:
        return None
    rows = []
    for r in foto:
        a, d = r.get("answers") or {}, r.get("derived") or {}
        rows.append(
            [
                names.get(r.get("organisation"), r.get("organisation")),
                fmt(a.get("users_students")),
                fmt(a.get("fte_ict"), 1),
                pct(d.get("retiring_share")),
                fmt(a.get("single_person_dependencies")),
                "€ " + fmt(d.get("cost_per_pupil")),
            ]
        )
    return _table(
        "foto_kern",
        _("Kerncijfers per school"),
        [
            _("School"),
            _("Leerlingen"),
            _("ICT-fte"),
            _("ICT-fte met pensioen binnen 5 jaar"),
            _("Taken die één persoon kent"),
            _("ICT-kosten per leerling"),
        ],
        rows,
        numeric=(1, 2, 3, 4, 5),
    )


def _rollup(traject, snapshot: dict | None, payload: dict) -> dict | None:
    """The roll-up note of the document's own release (None in versions frozen before it was kept)."""
    if not snapshot or snapshot.get("rollup_explanation") is None:
        return None
    from app.results.statistics_views import rollup_note_of

    return rollup_note_of(traject, snapshot["rollup_explanation"], payload)


def _rollup_table(rollup: dict) -> dict:
    """The roll-up note as a table for the XLSX: each hidden group and the groups that include it."""
    rows = [[h["group"], "; ".join(h["shown_in"]) or _("niet apart of samen te tonen")] for h in rollup["hidden"]]
    rows += [[p["label"], _("extra groep, n = %(n)s", n=p["n"])] for p in rollup["pools"]]
    return _table(
        "rollups",
        _("Kleine groepen samengevoegd"),
        [_("Groep"), _("Telt mee in")],
        rows,
        note=_(
            "Groepen met minder dan %(k)s respondenten tonen geen cijfers, en soms ook een iets grotere groep, zodat "
            "niemand een kleine groep kan terugrekenen uit de totalen. Hun antwoorden tellen wel mee in de grotere groepen.",
            k=rollup["threshold"],
        ),
    )


def report_context(document: dict, *, version=None, outcome: dict | None = None) -> dict:
    """Display values of one advice document (suppression was applied when the snapshot was made)."""
    traject = _traject_view(document)
    snapshot = document.get("snapshot")
    payload = (snapshot or {}).get("payload") or {}
    names = {o.code: o.name for o in traject.organisations}
    d = views.dashboard(traject, payload)
    confrontation_table, legend = _confrontation(document)
    swot_tables = _swot_tables(document, names)
    feasibility_table, conditions_table = _feasibility_table(document), _conditions_table(document)
    roadmap_table, method_table = _roadmap_table(document), _method_table(traject, document)
    outcome = outcome if outcome is not None else document.get("previous_outcome")
    if outcome and outcome.get("summary"):
        # The frozen line is Dutch; say it again in the reader's language (the document stays as it is).
        from app.services.advice_versions import summary_line

        outcome = dict(outcome, line=summary_line(outcome["summary"], len(outcome["schools"]), language()))
    outcome_tables = _outcome_tables(outcome, names)
    consultation_table = _consultation_table(document.get("previous_consultation"))
    if consultation_table:
        outcome_tables = outcome_tables + [consultation_table]
    foto_key = _foto_key_table(payload, names)
    rollup = _rollup(traject, snapshot, payload)
    dashboard_tables = [
        d["foto"]["table"],
        d["foto"]["systems_table"],
        d["users"]["table"],
        d["motives"]["table"],
        d["party"]["table"],
        d["indices"]["table"],
        d["heatmap"]["table"],
        d["distributions"]["table"],
        d["preferences"]["table"],
        d["board"]["gap_table"],
        d["board"]["autonomy_table"],
        d["board"]["trust_table"],
        d["board"]["commit_table"],
        d["response"]["table"],
    ]
    from app.stakeholders.report import involvement_context

    involvement = involvement_context(document)  # the grid, log and concerns; None in older versions
    tables = [
        _clean_table(t)
        for t in [conditions_table, *dashboard_tables, *swot_tables]
        + ([confrontation_table] if confrontation_table else [])
        + (involvement["tables"] if involvement else [])
        + [feasibility_table, roadmap_table, *outcome_tables, method_table]
        + ([_rollup_table(rollup)] if rollup and (rollup["hidden"] or rollup["pools"]) else [])
    ]
    texts = document.get("texts") or {}
    overrides = document["feasibility"].get("overrides") or []
    gap_texts = [_text(g) for g in document.get("gaps") or []]
    published = document.get("version") or {}
    return {
        "document": document,
        "traject": traject,
        "snapshot": snapshot,
        "d": d,
        "views": views,
        "fmt": fmt,
        "recommendations": recommendation_rows(document),
        "headline": _headline(payload),
        "risks": _risks(document),
        "gaps": gap_texts,
        "texts": {c: texts.get(c, "") for c in CHAPTERS},
        "chapter_title": chapter_title,
        "swot_tables": [_clean_table(t) for t in swot_tables],
        "confrontation_table": confrontation_table,
        "legend": legend,
        "feasibility_table": feasibility_table,
        "conditions_table": conditions_table,
        "roadmap_table": roadmap_table,
        "method_table": method_table,
        "timeline": _timeline(document),
        "overrides": overrides,
        "outcome": outcome,
        "foto_key": foto_key,
        "rollup": rollup,
        "outcome_tables": outcome_tables,
        "tables": tables,
        "by_key": {t["key"]: t for t in tables},
        "involvement": involvement,
        "version": version,
        "published": published,
        "note": document.get("note") or "",
        "generated": datetime.now(UTC),
        "too_few": _("te weinig respons"),
        "amounts": amounts,
        "iso_date": iso_date,
        "caption": caption,
        "chart_height": chart_height,
    }


def render_print_html(context: dict) -> str:
    return render_template("results/report_print.html", **context)


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    static = current_app.static_folder
    return HTML(string=html, base_url=static + "/").write_pdf(
        stylesheets=[CSS(filename=os.path.join(static, "report_print.css"))]
    )


def render_xlsx(context: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    try:  # formula safety (another module's): a user text never becomes a formula
        from app.services.cells import safe_cell
    except ImportError:  # not there yet: every value is written as a plain string
        safe_cell = None

    def text(value) -> str:
        # Control characters (from names stored before input was checked) are illegal in XLSX.
        return ILLEGAL_CHARACTERS_RE.sub("", str(value)).replace(NBSP, " ")

    def clean(value):
        # Every cell is user-visible text; one that looks like a formula stays text (safe_cell).
        return safe_cell(text(value)) if safe_cell is not None else text(value)

    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for table in context["tables"]:
        # The sheet is named by its title (a reader never sees an internal key); Excel allows 31 characters.
        title = text(table["title"]).replace(": ", " - ")
        base = "".join(" " if ch in "[]:*?/\\" else ch for ch in title).strip().lstrip("'")[:31] or "Tabel"
        name, k = base, 2
        while name.lower() in used:
            name = f"{base[:27]} ({k})"
            k += 1
        used.add(name.lower())
        sheet = workbook.create_sheet(name)
        sheet.append([clean(table["title"])])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([clean(c) for c in table["columns"]])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="EEF2F5")
        for row in table["rows"]:
            sheet.append([clean(c) for c in row])
        if table.get("note"):
            sheet.append([])
            sheet.append([clean(table["note"])])
        for i, column in enumerate(table["columns"], start=1):
            width = max([len(str(column))] + [len(str(r[i - 1])) for r in table["rows"] if len(r) >= i])
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(10, width + 2))
        for row in sheet.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "B3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render_files(context: dict) -> dict[str, bytes]:
    """PDF, XLSX and print HTML of one context, in Dutch (the language of the boards' documents)."""
    html = render_print_html(context)
    return {"pdf": render_pdf(html), "xlsx": render_xlsx(context), "html": html.encode("utf-8")}


def _in_dutch(make):
    with current_app.test_request_context("/"):
        from flask_babel import force_locale

        with force_locale("nl"):
            return make()


def build_files(traject: Traject, progress=lambda share, message="": None) -> tuple[dict, str]:
    """Write the PDF and XLSX of the current state; returns (files, fingerprint)."""
    advice.sync_swot(traject)
    db.session.commit()
    fingerprint = advice.state_fingerprint(traject)
    progress(0.2, "context")

    def make():
        document = advice_document.build(traject)
        progress(0.4, "render")
        return render_files(report_context(document))

    data = _in_dutch(make)
    folder = report_dir(traject)
    stem = os.path.join(folder, f"adviesrapport-{traject.id}-{fingerprint[:12]}")
    files = {}
    for ext, content in data.items():
        path = f"{stem}.{ext}"
        tmp = path + ".tmp"
        with open(tmp, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)  # atomic: a download never sees half a file
        files[ext] = path
    progress(0.95, "files")
    return files, fingerprint


def build_version_files(version, progress=lambda share, message="": None) -> dict[str, str]:
    """Render a published version's frozen document once and store the bytes; existing files stay."""
    from app.services import advice_versions

    missing = [f for f in advice_versions.FORMATS if advice_versions.file_of(version, f) is None]
    if missing:
        progress(0.3, "render")
        data = _in_dutch(lambda: render_files(report_context(version.document, version=version)))
        for fmt_ in missing:
            advice_versions.store_file(version, fmt_, data[fmt_])
    progress(0.95, "files")
    return {f: advice_versions.file_of(version, f).sha256 for f in advice_versions.FORMATS}


def current_report(traject: Traject) -> Report | None:
    """The latest finished report if it still matches the traject's state and its files exist."""
    report = db.session.scalar(
        select(Report)
        .where(Report.traject_id == traject.id, Report.state == "done")
        .order_by(Report.built_at.desc(), Report.id.desc())
        .limit(1)
    )
    if report is None or report.fingerprint != advice.state_fingerprint(traject):
        return None
    if not all(os.path.exists(p) for p in (report.files or {}).values()):
        return None
    return report


def active_job(traject: Traject) -> Job | None:
    return db.session.scalar(
        select(Job)
        .where(Job.traject_id == traject.id, Job.kind == "report", Job.state.in_(("queued", "running")))
        .order_by(Job.created_at.desc())
        .limit(1)
    )


def request_build(traject: Traject, user=None) -> Job:
    """Start a build unless one is queued or running; returns its job."""
    job = active_job(traject)
    if job is not None:
        if not stuck(job):
            return job
        # Queued or running past its limit (its message was lost while the broker was down, or
        # its worker died): it never blocks a new request, it is handed to the broker again.
        retry_job(job)
        return db.session.get(Job, job.id)
    return enqueue(
        REPORT_TASK,
        kind="report",
        traject_id=traject.id,
        created_by=getattr(user, "id", None),
        dedupe=True,
        task_kwargs={"traject_id": traject.id},
    )
