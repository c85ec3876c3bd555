"""Regisseur UI for questionnaires: build each template and preview it, edit drafts, publish,
versions, export/import, and the access rules."""

import io
import re

import pytest
from builders import add_member, gen_traject, gen_user, login
from sqlalchemy import select

from app.extensions import db
from app.models import Questionnaire
from app.services import questionnaires as service
from surveys.io import load_definition
from surveys.model import Questionnaire as Definition


def _latest() -> Questionnaire:
    db.session.expire_all()
    return db.session.scalars(select(Questionnaire).order_by(Questionnaire.id.desc())).first()


@pytest.fixture
def owner_client(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL", "BM", "EC"))
    login(client, owner)
    return client, traject


@pytest.mark.parametrize("key", ["ict_foto", "ict_staff", "board_commitment", "motives"])
def test_build_each_template_via_the_ui_and_preview_it(owner_client, key):
    client, traject = owner_client
    new_page = client.get(f"/trajecten/{traject.id}/vragenlijsten/nieuw").get_data(as_text=True)
    assert f'value="{key}"' in new_page
    response = client.post(f"/trajecten/{traject.id}/vragenlijsten/nieuw", data={"sjabloon-template": key})
    assert response.status_code == 302
    q = _latest()
    assert (q.template_key, q.status) == (key, "draft")
    editor = client.get(response.headers["Location"]).get_data(as_text=True)
    definition = Definition.from_dict(q.definition)
    for question in definition.questions():
        assert f"<code>{question.key}</code>" in editor
    for section in definition.sections:
        for view in ("", "&weergave=telefoon"):
            page = client.get(f"/vragenlijsten/{q.id}/voorbeeld?sectie={section.key}{view}")
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            for question in section.questions:
                assert f'name="{question.key}' in html
            assert ("phone-frame" in html) == bool(view)
            assert "questions.css" in html
    listing = client.get(f"/trajecten/{traject.id}/vragenlijsten").get_data(as_text=True)
    assert "Concept" in listing
    if key == "board_commitment":
        assert "trust_zl" in editor and "trust_ec" in editor


def test_preview_checks_answers_like_the_respondent_flow(owner_client):
    client, traject = owner_client
    q = service.create_from_template(traject, "motives")
    db.session.commit()
    empty = client.post(f"/vragenlijsten/{q.id}/voorbeeld?sectie=belang", data={}).get_data(as_text=True)
    assert "Deze vraag is verplicht." in empty and 'aria-invalid="true"' in empty
    answers = {
        k: "4"
        for k in (
            "motive_quality",
            "motive_vulnerability",
            "motive_cost",
            "motive_continuity",
            "motive_innovation",
            "motive_professionalisation",
            "motive_procurement",
        )
    }
    ok = client.post(f"/vragenlijsten/{q.id}/voorbeeld?sectie=belang", data=answers).get_data(as_text=True)
    assert "Geen fouten" in ok and "Deze vraag is verplicht." not in ok
    english = client.get(f"/vragenlijsten/{q.id}/voorbeeld?sectie=belang&taal=en").get_data(as_text=True)
    assert "How important" in english
    assert client.get(f"/vragenlijsten/{q.id}/voorbeeld?sectie=nergens").status_code == 404


def test_blank_questionnaire_and_editor_add_edit_move_delete(owner_client):
    client, traject = owner_client
    response = client.post(
        f"/trajecten/{traject.id}/vragenlijsten/nieuw",
        data={"leeg-title": "Eigen peiling", "leeg-audience": "ict_staff", "leeg-anonymous": "y"},
    )
    assert response.status_code == 302
    q = _latest()
    assert q.key == "eigen_peiling" and q.audience == "ict_staff"
    base = f"/vragenlijsten/{q.id}"
    added = client.post(
        f"{base}/secties/sectie_1/vragen/nieuw",
        data={
            "key": "kanaal",
            "type": "single_choice",
            "text_nl": "Welk kanaal?",
            "text_en": "Which channel?",
            "required": "y",
            "options": "mail | E-mail | Email\nchat | Chat | Chat",
            "condition_operator": "equals",
        },
    )
    assert added.status_code == 302
    keys = [x.key for x in Definition.from_dict(_latest().definition).questions()]
    assert keys == ["vraag_1", "kanaal"]
    # A question with a condition on the earlier question, with help text and a scale.
    form = client.get(f"{base}/secties/sectie_1/vragen/nieuw").get_data(as_text=True)
    assert '<option value="kanaal">' in form
    client.post(
        f"{base}/secties/sectie_1/vragen/nieuw",
        data={
            "key": "tevreden",
            "type": "likert",
            "text_nl": "Tevreden?",
            "text_en": "Satisfied?",
            "help_nl": "Over de chat",
            "help_en": "About the chat",
            "scale_min": "1",
            "scale_max": "7",
            "labels_nl": "Slecht\nGoed",
            "labels_en": "Bad\nGood",
            "reverse": "y",
            "construct": "service_satisfaction",
            "condition_question": "kanaal",
            "condition_operator": "equals",
            "condition_value": "chat",
        },
    )
    question = Definition.from_dict(_latest().definition).question("tevreden")
    assert question.scale == {"min": 1, "max": 7} and question.reverse and question.condition.equals == "chat"
    # Edit: the form is filled in with the stored values.
    edit_page = client.get(f"{base}/vragen/tevreden/bewerken").get_data(as_text=True)
    assert "Over de chat" in edit_page and 'value="7"' in edit_page
    client.post(
        f"{base}/vragen/tevreden/bewerken",
        data={
            "key": "tevredenheid",
            "type": "likert",
            "text_nl": "Hoe tevreden?",
            "text_en": "How satisfied?",
            "required": "y",
            "condition_operator": "equals",
        },
    )
    definition = Definition.from_dict(_latest().definition)
    assert definition.question("tevredenheid").text["nl"] == "Hoe tevreden?"
    # Move up, delete.
    client.post(f"{base}/vragen/tevredenheid/verplaatsen", data={"direction": "-1"})
    assert [x.key for x in Definition.from_dict(_latest().definition).questions()] == [
        "vraag_1",
        "tevredenheid",
        "kanaal",
    ]
    client.post(f"{base}/vragen/vraag_1/verwijderen")
    assert [x.key for x in Definition.from_dict(_latest().definition).questions()] == ["tevredenheid", "kanaal"]
    # Sections: add, edit, move, delete.
    assert (
        client.post(
            f"{base}/secties/nieuw",
            data={"key": "tweede", "title_nl": "Twee", "title_en": "Two", "condition_operator": "equals"},
        ).status_code
        == 302
    )
    client.post(
        f"{base}/secties/tweede/bewerken",
        data={
            "key": "tweede",
            "title_nl": "Deel twee",
            "title_en": "Part two",
            "intro_nl": "Hallo",
            "intro_en": "Hello",
            "condition_operator": "equals",
        },
    )
    client.post(f"{base}/secties/tweede/verplaatsen", data={"direction": "-1"})
    assert [s["key"] for s in _latest().definition["sections"]] == ["tweede", "sectie_1"]
    client.post(f"{base}/secties/tweede/verwijderen")
    assert [s["key"] for s in _latest().definition["sections"]] == ["sectie_1"]
    # Settings.
    client.post(f"{base}/instellingen", data={"title_nl": "Peiling", "title_en": "Poll", "audience": "all"})
    assert _latest().title == {"nl": "Peiling", "en": "Poll"} and _latest().anonymous is False


def test_invalid_question_shows_the_error_beside_the_field_and_saves_nothing(owner_client):
    client, traject = owner_client
    q = service.create_from_template(traject, "motives")
    db.session.commit()
    before = q.fingerprint
    page = client.post(
        f"/vragenlijsten/{q.id}/secties/belang/vragen/nieuw",
        data={
            "key": "motive_cost",
            "type": "single_choice",
            "text_nl": "X",
            "text_en": "X",
            "options": "alleen_een | Een | One",
            "condition_operator": "equals",
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "minstens twee opties" in html
    assert _latest().fingerprint == before


def test_publish_with_local_times_then_frozen_close_and_new_version(owner_client):
    client, traject = owner_client
    q = service.create_from_template(traject, "ict_staff")
    db.session.commit()
    response = client.post(
        f"/vragenlijsten/{q.id}/publiceren", data={"opens_at": "2030-06-01T09:00", "closes_at": "2030-06-15T17:30"}
    )
    assert response.status_code == 302
    q = _latest()
    assert q.status == "open"
    assert q.opens_at.astimezone().utcoffset() is not None
    assert q.opens_at.isoformat().startswith("2030-06-01T07:00")  # CEST is UTC+2
    editor = client.get(f"/vragenlijsten/{q.id}").get_data(as_text=True)
    assert "ligt vast" in editor and "/bewerken" not in editor
    first = q.definition["sections"][0]["questions"][0]["key"]
    refused = client.post(f"/vragenlijsten/{q.id}/vragen/{first}/bewerken", data={}, follow_redirects=True)
    assert service.FROZEN in refused.get_data(as_text=True)
    assert client.post(f"/vragenlijsten/{q.id}/sluiten").status_code == 302
    assert _latest().status == "closed"
    response = client.post(f"/vragenlijsten/{q.id}/nieuwe-versie")
    new = _latest()
    assert response.headers["Location"].endswith(f"/vragenlijsten/{new.id}")
    assert (new.version, new.previous_id, new.status) == (2, q.id, "draft")
    client.post(f"/vragenlijsten/{q.id}/dupliceren")
    assert _latest().title["nl"].endswith("(kopie)")


def test_export_and_import_round_trip(owner_client):
    client, traject = owner_client
    q = service.create_from_template(traject, "ict_foto")
    db.session.commit()
    for fmt in ("yaml", "json"):
        response = client.get(f"/vragenlijsten/{q.id}/export.{fmt}")
        assert response.status_code == 200
        assert f'filename="ict_foto-v1.{fmt}"' in response.headers["Content-Disposition"]
        assert load_definition(response.get_data(as_text=True)).fingerprint() == q.fingerprint
        imported = client.post(
            f"/trajecten/{traject.id}/vragenlijsten/import",
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(response.data), f"foto.{fmt}")},
        )
        assert imported.status_code == 302 and _latest().fingerprint == q.fingerprint
    count = db.session.query(Questionnaire).count()
    bad = client.post(
        f"/trajecten/{traject.id}/vragenlijsten/import",
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"key: x\n"), "kapot.yaml")},
    )
    assert bad.status_code == 422 and "Ongeldige vragenlijst" in bad.get_data(as_text=True)
    assert db.session.query(Questionnaire).count() == count
    assert client.get(f"/vragenlijsten/{q.id}/export.xml").status_code == 404


