"""Hardening checks: cookie flags in production, rate limits, lockout audit, CSRF on every form."""

from __future__ import annotations

import re
from pathlib import Path

from builders import PASSWORD, gen_traject, gen_user
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter

from app.extensions import db
from app.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
POST = re.compile(r"method\s*=\s*['\"]?post\b", re.I)


def _production_app(monkeypatch, database_url, make_app, **overrides):
    monkeypatch.setenv("DRAAGVLAK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/13")
    # Rate limits in memory: this test is about cookies, not about Redis.
    return make_app("production", RATELIMIT_STORAGE_URI="memory://", **overrides)


def _cookie_flags(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]} | {
        part.strip().lower() for part in header.split(";")[1:] if part.strip().lower().startswith("samesite")
    }


def test_production_session_cookie_is_httponly_secure_and_samesite_strict(monkeypatch, database_url, make_app):
    app = _production_app(monkeypatch, database_url, make_app)
    client = app.test_client()
    page = client.get("/login", base_url="https://draagvlak.example")
    cookies = page.headers.getlist("Set-Cookie")
    session = [c for c in cookies if c.startswith(app.config["SESSION_COOKIE_NAME"] + "=")]
    assert session, cookies  # the CSRF token lives in the session
    flags = _cookie_flags(session[0])
    assert {"httponly", "secure", "samesite=strict"} <= flags, session[0]

    # and after logging in (with the form's own CSRF token)
    with app.app_context():
        email = gen_user("regisseur").email
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)) or re.search(
        r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)
    )
    answer = client.post(
        "/login",
        base_url="https://draagvlak.example",
        data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert answer.status_code == 302
    for header in answer.headers.getlist("Set-Cookie"):
        assert {"httponly", "secure", "samesite=strict"} <= _cookie_flags(header), header
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_HTTPONLY"]


def test_password_reset_posts_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/wachtwoord-vergeten", data={"email": "niemand@example.nl"}).status_code for _ in range(4)]
    assert codes[:3] == [302, 302, 302] and codes[3] == 429
    codes = [
        client.post("/wachtwoord-herstellen/ongeldig", data={"new": "x" * 12, "repeat": "x" * 12}).status_code
        for _ in range(4)
    ]
    assert codes[-1] == 429
    # GET stays available (the limit is on POSTs only)
    assert client.get("/wachtwoord-vergeten").status_code == 200


def test_lockout_is_audited_and_shown_to_the_user(client, app):
    user = gen_user("regisseur")
    for _ in range(app.config["LOCKOUT_AFTER_FAILURES"]):
        client.post("/login", data={"email": user.email, "password": "fout"})
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_id == str(user.id), AuditEvent.object_type == "User")
    ).all()
    actions = [e.action for e in events]
    assert actions.count("login.failed") == app.config["LOCKOUT_AFTER_FAILURES"]
    assert actions.count("account.locked") == 1
    locked = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert locked.status_code == 401 and "geblokkeerd" in locked.get_data(as_text=True)
    # from another address the user gets in, and sees the block among their own sign-ins
    client.post("/login", data={"email": user.email, "password": PASSWORD}, environ_base={"REMOTE_ADDR": "192.0.2.77"})
    page = client.get("/account/wachtwoord").get_data(as_text=True)
    assert "Account tijdelijk geblokkeerd" in page


def test_every_post_form_in_the_templates_carries_a_csrf_token():
    missing = []
    for path in sorted((ROOT / "app/templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for match in FORM.finditer(text):
            attrs, body = match.group(1), match.group(2)
            if POST.search(attrs) and "csrf_token" not in body and "hidden_tag" not in body:
                line = text[: match.start()].count("\n") + 1
                missing.append(f"{path.relative_to(ROOT)}:{line}")
    assert missing == [], f"POST forms without csrf_token()/hidden_tag(): {missing}"


def test_no_inline_script_or_style_in_templates():
    offenders = []
    for path in sorted((ROOT / "app/templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text, re.I)
            or re.search(r"\sstyle\s*=", text, re.I)
            or re.search(r"\son[a-z]+\s*=", text, re.I)
            or re.search(r"<style\b", text, re.I)
        ):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == [], f"inline script/style (the CSP forbids them): {offenders}"


def _fill(rule, traject_id: int) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, IntegerConverter):
            values[name] = traject_id
        elif isinstance(converter, AnyConverter):  # e.g. a phase step: one of its fixed values
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def test_every_html_post_route_refuses_a_missing_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        owner = gen_user("regisseur")
        traject = gen_traject(owner)
        traject_id, session_id = traject.id, owner.get_id()
    client = app.test_client()
    with client.session_transaction() as session:  # logged in without a login form
        session["_user_id"] = session_id
        session["_fresh"] = True
    checked, accepted = [], []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint == "static":
            continue
        url = _fill(rule, traject_id)
        response = client.post(url, data={"name": "x", "email": "a@b.nl", "confirm_name": "Verkenning"})
        checked.append(rule.rule)
        if response.status_code != 400:
            accepted.append((rule.rule, response.status_code))
    assert len(checked) >= 10 and "/trajecten/<int:traject_id>/privacy/wissen" in checked
    assert accepted == [], f"POST routes that did not refuse a missing CSRF token: {accepted}"
    with app.app_context():
        from app.models import Traject

        assert db.session.get(Traject, traject_id).archived_at is None
    # The JSON API authenticates by bearer token (or invitation token), so it is exempt from CSRF.
    assert client.post("/api/v1/responses", json={"token": "onbekend", "answers": {}}).status_code == 404
