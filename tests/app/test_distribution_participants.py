"""Participants: by hand and by CSV (all or nothing, duplicates, roles per audience), tokens as hashes."""

from builders import gen_traject, gen_user, login
from builders_distribution import gen_participant, gen_questionnaire
from sqlalchemy import select, text

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, Participant
from app.services import participants as service


def _setup(client, template="ict_staff", **kwargs):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL", "BM"))
    questionnaire = gen_questionnaire(traject, template, **kwargs)
    login(client, owner)
    return owner, traject, questionnaire


def _upload(client, qid, content: str, name="deelnemers.csv"):
    import io

    return client.post(
        f"/vragenlijsten/{qid}/deelnemers/import",
        data={"file": (io.BytesIO(content.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )


def _emails(questionnaire):
    return sorted(db.session.scalars(select(Participant.email).where(Participant.questionnaire_id == questionnaire.id)))


def test_csv_with_dutch_headers_and_semicolons_imports_everyone(client, app):
    _, traject, questionnaire = _setup(client, status="draft")
    csv_text = (
        "naam;e-mail;rol;organisatie\nAnna de Vries;A.deVries@ZL.nl;ict_staff;ZL\nBram Bos;b.bos@bm.nl;Hoofd ICT;bm\n"
    )
    response = _upload(client, questionnaire.id, csv_text)
    assert response.status_code == 302
    assert _emails(questionnaire) == ["a.devries@zl.nl", "b.bos@bm.nl"]
    roles = {p.email: (p.role, p.organisation.code) for p in questionnaire.participants}
    assert roles["b.bos@bm.nl"] == ("ict_lead", "BM")
    # A draft questionnaire: participants are ready, but no invitation went out yet.
    assert db.session.scalar(select(OutboxMessage.id)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "participants.added")).detail["count"] == 2


def test_csv_with_commas_and_english_headers(client, app):
    _, _, questionnaire = _setup(client, status="draft")
    response = _upload(client, questionnaire.id, "name,email,role,organisation\nX,x@zl.nl,ict_staff,ZL\n")
    assert response.status_code == 302 and _emails(questionnaire) == ["x@zl.nl"]


def test_bad_rows_are_reported_per_line_and_nothing_is_imported(client, app):
    _, _, questionnaire = _setup(client, status="draft")
    csv_text = (
        "name;email;role;organisation\n"
        "Goed;goed@zl.nl;ict_staff;ZL\n"
        "Fout adres;geen-adres;ict_staff;ZL\n"
        "Onbekende school;c@zl.nl;ict_staff;XX\n"
        "Bestuurder;d@zl.nl;board;ZL\n"
    )
    response = _upload(client, questionnaire.id, csv_text)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Niets geïmporteerd" in page and "geen-adres" in page and "XX" in page
    assert "<td>3</td><td>email</td>" in page and "<td>4</td><td>organisation</td>" in page
    assert "<td>5</td><td>role</td>" in page  # a board member does not fit the staff questionnaire
    assert _emails(questionnaire) == []


def test_duplicates_within_the_file_and_against_existing_are_refused(client, app):
    _, _, questionnaire = _setup(client, status="draft")
    gen_participant(questionnaire, email="al@zl.nl")
    inside = _upload(
        client, questionnaire.id, "name;email;role;organisation\nA;twee@zl.nl;ict_staff;ZL\nB;TWEE@zl.nl;ict_staff;ZL\n"
    )
    assert inside.status_code == 422 and "staat al in rij 1" in inside.get_data(as_text=True)
    existing = _upload(
        client, questionnaire.id, "name;email;role;organisation\nA;nieuw@zl.nl;ict_staff;ZL\nB;AL@ZL.NL;ict_staff;ZL\n"
    )
    assert existing.status_code == 422 and "al uitgenodigd" in existing.get_data(as_text=True)
    assert _emails(questionnaire) == ["al@zl.nl"]


def test_missing_column_is_reported(client, app):
    _, _, questionnaire = _setup(client, status="draft")
    response = _upload(client, questionnaire.id, "name;email\nA;a@zl.nl\n")
    assert response.status_code == 422 and "Kolom ontbreekt" in response.get_data(as_text=True)


def test_add_by_hand_and_roles_must_fit_the_audience(client, app):
    _, _, questionnaire = _setup(client, "board_commitment", status="draft")
    bad = client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers",
        data={"name": "Piet", "email": "piet@zl.nl", "role": "ict_staff", "organisation": "ZL"},
    )
    assert bad.status_code == 422 and "past niet bij deze vragenlijst" in bad.get_data(as_text=True)
    good = client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers",
        data={"name": "Piet", "email": "piet@zl.nl", "role": "board", "organisation": "ZL"},
    )
    assert good.status_code == 302 and _emails(questionnaire) == ["piet@zl.nl"]
    page = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers").get_data(as_text=True)
    assert "piet@zl.nl" in page and "Deelnemer toevoegen" in page


def test_closed_questionnaire_refuses_new_participants(client, app):
    _, _, questionnaire = _setup(client, status="closed")
    response = client.post(
        f"/vragenlijsten/{questionnaire.id}/deelnemers",
        data={"email": "a@zl.nl", "role": "ict_staff", "organisation": "ZL"},
    )
    assert response.status_code == 422
    assert (
        _upload(client, questionnaire.id, "name;email;role;organisation\nA;a@zl.nl;ict_staff;ZL\n").status_code == 422
    )
    assert _emails(questionnaire) == []
    try:
        service.add_participants(questionnaire, [{"email": "a@zl.nl", "role": "ict_staff", "organisation": "ZL"}])
    except service.ParticipantError as exc:
        assert "gesloten" in str(exc)
    else:
        raise AssertionError("a closed questionnaire took a participant")


def test_tokens_are_stored_only_as_hashes(client, app):
    _, _, questionnaire = _setup(client)
    added = service.add_participants(
        questionnaire,
        [
            {"email": "a@zl.nl", "name": "A", "role": "ict_staff", "organisation": "ZL"},
            {"email": "b@zl.nl", "name": "B", "role": "ict_staff", "organisation": "BM"},
        ],
    )
    db.session.commit()
    from app.services.invitations import send_invitations

    send_invitations(questionnaire.id)  # outbox messages too
    tokens = [a.token for a in added]
    assert all(len(t) >= 43 for t in tokens)  # 256 bits in URL-safe base64
    dump = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f'SELECT * FROM "{table.name}"')):
            dump.append(" ".join(str(v) for v in row))
    everything = "\n".join(dump)
    assert "a@zl.nl" in everything  # the dump really has the participants
    for token in tokens:
        assert token not in everything


def test_bestuurder_and_other_trajects_cannot_manage_participants(client, app):
    owner = gen_user("regisseur")
    questionnaire = gen_questionnaire(gen_traject(owner), status="draft")
    stranger = gen_user("regisseur")
    login(client, stranger)
    assert client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers").status_code == 404
    assert client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/links.csv").status_code == 404
    assert client.get("/vragenlijsten/999999/deelnemers").status_code == 404
