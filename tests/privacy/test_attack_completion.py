"""Attack 1 (the part about completion): "who is the new one?" — per-person completion status.

As a curious regisseur (and bestuurder) of an anonymous questionnaire: read the participants page,
the follow-up page, the response-rate API, the privacy export and the outbox to learn *who* has
answered. None of them may tell: per person only whether the invitation went out; per group the
completed counts only under the anonymity threshold's rules — a group below the threshold is
hidden, and so many more that no hidden count can be solved from the visible ones and the totals
(the attacker below tries every assignment). Reminders still reach exactly the non-responders:
the system knows, no page shows it. Links come from a real SMTP server.

Traject: AA has 7 ICT staff and 3 heads of ICT, BB 6 ICT staff; threshold 5. Answered: AA staff
5 of 7, AA heads 3 of 3, BB staff 5 of 6.
"""

from __future__ import annotations

import itertools
import json
import re
from datetime import timedelta

from builders import add_member, api_token, gen_traject, gen_user, login
from respond_builders import VALID_SMALL, gen_questionnaire
from smtp_inbox import smtp_server  # noqa: F401 - the fixture
from sqlalchemy import update

from app.extensions import db
from app.models import Participant
from app.models.base import utcnow

GROUPS = {("AA", "ict_staff"): (7, 5), ("AA", "ict_lead"): (3, 3), ("BB", "ict_staff"): (6, 5)}
ANSWERS = {k: v for k, v in VALID_SMALL.items() if k != "opmerking"}


def _people():
    for (org, role), (invited, completed) in GROUPS.items():
        for i in range(invited):
            yield (
                {
                    "email": f"{org}-{role}-{i}@school.nl".lower(),
                    "name": f"{org} {role} {i}",
                    "role": role,
                    "organisation": org,
                },
                i < completed,
            )


def _world(client, app, smtp_server):
    inbox = smtp_server()
    regisseur = gen_user("regisseur")
    traject = gen_traject(regisseur, organisations=("AA", "BB"), anonymity_threshold=5)
    questionnaire = gen_questionnaire(traject)
    headers = api_token(regisseur)
    people = list(_people())
    assert (
        client.post(
            f"/api/v1/questionnaires/{questionnaire.id}/participants",
            headers=headers,
            json={"participants": [p for p, _ in people]},
        ).status_code
        == 201
    )
    assert (
        client.post(f"/api/v1/questionnaires/{questionnaire.id}/invitations", json={}, headers=headers).status_code
        == 202
    )
    answered = []
    for person, answers in people:
        if answers:
            token = inbox.latest_token(person["email"])
            response = client.post("/api/v1/responses", json={"token": token, "answers": ANSWERS})
            assert response.status_code == 201, response.get_json()
            answered.append(person["email"])
    return inbox, regisseur, traject, questionnaire, headers, people, answered


def _rows(html: str) -> list[str]:
    body = html[html.rindex("<tbody>") : html.rindex("</tbody>")]  # the participants table (the last)
    return re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)


def test_the_participants_page_shows_no_per_person_status(client, app, smtp_server):
    _, regisseur, _, questionnaire, _, people, answered = _world(client, app, smtp_server)
    login(client, regisseur)
    html = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers?page=1").get_data(as_text=True)
    rows = _rows(html)
    assert len(rows) == 16
    masked = set()
    for row in rows:
        assert "ingevuld" not in row and "afgemeld" not in row and "Opnieuw uitnodigen" not in row
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        masked.add(tuple(cells[2:]))  # everything but name and e-mail
    # Per role and organisation every row reads the same, whether that person answered or not.
    assert len(masked) == len({(p["role"], p["organisation"]) for p, _ in people})
    assert "Herinnering nu mogelijk voor" not in html


def _solve(body: dict) -> dict:
    """The attacker: every assignment of the hidden completed counts that fits the visible ones."""
    cells = {(g["organisation"], g["role"]): g for g in body["groups"]}
    cells.update({(None, g["role"]): g for g in body["roles"]})
    cells[(None, None)] = body["total"]
    hidden = [k for k, g in cells.items() if g["suppressed"]]
    for key in hidden:
        assert cells[key]["completed"] is None and cells[key]["response_rate"] is None
    options: dict = {k: set() for k in hidden}
    for values in itertools.product(*[range(cells[k]["invited"] + 1) for k in hidden]):
        n = {k: g["completed"] for k, g in cells.items()}
        n.update(dict(zip(hidden, values)))
        roles = {r for _, r in cells if r is not None}
        if all(n[(None, r)] == sum(v for (o, rr), v in n.items() if o is not None and rr == r) for r in roles) and n[
            (None, None)
        ] == sum(n[(None, r)] for r in roles):
            for k, v in zip(hidden, values):
                options[k].add(v)
    return options


