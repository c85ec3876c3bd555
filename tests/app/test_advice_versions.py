"""Advice versions: publishing freezes one document; its files are built once and served byte-identical."""

import shutil
import subprocess

import pytest
from builders import add_member, api_token, gen_user, login
from builders_results import gen_case_traject, gen_snapshot
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage
from app.models.advice import AdviceVersion, AdviceVersionFile, RoadmapAction
from app.services import advice, advice_document, advice_versions


def _world(client=None):
    owner = gen_user("regisseur", name="Anne Regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    board = gen_user("bestuurder", name="Bert Bestuur", organisation=traject.organisation_by_code("ZL"))
    add_member(traject, board)
    advice.sync_swot(traject)
    advice.generate_proposals(traject, "2027-K1")
    db.session.commit()
    if client is not None:
        login(client, owner)
    return owner, traject, board


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "advies.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_publish_via_api_freezes_the_document_and_lists_newest_first(client, app):
    owner, traject, board = _world()
    headers = api_token(owner)
    r = client.post(
        f"/api/v1/trajects/{traject.id}/advice-versions",
        json={"note": "Eerste versie", "confirm": True},
        headers=headers,
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["number"] == 1 and body["status"] == "published" and body["published_at"].endswith("Z")
    assert body["snapshot"] == advice.latest_snapshot(traject).id
    r2 = client.post(f"/api/v1/trajects/{traject.id}/advice-versions", json={"confirm": True}, headers=headers)
    assert r2.get_json()["number"] == 2
    listing = client.get(f"/api/v1/trajects/{traject.id}/advice-versions", headers=headers).get_json()
    assert [v["number"] for v in listing["items"]] == [2, 1] and listing["next"] is None
    one = client.get(f"/api/v1/advice-versions/{body['id']}", headers=api_token(board)).get_json()
    assert one["note"] == "Eerste versie" and len(one["recommendations"]) == 8
    assert {"domain", "form", "score", "conditions"} <= set(one["recommendations"][0])
    assert one["roadmap"] and one["swot"]["scopes"]
    # bestuurders got a mail for each version
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.kind == "advice_version", OutboxMessage.recipient == board.email
            )
        )
        == 2
    )
    assert (
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "advice.version_published")) == 2
    )


def test_a_version_never_changes_when_the_advice_changes(client, app, tmp_path):
    owner, traject, board = _world()
    headers = api_token(owner)
    vid = client.post(
        f"/api/v1/trajects/{traject.id}/advice-versions", json={"confirm": True}, headers=headers
    ).get_json()["id"]
    before = client.get(f"/api/v1/advice-versions/{vid}", headers=headers).get_json()
    pdf = client.get(f"/api/v1/advice-versions/{vid}/report.pdf", headers=headers)
    xlsx = client.get(f"/api/v1/advice-versions/{vid}/report.xlsx", headers=headers)
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF" and xlsx.data[:2] == b"PK"
    # the advice changes: an override, a roadmap edit, a new (released) snapshot with other figures
    advice.set_override(traject, domain="inkoop", form="ssc", score=99, reason="Besturen willen dit", user=owner)
    action = db.session.scalars(select(RoadmapAction).where(RoadmapAction.traject_id == traject.id)).first()
    action.quarter = "2031-K4"
    from builders_results import build_payload

    gen_snapshot(traject, build_payload(seed=99))
    db.session.commit()
    after = client.get(f"/api/v1/advice-versions/{vid}", headers=headers).get_json()
    assert after == dict(before)  # the frozen version, changes included, is the same
    assert client.get(f"/api/v1/advice-versions/{vid}/report.pdf", headers=headers).data == pdf.data
    assert client.get(f"/api/v1/advice-versions/{vid}/report.xlsx", headers=headers).data == xlsx.data
    # …while the live advice did change
    live = advice_document.build(traject)
    assert live["snapshot"]["id"] != before["snapshot"]["id"]
    assert next(r for r in live["recommendations"] if r["domain"] == "inkoop")["form"] == "ssc"
    # the web download serves the same bytes
    login(client, board)
    web = client.get(f"/adviesversies/{vid}/rapport.pdf")
    assert web.status_code == 200 and web.data == pdf.data
    assert db.session.scalar(select(func.count(AdviceVersionFile.id))) == 2


