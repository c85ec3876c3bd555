"""Dashboard: charts with tables, n on every figure, suppressed cells say "te weinig respons", access rules."""

import re

from builders import add_member, gen_user, login
from builders_results import build_payload, gen_case_traject, gen_snapshot

from app.extensions import db
from app.models import Organisation, Participant, Questionnaire
from app.services.tokens import issue_token

POISON = 87.654321


def _poisoned(payload):
    """Defence in depth: even a suppressed row that still carried numbers must not show them."""
    for row in payload["indices"]:
        if row["suppressed"]:
            row.update(n=3, value=POISON, ci_low=POISON, ci_high=POISON)
    for row in payload["constructs"]:
        if row["suppressed"]:
            row.update(n=3, mean=POISON, score=POISON, distribution={"1": 3})
    for row in payload["board"]["gap"]:
        if row["staff_suppressed"]:
            row.update(staff=POISON, staff_n=3, gap=POISON)
    return payload


def _text(html):
    return re.sub(r"<[^>]+>", " ", html)


PARTS = ("respons", "draagvlak", "motieven", "bestuur", "ict-foto", "open-antwoorden")


def _all_pages(client, traject) -> str:
    """The first screen and every detail page, together: what one reader can see."""
    pages = [client.get(f"/trajecten/{traject.id}/resultaten")]
    pages += [client.get(f"/trajecten/{traject.id}/resultaten/{part}") for part in PARTS]
    assert [p.status_code for p in pages] == [200] * (len(PARTS) + 1)
    return "".join(p.get_data(as_text=True) for p in pages)


def _section(client, traject, part, start):
    html = client.get(f"/trajecten/{traject.id}/resultaten/{part}").get_data(as_text=True)
    return html[html.index(f'id="{start}"') : html.index("Terug naar het overzicht")]


def test_dashboard_shows_charts_tables_and_suppression(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    payload = _poisoned(build_payload())
    # A group of writers that reaches the comment threshold, as a release holds it.
    hope = payload["comments"][0]
    payload["comments"] = [
        dict(hope, text=hope["text"].upper() if i % 3 == 1 else hope["text"]) for i in range(traject.comment_threshold)
    ]
    gen_snapshot(traject, payload)
    login(client, owner)
    html = _all_pages(client, traject)
    assert f"{traject.comment_threshold}×" in html  # near-identical answers counted once
    assert html.count('role="img"') >= 8 and "<title" in html and "<desc" in html
    assert html.count("<caption") >= html.count('role="img"')
    assert "te weinig respons" in html
    assert "87,65" not in html and "87.65" not in html and "88" not in _text(html).split()
    assert 'style="' not in html and "<script" not in html
    for anchor in ("respons", "indices", "heatmap", "motieven", "kloof", "vertrouwen", "verdelingen", "ict-foto"):
        assert f'id="{anchor}"' in html
    assert "n = " in html
    assert "Ik hoop dat we elkaar" in html  # the regisseur sees comments above the threshold


def test_dashboard_without_snapshot(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    login(client, owner)
    html = client.get(f"/trajecten/{traject.id}/resultaten").get_data(as_text=True)
    assert "nog geen berekende resultaten" in html


def test_bestuurder_reads_without_comments_and_outsiders_get_404(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    board = gen_user("bestuurder")
    add_member(traject, board)
    login(client, board)
    html = _all_pages(client, traject)
    assert "Draagvlakindices" in html and "Ik hoop dat we elkaar" not in html
    client.post("/logout")
    login(client, gen_user("regisseur"))
    assert client.get(f"/trajecten/{traject.id}/resultaten").status_code == 404


def test_small_response_counts_are_not_shown(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    payload = build_payload()
    # As a release stores them: the hidden group's count is gone, and the page must say so.
    payload["response_rates"] = [
        {
            "questionnaire": "ict_staff",
            "organisation": "BC",
            "role": "ict_staff",
            "invited": 9,
            "completed": None,
            "suppressed": True,
        },
        {
            "questionnaire": "ict_staff",
            "organisation": "ZL",
            "role": "ict_staff",
            "invited": 30,
            "completed": 21,
            "suppressed": False,
        },
    ]
    gen_snapshot(traject, payload)
    login(client, owner)
    section = _section(client, traject, "respons", "respons")
    assert "33%" not in section and "70%" in section and "te weinig respons" in section
    assert ">3<" not in section and "(n = 3)" not in section


def test_identified_questionnaires_show_their_single_respondent(client, app):
    """One ICT-foto and one statement per school is the design: nothing to hide there."""
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    payload = build_payload()
    payload["response_rates"] = [
        {
            "questionnaire": "ict_foto",
            "organisation": "BC",
            "role": "ict_lead",
            "invited": 1,
            "completed": 1,
            "anonymous": False,
        },
        {
            "questionnaire": "ict_staff",
            "organisation": "BC",
            "role": "ict_staff",
            "invited": 9,
            "completed": None,
            "anonymous": True,
            "suppressed": True,
        },
    ]
    gen_snapshot(traject, payload)
    login(client, owner)
    section = _section(client, traject, "respons", "respons")
    assert "100%" in section and "(n = 1)" in section
    assert "33%" not in section and "(n = 3)" not in section and "te weinig respons" in section


def _participant(traject, status):
    q = Questionnaire(
        traject_id=traject.id,
        key="ict_staff",
        title={"nl": "Draagvlak ICT", "en": "Support"},
        status=status,
        anonymous=True,
        audience="ict_staff",
        definition={},
    )
    db.session.add(q)
    db.session.flush()
    org = db.session.scalar(
        db.select(Organisation).where(Organisation.traject_id == traject.id, Organisation.code == "BM")
    )
    p = Participant(questionnaire_id=q.id, email="a@example.nl", role="ict_staff", organisation_id=org.id)
    db.session.add(p)
    db.session.flush()
    token = issue_token(p)
    db.session.commit()
    return q, token


def test_staff_results_only_after_close(client, app):
    traject = gen_case_traject()
    gen_snapshot(traject, _poisoned(build_payload()))
    q, token = _participant(traject, "open")
    html = client.get(f"/resultaten/{token}").get_data(as_text=True)
    assert "nog niet gesloten" in html and "Draagvlakindices" not in html
    q.status = "closed"
    db.session.commit()
    html = client.get(f"/resultaten/{token}").get_data(as_text=True)
    assert "Draagvlakindices" in html and "Uw school" in html
    assert "87,65" not in html and "te weinig respons" in html
    assert client.get("/resultaten/onzin-token").status_code == 404
