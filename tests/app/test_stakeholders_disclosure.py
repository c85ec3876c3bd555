"""Disclosure for stakeholders: the measured attitude of a small group, and anonymous concerns of ICT staff.

A stakeholder group that corresponds to a questionnaire group shows that group's released draagvlak
and WEERSTAND. A group the latest release hides (below the threshold, or complementarily) shows no
figure anywhere: not on the pages, not in the API, not in the advice document or its HTML and XLSX.
"""

from __future__ import annotations

import io

from builders import add_member, api_token, gen_traject, gen_user, login
from openpyxl import load_workbook
from respond_builders import gen_participant, gen_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models.stakeholders import Concern
from app.services import advice_document, indicators, simulation
from app.services import concerns as concern_service
from app.services import stakeholders as service


def _released_traject():
    """A traject with simulated responses and a release in which some (organisation, ict_staff) group is
    hidden and another is shown; the groups are read from the release itself."""
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB", "CC", "DD"))
    simulation.simulate(traject, 40, seed=4, ict_staff=40)  # 40 ICT staff: some schools shown, some hidden
    db.session.commit()
    indicators.run_recompute(traject.id)
    payload = indicators.latest_snapshot(traject).payload
    rows = [
        r
        for r in payload["indices"]
        if r["index"] == "draagvlak" and r["role"] == "ict_staff" and r["organisation"] is not None
    ]
    hidden = next(r for r in rows if r["suppressed"])
    shown = next(r for r in rows if not r["suppressed"])
    small = service.add(
        traject,
        {
            "name": "ICT-medewerkers klein",
            "kind": "group",
            "organisation": hidden["organisation"],
            "influence": 2,
            "interest": 5,
            "attitude": "supporter",
            "measured_role": "ict_staff",
        },
    )
    large = service.add(
        traject,
        {
            "name": "ICT-medewerkers groot",
            "kind": "group",
            "organisation": shown["organisation"],
            "influence": 2,
            "interest": 5,
            "attitude": "unknown",
            "measured_role": "ict_staff",
        },
    )
    db.session.commit()
    board = gen_user("bestuurder", organisation=traject.organisation_by_code("AA"))
    add_member(traject, board)
    return owner, board, traject, small, large, shown


def test_a_hidden_group_shows_no_measured_figure_on_pages_api_or_report(client, app):
    owner, board, traject, small, large, shown = _released_traject()
    measured = service.measured(traject, [small, large])
    assert measured[small.id] == {
        "available": True,
        "suppressed": True,
        "draagvlak": None,
        "weerstand": None,
        "n": None,
        "measured_attitude": None,
        "disagreement": None,
    }
    assert measured[large.id]["draagvlak"] == shown["value"] and measured[large.id]["n"] == shown["n"]
    assert measured[large.id]["disagreement"] == "unjudged"

    # The API, read by a bestuurder.
    body = client.get(f"/api/v1/trajects/{traject.id}/stakeholders", headers=api_token(board)).json
    by_name = {s["name"]: s for s in body["items"]}
    assert by_name["ICT-medewerkers klein"]["measured"] == {
        "suppressed": True,
        "draagvlak": None,
        "weerstand": None,
        "n": None,
        "measured_attitude": None,
        "disagreement": None,
    }
    assert by_name["ICT-medewerkers groot"]["measured"]["n"] == shown["n"]

    # The pages, read by a bestuurder: the small group's row says "te weinig respons" and nothing more.
    login(client, board)
    page = client.get(f"/trajecten/{traject.id}/belanghebbenden/{small.id}").get_data(as_text=True)
    assert "te weinig respons" in page and "draagvlak " not in page.split("Gemeten")[1].split("</dd>")[0]
    register = client.get(f"/trajecten/{traject.id}/belanghebbenden").get_data(as_text=True)
    row = register.split("ICT-medewerkers klein</a>")[1].split("</tr>")[0]
    assert "te weinig respons" in row and "n =" not in row and "wijst op" not in row

    # The advice document and its renderings.
    document = advice_document.build(traject)
    people = {p["name"]: p for p in document["involvement"]["stakeholders"]}
    assert people["ICT-medewerkers klein"]["measured"]["draagvlak"] is None
    assert people["ICT-medewerkers klein"]["measured"]["n"] is None
    from app.results.report import render_pdf, render_print_html, render_xlsx, report_context

    with app.test_request_context("/"):
        context = report_context(document)
        html = app.jinja_env.get_template("results/_report_body.html").render(
            **context, csrf_token=lambda: "", current_user=owner
        )
        xlsx = render_xlsx(context)
        pdf = render_pdf(render_print_html(context))
    assert pdf[:4] == b"%PDF"
    assert "Draagvlak en betrokkenheid" in html and "Krachtenveld: invloed en belang" in html
    chapter = html.split('id="sec-betrokkenheid"')[1].split("</section>")[0]
    small_row = chapter.split("ICT-medewerkers klein")[1].split("</tr>")[0]
    assert "te weinig respons" in small_row and "n =" not in small_row
    sheet = load_workbook(io.BytesIO(xlsx))["Belanghebbenden in het krachten"]
    cells = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True) if row and row[1]}
    assert cells["ICT-medewerkers klein"][6] == "te weinig respons"
    assert f"n = {shown['n']}" in cells["ICT-medewerkers groot"][6]


