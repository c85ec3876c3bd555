"""The smaller defects of issue 16, each with the behaviour that fixes it: opt-out wording that matches
the link, earlier statement versions that open, signing in the audit log, deleting organisations,
Excel's trailing empty rows, length limits with a message, and a Dutch message for bad YAML."""

from __future__ import annotations

import io
import re

from builders import add_member, gen_traject, gen_user, login
from builders_distribution import gen_participant
from builders_distribution import gen_questionnaire as gen_open_questionnaire
from respond_builders import gen_questionnaire
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Organisation, Participant, Questionnaire, Traject
from app.models.advice import SwotItem
from app.services import trajects as traject_service
from app.services.responses import definition


def _form(questionnaire, **overrides) -> dict:
    """Every statement question answered (as tests/app/test_respond_statement.py fills it), signed."""
    data = {}
    for q in definition(questionnaire).questions():
        if q.type == "likert":
            data[q.key] = "4"
        elif q.type == "single_choice":
            data[q.key] = q.options[0]["value"]
    data.update(signature_name="B. Stuurder", signature_agree="ja", board_conditions="Heldere afspraken")
    data.update(overrides)
    return data


def test_after_opting_out_the_page_and_the_link_say_the_same(client, app):
    traject = gen_traject()
    questionnaire = gen_open_questionnaire(traject)
    participant, token = gen_participant(questionnaire)
    asked = client.get(f"/afmelden/{token}").get_data(as_text=True)
    assert "Na het afmelden werkt uw persoonlijke link niet meer." in asked
    done = client.post(f"/afmelden/{token}").get_data(as_text=True)
    assert "U bent afgemeld" in done and "blijft werken" not in done
    assert "Uw persoonlijke link werkt nu niet meer." in done
    link = client.get(f"/v/{token}").get_data(as_text=True)
    assert "U heeft zich afgemeld" in link


def test_earlier_statement_versions_open_and_signing_is_audited(client, app):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject, "board_commitment")
    board = gen_user("bestuurder", organisation=traject.organisation_by_code("AA"))
    add_member(traject, board)
    login(client, board)
    client.post(f"/trajecten/{traject.id}/verklaring", data=_form(questionnaire, board_conditions="Eerst de inkoop"))
    client.post(
        f"/trajecten/{traject.id}/verklaring", data=_form(questionnaire, board_conditions="Eerst de servicedesk")
    )
    html = client.get(f"/trajecten/{traject.id}/verklaring").get_data(as_text=True)
    link = f"/trajecten/{traject.id}/verklaring/versie/1"
    assert f'href="{link}"' in html
    first = client.get(link)
    assert first.status_code == 200
    text = first.get_data(as_text=True)
    assert "versie 1" in text and "Eerst de inkoop" in text and "Eerst de servicedesk" not in text
    assert client.get(f"/trajecten/{traject.id}/verklaring/versie/9").status_code == 404
    signed = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "statement.signed").order_by(AuditEvent.id)
    ).all()
    assert [(e.actor_id, e.traject_id, e.detail["revision"], e.detail["organisation"]) for e in signed] == [
        (board.id, traject.id, 1, "AA"),
        (board.id, traject.id, 2, "AA"),
    ]
    # Another bestuurder cannot open this one's versions (they see their own, which do not exist).
    client.post("/logout")
    other = gen_user("bestuurder", organisation=traject.organisation_by_code("BB"))
    add_member(traject, other)
    login(client, other)
    assert client.get(link).status_code == 404
    # The regisseur reads the signing in the logboek, in words.
    client.post("/logout")
    regisseur = db.session.get(Traject, traject.id).memberships[0].user
    login(client, regisseur)
    logboek = client.get(f"/trajecten/{traject.id}/logboek").get_data(as_text=True)
    assert "Commitmentverklaring ondertekend" in logboek and "statement.signed" not in logboek.split("<option")[0]


def test_an_unused_organisation_can_be_deleted_and_a_used_one_is_refused_in_dutch(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL", "XX"))
    questionnaire = gen_open_questionnaire(traject)
    gen_participant(questionnaire, organisation="ZL")
    login(client, owner)
    used, unused = traject.organisation_by_code("ZL"), traject.organisation_by_code("XX")
    refused = client.post(f"/trajecten/{traject.id}/organisaties/{used.id}/verwijderen", follow_redirects=True)
    html = refused.get_data(as_text=True)
    assert "kan niet worden verwijderd: er hangen gegevens aan (1 deelnemer)" in html
    assert db.session.get(Organisation, used.id) is not None
    form = client.get(f"/trajecten/{traject.id}/organisaties/{unused.id}/bewerken").get_data(as_text=True)
    assert "Organisatie verwijderen" in form
    done = client.post(f"/trajecten/{traject.id}/organisaties/{unused.id}/verwijderen", follow_redirects=True)
    assert "Organisatie School XX verwijderd." in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, unused.id) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.deleted"))
    assert event.detail == {"code": "XX"} and event.actor_id == owner.id
    # A bestuurder of the traject reads, and cannot delete.
    client.post("/logout")
    board = gen_user("bestuurder")
    add_member(traject, board)
    login(client, board)
    assert client.post(f"/trajecten/{traject.id}/organisaties/{used.id}/verwijderen").status_code == 403


