"""API of the advice: SWOT, feasibility, roadmap, report files; 200/202/403/404 and the OpenAPI document."""

from builders import add_member, api_token, gen_user
from builders_results import gen_case_traject, gen_snapshot

from app.extensions import db
from app.services import advice


def test_swot_feasibility_roadmap(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    headers = api_token(owner)
    swot = client.get(f"/api/v1/trajects/{traject.id}/swot", headers=headers)
    assert swot.status_code == 200
    scopes = swot.json["scopes"]
    assert scopes[0]["organisation"] is None and len(scopes) == 6
    assert any(i["source"] == "auto" and i["evidence"]["kind"] for i in scopes[0]["items"])
    feas = client.get(f"/api/v1/trajects/{traject.id}/feasibility", headers=headers)
    assert feas.status_code == 200 and len(feas.json["cells"]) == 32 and len(feas.json["recommendations"]) == 8
    advice.generate_proposals(traject, "2026-K1")
    db.session.commit()
    roadmap = client.get(f"/api/v1/trajects/{traject.id}/roadmap", headers=headers)
    assert roadmap.status_code == 200 and roadmap.json["actions"][0]["horizon"] == "kort"


def test_report_202_then_200(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    headers = api_token(owner)
    first = client.get(f"/api/v1/trajects/{traject.id}/report.pdf", headers=headers)
    assert first.status_code == 202 and set(first.json) == {"job", "state"}
    job = client.get(f"/api/v1/jobs/{first.json['job']}", headers=headers)
    assert job.status_code == 200 and job.json["state"] == "done"
    pdf = client.get(f"/api/v1/trajects/{traject.id}/report.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    pdf.close()
    xlsx = client.get(f"/api/v1/trajects/{traject.id}/report.xlsx", headers=headers)
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    xlsx.close()


def test_members_only_and_bestuurder_reads(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    board = gen_user("bestuurder")
    add_member(traject, board)
    for path in ("swot", "feasibility", "roadmap"):
        assert client.get(f"/api/v1/trajects/{traject.id}/{path}", headers=api_token(board)).status_code == 200
        assert client.get(f"/api/v1/trajects/{traject.id}/{path}", headers=api_token(gen_user())).status_code == 404
        assert client.get(f"/api/v1/trajects/{traject.id}/{path}").status_code == 401
    assert client.get(f"/api/v1/trajects/{traject.id}/report.pdf", headers=api_token(gen_user())).status_code == 404
    assert client.get("/api/v1/trajects/999999/report.xlsx", headers=api_token(owner)).status_code == 404
    assert client.get(f"/api/v1/trajects/{traject.id}/report.pdf", headers=api_token(board)).status_code == 202
    # The web write routes answer 403 to a bestuurder.
    from builders import login

    login(client, board)
    assert client.post(f"/trajecten/{traject.id}/swot/selectie").status_code == 403


def test_openapi_documents_the_advice_paths(client, app):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("swot", "feasibility", "roadmap", "report.pdf", "report.xlsx"):
        assert f"/api/v1/trajects/{{tid}}/{path}" in paths
    assert "202" in paths["/api/v1/trajects/{tid}/report.pdf"]["get"]["responses"]
