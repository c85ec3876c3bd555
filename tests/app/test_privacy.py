"""Privacy (AVG): archive and erase, export for one person, retention, read-only archived trajects."""

from __future__ import annotations

import json
from datetime import date, timedelta

from builders import PASSWORD, add_member, api_token, gen_traject, gen_user, login
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    ApiToken,
    AuditEvent,
    IndicatorSnapshot,
    OutboxMessage,
    Participant,
    Questionnaire,
    Response,
    ResponseDraft,
    Traject,
    TrajectMember,
    User,
)
from app.models.base import utcnow
from app.models.privacy import PrivacySettings
from app.services import accounts, privacy
from app.services.tokens import issue_token, participant_for_token


def _questionnaire(traject, *, anonymous=True, key="ict_staff", status="open"):
    q = Questionnaire(
        traject_id=traject.id,
        key=key,
        template_key=key,
        title={"nl": key, "en": key},
        status=status,
        anonymous=anonymous,
        audience="ict_staff" if anonymous else "board",
        definition={},
    )
    db.session.add(q)
    db.session.flush()
    return q


def _participant(q, email, *, role="ict_staff", user=None, completed=False):
    p = Participant(
        questionnaire_id=q.id,
        email=email,
        name=f"Naam {email}",
        role=role,
        organisation_id=q.traject.organisations[0].id,
        user_id=user.id if user else None,
        completed=completed,
        invited_at=utcnow(),
    )
    db.session.add(p)
    db.session.flush()
    token = issue_token(p)
    return p, token


def _world():
    """A traject with an anonymous staff survey, a board statement, mail, drafts and a snapshot."""
    owner = gen_user("regisseur", email="regie@example.nl")
    traject = gen_traject(owner, name="Verkenning Noordoostpolder")
    board_user = gen_user("bestuurder", email="bestuur@example.nl", name="Bea Bestuur")
    add_member(traject, board_user)
    other = gen_traject(owner, name="Ander traject")
    shared_user = gen_user("bestuurder", email="gedeeld@example.nl")
    add_member(traject, shared_user)
    add_member(other, shared_user)

    staff = _questionnaire(traject)
    board = _questionnaire(traject, anonymous=False, key="board_commitment")
    p_staff, token = _participant(staff, "jan@school.nl", completed=True)
    _participant(staff, "piet@school.nl")
    p_draft, _ = _participant(staff, "kees@school.nl")
    db.session.add(ResponseDraft(participant_id=p_draft.id, answers={"q1": 3}))
    db.session.add(
        Response(
            questionnaire_id=staff.id,
            organisation_code="AA",
            role="ict_staff",
            submitted_on=date.today(),
            answers={"q1": 4},
        )
    )
    p_board, _ = _participant(board, "bestuur@example.nl", role="board", user=board_user, completed=True)
    for rev in (1, 2):
        db.session.add(
            Response(
                questionnaire_id=board.id,
                organisation_code="AA",
                role="board",
                submitted_on=date.today(),
                answers={"commit": rev},
                participant_id=p_board.id,
                user_id=board_user.id,
                revision=rev,
                is_latest=rev == 2,
                signed_at=utcnow(),
            )
        )
    db.session.add(
        OutboxMessage(
            traject_id=traject.id, recipient="jan@school.nl", subject="Uitnodiging", body="Beste Jan", kind="invitation"
        )
    )
    db.session.add(
        OutboxMessage(
            traject_id=None, recipient="bestuur@example.nl", subject="Herstel", body="link", kind="password_reset"
        )
    )
    db.session.add(
        OutboxMessage(
            traject_id=other.id, recipient="jan@school.nl", subject="Ander", body="ander traject", kind="invitation"
        )
    )
    db.session.add(
        IndicatorSnapshot(
            traject_id=traject.id,
            input_fingerprint="x",
            code_version="1",
            responses=1,
            anonymity_threshold=5,
            payload={"constructs": []},
        )
    )
    accounts.issue_api_token(board_user)
    db.session.add(AuditEvent(action="member.added", traject_id=traject.id, detail={"user": "bestuur@example.nl"}))
    db.session.commit()
    return dict(
        owner=owner,
        traject=traject,
        other=other,
        board_user=board_user,
        shared_user=shared_user,
        staff=staff,
        board=board,
        token=token,
        p_staff=p_staff,
    )


