"""The demo matches the case (small ICT teams, a Hoofd ICT per school, 1–2 bestuurders, all staff as ICT users),
motives per party and ICT users on their pages, and new trajects start clean with opt-in sector suggestions."""

import re
import shutil
import subprocess
from html import unescape

import pytest
from builders import add_member, gen_user, login
from builders_results import gen_case_traject, gen_snapshot
from sqlalchemy import func, select

from analysis.suggestions import SUGGESTIONS
from app.extensions import db
from app.models import AuditEvent, Participant, Questionnaire, Response
from app.models.advice import SwotItem
from app.services import advice, advice_versions, indicators, simulation
from app.services.demo import CASE_SWOT, load_demo

CASE_FACTS = [i["text_nl"] for i in CASE_SWOT] + ["Hoofd ICT is al aangesteld", "standaard uit de casus"]


def _invited(traject, key):
    rows = db.session.execute(
        select(Participant.role, func.count(Participant.id))
        .join(Questionnaire)
        .where(Questionnaire.traject_id == traject.id, Questionnaire.template_key == key)
        .group_by(Participant.role)
    ).all()
    return dict(rows)


@pytest.fixture
def case(app):
    traject, _ = load_demo()
    result = simulation.simulate(traject, 470, seed=2)
    db.session.commit()
    return traject, result


def test_the_demo_has_the_case_proportions(case):
    traject, result = case
    organisations = {o.code: o for o in traject.organisations}
    teams = {code: simulation.ict_team(o) for code, o in organisations.items()}
    fte = {code: simulation.ict_fte(o) for code, o in organisations.items()}
    # 1–5 ICT staff per school, consistent with its ICT fte (about 0.9 fte a person), 12.4 fte together.
    assert all(1 <= n <= 5 for n in teams.values())
    assert all(fte[c] <= teams[c] * 1.0 and fte[c] > (teams[c] - 1) * simulation.FTE_PER_PERSON - 1e-9 for c in fte)
    # About 3 ICT fte per 1,000 pupils (the case's schools: 4,150 pupils, some 12.4 fte).
    assert sum(fte.values()) == pytest.approx(4150 * simulation.ICT_FTE_PER_PUPIL, abs=0.1)
    foto = {
        r.organisation_code: r.answers
        for r in db.session.scalars(
            select(Response).join(Questionnaire).where(Questionnaire.template_key == "ict_foto")
        )
    }
    assert {c: a["fte_ict"] for c, a in foto.items()} == fte
    # Every school's team is invited (one Hoofd ICT each); all other staff are invited as ICT users.
    staff = _invited(traject, "ict_staff")
    assert staff["ict_lead"] == 5 and staff["ict_lead"] + staff["ict_staff"] == sum(teams.values())
    assert sum(_invited(traject, "ict_users").values()) == 470 - sum(teams.values())
    assert set(_invited(traject, "ict_users")) == {"staff"}
    assert result.responses["ict_staff"] <= sum(teams.values()) and result.responses["ict_users"] > 250
    assert result.responses["board_commitment"] == 5 and result.responses["motives"] == result.responses["ict_staff"]


def test_the_proportions_hold_for_any_number_of_respondents(app):
    traject, _ = load_demo()
    organisations = {o.code: o for o in traject.organisations}
    case = simulation.population(organisations, 470)
    double = simulation.population(organisations, 940)
    small = simulation.population(organisations, 47)
    assert sum(p["team"] + p["users"] for p in double.values()) == 940
    assert all(double[c]["team"] == 2 * case[c]["team"] for c in case)
    # Few respondents: still one Hoofd ICT per school.
    assert all(p["team"] == 1 for p in small.values()) and sum(p["team"] + p["users"] for p in small.values()) == 47


def test_the_release_hides_small_ict_teams_and_shows_the_users(case):
    traject, _ = case
    payload = indicators.compute_snapshot(traject).snapshot.payload
    staff = {
        (r["organisation"], r["role"]): r
        for r in payload["constructs"]
        if r["questionnaire"] == "ict_staff" and r["construct"] == "appropriateness"
    }
    assert all(r["suppressed"] for (org, _), r in staff.items() if org is not None)
    assert not staff[(None, None)]["suppressed"]
    users = {
        r["organisation"]: r
        for r in payload["constructs"]
        if r["questionnaire"] == "ict_users" and r["construct"] == "user_network" and r["role"] is None
    }
    assert set(users) == {None, "BC", "BM", "EC", "VN", "ZL"} and not any(r["suppressed"] for r in users.values())
    # The boards' motives: one identified row per school, never "te weinig respons".
    board = [r for r in payload["board"]["motives"] if r["organisation"] is not None]
    assert {r["organisation"] for r in board} == set(users) - {None} and all(r["n"] == 1 for r in board)


