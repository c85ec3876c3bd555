"""Stakeholder register, grid, engagement log, concerns and communication plan: services and pages."""

from __future__ import annotations

import io
from datetime import date

from builders import add_member, gen_traject, gen_user, login
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from app.models.advice import RoadmapAction, SwotItem
from app.models.stakeholders import CommunicationItem, Concern, Engagement, Stakeholder
from app.services import concerns as concern_service
from app.services import engagements as engagement_service
from app.services import stakeholders as service

CSV = (
    "naam;soort;categorie;organisatie;invloed;belang;houding;betrokkenheid;meetgroep;eigenaar\n"
    "Bestuur AA;groep;bestuur;AA;5;4;voorstander;meebeslissen;bestuur;Regisseur\n"
    "ICT-medewerkers AA;groep;ict-medewerkers;AA;2;5;kritisch;betrekken;ict-medewerkers;Hoofd ICT\n"
    "Leverancier X;persoon;leverancier;;1;1;onbekend;informeren;;\n"
)


def _setup():
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB"))
    return owner, traject


def _events(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action))


def _upload(client, traject, text: str):
    return client.post(
        f"/trajecten/{traject.id}/belanghebbenden/import",
        data={"file": (io.BytesIO(text.encode()), "register.csv")},
        content_type="multipart/form-data",
    )


def test_csv_import_creates_every_row_with_dutch_words_and_is_audited(client, app):
    owner, traject = _setup()
    login(client, owner)
    response = _upload(client, traject, CSV)
    assert response.status_code == 302
    people = {s.name: s for s in service.register(traject)}
    assert set(people) == {"Bestuur AA", "ICT-medewerkers AA", "Leverancier X"}
    staff = people["ICT-medewerkers AA"]
    assert (staff.kind, staff.category, staff.organisation_code, staff.influence, staff.interest) == (
        "group",
        "ict_staff",
        "AA",
        2,
        5,
    )
    assert (staff.attitude, staff.engagement, staff.measured_role, staff.quadrant) == (
        "critical",
        "involve",
        "ict_staff",
        "keep_informed",
    )
    assert people["Leverancier X"].organisation_code is None and people["Leverancier X"].quadrant == "monitor"
    assert people["Bestuur AA"].quadrant == "manage_closely"
    assert _events("stakeholder.imported") == 1


def test_csv_import_is_all_or_nothing_with_errors_per_row(client, app):
    owner, traject = _setup()
    login(client, owner)
    bad = CSV + "Onbekende school;groep;;ZZ;3;3;;;;\nTe veel invloed;groep;;;9;3;;;;\nBestuur AA;groep;;;3;3;;;;\n"
    response = _upload(client, traject, bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Niets geïmporteerd" in page and "Onbekende organisatie" in page
    assert "Vul een geheel getal van 1 tot en met 5 in." in page
    assert "Er staat al een belanghebbende met deze naam in het register." in page  # a duplicate inside the file
    assert ">5<" in page and ">6<" in page and ">7<" in page  # the lines of the bad rows
    assert db.session.scalar(select(func.count(Stakeholder.id))) == 0
    # English session: the same errors in English.
    client.get("/taal/en")
    english = _upload(client, traject, bad).get_data(as_text=True)
    assert "Unknown organisation" in english and "Onbekende organisatie" not in english


def test_moving_on_the_grid_is_a_form_changes_the_quadrant_and_is_audited(client, app):
    owner, traject = _setup()
    stakeholder = service.add(traject, {"name": "MR AA", "kind": "group", "influence": 2, "interest": 2})
    db.session.commit()
    login(client, owner)
    page = client.get(f"/trajecten/{traject.id}/belanghebbenden/krachtenveld").get_data(as_text=True)
    assert 'role="img"' in page and "<title" in page and "Monitoren" in page
    assert f'name="s{stakeholder.id}-influence"' in page  # a form, not only a drag gesture
    response = client.post(
        f"/trajecten/{traject.id}/belanghebbenden/{stakeholder.id}/verplaatsen",
        data={f"s{stakeholder.id}-influence": "4", f"s{stakeholder.id}-interest": "5"},
    )
    assert response.status_code == 302
    db.session.refresh(stakeholder)
    assert (stakeholder.influence, stakeholder.interest, stakeholder.quadrant) == (4, 5, "manage_closely")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "stakeholder.moved"))
    assert event.detail["quadrant_before"] == "monitor" and event.detail["quadrant"] == "manage_closely"
    bad = client.post(
        f"/trajecten/{traject.id}/belanghebbenden/{stakeholder.id}/verplaatsen",
        data={f"s{stakeholder.id}-influence": "7", f"s{stakeholder.id}-interest": "5"},
    )
    assert bad.status_code == 302
    db.session.refresh(stakeholder)
    assert stakeholder.influence == 4


