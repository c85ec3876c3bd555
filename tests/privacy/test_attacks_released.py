"""The attacks of issue 11 on released figures, written as a curious bestuurder or regisseur would
try them through the public API and the pages: two reads and a subtraction, the CSV beside the
indicators, padding a small group, and the timing of jobs. Each recovered one person's answers
on the first round's code; here each must fail.
"""

from __future__ import annotations

import csv
import io

from builders import add_member, api_token, gen_traject, gen_user, login
from respond_builders import VALID_SMALL, close_and_release, gen_participant, gen_questionnaire

from app.extensions import db
from app.models import Job, Response
from app.services import releases

K = 5


def _post(client, token, value):
    answers = dict(VALID_SMALL, wil_1=value, wil_2=value)
    response = client.post("/api/v1/responses", json={"token": token, "answers": answers})
    assert response.status_code == 201, response.get_data(as_text=True)


def _setup(organisations=("AA", "BB")):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=organisations, anonymity_threshold=K, comment_threshold=K)
    board = gen_user("bestuurder")
    add_member(traject, board)
    return owner, board, traject, gen_questionnaire(traject)


def _row(client, user, traject, organisation=None, role=None):
    body = client.get(f"/api/v1/trajects/{traject.id}/indicators", headers=api_token(user)).get_json()
    rows = [
        r
        for r in body["constructs"]
        if r["construct"] == "appropriateness" and r["organisation"] == organisation and r["role"] == role
    ]
    return body["snapshot"], (rows[0] if rows else None)


def test_two_reads_and_a_subtraction_give_nothing(app, client):
    owner, board, traject, questionnaire = _setup()
    tokens = [gen_participant(questionnaire)[1] for _ in range(10)]
    for token, value in zip(tokens[:5], [2, 3, 4, 4, 5]):
        _post(client, token, value)
    first, row5 = _row(client, board, traject)
    assert row5["n"] == 5 and row5["mean"] == 3.6
    _post(client, tokens[5], 1)  # the victim: the bestuurder knows who answered sixth
    second, row6 = _row(client, board, traject)
    # Nothing new is released: 6·mean₆ − 5·mean₅ is 6·3.6 − 5·3.6, not the victim's 1.
    assert second == first and row6 == row5
    for token in tokens[6:9]:  # three more: still fewer than K new since the release
        _post(client, token, 5)
        assert _row(client, board, traject)[1] == row5
    _post(client, tokens[9], 5)  # the fifth new one: a release of a batch of K
    third, row10 = _row(client, board, traject)
    assert third["number"] > first["number"] and row10["n"] == 10
    # The difference now mixes five people's answers: the victim's cannot be told apart.
    assert round(10 * row10["mean"] - 5 * row5["mean"], 9) == 1 + 4 * 5
    assert "T" not in third["released_on"]


def test_no_job_or_timestamp_per_submission(app, client):
    owner, board, traject, questionnaire = _setup()
    before = db.session.query(Job).count()
    for token in [gen_participant(questionnaire)[1] for _ in range(6)]:
        _post(client, token, 4)
    assert db.session.query(Job).count() == before
    login(client, board)
    assert client.get(f"/trajecten/{traject.id}/taken").status_code == 200
    snapshot = _row(client, board, traject)[0]
    assert set(snapshot) == {"id", "number", "released_on", "responses", "anonymity_threshold"}


def test_csv_beside_the_indicators_gives_no_small_group(app, client):
    """AA has 7 staff and 3 leads: the leads' mean must not follow from (AA, all) minus the CSV."""
    owner, board, traject, questionnaire = _setup()
    invited = (
        [("AA", "ict_staff")] * 7 + [("AA", "ict_lead")] * 3 + [("BB", "ict_staff")] * 8 + [("BB", "ict_lead")] * 5
    )
    tokens = [(org, role, gen_participant(questionnaire, organisation=org, role=role)[1]) for org, role in invited]
    for i, (org, role, token) in enumerate(tokens):
        _post(client, token, 1 + i % 5)
    close_and_release(client, owner, questionnaire)
    body = client.get(f"/api/v1/trajects/{traject.id}/indicators", headers=api_token(board)).get_json()
    shown = {
        (r["organisation"], r["role"]): r
        for r in body["constructs"]
        if r["construct"] == "appropriateness" and not r["suppressed"]
    }
    assert ("AA", "ict_lead") not in shown
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    f"/api/v1/questionnaires/{questionnaire.id}/responses.csv", headers=api_token(owner)
                ).get_data(as_text=True)
            )
        )
    )
    assert len(rows) == len(invited)
    combos: dict = {}
    for row in rows:
        key = (row["organisation"] or None, row["role"] or None)
        combos[key] = combos.get(key, 0) + 1
    assert all(n >= K for n in combos.values()), combos
    for (org, role), figure in shown.items():
        labelled = sum(
            1 for row in rows if (org is None or row["organisation"] == org) and (role is None or row["role"] == role)
        )
        assert figure["n"] - labelled == 0 or figure["n"] - labelled >= K, (org, role, figure["n"], labelled)


