"""Regisseur UI for trajects: create, edit, organisations (form and CSV), members, access rules."""

import io

from builders import add_member, gen_traject, gen_user, login
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Organisation, Traject


def test_regisseur_creates_a_traject_with_defaults(client, app):
    user = gen_user("regisseur")
    login(client, user)
    response = client.post(
        "/trajecten/nieuw",
        data={"name": "Verkenning Noord", "phase": "ict_foto", "anonymity_threshold": 5, "comment_threshold": 10},
    )
    assert response.status_code == 302
    traject = db.session.scalar(select(Traject))
    assert (traject.name, traject.anonymity_threshold, traject.comment_threshold) == ("Verkenning Noord", 5, 10)
    assert client.get(response.headers["Location"]).status_code == 200


def test_anonymity_threshold_below_three_is_refused_and_nothing_saved(client, app):
    login(client, gen_user("regisseur"))
    response = client.post(
        "/trajecten/nieuw", data={"name": "X", "phase": "ict_foto", "anonymity_threshold": 2, "comment_threshold": 10}
    )
    assert "minstens 3" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Traject.id))) == 0


def test_comment_threshold_below_anonymity_threshold_is_refused(client, app):
    login(client, gen_user("regisseur"))
    response = client.post(
        "/trajecten/nieuw", data={"name": "X", "phase": "ict_foto", "anonymity_threshold": 6, "comment_threshold": 4}
    )
    assert "niet lager zijn dan de anonimiteitsdrempel" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Traject.id))) == 0


def test_edit_traject(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    login(client, owner)
    response = client.post(
        f"/trajecten/{traject.id}/bewerken",
        data={
            "name": "Nieuwe naam",
            "phase": "analyse",
            "anonymity_threshold": 7,
            "comment_threshold": 12,
            "deadline": "2027-01-31",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    traject = db.session.get(Traject, traject.id)
    assert (traject.name, traject.phase, traject.anonymity_threshold, str(traject.deadline)) == (
        "Nieuwe naam",
        "analyse",
        7,
        "2027-01-31",
    )


def test_add_and_edit_organisation_with_duplicate_code_refused(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL",))
    login(client, owner)
    dup = client.post(f"/trajecten/{traject.id}/organisaties/nieuw", data={"code": "zl", "name": "Ander"})
    assert "bestaat al" in dup.get_data(as_text=True)
    ok = client.post(
        f"/trajecten/{traject.id}/organisaties/nieuw", data={"code": "BM", "name": "Bonifatius Mavo", "staff": 45}
    )
    assert ok.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.code == "BM"))
    assert org.staff == 45
    client.post(
        f"/trajecten/{traject.id}/organisaties/{org.id}/bewerken",
        data={"code": "BM", "name": "Bonifatius", "students": 420},
    )
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).students == 420


def _upload(client, traject, text):
    return client.post(
        f"/trajecten/{traject.id}/organisaties/import",
        data={"file": (io.BytesIO(text.encode()), "scholen.csv")},
        content_type="multipart/form-data",
    )


def test_csv_import_all_rows(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=())
    login(client, owner)
    response = _upload(
        client,
        traject,
        "code;naam;medewerkers;leerlingen;locaties;regio\n"
        "ZL;Zuyderzee Lyceum;150;1350;2;Noordoostpolder\n"
        "BM;Bonifatius Mavo;45;420;1;Noordoostpolder\n",
    )
    assert response.status_code == 302
    assert sorted(db.session.scalars(select(Organisation.code))) == ["BM", "ZL"]


def test_csv_import_with_a_bad_row_imports_nothing_and_reports_each_row(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("EC",))
    login(client, owner)
    response = _upload(
        client, traject, "code,name,staff\nZL,Zuyderzee Lyceum,150\nBM,,veel\nEC,Emelwerda,160\nZL,Dubbel,1\n"
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Niets geïmporteerd" in body
    for expected in (
        "Vul een naam in.",
        "veel&#39; is geen geheel getal",
        "De code EC bestaat al",
        "De code ZL bestaat al",
    ):
        assert expected in body
    assert "<td>3</td>" in body and "<td>4</td>" in body and "<td>5</td>" in body
    assert list(db.session.scalars(select(Organisation.code))) == ["EC"]


def test_csv_import_without_required_columns(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=())
    login(client, owner)
    response = _upload(client, traject, "school;aantal\nZL;3\n")
    assert "Kolom ontbreekt: code, name" in response.get_data(as_text=True)


def test_regisseur_of_another_traject_gets_404(client, app):
    traject = gen_traject()
    stranger = gen_user("regisseur")
    login(client, stranger)
    for url in (
        f"/trajecten/{traject.id}",
        f"/trajecten/{traject.id}/bewerken",
        f"/trajecten/{traject.id}/leden",
        f"/trajecten/{traject.id}/organisaties/nieuw",
        f"/trajecten/{traject.id}/logboek",
    ):
        assert client.get(url).status_code == 404, url
    assert b"Verkenning" not in client.get("/trajecten/").data


def test_bestuurder_reads_own_traject_but_cannot_change_it(client, app):
    traject = gen_traject()
    board = gen_user("bestuurder", organisation=traject.organisations[0])
    add_member(traject, board)
    login(client, board)
    page = client.get(f"/trajecten/{traject.id}")
    assert page.status_code == 200 and b"Bewerken" not in page.data
    assert client.get(f"/trajecten/{traject.id}/bewerken").status_code == 403
    assert (
        client.post(f"/trajecten/{traject.id}/organisaties/nieuw", data={"code": "X", "name": "X"}).status_code == 403
    )
    assert client.get("/trajecten/nieuw").status_code == 403
    assert client.post(f"/trajecten/{traject.id}/leden", data={"email": "x@y.nl"}).status_code == 403


def test_members_add_existing_and_new_account(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL",))
    existing = gen_user("bestuurder", email="bestaand@example.nl")
    login(client, owner)
    assert (
        client.post(f"/trajecten/{traject.id}/leden", data={"email": existing.email, "role": "bestuurder"}).status_code
        == 302
    )
    missing = client.post(f"/trajecten/{traject.id}/leden", data={"email": "nieuw@example.nl", "role": "bestuurder"})
    assert "naam en startwachtwoord nodig" in missing.get_data(as_text=True)
    created = client.post(
        f"/trajecten/{traject.id}/leden",
        data={
            "email": "nieuw@example.nl",
            "name": "Nieuwe Bestuurder",
            "role": "bestuurder",
            "organisation": "ZL",
            "password": "start-wachtwoord-1",
        },
    )
    assert created.status_code == 302
    db.session.expire_all()
    emails = sorted(u.email for u in db.session.get(Traject, traject.id).members)
    assert emails == sorted([owner.email, "bestaand@example.nl", "nieuw@example.nl"])
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "member.added")) == 2


def test_traject_list_is_paginated(client, app):
    owner = gen_user("regisseur")
    for i in range(27):
        gen_traject(owner, name=f"T{i:02d}", organisations=())
    login(client, owner)
    first = client.get("/trajecten/").get_data(as_text=True)
    assert "Pagina 1 van 2" in first
    assert "T26" in first and "T00" not in first
    assert "T00" in client.get("/trajecten/?page=2").get_data(as_text=True)
