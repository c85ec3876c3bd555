"""The other findings of the attacker test (issue 11, must-have 9): tokens in logs, a copied cookie
after logout, lockout by someone else, bidi characters, spreadsheet formulas, deeply nested JSON,
and the actor of API actions."""

from __future__ import annotations

import io
import logging
import re

import pytest
import requests
from builders import PASSWORD, api_token, gen_traject, gen_user, login
from conftest import pg_available, require_service
from live_server import serve
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Organisation, Traject, User
from app.respond.logging import TokenRedactingFilter, redact

# -- tokens of every kind are redacted in logs ----------------------------------------------------

SECRET = "Zq8sSECRETt0ken_abcdefghijklmnop"
LEAKY_PATHS = [
    f"/v/{SECRET}/houding",
    f"/resultaten/{SECRET}",
    f"/afmelden/{SECRET}",
    f"/wachtwoord-herstellen/{SECRET}",
    f"/login?token={SECRET}",
    f"/taal/en?next=%2Fv%2F{SECRET}",
    f"/trajecten/?page=1&reset_token={SECRET}",
    f"/login?next=%2Fresultaten%2F{SECRET}",
]


@pytest.mark.parametrize("path", LEAKY_PATHS)
def test_redact_removes_every_kind_of_token(path):
    line = f'127.0.0.1 - - [01/Dec/2026 10:00:00] "GET {path} HTTP/1.1" 200 -'
    assert SECRET not in redact(line)
    assert "[verborgen]" in redact(line)


def test_redact_leaves_ordinary_paths_alone():
    for path in ("/trajecten/5/resultaten", "/trajecten/?page=2", "/api/v1/trajects/3/indicators"):
        assert redact(f'"GET {path} HTTP/1.1" 200') == f'"GET {path} HTTP/1.1" 200'


def test_api_tokens_and_bearer_headers_are_redacted():
    assert "dv_" + SECRET not in redact(f"token dv_{SECRET} used")
    assert SECRET not in redact(f"Authorization: Bearer {SECRET}")


def test_gunicorn_style_access_records_are_redacted():
    # gunicorn's access logger formats its line from a dict of atoms in record.args
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s" %(s)s', None, None)
    record.args = {
        "h": "10.0.0.1",
        "r": f"GET /resultaten/{SECRET} HTTP/1.1",
        "s": "200",
        "U": f"/resultaten/{SECRET}",
        "q": f"token={SECRET}",
    }
    TokenRedactingFilter().filter(record)
    assert SECRET not in record.getMessage()
    assert all(SECRET not in str(value) for value in (record.args or {}).values())


@pytest.fixture
def live_url(app, make_app, database_url):
    require_service("PostgreSQL", database_url.startswith("postgresql") and pg_available())
    live = make_app("testing")
    with serve(live) as url:
        yield url


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def test_a_real_server_logs_no_token(app, live_url):
    handler = _Collect()
    logger = logging.getLogger("werkzeug")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        for path in LEAKY_PATHS:
            requests.get(f"{live_url}{path}", timeout=30, allow_redirects=False).close()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert len([line for line in handler.lines if "[verborgen]" in line]) >= len(LEAKY_PATHS)
    assert not [line for line in handler.lines if SECRET in line]


# -- logout ends the session on the server ---------------------------------------------------------