def test_bestuurder_reads_every_page_and_cannot_change_anything(client, app):
    owner, traject = _setup()
    stakeholder = service.add(traject, {"name": "Bestuur AA", "kind": "group", "influence": 5, "interest": 5})
    engagement = engagement_service.log(
        traject,
        {
            "date": "2027-01-12",
            "kind": "workshop",
            "topic": "Kennismaking",
            "stakeholders": [stakeholder.id],
            "attendees": 7,
        },
    )
    concern = concern_service.record(
        traject, {"text": "Wie doet straks de servicedesk?", "stakeholder": stakeholder.id}
    )
    db.session.commit()
    board = gen_user("bestuurder", organisation=traject.organisation_by_code("AA"))
    add_member(traject, board)
    login(client, board)
    base = f"/trajecten/{traject.id}"
    for path in (
        "/belanghebbenden",
        "/belanghebbenden/krachtenveld",
        f"/belanghebbenden/{stakeholder.id}",
        "/betrokkenheid",
        "/zorgen",
        f"/zorgen/{concern.id}",
        "/communicatieplan",
    ):
        response = client.get(base + path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert "Verplaatsen" not in page and "Bewerken en beantwoorden" not in page
    for path, data in (
        (f"/belanghebbenden/{stakeholder.id}/verplaatsen", {}),
        ("/belanghebbenden/nieuw", {}),
        (f"/betrokkenheid/{engagement.id}/verwijderen", {}),
        (f"/zorgen/{concern.id}", {"status": "open"}),
        (f"/zorgen/{concern.id}/actie", {}),
        ("/communicatieplan/nieuw", {}),
    ):
        assert client.post(base + path, data=data).status_code == 403, path
    assert db.session.get(Engagement, engagement.id) is not None


def test_engagement_log_per_phase_and_per_stakeholder_without_names(client, app):
    owner, traject = _setup()
    staff = service.add(traject, {"name": "ICT-medewerkers AA", "kind": "group", "influence": 2, "interest": 5})
    db.session.commit()
    login(client, owner)
    response = client.post(
        f"/trajecten/{traject.id}/betrokkenheid/nieuw",
        data={
            "date": "2027-02-03",
            "kind": "workshop",
            "phase": "analyse",
            "topic": "Werksessie servicedesk",
            "stakeholders": [str(staff.id)],
            "domains": ["servicedesk"],
            "attendees": "6",
            "outcome": "Zorgen over roosters",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        f"/trajecten/{traject.id}/betrokkenheid/nieuw",
        data={"date": "2027-02-03", "kind": "workshop", "phase": "analyse", "topic": "", "attendees": "-1"},
    )
    assert bad.status_code == 200 and "Vul dit veld in." in bad.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Engagement.id))) == 1
    log = client.get(f"/trajecten/{traject.id}/betrokkenheid").get_data(as_text=True)
    assert "2. Motieven en sterkte-zwakte" in log and "Werksessie servicedesk" in log
    person = client.get(f"/trajecten/{traject.id}/belanghebbenden/{staff.id}").get_data(as_text=True)
    assert "Werksessie servicedesk" in person
    engagement = db.session.scalar(select(Engagement))
    assert engagement.attendees == 6 and engagement.domains == ["servicedesk"]
    assert not hasattr(engagement, "attendee_names")


def test_engagement_rejects_a_stakeholder_of_another_traject(app):
    _owner, traject = _setup()
    _other_owner, other = _setup()
    foreign = service.add(other, {"name": "Elders", "kind": "group", "influence": 3, "interest": 3})
    db.session.commit()
    try:
        engagement_service.log(
            traject, {"date": "2027-01-01", "kind": "meeting", "topic": "x", "stakeholders": [foreign.id]}
        )
    except service.StakeholderError as exc:
        assert "stakeholders" in exc.errors
    else:
        raise AssertionError("a stakeholder of another traject was accepted")