def test_erase_removes_personal_data_and_keeps_results(app):
    w = _world()
    traject = w["traject"]
    counts = privacy.erase_traject(traject, confirm_name="Verkenning Noordoostpolder")
    db.session.commit()
    assert counts["participants"] == 4 and counts["accounts"] == 1 and counts["drafts"] == 1
    assert counts["outbox"] == 2 and counts["responses_unlinked"] == 2 and counts["responses_deleted"] == 0

    traject = db.session.get(Traject, traject.id)
    assert traject.archived_at is not None and traject.indicators_stale is False
    q_ids = [w["staff"].id, w["board"].id]
    for p in db.session.scalars(select(Participant).where(Participant.questionnaire_id.in_(q_ids))):
        assert p.email is None and p.name is None and p.token_hash is None and p.token_salt is None
        assert p.user_id is None
    assert participant_for_token(w["token"]) is None
    assert db.session.scalar(select(func.count()).select_from(ResponseDraft)) == 0
    responses = db.session.scalars(select(Response).where(Response.questionnaire_id.in_(q_ids))).all()
    assert len(responses) == 3 and all(r.participant_id is None and r.user_id is None for r in responses)
    assert db.session.scalar(select(func.count()).select_from(IndicatorSnapshot)) == 1
    # outbox: this traject's and the reset mail of the erased account go; the other traject's stays
    assert [m.subject for m in db.session.scalars(select(OutboxMessage))] == ["Ander"]
    board_user = db.session.get(User, w["board_user"].id)
    assert not board_user.active and "bestuur" not in board_user.email and board_user.name.startswith("Verwijderd")
    assert not board_user.check_password(PASSWORD)
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == board_user.id)) == 0
    # the account that is also in another traject stays as it is
    shared = db.session.get(User, w["shared_user"].id)
    assert shared.active and shared.email == "gedeeld@example.nl"
    # the regisseur stays
    assert db.session.get(User, w["owner"].id).active
    assert all(
        q.status == "closed" for q in db.session.scalars(select(Questionnaire).where(Questionnaire.id.in_(q_ids)))
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.erased"))
    assert event.traject_id == traject.id and event.detail["participants"] == 4
    assert "jan@school.nl" not in json.dumps(event.detail)
    added = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.added"))
    assert added.detail == {"user": "[verwijderd]"}


def test_erase_can_delete_raw_responses_and_needs_the_name(app):
    w = _world()
    traject = w["traject"]
    try:
        privacy.erase_traject(traject, confirm_name="verkeerd")
    except privacy.PrivacyError as exc:
        assert "niets gewist" in str(exc)
    else:
        raise AssertionError("a wrong name must refuse the erasure")
    db.session.rollback()
    counts = privacy.erase_traject(
        db.session.get(Traject, traject.id), confirm_name=" Verkenning Noordoostpolder ", delete_raw_responses=True
    )
    db.session.commit()
    assert counts["responses_deleted"] == 3
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(IndicatorSnapshot)) == 1
    assert db.session.get(PrivacySettings, traject.id).responses_deleted_at is not None