def test_a_copied_session_cookie_no_longer_works_after_logout(app):
    user = gen_user("regisseur")
    browser = app.test_client()
    login(browser, user)
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    copy = app.test_client()
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    assert copy.get("/trajecten/").status_code == 200  # the stolen cookie works while logged in
    assert browser.post("/logout").status_code == 302
    response = copy.get("/trajecten/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # and logging in again gives a working new session
    login(browser, user)
    assert browser.get("/trajecten/").status_code == 200
    assert copy.get("/trajecten/").status_code == 302


def test_a_password_change_ends_copied_sessions_too(app):
    user = gen_user("regisseur")
    browser, copy = app.test_client(), app.test_client()
    login(browser, user)
    copy.set_cookie(app.config["SESSION_COOKIE_NAME"], browser.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    browser.post(
        "/account/wachtwoord", data={"current": PASSWORD, "new": "ander-wachtwoord-9", "repeat": "ander-wachtwoord-9"}
    )
    assert browser.get("/trajecten/").status_code == 200
    assert copy.get("/trajecten/").status_code == 302


# -- five wrong passwords cannot lock someone else out ----------------------------------------------

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.20"}


def _try(client, user, password, environ):
    return client.post("/login", data={"email": user.email, "password": password}, environ_base=environ)


def test_an_attackers_failures_do_not_lock_out_the_user_from_another_address(app):
    user = gen_user("regisseur")
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(app.config["LOCKOUT_AFTER_FAILURES"] + 3):
        _try(attacker, user, "geraden-wachtwoord", ATTACKER)
    blocked = _try(attacker, user, PASSWORD, ATTACKER)
    assert blocked.status_code == 401
    text = blocked.get_data(as_text=True)
    assert "tijdelijk geblokkeerd" in text and ("seconden" in text or "minuten" in text)
    assert _try(owner, user, PASSWORD, OWNER).status_code == 302
    assert owner.get("/trajecten/").status_code == 200


def test_backoff_doubles_and_is_capped(app, monkeypatch):
    from datetime import timedelta

    from app.services import accounts

    user = gen_user("regisseur")
    client = app.test_client()
    now = [accounts.utcnow()]
    monkeypatch.setattr(accounts, "utcnow", lambda: now[0])
    waits = []
    for _ in range(12):
        _try(client, user, "fout-fout-fout", ATTACKER)
        waits.append(accounts.login_wait(user.email, ATTACKER["REMOTE_ADDR"]))
        now[0] += timedelta(seconds=waits[-1] + 1)  # wait it out, then try again
    after = app.config["LOCKOUT_AFTER_FAILURES"]
    assert waits[: after - 1] == [0] * (after - 1)
    blocked = waits[after - 1 :]
    assert blocked[0] == app.config["LOGIN_BACKOFF_SECONDS"]
    assert blocked[1] == 2 * blocked[0] and blocked[2] == 4 * blocked[0]
    assert max(blocked) == app.config["LOGIN_BACKOFF_MAX_SECONDS"]


def test_many_addresses_delay_the_account_only_briefly(app, monkeypatch):
    from datetime import timedelta

    from app.services import accounts

    user = gen_user("regisseur")
    client = app.test_client()
    now = [accounts.utcnow()]
    monkeypatch.setattr(accounts, "utcnow", lambda: now[0])
    for i in range(40):  # a botnet: two tries from each of twenty addresses
        _try(client, user, "fout-fout-fout", {"REMOTE_ADDR": f"192.0.2.{i // 2}"})
        now[0] += timedelta(seconds=accounts.login_wait(user.email, f"192.0.2.{i // 2}"))
    wait = accounts.login_wait(user.email, OWNER["REMOTE_ADDR"])
    assert wait <= app.config["LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS"]
    now[0] += timedelta(seconds=wait + 1)
    assert _try(client, user, PASSWORD, OWNER).status_code == 302


def test_unknown_addresses_are_throttled_like_known_ones(app):
    client = app.test_client()
    for _ in range(app.config["LOCKOUT_AFTER_FAILURES"]):
        client.post("/login", data={"email": "niemand@example.nl", "password": "x" * 12}, environ_base=ATTACKER)
    response = client.post("/login", data={"email": "niemand@example.nl", "password": "x" * 12}, environ_base=ATTACKER)
    assert "tijdelijk geblokkeerd" in response.get_data(as_text=True)


def test_the_flask_limiter_rate_limit_still_holds(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/login", data={"email": "a@b.nl", "password": "x"}).status_code for _ in range(5)]
    assert codes[-1] == 429


# -- bidi control characters are refused in names ---------------------------------------------------

BIDI = ["\u202e", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"]


@pytest.mark.parametrize("char", BIDI, ids=lambda c: f"U+{ord(c):04X}")
def test_bidi_characters_are_refused_in_traject_and_organisation_names(client, app, char):
    user = gen_user("regisseur")
    headers = api_token(user)
    created = client.post("/api/v1/trajects", json={"name": f"Verkenning{char}gninnekreV"}, headers=headers)
    assert created.status_code == 422
    assert created.get_json()["errors"]["name"] == ["De tekst bevat ongeldige tekens."]
    traject = gen_traject(user)
    org = client.post(
        f"/api/v1/trajects/{traject.id}/organisations", json={"code": "CC", "name": f"School{char}"}, headers=headers
    )
    assert org.status_code == 422
    renamed = client.patch(f"/api/v1/trajects/{traject.id}", json={"name": f"x{char}y"}, headers=headers)
    assert renamed.status_code == 422
    db.session.expire_all()
    assert db.session.get(Traject, traject.id).name == "Verkenning"
    assert db.session.scalar(select(Organisation).where(Organisation.code == "CC")) is None


def test_bidi_characters_are_refused_in_participant_and_user_names(client, app):
    from builders_distribution import gen_questionnaire

    from app.services import accounts
    from app.services import participants as participant_service

    user = gen_user("regisseur")
    traject = gen_traject(user)
    with pytest.raises(accounts.AccountError, match="ongeldige tekens"):
        accounts.create_user(email="x@example.nl", name="Jan \u202eneJ", role="regisseur", password="lang-genoeg-12")
    questionnaire = gen_questionnaire(traject, "ict_foto")
    response = client.post(
        f"/api/v1/questionnaires/{questionnaire.id}/participants",
        headers=api_token(user),
        json={
            "participants": [
                {"email": "p@school.nl", "name": "Piet\u2067 Jansen", "role": "ict_lead", "organisation": "AA"}
            ]
        },
    )
    assert response.status_code == 422
    assert "participants[0].name" in response.get_json()["errors"]
    assert participant_service  # the service refuses, the API only reports it
    login(client, user)
    page = client.post(
        f"/trajecten/{traject.id}/bewerken",
        data={
            "name": "Verkenning\u202e",
            "description": "",
            "phase": "ict_foto",
            "anonymity_threshold": 5,
            "comment_threshold": 10,
            "deadline": "",
        },
    )
    assert page.status_code == 422 and "De tekst bevat ongeldige tekens." in page.get_data(as_text=True)


# -- spreadsheet cells never become formulas ------------------------------------------------------

HOSTILE = ['=HYPERLINK("https://evil.example","klik")', "+1", "-1+2", "@SUM(A1)", "=1+1", "\t=cmd"]


def test_safe_cell_keeps_every_hostile_value_text():
    from openpyxl import Workbook, load_workbook

    from app.services.cells import safe_cell

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([safe_cell(v) for v in HOSTILE] + [safe_cell(3), safe_cell("gewoon")])
    out = io.BytesIO()
    workbook.save(out)
    loaded = load_workbook(io.BytesIO(out.getvalue())).active
    cells = list(loaded[1])
    assert [c.value for c in cells[: len(HOSTILE)]] == HOSTILE  # exactly as typed
    assert all(c.data_type != "f" for c in cells)


def test_safe_csv_quotes_formulas():
    from app.services.cells import safe_csv

    assert [safe_csv(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert safe_csv("School") == "School" and safe_csv(5) == 5


def test_the_xlsx_report_holds_no_formula_in_any_sheet(client, app):
    from builders_results import build_payload, gen_snapshot
    from openpyxl import load_workbook

    user = gen_user("regisseur")
    traject = gen_traject(user, name='=HYPERLINK("https://evil.example","klik")', organisations=())
    for code, name in (("AA", '=HYPERLINK("https://evil.example")'), ("BB", "+1"), ("CC", "-1+2"), ("DD", "@SUM(A1)")):
        db.session.add(Organisation(traject=traject, code=code, name=name))
    db.session.commit()
    payload = build_payload()
    gen_snapshot(traject, payload)
    headers = api_token(user)
    response = client.get(f"/api/v1/trajects/{traject.id}/report.xlsx", headers=headers)
    for _ in range(5):
        if response.status_code != 202:
            break
        response = client.get(f"/api/v1/trajects/{traject.id}/report.xlsx", headers=headers)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    response.close()
    formulas = [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in workbook
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    texts = {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row}
    assert any(isinstance(t, str) and t.startswith("=HYPERLINK") for t in texts)  # kept, as text


def test_an_organisation_code_cannot_start_like_a_formula(client, app):
    user = gen_user("regisseur")
    traject = gen_traject(user)
    response = client.post(
        f"/api/v1/trajects/{traject.id}/organisations", json={"code": "-1", "name": "Min"}, headers=api_token(user)
    )
    assert response.status_code == 422


# -- a deeply nested JSON body answers 400 on every API endpoint ------------------------------------


def _deep(n: int) -> str:
    return '{"a":' * n + "1" + "}" * n


def test_json_nested_1000_deep_answers_400_on_every_api_endpoint(client, app):
    user = gen_user("regisseur")
    traject = gen_traject(user)
    headers = dict(api_token(user), **{"Content-Type": "application/json"})
    body = _deep(1000)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS", "GET"}):
            url = re.sub(r"<(?:int:)?[a-z_]+>", lambda m: str(traject.id), rule.rule)
            response = client.open(url, method=method, data=body, headers=headers)
            assert response.status_code == 400, (method, url, response.status_code)
            assert response.mimetype == "application/problem+json"
            checked += 1
    assert checked >= 8
    # also as an array, and 100,000 deep (beyond the parser's own recursion limit)
    for body in ("[" * 1000 + "]" * 1000, "[" * 100_000 + "]" * 100_000):
        response = client.post("/api/v1/trajects", data=body, headers=headers)
        assert response.status_code == 400
    # an ordinary body still works
    assert client.post("/api/v1/trajects", json={"name": "Gewoon"}, headers=api_token(user)).status_code == 201


# -- actions through an API token are audited with their actor --------------------------------------


def test_api_actions_are_audited_with_the_actor_and_the_token(client, app):
    user = gen_user("regisseur")
    headers = api_token(user)
    created = client.post("/api/v1/trajects", json={"name": "Via token"}, headers=headers)
    tid = created.get_json()["id"]
    client.post(f"/api/v1/trajects/{tid}/organisations", json={"code": "AA", "name": "School A"}, headers=headers)
    client.patch(f"/api/v1/trajects/{tid}", json={"anonymity_threshold": 6}, headers=headers)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.traject_id == tid)).all()
    actions = {e.action for e in events}
    assert {"traject.created", "organisation.created", "traject.updated"} <= actions
    prefix = headers["Authorization"].split()[1][:8]
    for event in events:
        assert event.actor_id == user.id, event.action
        assert event.detail["via"] == "api_token" and event.detail["token"] == prefix
    assert db.session.get(User, user.id).email == user.email
