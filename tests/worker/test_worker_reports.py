"""The report task in eager mode: a PDF with the section titles, an XLSX with one sheet per table, no hidden figures."""

import io
import os
import subprocess

from builders import gen_user, login
from builders_results import build_payload, gen_case_traject, gen_snapshot
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Job
from app.models.advice import Report
from app.results import report as report_service
from app.services import advice

POISON = 87.654321


def _poisoned():
    payload = build_payload()
    for row in payload["indices"] + payload["constructs"]:
        if row["suppressed"]:
            row.update(n=3, value=POISON, mean=POISON, score=POISON, ci_low=POISON, ci_high=POISON)
    return payload


def test_build_report_eagerly(client, app, tmp_path):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject, _poisoned())
    advice.sync_swot(traject)
    advice.generate_proposals(traject, "2026-K3")
    db.session.commit()
    job = report_service.request_build(traject, owner)
    assert job.state == "done" and job.progress == 1.0
    report = db.session.scalar(select(Report).where(Report.job_id == job.id))
    assert report.state == "done" and report.built_at is not None
    assert os.path.dirname(report.files["pdf"]) == os.path.join(app.config["REPORT_DIR"], str(traject.id))
    with open(report.files["pdf"], "rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", report.files["pdf"], "-"], capture_output=True, text=True, check=True
    ).stdout
    for title in report_service.SECTION_TITLES:
        assert title in text, title
    assert "te weinig respons" in text and "87,65" not in text and "87.65" not in text
    workbook = load_workbook(report.files["xlsx"])
    # sheets are named by their titles (no internal key), at most 31 characters
    for title in (
        "ICT-foto: gebruikers, organisatie en kosten",
        "Motieven voor samenwerking",
        "Draagvlakindices",
        "Scores per construct en organisatie",
        "Kloof bestuur",
        "Vertrouwen",
        "SWOT: hele traject",
        "Haalbaarheid per domein",
        "Advies per domein met de open voorwaarden",
        "Routekaart",
        "Methode en anonimiteit",
    ):
        assert any(name.startswith(title.replace(": ", " - ")[:31]) for name in workbook.sheetnames), (
            title,
            workbook.sheetnames,
        )
    cells = [str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any("87,65" in c or "87.65" in c for c in cells)
    assert any(c == "te weinig respons" for c in cells)
    assert report_service.current_report(traject).id == report.id
    # A change makes the report stale; the download then points back to the report page.
    advice.save_manual_item(traject, organisation=None, quadrant="O", text_nl="Nieuwe subsidie")
    db.session.commit()
    assert report_service.current_report(traject) is None


def test_download_routes_and_audit(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    login(client, owner)
    r = client.get(f"/trajecten/{traject.id}/rapport.pdf")
    assert r.status_code == 302
    r = client.post(f"/trajecten/{traject.id}/rapport/bouwen", follow_redirects=True)
    assert "Het rapport is klaar" in r.get_data(as_text=True)
    r = client.get(f"/trajecten/{traject.id}/rapport.pdf")
    assert r.status_code == 200 and r.data.startswith(b"%PDF") and r.mimetype == "application/pdf"
    r.close()
    r = client.get(f"/trajecten/{traject.id}/rapport.xlsx")
    assert r.status_code == 200 and load_workbook(io.BytesIO(r.data)).sheetnames
    r.close()
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.report")))
    assert {e.detail["format"] for e in events} == {"pdf", "xlsx"} and events[0].actor_id == owner.id
    html = client.get(f"/trajecten/{traject.id}/rapport").get_data(as_text=True)
    assert "Adviesrapport (PDF)" in html and "Methode en anonimiteit" in html and 'style="' not in html


def test_failed_build_marks_job_and_report(client, app, monkeypatch):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(report_service, "render_pdf", broken)
    job = report_service.request_build(traject, owner)
    assert db.session.get(Job, job.id).state == "failed"
    assert db.session.scalar(select(Report).where(Report.job_id == job.id)).state == "failed"
