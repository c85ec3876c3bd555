"""The advice report: one context for the HTML page, the PDF (WeasyPrint) and the XLSX (one sheet per table)."""
from __future__ import annotations

import io
import os
from datetime import datetime, timezone

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from analysis.feasibility import FEASIBILITY_MODEL
from app.extensions import db
from app.jobs import enqueue, retry_job, stuck
from app.models import Job, Traject
from app.models.advice import Report
from app.results import views
from app.results.format import fmt
from app.services import advice

REPORT_TASK = "worker.tasks.reports.build_report"
SECTION_TITLES = ("ICT-foto", "Motieven", "Draagvlak", "SWOT", "Haalbaarheid", "Routekaart", "Methode en anonimiteit")


def report_dir(traject: Traject) -> str:
    base = current_app.config.get("REPORT_DIR") or os.path.join(current_app.instance_path, "reports")
    path = os.path.join(base, str(traject.id))
    os.makedirs(path, exist_ok=True)
    return path


def _swot_table(traject, scope, names) -> dict:
    items = advice.swot_items(traject, scope)
    chosen = {q: [i for i in rows if i.selected] for q, rows in items.items()}
    if not any(chosen.values()):
        chosen = items  # nothing selected yet: show what the rules derived
    rows = []
    for q, label in (("S", _("Sterkte")), ("W", _("Zwakte")), ("O", _("Kans")), ("T", _("Bedreiging"))):
        for item in chosen[q]:
            rows.append([label, item.text_en if views.language() == "en" and item.text_en else item.text_nl,
                         item.rule or _("eigen punt")])
    title = _("SWOT: hele traject") if scope is None else _("SWOT: %(org)s", org=names.get(scope, scope))
    return views._table(f"swot_{scope or 'traject'}", title, [_("Kwadrant"), _("Punt"), _("Regel")], rows, numeric=())


def _confrontation_table(state) -> dict:
    external = state["external"]
    columns = [_("Intern \\ extern")] + [f"{e.quadrant}{i + 1}" for i, e in enumerate(external)] + [_("Som")]
    rows = []
    for item in state["internal"]:
        rows.append([f"{item.quadrant}. {item.text_en if views.language() == 'en' and item.text_en else item.text_nl}"] + [f"{state['scores'].get((item.id, e.id), 0):+d}"
                                                          for e in external] + [f"{state['result']['rows'][item.id]:+d}"])
    if state["internal"]:
        rows.append([_("Som")] + [f"{state['result']['columns'][e.id]:+d}" for e in external]
                    + [str(state["result"]["total"])])
    return views._table("confrontatie", _("Confrontatiematrix"), columns, rows)


def _roadmap_table(rows) -> dict:
    from app.results.roadmap_routes import action_title, horizon_label, status_label

    by_id = {a.id: a for a in rows}
    data = [[action_title(a), horizon_label(a.horizon), a.quarter or "–", a.owner or "–", status_label(a.status),
             "; ".join(action_title(by_id[d]) for d in a.depends_on or [] if d in by_id) or "–"] for a in rows]
    return views._table("routekaart", _("Routekaart"), [_("Actie"), _("Termijn"), _("Kwartaal"), _("Eigenaar"),
                                                        _("Status"), _("Hangt af van")], data, numeric=())


def _method_table(traject) -> dict:
    from surveys.templates import list_templates, load_template

    rows = [[_("Anonimiteitsdrempel"), _("%(n)s respondenten per groep", n=traject.anonymity_threshold)],
            [_("Drempel open antwoorden"), _("%(n)s respondenten per groep", n=traject.comment_threshold)],
            [_("Onderdrukking"), _("Groepen onder de drempel tonen „te weinig respons”; aanvullende onderdrukking voorkomt terugrekenen uit totalen.")],
            [_("Betrouwbaarheidsintervallen"), _("95%-t-interval van het gemiddelde; Cronbachs alfa met Feldt-interval.")],
            [_("Draagvlakindex"), _("0,30·WIL + 0,15·MOET + 0,20·KUN + 0,20·STEUN + 0,15·(100 − WEERSTAND); onder 50 is een knelpunt.")]]
    titles = {t["key"]: load_template(t["key"]).title for t in list_templates()}
    rows += [[_("Instrument"), f"{title.get(views.language()) or title['nl']} ({key})"] for key, title in titles.items()]
    return views._table("methode", _("Methode en anonimiteit"), [_("Onderwerp"), _("Toelichting")], rows, numeric=())