def test_motives_and_users_pages_show_each_party(client, case):
    traject, _ = case
    indicators.compute_snapshot(traject)
    owner = traject.members[0]
    login(client, owner, "regie-demo-2026")
    html = client.get(f"/trajecten/{traject.id}/motieven").get_data(as_text=True)
    assert "Besturen (op naam, 5 scholen)" in html and "Motieven: Zuyderzee Lyceum" in html
    # The ICT staff of a school are too few: said so, never a number from another group.
    assert "te weinig respons" in html and "te kleine groep om apart te tonen" in html
    html = client.get(f"/trajecten/{traject.id}/ict-gebruikers").get_data(as_text=True)
    assert "Tevredenheid per school" in html and "Bonifatius Mavo" in html
    # Open questionnaire: no figures per location yet.
    assert "pas na het sluiten" in html
    # The advice report carries both: the users in step 1, the parties' motives in step 2.
    html = client.get(f"/trajecten/{traject.id}/rapport").get_data(as_text=True)
    assert "ICT-foto: tevredenheid van de ICT-gebruikers" in html
    assert "Motieven per partij: besturen tegenover ICT-medewerkers" in html
    stranger = gen_user("regisseur")
    client.post("/logout")
    login(client, stranger)
    assert client.get(f"/trajecten/{traject.id}/motieven").status_code == 404
    assert client.get(f"/trajecten/{traject.id}/ict-gebruikers").status_code == 404


def test_the_demo_traject_alone_has_the_case_facts(case):
    traject, _ = case
    items = db.session.scalars(select(SwotItem).where(SwotItem.traject_id == traject.id)).all()
    assert {i.rule for i in items} >= {c["rule"] for c in CASE_SWOT}
    load_demo()  # idempotent: no second copy
    db.session.commit()
    assert db.session.scalar(
        select(func.count(SwotItem.id)).where(SwotItem.traject_id == traject.id, SwotItem.rule.like("case.%"))
    ) == len(CASE_SWOT)