def test_new_responses_and_a_recompute_change_nothing_in_version_1(client, app):
    from app.services import indicators, simulation
    from app.services.demo import load_demo

    traject, _ = load_demo()
    simulation.simulate(traject, 60, seed=3)
    db.session.commit()
    indicators.compute_snapshot(traject)
    db.session.commit()
    owner = next(u for u in traject.members if u.role == "regisseur")
    headers = api_token(owner)
    vid = client.post(
        f"/api/v1/trajects/{traject.id}/advice-versions", json={"confirm": True}, headers=headers
    ).get_json()["id"]
    version_1 = client.get(f"/api/v1/advice-versions/{vid}", headers=headers).get_json()
    pdf_1 = client.get(f"/api/v1/advice-versions/{vid}/report.pdf", headers=headers).data
    simulation.simulate(traject, 90, seed=4)  # new submissions
    db.session.commit()
    result = indicators.compute_snapshot(traject)
    db.session.commit()
    assert result.created and result.snapshot.id != version_1["snapshot"]["id"]
    assert client.get(f"/api/v1/advice-versions/{vid}", headers=headers).get_json() == version_1
    assert client.get(f"/api/v1/advice-versions/{vid}/report.pdf", headers=headers).data == pdf_1
    version_2 = client.post(
        f"/api/v1/trajects/{traject.id}/advice-versions", json={"confirm": True}, headers=headers
    ).get_json()
    assert version_2["snapshot"] == result.snapshot.id


def test_report_of_a_version_is_202_with_a_job_while_it_is_built(client, app, monkeypatch):
    owner, traject, board = _world()
    headers = api_token(owner)
    monkeypatch.setattr(advice_versions, "request_files", lambda version, user=None: _queued(version))
    vid = client.post(
        f"/api/v1/trajects/{traject.id}/advice-versions", json={"confirm": True}, headers=headers
    ).get_json()["id"]
    r = client.get(f"/api/v1/advice-versions/{vid}/report.pdf", headers=headers)
    assert r.status_code == 202 and r.get_json()["state"] == "queued"


def _queued(version):
    from app.models import Job

    job = Job(kind=advice_versions.job_kind(version), traject_id=version.traject_id, state="queued")
    db.session.add(job)
    db.session.commit()
    return job


def test_publish_rights_and_gaps_need_a_confirmation(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)  # no snapshot: no response at all
    board = gen_user("bestuurder", organisation=traject.organisation_by_code("BM"))
    add_member(traject, board)
    r = client.post(f"/api/v1/trajects/{traject.id}/advice-versions", json={}, headers=api_token(board))
    assert r.status_code == 403
    r = client.post(f"/api/v1/trajects/{traject.id}/advice-versions", json={}, headers=api_token(owner))
    assert r.status_code == 422
    warnings = r.get_json()["errors"]["confirm"]
    assert any("geen vrijgegeven resultaten" in w for w in warnings)
    assert sum("onvoldoende gegevens" in w for w in warnings) == 8  # every domain says so
    r = client.post(f"/api/v1/trajects/{traject.id}/advice-versions", json={"confirm": True}, headers=api_token(owner))
    assert r.status_code == 201 and r.get_json()["warnings"]
    doc = db.session.get(AdviceVersion, r.get_json()["id"]).document
    assert {rec["form"] for rec in doc["recommendations"]} == {"onbekend"}  # never "geen samenwerking"