def test_anonymous_concerns_of_staff_appear_only_in_whole_batches_of_the_comment_threshold(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    traject.comment_threshold = 5
    questionnaire = gen_questionnaire(traject, "ict_staff")
    links = [gen_participant(questionnaire)[1] for _ in range(6)]
    lead = gen_participant(questionnaire, role="ict_lead")[1]
    for n, token in enumerate(links[:4]):
        response = client.post(f"/zorg/{token}", data={"text": f"Zorg nummer {n}", "domain": "servicedesk"})
        assert response.status_code == 200 and "anoniem opgeslagen" in response.get_data(as_text=True)
    assert client.get(f"/zorg/{lead}").status_code == 404  # an ICT lead's link is identified: no anonymous channel
    stored = db.session.scalars(select(Concern)).all()
    assert len(stored) == 4 and all(c.anonymous and c.stakeholder_id is None for c in stored)
    assert not any(hasattr(c, "participant_id") or hasattr(c, "organisation_code") for c in stored)

    login(client, owner)
    api = client.get(f"/api/v1/trajects/{traject.id}/concerns", headers=api_token(owner)).json
    assert api["items"] == []
    page = client.get(f"/trajecten/{traject.id}/zorgen").get_data(as_text=True)
    assert "Zorg nummer" not in page
    hidden = stored[0]
    assert client.get(f"/trajecten/{traject.id}/zorgen/{hidden.id}").status_code == 404
    assert client.post(f"/trajecten/{traject.id}/zorgen/{hidden.id}/actie").status_code == 404

    client.post(f"/zorg/{links[4]}", data={"text": "Zorg nummer 4", "domain": ""})
    page = client.get(f"/trajecten/{traject.id}/zorgen").get_data(as_text=True)
    assert all(f"Zorg nummer {n}" in page for n in range(5))
    client.post(f"/zorg/{links[5]}", data={"text": "Zorg nummer 5"})  # the sixth waits for the next batch
    assert db.session.scalar(select(func.count(Concern.id))) == 6
    assert "Zorg nummer 5" not in client.get(f"/trajecten/{traject.id}/zorgen").get_data(as_text=True)
    api = client.get(f"/api/v1/trajects/{traject.id}/concerns", headers=api_token(owner)).json
    assert sorted(c["text"] for c in api["items"]) == [f"Zorg nummer {n}" for n in range(5)]
    assert all(set(c) >= {"anonymous", "raised_on"} and c["stakeholder"] is None for c in api["items"])
    assert all(c["raised_on"] is None for c in api["items"])  # no date, no time of day
    # The anonymous raise leaves no audit event (its time would be metadata about the writer).
    from app.models import AuditEvent

    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("concern.%"))) is None
    # Random ids, outside the sequence of named concerns: an id tells nothing about arrival.
    named = concern_service.record(traject, {"text": "Genoemde zorg"})
    db.session.commit()
    assert all(c["id"] > 2**30 for c in api["items"]) and named.id < 2**30
    # The report holds the same batch, and says how anonymous concerns are shown.
    document = advice_document.build(traject)
    texts = [c["text"] for c in document["involvement"]["concerns"] if c["anonymous"]]
    assert sorted(texts) == [f"Zorg nummer {n}" for n in range(5)]
    from app.results.report import report_context

    with app.test_request_context("/"):
        html = app.jinja_env.get_template("results/_report_body.html").render(
            **report_context(document), csrf_token=lambda: "", current_user=owner
        )
    assert "Zorg nummer 4" in html and "Zorg nummer 5" not in html
    assert "alleen in groepen van minstens 5" in html


def test_staff_results_page_shows_after_closing_how_concerns_were_answered(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    questionnaire = gen_questionnaire(traject, "ict_staff")
    _participant, token = gen_participant(questionnaire)
    concern = concern_service.record(traject, {"text": "Blijft de servicedesk op school?", "domain": "servicedesk"})
    concern_service.update(
        concern,
        traject,
        {
            "text": concern.text,
            "domain": "servicedesk",
            "status": "answered",
            "answer": "Ja, elke school houdt een aanspreekpunt.",
        },
    )
    db.session.commit()
    assert "Blijft de servicedesk" not in client.get(f"/resultaten/{token}").get_data(as_text=True)  # still open
    questionnaire.status = "closed"
    db.session.commit()
    page = client.get(f"/resultaten/{token}").get_data(as_text=True)
    assert "Hoe zorgen en bezwaren zijn beantwoord" in page
    assert "Blijft de servicedesk op school?" in page and "elke school houdt een aanspreekpunt" in page
    assert f"/zorg/{token}" in page


def test_the_thanks_page_of_a_staff_link_offers_the_anonymous_concern_form(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    participant, token = gen_participant(gen_questionnaire(traject, "ict_staff"))
    participant.completed = True
    db.session.commit()
    page = client.get(f"/v/{token}/_bedankt").get_data(as_text=True)
    assert "<title>Dank u wel · Draagvlak</title>" in page
    assert f'href="/zorg/{token}"' in page.split("</title>")[1]
