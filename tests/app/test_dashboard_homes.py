"""The dashboard's first screen and open answers, each role's home, the traject checklist, and review before sending."""

import re

from builders import add_member, gen_traject, gen_user, login
from builders_distribution import gen_participant, gen_questionnaire
from builders_results import build_payload, foto_rows, gen_case_traject, gen_snapshot
from respond_builders import gen_questionnaire as gen_statement_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models import OutboxMessage
from app.results import open_answers
from app.services import advice, advice_versions, comment_words

POISON = 87.654321


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- open answers ---------------------------------------------------------------------------------


def _comment(text, question="worries", organisation="ZL", role="ict_staff"):
    return {
        "questionnaire": "ict_staff",
        "question": question,
        "organisation": organisation,
        "role": role,
        "text": text,
    }


def test_normalise_and_domain_of():
    assert comment_words.normalise("  Méér   OVERLEG!! ") == "meer overleg"
    assert comment_words.domain_of(comment_words.normalise("De servicedesk en het netwerk")) == "servicedesk"
    assert comment_words.domain_of("goed idee") == comment_words.OTHER


def _released(comments) -> int:
    """A release holding these comments (in their table), as the recompute writes it; its id."""
    owner = gen_user("regisseur")
    return gen_snapshot(gen_case_traject(owner), {"comments": comments}).id


def test_near_identical_answers_are_counted_and_groups_below_the_current_threshold_left_out(app):
    with app.test_request_context():
        release = _released(
            [_comment("Meer overleg!") for _ in range(3)]
            + [_comment("meer  overleg")] * 2
            + [_comment("Zorgen over het netwerk", organisation="BM")] * 4  # a group of 4 < 5
            + [_comment("Zorgen over de werkdruk", question="conditions")] * 5
        )
        result = open_answers.grouped(release, 5)
        assert result["total"] == 10 and result["shown"] == 10
        by_question = {q["key"]: q for q in result["questions"]}
        worries = by_question["ict_staff:worries"]
        clusters = [c for d in worries["domains"] for c in d["clusters"]]
        assert clusters == [{"text": "Meer overleg!", "count": 5}]  # the spelling most people used
        assert worries["domains"][0]["key"] == "overleg"
        assert "netwerk" not in str(result)  # BM's four writers stay below the threshold
        # Filters: question, domain, text, repeated only.
        only = open_answers.grouped(release, 5, question="ict_staff:conditions")
        assert [q["key"] for q in only["questions"]] == ["ict_staff:conditions"] and only["shown"] == 5
        assert open_answers.grouped(release, 5, domain="personeel")["shown"] == 5
        assert open_answers.grouped(release, 5, search="OVERLEG")["shown"] == 5
        assert open_answers.grouped(release, 5, search="bestaat niet")["questions"] == []
        single = _released([_comment(f"antwoord {i}") for i in range(5)])
        assert open_answers.grouped(single, 5, repeated_only=True)["shown"] == 0
        # A threshold raised after the release hides what the release still holds.
        assert open_answers.grouped(release, 6)["total"] == 0