def test_concern_becomes_a_roadmap_action_and_a_threat_with_links_both_ways(client, app):
    owner, traject = _setup()
    concern = concern_service.record(traject, {"text": "Verlies van eigen beheer", "domain": "personeel"})
    db.session.commit()
    login(client, owner)
    assert client.post(f"/trajecten/{traject.id}/zorgen/{concern.id}/actie").status_code == 302
    assert client.post(f"/trajecten/{traject.id}/zorgen/{concern.id}/bedreiging").status_code == 302
    db.session.refresh(concern)
    action = db.session.get(RoadmapAction, concern.roadmap_action_id)
    threat = db.session.get(SwotItem, concern.swot_item_id)
    assert (
        action.key == f"concern-{concern.id}"
        and action.domain == "personeel"
        and "Verlies van eigen beheer" in action.title
    )
    assert threat.quadrant == "T" and threat.evidence == {"concern": concern.id}
    links = concern_service.links_for(traject)
    assert links[("action", action.id)] == concern.id and links[("swot", threat.id)] == concern.id
    # A second conversion does not duplicate.
    client.post(f"/trajecten/{traject.id}/zorgen/{concern.id}/actie")
    assert db.session.scalar(select(func.count(RoadmapAction.id))) == 1
    assert _events("concern.to_action") == 1 and _events("concern.to_threat") == 1
    page = client.get(f"/trajecten/{traject.id}/zorgen/{concern.id}").get_data(as_text=True)
    assert "Staat als actie op de routekaart" in page and f"#actie-{action.id}" in page
    # And back: the roadmap and the SWOT link to the concern.
    link = f"/trajecten/{traject.id}/zorgen/{concern.id}"
    assert link in client.get(f"/trajecten/{traject.id}/routekaart").get_data(as_text=True)
    assert link in client.get(f"/trajecten/{traject.id}/swot").get_data(as_text=True)


def test_answered_concern_needs_an_answer_and_only_open_ones_convert(app):
    _owner, traject = _setup()
    try:
        concern_service.record(traject, {"text": "Zorg", "status": "answered"})
    except service.StakeholderError as exc:
        assert "answer" in exc.errors
    else:
        raise AssertionError("answered without an answer was accepted")
    concern = concern_service.record(traject, {"text": "Zorg", "status": "resolved", "answer": "Opgelost."})
    try:
        concern_service.to_action(concern, traject)
    except service.StakeholderError:
        pass
    else:
        raise AssertionError("a resolved concern became an action")


def test_default_communication_plan_from_quadrant_and_level_is_editable_and_shows_on_the_traject_page(client, app):
    owner, traject = _setup()
    board = service.add(
        traject,
        {
            "name": "Bestuur AA",
            "kind": "group",
            "influence": 5,
            "interest": 5,
            "engagement": "empower",
            "owner": "Regisseur",
        },
    )
    db.session.commit()
    login(client, owner)
    assert client.post(f"/trajecten/{traject.id}/belanghebbenden/{board.id}/communicatie-afleiden").status_code == 302
    items = engagement_service.plan(traject)
    assert {i.message for i in items} == {"personal_meeting", "progress_update", "decision_session"}
    assert all(i.derived and i.by_whom == "Regisseur" and i.planned_on > date.today() for i in items)
    first = items[0]
    client.post(
        f"/trajecten/{traject.id}/communicatieplan/{first.id}/bewerken",
        data={
            "message": "Bestuurlijk overleg over het SSC",
            "channel": "overleg",
            "planned_on": first.planned_on.isoformat(),
            "by_whom": "Regisseur",
        },
    )
    db.session.refresh(first)
    assert first.message == "Bestuurlijk overleg over het SSC" and not first.derived
    # Deriving again replaces only the untouched defaults.
    engagement_service.derive_plan(board)
    db.session.commit()
    assert db.session.get(CommunicationItem, first.id) is not None
    show = client.get(f"/trajecten/{traject.id}").get_data(as_text=True)
    assert "Komende communicatie" in show and "Bestuurlijk overleg over het SSC" in show