def test_other_regisseur_gets_404_and_bestuurder_403(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    q = service.create_from_template(traject, "motives")
    db.session.commit()
    stranger = gen_user("regisseur")
    login(client, stranger)
    for url in (
        f"/trajecten/{traject.id}/vragenlijsten",
        f"/vragenlijsten/{q.id}",
        f"/vragenlijsten/{q.id}/voorbeeld",
        f"/vragenlijsten/{q.id}/vragen/motive_cost/bewerken",
        f"/vragenlijsten/{q.id}/export.yaml",
        f"/trajecten/{traject.id}/vragenlijsten/nieuw",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/vragenlijsten/{q.id}/vragen/motive_cost/verwijderen").status_code == 404
    client.post("/logout")
    board = gen_user("bestuurder")
    add_member(traject, board)
    login(client, board)
    listing = client.get(f"/trajecten/{traject.id}/vragenlijsten")
    assert listing.status_code == 200 and "Nieuwe vragenlijst" not in listing.get_data(as_text=True)
    editor = client.get(f"/vragenlijsten/{q.id}").get_data(as_text=True)
    assert "Vraag toevoegen" not in editor and not re.search(r"/vragen/[a-z_]+/bewerken", editor)
    for url in (
        f"/vragenlijsten/{q.id}/vragen/motive_cost/verwijderen",
        f"/vragenlijsten/{q.id}/publiceren",
        f"/vragenlijsten/{q.id}/dupliceren",
        f"/trajecten/{traject.id}/vragenlijsten/nieuw",
    ):
        assert client.post(url, data={"sjabloon-template": "motives"}).status_code == 403, url
    assert client.get(f"/vragenlijsten/{q.id}/vragen/motive_cost/bewerken").status_code == 403
    assert _latest().fingerprint == q.fingerprint and db.session.query(Questionnaire).count() == 1