def test_open_answers_page_filters_and_the_bestuurder_sees_none(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    payload = build_payload()
    payload["comments"] = [_comment("Eerst kleine projecten", question="conditions")] * traject.comment_threshold + [
        _comment("Vast aanspreekpunt per locatie", organisation="BM")
    ] * traject.comment_threshold
    gen_snapshot(traject, payload)
    login(client, owner)
    url = f"/trajecten/{traject.id}/resultaten/open-antwoorden"
    html = client.get(url).get_data(as_text=True)
    assert f"{traject.comment_threshold}×" in html and "Vast aanspreekpunt per locatie" in html
    assert "BM" not in _text(html[html.index('id="opmerkingen"') :])  # never which school
    html = client.get(url + "?domein=servicedesk").get_data(as_text=True)
    assert "Vast aanspreekpunt" in html and "Eerst kleine projecten" not in html
    html = client.get(url + "?vraag=ict_staff:conditions&zoek=projecten").get_data(as_text=True)
    assert "Eerst kleine projecten" in html and "Vast aanspreekpunt" not in html
    board = gen_user("bestuurder")
    add_member(traject, board)
    client.post("/logout")
    login(client, board)
    html = client.get(url + "?zoek=Vast").get_data(as_text=True)
    assert "Vast aanspreekpunt" not in html and "alleen de regisseur" in html
    assert "open-antwoorden" not in client.get(f"/trajecten/{traject.id}/resultaten").get_data(as_text=True)


# --- the first screen -------------------------------------------------------------------------------


def test_first_screen_has_findings_per_step_each_linking_to_a_working_detail(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    payload = build_payload()
    for row in payload["indices"]:
        if row["organisation"] == "BC":  # as a release stores a hidden group, plus poison
            row.update(suppressed=True, value=POISON, ci_low=POISON, ci_high=POISON, n=3)
    payload["ict_foto"] = foto_rows()
    gen_snapshot(traject, payload)
    login(client, owner)
    html = client.get(f"/trajecten/{traject.id}/resultaten").get_data(as_text=True)
    for title in ("ICT-foto", "Motieven", "Draagvlak", "Commitment van de besturen"):
        assert f"{title}</h2>" in html
    cards = html.split('class="card step-card"')[1:]
    assert len(cards) == 4 and [c.count('class="finding tone') for c in cards] == [5, 4, 4, 4]
    assert "87,65" not in html and "Berechja" not in _text(html).split("Per school van")[-1].split(".")[0]
    assert "Bij 2 scholen is de respons te laag" in html  # BM (as built) and BC
    links = set(re.findall(r'href="(/trajecten/\d+/resultaten/[a-z-]+)#([a-z-]+)"', html))
    assert {part.rsplit("/", 1)[1] for part, _ in links} >= {"ict-foto", "motieven", "draagvlak", "bestuur"}
    for path, anchor in links:
        detail = client.get(path)
        assert detail.status_code == 200 and f'id="{anchor}"' in detail.get_data(as_text=True)
    assert len(html) < 40_000  # a first screen, not the old 23,000-pixel page
    assert client.get(f"/trajecten/{traject.id}/resultaten/onzin").status_code == 404


def test_print_stylesheet_hides_navigation():
    from pathlib import Path

    css = (Path(__file__).parents[2] / "app/static/dashboard.css").read_text()
    block = css[css.index("@media print") :]
    assert ".detail-tabs" in block and ".filter-form" in block and "break-inside: avoid" in block


# --- homes -------------------------------------------------------------------------------------------


def test_anonymous_home_goes_to_login(client, app):
    assert client.get("/").headers["Location"].endswith("/login")


def test_bestuurder_home_puts_what_is_asked_first(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    board = gen_user("bestuurder", organisation=traject.organisation_by_code("ZL"))
    add_member(traject, board)
    gen_statement_questionnaire(traject, "board_commitment")
    login(client, board)
    html = client.get("/").get_data(as_text=True)
    assert html.index("Wat wordt van u gevraagd") < html.index("De uitkomsten tot nu toe")
    assert "Uw commitmentverklaring ondertekenen" in html and "Beheer" not in html
    assert f'href="/trajecten/{traject.id}/verklaring"' in html
    advice.sync_swot(traject)
    version = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert f"Besluit nemen over adviesversie {version.number}" in html
    assert f"/adviesversies/{version.id}/besluit" in html
    # The traject page of a bestuurder asks the same, before anything else.
    html = client.get(f"/trajecten/{traject.id}").get_data(as_text=True)
    assert html.index("Wat wordt van u gevraagd") < html.index("Vragenlijsten")
    assert "Wat nu?" not in html  # the regisseur's checklist is not theirs
    # English
    client.get("/taal/en")
    html = client.get("/").get_data(as_text=True)
    assert "What is asked of you" in html and f"Decide on advice version {version.number}" in html


def test_ict_lead_home_shows_their_schools_ict_foto(client, app):
    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    payload = build_payload()
    payload["ict_foto"] = foto_rows()
    gen_snapshot(traject, payload)
    lead = gen_user("ict_lead", organisation=traject.organisation_by_code("BM"))
    add_member(traject, lead)
    login(client, lead)
    html = client.get("/").get_data(as_text=True)
    assert "ICT-foto van Bonifatius Mavo" in html and "Alle scholen samen" in html and "4.150" in html
    assert "Zuyderzee Lyceum" not in html  # another school's row is one click further, not here


def test_regisseur_home_lists_trajects_with_step_and_response(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, name="Verkenning Noord")
    questionnaire = gen_questionnaire(traject, "ict_foto")
    gen_participant(questionnaire, completed=True)
    gen_participant(questionnaire)
    login(client, owner)
    html = client.get("/").get_data(as_text=True)
    assert "Verkenning Noord" in html and "Huidige stap" in html and "ICT-foto" in html
    assert "50%" in _text(html)


# --- the traject checklist ---------------------------------------------------------------------------


def test_an_empty_traject_explains_itself_and_offers_one_next_step(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=())
    login(client, owner)
    html = client.get(f"/trajecten/{traject.id}").get_data(as_text=True)
    assert "Dit traject is nog leeg" in html
    steps = html[html.index('id="verder-kop"') : html.index("</section>", html.index('id="verder-kop"'))]
    assert steps.count('class="button" href') == 1  # the one button for the next step
    assert f'class="button" href="/trajecten/{traject.id}/organisaties/nieuw"' in html
    # No step after the set-up counts as done just because there is nothing to lack yet.
    assert "— klaar" not in _text(steps) and "Komt na het inrichten." in html
    # Once there are schools the next step moves on to the bestuurders.
    client.post(f"/trajecten/{traject.id}/organisaties/nieuw", data={"code": "ZL", "name": "Zuyderzee Lyceum"})
    html = client.get(f"/trajecten/{traject.id}").get_data(as_text=True)
    assert "1 school toegevoegd." in html and "Dit traject is nog leeg" not in html
    assert f'class="button" href="/trajecten/{traject.id}/leden"' in html


# --- review before sending -----------------------------------------------------------------------------


def test_adding_or_importing_participants_mails_nobody_and_the_review_shows_both_languages(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    questionnaire = gen_questionnaire(traject, "ict_staff")
    login(client, owner)
    r = client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers",
        data={"name": "Els Eerst", "email": "els@aa.nl", "role": "ict_staff", "organisation": "AA"},
    )
    assert r.headers["Location"].endswith(f"/vragenlijsten/{questionnaire.id}/deelnemers/versturen")
    csv = "naam;e-mail;rol;organisatie\nBas;bas@aa.nl;ICT-medewerker;AA\n"
    import io

    client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers/import",
        data={"file": (io.BytesIO(csv.encode()), "lijst.csv")},
        content_type="multipart/form-data",
    )
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    html = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/versturen").get_data(as_text=True)
    assert "els@aa.nl" in html and "bas@aa.nl" in html
    assert 'lang="nl"' in html and 'lang="en"' in html
    assert "Beste Els Eerst" in html and "Dear Els Eerst" in html and "Uitnodiging:" in html and "Invitation:" in html
    assert "[[link" not in html and "(persoonlijke link)" in html and "(personal link)" in html
    client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/uitnodigen")
    bodies = list(db.session.scalars(select(OutboxMessage.body)))
    # Each in the participant's own language: neither list gave one, so Dutch (docs/words.md).
    assert len(bodies) == 2 and all("Beste" in b and "Dear" not in b for b in bodies)


def test_reminder_review_of_an_anonymous_questionnaire_shows_a_count_never_who(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    traject.anonymity_threshold = 3
    questionnaire = gen_questionnaire(traject, "ict_staff")
    people = [
        gen_participant(questionnaire, email=f"p{i}@aa.nl", name=f"Persoon {i}", invited_days_ago=10, completed=i < 4)[
            0
        ]
        for i in range(6)
    ]
    login(client, owner)
    html = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/herinneren/controleren").get_data(as_text=True)
    assert "Nog niet ingevuld: 2 van de 6" in html
    assert not any(p.email in html or p.name in html for p in people)  # not who
    assert "Beste collega" in html and "Dear colleague" in html
    assert f'action="/vragenlijsten/{questionnaire.id}/deelnemers/herinneren"' in html
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0  # looking sends nothing


def test_reminder_review_hides_the_count_when_the_response_figures_hide_it(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    questionnaire = gen_questionnaire(traject, "ict_staff")
    for i in range(4):
        gen_participant(questionnaire, invited_days_ago=10, completed=i == 0)
    login(client, owner)
    html = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/herinneren/controleren").get_data(as_text=True)
    assert "blijft verborgen" in html and "Nog niet ingevuld:" not in html


def test_reminder_review_of_an_identified_questionnaire_names_whom_it_reaches(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    questionnaire = gen_questionnaire(traject, "ict_foto")
    due, _ = gen_participant(questionnaire, email="due@aa.nl", name="Dirk Due", invited_days_ago=10)
    gen_participant(questionnaire, email="done@aa.nl", invited_days_ago=10, completed=True)
    login(client, owner)
    html = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/herinneren/controleren").get_data(as_text=True)
    assert "De herinnering gaat nu naar 1 deelnemer." in html and "due@aa.nl" in html and "done@aa.nl" not in html
    assert "Beste Dirk Due" in html and "Dear Dirk Due" in html


def test_a_new_advice_version_after_the_statement_asks_to_revise_it(client, app):
    from app.services.responses import definition

    owner = gen_user("regisseur")
    traject = gen_case_traject(owner)
    gen_snapshot(traject)
    board = gen_user("bestuurder", organisation=traject.organisation_by_code("BM"))
    add_member(traject, board)
    questionnaire = gen_statement_questionnaire(traject, "board_commitment")
    form = {}
    for q in definition(questionnaire).questions():
        if q.type == "likert":
            form[q.key] = "4"
        elif q.type == "single_choice":
            form[q.key] = q.options[0]["value"]
    form.update(signature_name="B. Stuurder", signature_agree="ja")
    login(client, board)
    assert client.post(f"/trajecten/{traject.id}/verklaring", data=form).status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "Uw commitmentverklaring herzien?" not in html and "Ondertekend op" in html
    advice.sync_swot(traject)
    advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Uw commitmentverklaring herzien?" in html and "is adviesversie 1 gepubliceerd" in html