def test_a_new_traject_starts_clean_and_adopts_a_suggestion_with_a_click(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    login(client, owner)
    html = unescape(client.get(f"/trajecten/{traject.id}/swot").get_data(as_text=True))
    assert not any(fact in html for fact in CASE_FACTS)
    assert not [
        i for i in db.session.scalars(select(SwotItem).where(SwotItem.traject_id == traject.id)) if i.source == "manual"
    ]
    first = SUGGESTIONS[0]
    assert first["text_nl"] in html and first["source_nl"] in html
    r = client.post(
        f"/trajecten/{traject.id}/swot/suggesties", data={"suggestion": first["key"]}, follow_redirects=True
    )
    assert "Suggestie overgenomen" in r.get_data(as_text=True)
    item = db.session.scalar(
        select(SwotItem).where(SwotItem.traject_id == traject.id, SwotItem.key == "suggestie." + first["key"])
    )
    assert item.source == "manual" and item.quadrant == first["quadrant"] and item.organisation_code is None
    assert (
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "swot.suggestion_adopted")) == 1
    )
    html = unescape(client.get(f"/trajecten/{traject.id}/swot").get_data(as_text=True))
    assert "bron: " + first["source_nl"] in html  # the adopted item names its source
    # Twice, or an unknown one: a clear message, nothing added.
    for key in (first["key"], "hoofd_ict"):
        r = client.post(f"/trajecten/{traject.id}/swot/suggesties", data={"suggestion": key}, follow_redirects=True)
        assert "Deze suggestie is al overgenomen." in r.get_data(as_text=True) or "Onbekende suggestie." in r.get_data(
            as_text=True
        )
    assert db.session.scalar(select(func.count(SwotItem.id)).where(SwotItem.key.like("suggestie.%"))) == 1
    # Per school too, and only for the regisseur.
    r = client.post(f"/trajecten/{traject.id}/swot/suggesties?org=ZL", data={"suggestion": first["key"]})
    assert r.status_code == 302
    board = gen_user("bestuurder", organisation=traject.organisation_by_code("ZL"))
    add_member(traject, board)
    db.session.commit()
    client.post("/logout")
    login(client, board)
    assert (
        client.post(f"/trajecten/{traject.id}/swot/suggesties", data={"suggestion": SUGGESTIONS[1]["key"]}).status_code
        == 403
    )


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_a_new_trajects_pdf_has_no_case_facts(app, tmp_path):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    advice.sync_swot(traject)
    db.session.commit()
    version = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    advice_versions.request_files(version, owner)
    path = tmp_path / "advies.pdf"
    path.write_bytes(advice_versions.file_of(version, "pdf").data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "Stap 1" in flat
    assert not any(re.sub(r"\s+", " ", fact) in flat for fact in CASE_FACTS)
    assert "SIVON" not in flat and "uit de casus" not in flat


def test_locations_appear_only_after_closing_and_only_for_large_enough_locations(client, case):
    from app.services import questionnaires as questionnaire_service
    from app.services.users_locations import location_figures

    traject, result = case
    snapshot = indicators.compute_snapshot(traject).snapshot
    assert location_figures(traject, snapshot) == []  # open: nothing per location
    questionnaire = db.session.get(Questionnaire, result.questionnaires["ict_users"])
    questionnaire_service.close(questionnaire)
    db.session.commit()
    snapshot = indicators.compute_snapshot(traject).snapshot
    rows = location_figures(traject, snapshot)
    # Schools with one location (BM, VN) answer only "hoofdlocatie": nothing to split.
    assert rows and {r["organisation"] for r in rows} <= {"ZL", "EC", "BC"}
    assert all(r["n"] >= traject.anonymity_threshold for r in rows)
    # Hand check of one cell: the mean over the users of their mean 0–100 network score.
    cell = next(r for r in rows if r["aspect"] == "user_network")
    answers = [
        r.answers
        for r in db.session.scalars(
            select(Response).where(
                Response.questionnaire_id == questionnaire.id, Response.organisation_code == cell["organisation"]
            )
        )
        if r.answers.get("location") == cell["location"]
    ]
    scores = [
        sum((a[k] - 1) / 4 * 100 for k in keys) / len(keys)
        for a in answers
        for keys in [[k for k in ("network_wifi", "network_speed") if k in a]]
        if keys
    ]
    assert cell["n"] == len(scores) and cell["score"] == pytest.approx(sum(scores) / len(scores))
    login(client, traject.members[0], "regie-demo-2026")
    html = client.get(f"/trajecten/{traject.id}/ict-gebruikers").get_data(as_text=True)
    assert "Tevredenheid per locatie" in html and "Hoofdlocatie" in html


def test_a_few_pupils_stay_hidden_and_cannot_be_worked_out(case):
    # Three pupils of BM answer the ICT-users questionnaire beside its staff: the pupils are a
    # group below the threshold, and the school's total minus its staff must not give them away.
    from datetime import date

    traject, result = case
    qid = result.questionnaires["ict_users"]
    bm = traject.organisation_by_code("BM")
    for n in range(3):
        db.session.add(
            Participant(
                questionnaire_id=qid,
                email=f"leerling{n}@bm.example",
                name=f"L{n}",
                role="pupil",
                organisation_id=bm.id,
                completed=True,
                early=True,
            )
        )
        db.session.add(
            Response(
                id=f"pupil{n:027d}",
                questionnaire_id=qid,
                organisation_code="BM",
                role="pupil",
                submitted_on=date.today(),
                answers={"location": "hoofdlocatie", "network_wifi": 1, "network_speed": 1, "devices_own": 1},
            )
        )
    db.session.commit()
    payload = indicators.compute_snapshot(traject).snapshot.payload
    rows = {
        (r["organisation"], r["role"]): r
        for r in payload["constructs"]
        if r["questionnaire"] == "ict_users" and r["construct"] == "user_network"
    }
    assert rows[("BM", "pupil")]["suppressed"] and rows[("BM", "pupil")]["score"] is None
    assert rows[(None, "pupil")]["suppressed"]
    # Not both the school's total and its staff: their difference would be the pupils.
    assert rows[("BM", None)]["suppressed"] or rows[("BM", "staff")]["suppressed"]
    assert rows[(None, None)]["suppressed"] or rows[(None, "staff")]["suppressed"]