def report_context(traject: Traject) -> dict:
    """Everything the report shows, as display values (suppression already applied)."""
    snapshot = advice.latest_snapshot(traject)
    payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    names = {o.code: o.name for o in traject.organisations}
    d = views.dashboard(traject, payload, include_comments=False)
    state = advice.confrontation_state(traject, None)
    feas = advice.feasibility(traject, payload)
    cells = {(c["domain"], c["form"]): c for c in feas["cells"]}
    recs = {r["domain"]: r for r in feas["recommendations"]}
    rows = advice.actions(traject)
    from app.results.roadmap_routes import roadmap_timeline

    swot_tables = [_swot_table(traject, None, names)] + [
        t for t in (_swot_table(traject, o.code, names) for o in traject.organisations) if t["rows"]]
    tables = [d["foto"]["table"], d["foto"]["systems_table"], d["motives"]["table"], d["indices"]["table"],
              d["heatmap"]["table"], d["distributions"]["table"], d["preferences"]["table"], d["board"]["gap_table"],
              d["board"]["autonomy_table"], d["board"]["trust_table"], d["board"]["commit_table"],
              d["response"]["table"], *swot_tables, _confrontation_table(state), views.feasibility_table(feas),
              views.preconditions_table(feas), _roadmap_table(rows), _method_table(traject)]
    return {"traject": traject, "snapshot": snapshot, "d": d, "state": state, "feas": feas, "cells": cells,
            "recs": recs, "rows": rows, "timeline": roadmap_timeline(rows), "swot_tables": swot_tables,
            "confrontation_table": tables[-5], "feasibility_table": tables[-4], "preconditions_table": tables[-3],
            "roadmap_table": tables[-2], "method_table": tables[-1], "tables": tables, "views": views,
            "forms": list(FEASIBILITY_MODEL.weights), "generated": datetime.now(timezone.utc), "fmt": fmt,
            "too_few": _("te weinig respons")}


def render_print_html(context: dict) -> str:
    return render_template("results/report_print.html", **context)


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML

    static = current_app.static_folder
    return HTML(string=html, base_url=static + "/").write_pdf(
        stylesheets=[CSS(filename=os.path.join(static, "report_print.css"))])


def render_xlsx(context: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    def clean(value) -> str:
        # Control characters (from names stored before input was checked) are illegal in XLSX.
        return ILLEGAL_CHARACTERS_RE.sub("", str(value))

    workbook = Workbook()
    workbook.remove(workbook.active)
    used = set()
    for table in context["tables"]:
        name = table["key"][:31]
        k = 2
        while name in used:
            name = f"{table['key'][:28]}_{k}"
            k += 1
        used.add(name)
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


def build_files(traject: Traject, progress=lambda share, message="": None) -> tuple[dict, str]:
    """Write the PDF and XLSX of the current state; returns (files, fingerprint)."""
    advice.sync_swot(traject)
    db.session.commit()
    fingerprint = advice.state_fingerprint(traject)
    progress(0.2, "context")
    with current_app.test_request_context("/"):
        from flask_babel import force_locale

        with force_locale("nl"):
            context = report_context(traject)
            progress(0.4, "html")
            html = render_print_html(context)
            progress(0.5, "pdf")
            pdf = render_pdf(html)
            progress(0.8, "xlsx")
            xlsx = render_xlsx(context)
    folder = report_dir(traject)
    stem = os.path.join(folder, f"adviesrapport-{traject.id}-{fingerprint[:12]}")
    files = {}
    for ext, data in (("pdf", pdf), ("xlsx", xlsx), ("html", html.encode("utf-8"))):
        path = f"{stem}.{ext}"
        tmp = path + ".tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)  # atomic: a download never sees half a file
        files[ext] = path
    progress(0.95, "files")
    return files, fingerprint


def current_report(traject: Traject) -> Report | None:
    """The latest finished report if it still matches the traject's state and its files exist."""
    report = db.session.scalar(select(Report).where(Report.traject_id == traject.id, Report.state == "done")
                               .order_by(Report.built_at.desc(), Report.id.desc()).limit(1))
    if report is None or report.fingerprint != advice.state_fingerprint(traject):
        return None
    if not all(os.path.exists(p) for p in (report.files or {}).values()):
        return None
    return report


def active_job(traject: Traject) -> Job | None:
    return db.session.scalar(select(Job).where(Job.traject_id == traject.id, Job.kind == "report",
                                               Job.state.in_(("queued", "running")))
                             .order_by(Job.created_at.desc()).limit(1))


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
    return enqueue(REPORT_TASK, kind="report", traject_id=traject.id, created_by=getattr(user, "id", None),
                   dedupe=True, task_kwargs={"traject_id": traject.id})