def test_response_rate_hides_small_groups_and_their_complements(client, app, smtp_server):
    _, _, traject, questionnaire, headers, _, _ = _world(client, app, smtp_server)
    board = gen_user("bestuurder")
    add_member(traject, board)
    for who in (headers, api_token(board)):  # bestuurders may read it too
        answer = client.get(f"/api/v1/questionnaires/{questionnaire.id}/response-rate", headers=who)
        assert answer.status_code == 200
        body = answer.get_json()
        groups = {(g["organisation"], g["role"]): g for g in body["groups"]}
        assert {k: g["invited"] for k, g in groups.items()} == {k: v[0] for k, v in GROUPS.items()}
        # (AA, heads) has 3 < 5 completed, so does the heads' role total; hiding those alone would let
        # total − staff give them away, so the staff total goes too, and with it (AA, staff).
        assert {k for k, g in groups.items() if g["suppressed"]} == {("AA", "ict_staff"), ("AA", "ict_lead")}
        assert {g["role"] for g in body["roles"] if g["suppressed"]} == {"ict_staff", "ict_lead"}
        assert groups[("BB", "ict_staff")]["completed"] == 5 and body["total"]["completed"] == 13
        assert body["total"]["suppressed"] is False and body["total"]["response_rate"] == 13 / 16
        for hidden, possible in _solve(body).items():
            assert len(possible) >= 2, (hidden, possible)


def test_follow_up_page_export_and_outbox_tell_nobody_who_answered(client, app, smtp_server):
    inbox, regisseur, traject, questionnaire, _, people, answered = _world(client, app, smtp_server)
    login(client, regisseur)
    page = client.get(f"/vragenlijsten/{questionnaire.id}/respons").get_data(as_text=True)
    assert "verborgen" in page and "13/16" in page
    # The privacy export of someone who answered reads like that of someone who did not.
    yes, no = answered[0], next(p["email"] for p, a in people if not a)

    def export(address):
        data = json.loads(
            client.post(f"/trajecten/{traject.id}/privacy/export", data={"email": address}).get_data(as_text=True)
        )
        row = data["participants"][0]
        invitation = {k: v for k, v in row["invitation"].items() if k != "invited_at"}  # when it was sent
        return dict(
            {
                k: v
                for k, v in row.items()
                if k not in ("id", "email", "name", "organisation", "role", "created_at", "invitation")
            },
            invitation=invitation,
        ), data

    (a, data_yes), (b, _) = export(yes), export(no)
    assert a == b and "completed" not in json.dumps(data_yes)
    # Reminders go to the non-responders only ...
    outbox_before = client.get(f"/trajecten/{traject.id}/outbox").get_data(as_text=True)
    db.session.execute(update(Participant).values(invited_at=utcnow() - timedelta(days=10)))
    db.session.commit()
    before = len(inbox.messages)
    flashed = client.post(f"/vragenlijsten/{questionnaire.id}/deelnemers/herinneren", follow_redirects=True)
    reminded = sorted(m["to"] for m in inbox.messages[before:])
    assert reminded == sorted(p["email"] for p, a in people if not a) and len(reminded) == 3
    # ... and no page says to whom, or how many.
    text = flashed.get_data(as_text=True)
    assert "3 herinneringen" not in text and "Herinneringen verstuurd aan wie nog niet heeft ingevuld" in text
    assert len({tuple(re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[2:]) for row in _rows(text)}) == 3
    outbox = client.get(f"/trajecten/{traject.id}/outbox").get_data(as_text=True)
    # The outbox leaves reminders out altogether: no subject, no body.
    assert "Herinnering:" not in outbox and "Reminder:" not in outbox and "Enige tijd geleden" not in outbox
    # The review before a reminder tells how many as the follow-up page does (3 of 16), never who.
    review = client.get(f"/vragenlijsten/{questionnaire.id}/deelnemers/herinneren/controleren").get_data(as_text=True)
    assert "Nog niet ingevuld: 3 van de 16" in review
    assert not [p["email"] for p, _ in people if p["email"] in review]
    assert not [p.get("name") for p, _ in people if p.get("name") and p["name"] in review]
    recipients = re.compile(r"Aan: ([^ ]+@[^ ]+) ")
    assert len(recipients.findall(outbox)) == 16  # the invitations, to everyone
    assert sorted(recipients.findall(outbox)) == sorted(recipients.findall(outbox_before))  # no trace of who


def test_identified_questionnaires_do_show_who_completed(client, app):
    from builders_distribution import gen_participant
    from builders_distribution import gen_questionnaire as gen_template_questionnaire

    regisseur = gen_user("regisseur")
    traject = gen_traject(regisseur, organisations=("AA",))
    foto = gen_template_questionnaire(traject, "ict_foto")
    gen_participant(foto, name="Lia Lead", completed=True)
    login(client, regisseur)
    html = client.get(f"/vragenlijsten/{foto.id}/deelnemers").get_data(as_text=True)
    assert "ingevuld" in _rows(html)[0]
    body = client.get(f"/api/v1/questionnaires/{foto.id}/response-rate", headers=api_token(regisseur)).get_json()
    assert body["total"]["completed"] == 1 and body["total"]["suppressed"] is False
