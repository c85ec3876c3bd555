"""Follow-up: response per organisation × role with totals, against the deadline, live from the database."""

from datetime import UTC, datetime, timedelta

from builders import add_member, gen_traject, gen_user, login
from builders_distribution import gen_participant, gen_questionnaire

from app.extensions import db
from app.services.participants import response_rates


def _identified(questionnaire):
    """Per-group counts without suppression: as for an identified questionnaire (the suppression of
    anonymous ones is tested in tests/privacy/test_attack_completion.py)."""
    questionnaire.anonymous = False
    db.session.commit()
    return questionnaire


def _filled(questionnaire):
    for org, role, completed in [
        ("ZL", "ict_staff", True),
        ("ZL", "ict_staff", False),
        ("ZL", "ict_lead", True),
        ("BM", "ict_staff", True),
        ("BM", "ict_staff", True),
        ("BM", "ict_staff", False),
        ("BM", "ict_staff", False),
    ]:
        gen_participant(questionnaire, organisation=org, role=role, completed=completed)


def test_figures_per_organisation_and_role_with_totals(app):
    traject = gen_traject(organisations=("ZL", "BM"))
    questionnaire = _identified(gen_questionnaire(traject))
    _filled(questionnaire)
    gen_participant(questionnaire, organisation="BM", opted_out=True)
    rows, roles, total = response_rates(questionnaire)
    assert [(r.organisation_code, r.role, r.invited, r.completed) for r in rows] == [
        ("BM", "ict_staff", 5, 2),
        ("ZL", "ict_staff", 2, 1),
        ("ZL", "ict_lead", 1, 1),
    ]
    assert rows[0].opted_out == 1 and rows[0].percentage == 40.0
    assert [(r.role, r.invited, r.completed) for r in roles] == [("ict_staff", 7, 3), ("ict_lead", 1, 1)]
    assert (total.invited, total.completed) == (8, 4) and total.percentage == 50.0


def test_page_shows_rates_meters_days_left_and_is_live(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("ZL", "BM"))
    questionnaire = _identified(gen_questionnaire(traject, closes_at=datetime.now(UTC) + timedelta(days=10, hours=1)))
    _filled(questionnaire)
    login(client, owner)
    page = client.get(f"/vragenlijsten/{questionnaire.id}/respons").get_data(as_text=True)
    assert "<meter" in page and "style=" not in page and "http-equiv" not in page
    assert "Vernieuwen" in page and "Stand van" in page
    assert "57%" in page  # 4 of 7
    closes_at = questionnaire.closes_at
    days_left = (closes_at.date() - datetime.now(UTC).date()).days  # 10, or 11 late in the day
    assert f"<dd>{days_left}</dd>" in page  # days left
    gen_participant(questionnaire, organisation="ZL")
    assert "50%" in client.get(f"/vragenlijsten/{questionnaire.id}/respons").get_data(as_text=True)  # 4 of 8
    overview = client.get(f"/trajecten/{traject.id}/verspreiding").get_data(as_text=True)
    assert f"/vragenlijsten/{questionnaire.id}/deelnemers" in overview
    assert f"/vragenlijsten/{questionnaire.id}/respons" in overview
    assert "/verspreiding" in client.get(f"/trajecten/{traject.id}").get_data(as_text=True)


def test_bestuurder_member_may_follow_but_not_manage(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    questionnaire = gen_questionnaire(traject)
    board = gen_user("bestuurder")
    add_member(traject, board)
    login(client, board)
    assert client.get(f"/vragenlijsten/{questionnaire.id}/respons").status_code == 200
    assert client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers").status_code == 403
    other = gen_questionnaire(gen_traject(gen_user("regisseur")))
    assert client.get(f"/vragenlijsten/{other.id}/respons").status_code == 404