def test_excel_csv_with_trailing_empty_rows_imports(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL",))
    questionnaire = gen_open_questionnaire(traject)
    login(client, owner)
    people = "naam;e-mail;rol;organisatie\r\nAnna;anna@zl.nl;ict-medewerker;ZL\r\n;;;\r\n;;;\r\n"
    response = client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(people.encode("utf-8-sig")), "deelnemers.csv")},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 1
    schools = "code;naam;medewerkers;leerlingen;locaties;regio\r\nBM;Bonifatius Mavo;45;420;1;NOP\r\n;;;;;\r\n"
    response = client.post(
        f"/trajecten/{traject.id}/organisaties/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(schools.encode()), "scholen.csv")},
    )
    assert response.status_code == 302
    assert {o.code for o in db.session.get(Traject, traject.id).organisations} == {"ZL", "BM"}
    # A blank row between data rows is still an error on its own line (line numbers stay true).
    header, rows = traject_service.read_csv("code;name\nA;a\n;\nB;b\n;\n")
    assert [r["code"] for r in rows] == ["A", "", "B"]


def test_a_swot_point_of_8000_characters_is_refused_in_dutch(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    login(client, owner)
    response = client.post(
        f"/trajecten/{traject.id}/swot/punten", data={"quadrant": "S", "text_nl": "x" * 8000}, follow_redirects=True
    )
    assert "Een SWOT-punt is hoogstens 500 tekens lang; dit zijn er 8000." in response.get_data(as_text=True)
    own = select(func.count()).select_from(SwotItem).where(SwotItem.quadrant == "S", SwotItem.source == "manual")
    assert db.session.scalar(own) == 0
    ok = client.post(f"/trajecten/{traject.id}/swot/punten", data={"quadrant": "S", "text_nl": "y" * 500})
    assert ok.status_code == 302 and db.session.scalar(own) == 1


def test_a_long_traject_name_is_refused_with_a_message_not_cut(client, app):
    owner = gen_user("regisseur")
    login(client, owner)
    form = client.get("/trajecten/nieuw").get_data(as_text=True)
    # No maxlength attribute: a browser would cut pasted text off at 200 without a word.
    assert not re.search(r'<input[^>]*name="name"[^>]*maxlength', form)
    response = client.post(
        "/trajecten/nieuw",
        data={"name": "Verkenning " * 30, "phase": "ict_foto", "anonymity_threshold": 5, "comment_threshold": 10},
    )
    assert response.status_code == 200 and "Hoogstens 200 tekens" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Traject)) == 0
    traject = gen_traject(owner)
    try:
        traject_service.update_traject(traject, name="n" * 201)
    except traject_service.TrajectError as exc:
        assert exc.errors["name"] == ["De naam mag hoogstens 200 tekens lang zijn."]
    else:
        raise AssertionError("a 201-character name was accepted")


def test_a_bad_yaml_import_says_where_in_dutch_not_the_parsers_english(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    login(client, owner)
    response = client.post(
        f"/trajecten/{traject.id}/vragenlijsten/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"title:\n  nl: [open\nkey: x\n"), "kapot.yaml")},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "de tekst is geen geldige YAML of JSON (regel" in html
    for english in ("while parsing", "expected", "found", "flow sequence"):
        assert english not in html
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 0


def test_free_text_everywhere_has_a_maximum_refused_with_a_message_never_cut(client, app):
    """Issue 16: 'set a sensible max length everywhere text is free' — refused whole, nothing saved."""
    import pytest

    from app.models.advice import AdviceText
    from app.services import advice, advice_versions

    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA",))
    with pytest.raises(advice.AdviceError) as refused:
        advice.save_action(traject, title="t" * 301, horizon="kort")
    assert refused.value.errors["title"] == ["De titel is hoogstens 300 tekens lang."]
    with pytest.raises(advice.AdviceError) as refused:
        advice.save_action(traject, title="Overleg", horizon="kort", owner="o" * 201)
    assert "owner" in refused.value.errors
    with pytest.raises(advice.AdviceError) as refused:
        advice.set_override(traject, domain="inkoop", form="netwerkmodel", score=50, reason="r" * 5001, user=owner)
    assert refused.value.errors["reason"] == ["De onderbouwing is hoogstens 5000 tekens lang."]
    db.session.rollback()
    login(client, owner)
    response = client.post(
        f"/trajecten/{traject.id}/rapport/teksten", data={"text_samenvatting": "s" * 20001}, follow_redirects=True
    )
    assert "Een hoofdstuktekst is hoogstens 20000 tekens lang; er is niets opgeslagen." in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(AdviceText)) == 0
    board = gen_user("bestuurder", organisation=traject.organisation_by_code("AA"))
    add_member(traject, board)
    version = advice_versions.publish(traject, owner, confirm_gaps=True)
    db.session.commit()
    with pytest.raises(advice_versions.AdviceError) as refused:
        advice_versions.record_decision(
            version, board, decision="yes_with_conditions", domain_conditions={"inkoop": "v" * 2001}
        )
    assert refused.value.errors["domain_conditions"] == ["Hoogstens 2000 tekens per domein."]