def test_every_change_is_audited(app):
    _owner, traject = _setup()
    s = service.add(traject, {"name": "Docenten", "kind": "group", "influence": 1, "interest": 4})
    service.update(s, traject, {"name": "Docenten (ICT-gebruikers)", "kind": "group", "influence": 2, "interest": 4})
    e = engagement_service.log(traject, {"date": "2027-01-01", "kind": "information", "topic": "Avond"})
    c = concern_service.record(traject, {"text": "Zorg"})
    concern_service.update(c, traject, {"text": "Zorg", "status": "answered", "answer": "Zo."})
    engagement_service.delete(e)
    service.delete(s)
    db.session.commit()
    for action in (
        "stakeholder.created",
        "stakeholder.updated",
        "engagement.logged",
        "concern.recorded",
        "concern.updated",
        "engagement.deleted",
        "stakeholder.deleted",
    ):
        assert _events(action) == 1, action


def test_register_page_points_out_where_judgement_and_measurement_disagree(client, app):
    from builders_results import gen_snapshot

    owner, traject = _setup()
    service.add(
        traject,
        {
            "name": "ICT AA",
            "kind": "group",
            "organisation": "AA",
            "influence": 2,
            "interest": 5,
            "attitude": "supporter",
            "measured_role": "ict_staff",
        },
    )
    db.session.commit()
    gen_snapshot(
        traject,
        {
            "indices": [
                {
                    "index": "draagvlak",
                    "organisation": "AA",
                    "role": "ict_staff",
                    "n": 12,
                    "value": 41.0,
                    "suppressed": False,
                },
                {
                    "index": "weerstand",
                    "organisation": "AA",
                    "role": "ict_staff",
                    "n": 12,
                    "value": 63.0,
                    "suppressed": False,
                },
            ]
        },
    )
    login(client, owner)
    page = client.get(f"/trajecten/{traject.id}/belanghebbenden").get_data(as_text=True)
    assert "Oordeel en meting lopen uiteen" in page and "Oordeel en meting staan tegenover elkaar." in page
    assert "draagvlak 41, weerstand 63 (n = 12)" in page


def test_erasing_the_traject_erases_person_names_owners_and_notes(app):
    from app.services import privacy

    _owner, traject = _setup()
    person = service.add(
        traject,
        {
            "name": "Jan de Vries (Hoofd ICT)",
            "kind": "person",
            "influence": 4,
            "interest": 4,
            "owner": "Regisseur",
            "note": "Belt liever dan mailt",
        },
    )
    group = service.add(traject, {"name": "MR AA", "kind": "group", "influence": 2, "interest": 2, "note": "x"})
    db.session.commit()
    counts = privacy.erase_traject(traject, confirm_name=traject.name)
    db.session.commit()
    person, group = db.session.get(Stakeholder, person.id), db.session.get(Stakeholder, group.id)
    assert counts["stakeholder_persons"] == 1
    assert person.name == f"Persoon {person.id}" and person.owner == "" and person.note == ""
    assert group.name == "MR AA" and group.note == ""
    details = [
        e.detail for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action == "stakeholder.created"))
    ]
    assert details and all("Jan de Vries" not in str(d) for d in details)


def test_deleting_a_stakeholder_takes_its_plan_and_log_links_and_keeps_its_concerns(client, app):
    owner, traject = _setup()
    person = service.add(traject, {"name": "Bestuur AA", "kind": "group", "influence": 5, "interest": 5})
    other = service.add(traject, {"name": "MR AA", "kind": "group", "influence": 2, "interest": 2})
    meeting = engagement_service.log(
        traject, {"date": "2027-01-10", "kind": "meeting", "topic": "Overleg", "stakeholders": [person.id, other.id]}
    )
    concern = concern_service.record(traject, {"text": "Autonomie", "stakeholder": person.id, "engagement": meeting.id})
    engagement_service.derive_plan(person)
    db.session.commit()
    login(client, owner)
    assert client.post(f"/trajecten/{traject.id}/belanghebbenden/{person.id}/verwijderen").status_code == 302
    assert db.session.get(Stakeholder, person.id) is None
    assert db.session.scalar(select(func.count(CommunicationItem.id))) == 0
    assert [s.name for s in db.session.get(Engagement, meeting.id).stakeholders] == ["MR AA"]
    assert db.session.get(Concern, concern.id).stakeholder_id is None
    for path in ("communicatieplan", "betrokkenheid", "zorgen", f"zorgen/{concern.id}"):
        assert client.get(f"/trajecten/{traject.id}/{path}").status_code == 200, path
    engagement_service.delete(db.session.get(Engagement, meeting.id))
    db.session.commit()
    assert db.session.get(Concern, concern.id).engagement_id is None