def test_web_publish_from_the_report_page_warns_and_needs_the_checkbox(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    login(client, owner)
    page = client.get(f"/trajecten/{traject.id}/rapport").get_data(as_text=True)
    assert "Versie publiceren" in page and "onvoldoende gegevens" in page.lower()
    # every domain of the summary says "onvoldoende gegevens", none "geen samenwerking"
    assert page.count('<td class="insufficient">Onvoldoende gegevens') == 8
    r = client.post(f"/trajecten/{traject.id}/adviesversies", data={"note": "x"}, follow_redirects=True)
    assert "bevestig" in r.get_data(as_text=True) and db.session.scalar(select(func.count(AdviceVersion.id))) == 0
    r = client.post(f"/trajecten/{traject.id}/adviesversies", data={"note": "x", "confirm": "1"})
    assert r.status_code == 302 and "/adviesversies/" in r.headers["Location"]
    assert db.session.scalar(select(func.count(AdviceVersion.id))) == 1


def test_bestuurders_see_versions_newest_first_with_what_changed(client, app):
    owner, traject, board = _world()
    v1 = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    advice.set_override(traject, domain="werkplek", form="ssc", score=95, reason="Besluit besturen", user=owner)
    action = db.session.scalars(select(RoadmapAction).where(RoadmapAction.traject_id == traject.id)).first()
    action.quarter = "2030-K2"
    db.session.commit()
    v2 = advice_versions.publish(traject, owner, confirm_gaps=True, note="Na overleg")
    db.session.commit()
    changes = advice_versions.changes_of(v2)
    texts = " ".join(c["text_nl"] for c in changes)
    assert "Werkplek" in texts and "→" in texts and "Routekaart" in texts and "2030-K2" in texts
    assert advice_versions.changes_of(v1) == []
    login(client, board)
    html = client.get(f"/trajecten/{traject.id}/adviesversies").get_data(as_text=True)
    assert html.index("Versie 2") < html.index("Versie 1")
    assert "Wat veranderde sinds versie 1" in html and "Werkplek" in html
    page = client.get(f"/adviesversies/{v1.id}")
    assert page.status_code == 200 and "Het besluit van uw bestuur vastleggen" in page.get_data(as_text=True)


def test_report_code_imports_no_route_module():
    import ast
    import pathlib

    source = pathlib.Path("app/results/report.py").read_text()
    modules = {n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(m.endswith("_routes") or m == "app.results.routes" for m in modules)


@pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None, reason="poppler-utils missing"
)
def test_the_pdf_reads_as_a_document_for_boards(client, app, tmp_path):
    owner, traject, board = _world()
    advice_document.save_texts(
        traject,
        {
            "samenvatting": "De vijf besturen verkennen samen de ICT.",
            "ict_foto": "Elke school leverde haar ICT-foto aan.",
            "analyse": "Het draagvlak is gemeten onder alle ICT-medewerkers.",
            "voorstellen": "We stellen een stapsgewijze aanpak voor.",
        },
    )
    version = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    advice_versions.request_files(version, owner)
    data = advice_versions.file_of(version, "pdf").data
    text = _pdf_text(data, tmp_path)
    # no internal code or key anywhere
    import re

    codes = re.findall(
        r"\b(?:foto|index|default|bestuur|motief)\.[a-z_]+|\bprep:[a-z_]+|\b[a-z]+_[a-z_]+\b"
        r"|\b(?:overleg|inkoop|werkplek|netwerk|applicaties|servicedesk|ibp|personeel):[a-z]+"
        r"|\bonbekend\b",
        text,
    )
    assert codes == []
    assert "De vijf besturen verkennen samen de ICT." in text and "Versie 1" in text
    assert "n = " in text  # the draagvlak headline carries its n
    assert "ontbreekt.; " not in text
    # amounts on one line: no euro sign at the end of a line
    assert not any(line.rstrip().endswith("€") for line in text.splitlines())
    pages = subprocess.run(["pdfinfo", str(tmp_path / "advies.pdf")], capture_output=True, text=True).stdout
    count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
    assert 8 <= count <= 40
    # the summary fits two pages: the first chapter starts at the latest on page 4 (cover, 2 summary pages)
    per_page = text.split("\f")
    first_chapter = next(i for i, p in enumerate(per_page) if "Stap 1" in p and "ICT-foto" in p)
    assert first_chapter <= 3
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(tmp_path / "advies.pdf"), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page-*.png"))) == count