def test_padding_a_group_of_one_does_not_unlock_it(app, client):
    owner, board, traject, questionnaire = _setup()
    others = [gen_participant(questionnaire, organisation="BB")[1] for _ in range(6)]
    _, victim = gen_participant(questionnaire, organisation="AA")
    for token in others:
        _post(client, token, 3)
    _post(client, victim, 1)
    # The regisseur adds four participants to AA after its first response and answers their links.
    padding = [gen_participant(questionnaire, organisation="AA")[1] for _ in range(4)]
    for token in padding:
        _post(client, token, 5)
    _, aa = _row(client, board, traject, "AA")
    assert aa is None or (aa["suppressed"] and aa["mean"] is None)
    _, total = _row(client, board, traject)
    _, bb = _row(client, board, traject, "BB")
    assert total["n"] - bb["n"] == 0  # the total minus BB holds nobody of AA
    close_and_release(client, owner, questionnaire)
    _, aa = _row(client, board, traject, "AA")
    _, bb = _row(client, board, traject, "BB")
    assert aa["suppressed"] and aa["mean"] is None
    assert bb["suppressed"]  # BB grew by one since it was shown: hidden, else total − BB = AA
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    f"/api/v1/questionnaires/{questionnaire.id}/responses.csv", headers=api_token(owner)
                ).get_data(as_text=True)
            )
        )
    )
    assert not any(row["organisation"] == "AA" for row in rows)
    assert db.session.query(Response).filter(~releases.released()).count() == 0


def test_padding_is_visible_to_the_organisations_bestuurder(app, client):
    from datetime import timedelta

    owner, _, traject, questionnaire = _setup()
    board_aa = gen_user("bestuurder", email="bestuur-aa@school.nl")
    board_aa.organisation_id = traject.organisation_by_code("AA").id
    add_member(traject, board_aa)
    questionnaire.published_at = questionnaire.published_at - timedelta(days=2)
    db.session.commit()
    listed, _ = gen_participant(questionnaire, organisation="AA", email="echt@school.nl")
    listed.created_at = questionnaire.published_at - timedelta(days=1)
    gen_participant(questionnaire, organisation="BB", email="ander@school.nl")
    db.session.commit()
    _post(client, gen_participant(questionnaire, organisation="AA", email="extra@school.nl")[1], 5)
    login(client, board_aa)
    page = client.get(f"/trajecten/{traject.id}/deelnemerslijst").get_data(as_text=True)
    assert "echt@school.nl" in page and "extra@school.nl" in page and "ander@school.nl" not in page
    assert "1 deelnemer is na het publiceren toegevoegd." in page
    assert "ingevuld" not in page.lower().replace("wie de vragenlijst heeft ingevuld", "")


def test_the_reports_method_statement_names_the_release_and_late_additions(app, client):
    from datetime import timedelta

    from app.results.report import report_context
    from app.services import advice_document

    owner, _, traject, questionnaire = _setup()
    questionnaire.published_at = questionnaire.published_at - timedelta(days=1)
    db.session.commit()
    for token in [gen_participant(questionnaire)[1] for _ in range(K)]:
        _post(client, token, 4)
    with app.test_request_context():
        context = report_context(advice_document.build(traject))
        text = " ".join(" ".join(map(str, row)) for row in context["method_table"]["rows"])
    # Release 1 showed nothing (fewer than K); release 2 came with the K-th response.
    assert "uit vrijgave 2 van" in text and "Na het publiceren zijn deelnemers toegevoegd: AA 5" in text
