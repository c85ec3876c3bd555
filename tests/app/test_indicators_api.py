"""API and pages for indicators and jobs: shapes, status codes, suppression, the jobs page and `demo simulate`."""

from builders import add_member, api_token, gen_traject, gen_user, login
from sqlalchemy import func, select

from app.extensions import db
from app.models import IndicatorSnapshot, Job, Response
from app.services import simulation

CONSTRUCT_KEYS = {
    "questionnaire",
    "construct",
    "organisation",
    "role",
    "n",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "score",
    "top2box",
    "alpha",
    "alpha_ci",
    "suppressed",
}
INDEX_KEYS = {"index", "organisation", "role", "n", "value", "ci_low", "ci_high", "suppressed"}


def _setup():
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB", "CC"))
    return owner, traject


def test_recompute_status_codes_and_job_polling(client, app):
    owner, traject = _setup()
    board = gen_user("bestuurder")
    add_member(traject, board)
    stranger = gen_user("regisseur")
    assert client.post(f"/api/v1/trajects/{traject.id}/recompute", headers=api_token(board)).status_code == 403
    assert client.post(f"/api/v1/trajects/{traject.id}/recompute", headers=api_token(stranger)).status_code == 404
    response = client.post(f"/api/v1/trajects/{traject.id}/recompute", headers=api_token(owner))
    assert response.status_code == 202 and set(response.json) == {"job", "state"}
    job_id = response.json["job"]
    job = client.get(f"/api/v1/jobs/{job_id}", headers=api_token(owner))
    assert job.status_code == 200 and job.json["state"] == "done" and job.json["progress"] == 1.0
    assert {"id", "state", "progress"} <= set(job.json)
    assert client.get(f"/api/v1/jobs/{job_id}", headers=api_token(board)).status_code == 200
    missing = client.get(f"/api/v1/jobs/{job_id}", headers=api_token(stranger))
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    assert client.get("/api/v1/jobs/nope", headers=api_token(owner)).status_code == 404


def test_indicators_before_and_after_the_first_snapshot(client, app):
    owner, traject = _setup()
    board = gen_user("bestuurder")
    add_member(traject, board)
    empty = client.get(f"/api/v1/trajects/{traject.id}/indicators", headers=api_token(owner))
    assert empty.status_code == 200 and empty.json == {
        "snapshot": None,
        "constructs": [],
        "indices": [],
        "rollups": [],
        "rolled_up": [],
        "comparisons": [],
    }
    # 60 ICT-staff responses (not the case's small teams), so every instrument's total is released.
    simulation.simulate(traject, 60, seed=4, ict_staff=60)
    db.session.commit()
    client.post(f"/api/v1/trajects/{traject.id}/recompute", headers=api_token(owner))
    body = client.get(f"/api/v1/trajects/{traject.id}/indicators", headers=api_token(board)).json
    snapshot = body["snapshot"]
    assert set(snapshot) == {"id", "number", "released_on", "responses", "anonymity_threshold"}
    assert len(snapshot["released_on"]) == 10  # a date, no time of day
    assert snapshot["anonymity_threshold"] == 5
    assert snapshot["responses"] == db.session.scalar(select(func.count(Response.id)))
    assert body["constructs"] and all(set(r) == CONSTRUCT_KEYS for r in body["constructs"])
    assert body["indices"] and all(set(r) == INDEX_KEYS for r in body["indices"])
    groups = {(r["organisation"], r["role"]) for r in body["constructs"] if r["questionnaire"] == "ict_staff"}
    assert {(None, None), ("AA", None), (None, "ict_staff")} <= groups
    # Suppression is visible: a group below the threshold has n and every figure null.
    hidden = [r for r in body["constructs"] + body["indices"] if r["suppressed"]]
    assert hidden and all(r["n"] is None for r in hidden)
    assert all(r["mean"] is None and r["alpha"] is None for r in hidden if "mean" in r)
    assert all(r["value"] is None for r in hidden if "value" in r)
    assert all(r["n"] >= 5 for r in body["constructs"] + body["indices"] if not r["suppressed"])
    stranger = gen_user("regisseur")
    assert client.get(f"/api/v1/trajects/{traject.id}/indicators", headers=api_token(stranger)).status_code == 404


def test_jobs_page_lists_jobs_with_progress_and_recomputes(client, app):
    owner, traject = _setup()
    login(client, owner)
    page = client.get(f"/trajecten/{traject.id}/taken")
    assert page.status_code == 200
    assert "Herberekenen" in page.get_data(as_text=True) and "jobs.js" in page.get_data(as_text=True)
    posted = client.post(f"/trajecten/{traject.id}/taken/herberekenen")
    assert posted.status_code == 302
    job = db.session.scalar(select(Job))
    html = client.get(f"/trajecten/{traject.id}/taken").get_data(as_text=True)
    assert "<progress" in html and f"taak-{job.id}" in html and "<script>" not in html
    status = client.get(f"/trajecten/{traject.id}/taken/{job.id}.json")
    assert status.status_code == 200 and status.json["state"] == "done" and status.json["progress"] == 1.0
    other = gen_traject(gen_user("regisseur"))
    assert client.get(f"/trajecten/{other.id}/taken").status_code == 404
    assert client.get(f"/trajecten/{other.id}/taken/{job.id}.json").status_code == 404


def test_bestuurder_sees_jobs_but_cannot_recompute(client, app):
    owner, traject = _setup()
    board = gen_user("bestuurder")
    add_member(traject, board)
    login(client, board)
    page = client.get(f"/trajecten/{traject.id}/taken").get_data(as_text=True)
    assert "Herberekenen" not in page
    assert client.post(f"/trajecten/{traject.id}/taken/herberekenen").status_code == 403


def test_demo_simulate_fills_the_demo_and_is_idempotent(runner, app):
    first = runner.invoke(args=["demo", "simulate", "--respondents", "80", "--seed", "5"])
    assert first.exit_code == 0, first.output
    assert "ict_staff" in first.output and "Herberekening" in first.output
    responses = db.session.scalar(select(func.count(Response.id)))
    assert db.session.scalar(select(func.count(IndicatorSnapshot.id))) == 1
    second = runner.invoke(args=["demo", "simulate", "--respondents", "80", "--seed", "5"])
    assert second.exit_code == 0, second.output
    assert db.session.scalar(select(func.count(Response.id))) == responses
    assert db.session.scalar(select(func.count(IndicatorSnapshot.id))) == 1
    assert "ongewijzigd" in second.output
    # Anonymous responses carry no participant.
    assert db.session.scalar(select(func.count(Response.id)).where(Response.participant_id.is_not(None))) == 10