def test_erase_page_asks_for_the_name_and_archived_traject_is_read_only(client, app):
    w = _world()
    traject_id = w["traject"].id
    login(client, w["owner"])
    page = client.get(f"/trajecten/{traject_id}/privacy/wissen")
    assert page.status_code == 200 and "Verkenning Noordoostpolder" in page.get_data(as_text=True)
    wrong = client.post(f"/trajecten/{traject_id}/privacy/wissen", data={"confirm_name": "Verkenning"})
    assert wrong.status_code == 422 and db.session.get(Traject, traject_id).archived_at is None
    done = client.post(f"/trajecten/{traject_id}/privacy/wissen", data={"confirm_name": "Verkenning Noordoostpolder"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Traject, traject_id).archived_at is not None
    overview = client.get(f"/trajecten/{traject_id}/privacy").get_data(as_text=True)
    assert "Gearchiveerd op" in overview
    # read-only: the edit form and the organisation form refuse with a clear message
    refused = client.post(
        f"/trajecten/{traject_id}/bewerken",
        data={"name": "Nieuw", "phase": "analyse", "anonymity_threshold": 5, "comment_threshold": 10},
    )
    assert refused.status_code == 409 and "gearchiveerd" in refused.get_data(as_text=True)
    refused = client.post(f"/trajecten/{traject_id}/organisaties/nieuw", data={"code": "CC", "name": "C"})
    assert refused.status_code == 409
    assert db.session.get(Traject, traject_id).name == "Verkenning Noordoostpolder"
    # reading still works, and so does the log
    assert client.get(f"/trajecten/{traject_id}").status_code == 200
    log = client.get(f"/trajecten/{traject_id}/logboek?actie=privacy.erased").get_data(as_text=True)
    assert "privacy.erased" in log and "traject.created" not in log
    assert "Gegevens gewist" in log.split("<table", 1)[1]  # the logboek names the action in words
    # the API refuses changes too
    headers = api_token(w["owner"])
    answer = client.post(
        f"/api/v1/trajects/{traject_id}/organisations", json={"code": "CC", "name": "C"}, headers=headers
    )
    assert answer.status_code == 409 and answer.mimetype == "application/problem+json"
    assert "gearchiveerd" in answer.get_json()["detail"]


def test_export_for_one_participant(client, app):
    w = _world()
    traject_id = w["traject"].id
    login(client, w["owner"])
    answer = client.post(f"/trajecten/{traject_id}/privacy/export", data={"email": "Bestuur@Example.nl"})
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert "attachment" in answer.headers["Content-Disposition"]
    data = json.loads(answer.get_data(as_text=True))
    assert data["email"] == "bestuur@example.nl"
    assert [p["role"] for p in data["participants"]] == ["board"]
    assert sorted(r["revision"] for r in data["identified_responses"]) == [1, 2]
    assert data["account"]["name"] == "Bea Bestuur" and data["account"]["sign_ins"] == []
    assert [m["subject"] for m in data["outbox"]] == ["Herstel"]
    assert "token_hash" not in answer.get_data(as_text=True)

    staff = json.loads(
        client.post(f"/trajecten/{traject_id}/privacy/export", data={"email": "jan@school.nl"}).get_data(as_text=True)
    )
    assert staff["identified_responses"] == []
    # Of an anonymous questionnaire neither the draft nor whether this person answered is exported.
    assert "completed" not in staff["anonymous_questionnaires"][0]
    assert "completed" not in staff["participants"][0]["invitation"]
    assert "niet in deze export" in staff["participants"][0]["draft"]
    assert "niet aan personen gekoppeld" in staff["anonymous_questionnaires"][0]["statement"]
    assert [m["subject"] for m in staff["outbox"]] == ["Uitnodiging"]  # not the other traject's mail

    missing = client.post(f"/trajecten/{traject_id}/privacy/export", data={"email": "niemand@example.nl"})
    assert missing.status_code == 404 and "niets opgeslagen" in missing.get_data(as_text=True)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.exported")).all()
    assert len(events) == 2 and all(e.traject_id == traject_id for e in events)
    assert "jan@school.nl" not in json.dumps([e.detail for e in events])


def test_privacy_pages_are_for_the_traject_regisseur_only(client, app):
    w = _world()
    stranger = gen_user("regisseur")
    login(client, stranger)
    assert client.get(f"/trajecten/{w['traject'].id}/privacy").status_code == 404
    assert (
        client.post(f"/trajecten/{w['traject'].id}/privacy/export", data={"email": "jan@school.nl"}).status_code == 404
    )
    client.post("/logout")
    login(client, w["shared_user"])
    assert client.get(f"/trajecten/{w['traject'].id}/privacy").status_code == 403


def test_retention_setting_and_task(client, app):
    w = _world()
    traject_id = w["traject"].id
    login(client, w["owner"])
    bad = client.post(f"/trajecten/{traject_id}/privacy/bewaartermijn", data={"retention_days": "-1"})
    assert bad.status_code == 422
    ok = client.post(f"/trajecten/{traject_id}/privacy/bewaartermijn", data={"retention_days": "30"})
    assert ok.status_code == 302
    assert db.session.get(PrivacySettings, traject_id).retention_days == 30
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.retention_changed"))

    # not archived: nothing happens
    assert privacy.apply_retention() == {}
    privacy.erase_traject(db.session.get(Traject, traject_id), confirm_name="Verkenning Noordoostpolder")
    db.session.commit()
    assert privacy.apply_retention() == {}  # within the 30 days
    traject = db.session.get(Traject, traject_id)
    traject.archived_at = utcnow() - timedelta(days=31)
    db.session.commit()

    from worker.tasks.privacy import apply_retention

    assert apply_retention.apply().get() == {str(traject_id): 3}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(IndicatorSnapshot)) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.retention_applied"))
    assert apply_retention.apply().get() == {}  # done once
    # the other (not archived) traject keeps everything
    assert db.session.get(Traject, w["other"].id).archived_at is None


def test_beat_schedules_retention(app):
    schedule = app.config["CELERY"]["beat_schedule"]
    assert any(e["task"] == "worker.tasks.privacy.apply_retention" for e in schedule.values())


def test_recent_sign_ins_on_the_password_page(client, app):
    user = gen_user("regisseur")
    client.post("/login", data={"email": user.email, "password": "fout-wachtwoord"})
    login(client, user)
    page = client.get("/account/wachtwoord").get_data(as_text=True)
    assert "Mijn recente aanmeldingen" in page
    assert "Mislukte aanmeldpoging" in page and "Aangemeld" in page
    # only one's own events
    other = gen_user("regisseur")
    client.post("/logout")
    login(client, other)
    page = client.get("/account/wachtwoord").get_data(as_text=True)
    assert "Mislukte aanmeldpoging" not in page


def test_membership_rows_of_erased_accounts_are_removed(app):
    w = _world()
    privacy.erase_traject(w["traject"], confirm_name="Verkenning Noordoostpolder")
    db.session.commit()
    members = db.session.scalars(select(TrajectMember.user_id).where(TrajectMember.traject_id == w["traject"].id)).all()
    assert w["board_user"].id not in members and w["owner"].id in members
