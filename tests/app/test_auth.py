"""Accounts: login, lockout, rate limit, logout, password change and the e-mailed reset link."""

import re

import pytest
from builders import PASSWORD, gen_user, login
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, User


def test_login_with_right_password_lands_on_trajects(client, app):
    user = gen_user("regisseur")
    response = login(client, user)
    assert response.status_code == 302
    assert client.get("/trajecten/").status_code == 200
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login")).actor_id == user.id


def test_login_with_wrong_password_says_so_in_dutch(client, app):
    user = gen_user("regisseur")
    response = login(client, user, "verkeerd-wachtwoord")
    assert response.status_code == 401
    assert "Onbekend e-mailadres of onjuist wachtwoord" in response.get_data(as_text=True)
    assert client.get("/trajecten/").status_code == 302  # still logged out


def test_unknown_email_gets_the_same_message(client, app):
    response = client.post("/login", data={"email": "niemand@example.nl", "password": "x" * 12})
    assert response.status_code == 401
    assert "Onbekend e-mailadres of onjuist wachtwoord" in response.get_data(as_text=True)


def test_repeated_failures_lock_the_account_even_for_the_right_password(client, app):
    user = gen_user("regisseur")
    for _ in range(app.config["LOCKOUT_AFTER_FAILURES"]):
        login(client, user, "fout-fout-fout")
    response = login(client, user)
    assert response.status_code == 401
    assert "tijdelijk geblokkeerd" in response.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.locked")) is not None


def test_login_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/login", data={"email": "a@b.nl", "password": "x"}).status_code for _ in range(5)]
    assert codes[:3] != [429] * 3 and codes[-1] == 429


def test_logout_needs_post_and_ends_the_session(client, app):
    user = gen_user("regisseur")
    login(client, user)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/trajecten/").status_code == 302


def test_password_change_requires_current_password(client, app):
    user = gen_user("regisseur")
    login(client, user)
    bad = client.post(
        "/account/wachtwoord",
        data={"current": "niet-goed-123", "new": "nieuw-wachtwoord-1", "repeat": "nieuw-wachtwoord-1"},
    )
    assert "Het huidige wachtwoord klopt niet" in bad.get_data(as_text=True)
    ok = client.post(
        "/account/wachtwoord", data={"current": PASSWORD, "new": "nieuw-wachtwoord-1", "repeat": "nieuw-wachtwoord-1"}
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("nieuw-wachtwoord-1")


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1 (aiosmtpd); the app delivers to it."""
    import socket

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.bodies = []

        async def handle_DATA(self, server, session, envelope):
            from email import message_from_bytes, policy

            self.bodies.append(message_from_bytes(envelope.content, policy=policy.default).get_content())
            return "250 Message accepted"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    controller.stop()


def test_reset_link_is_mailed_works_once_and_expires(client, app, smtp):
    user = gen_user("bestuurder")
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    link = re.search(r"http://localhost(/wachtwoord-herstellen/\S+)", smtp.bodies[-1]).group(1)
    assert client.get(link).status_code == 200
    assert (
        client.post(link, data={"new": "heel-nieuw-wachtwoord", "repeat": "heel-nieuw-wachtwoord"}).status_code == 302
    )
    assert login(client, user, "heel-nieuw-wachtwoord").status_code == 302
    client.post("/logout")
    assert client.get(link).status_code == 410  # used: the hash changed
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    expired = re.search(r"http://localhost(/wachtwoord-herstellen/\S+)", smtp.bodies[-1]).group(1)
    assert client.get(expired).status_code == 410


def test_the_stored_reset_mail_holds_no_working_link(client, app, smtp):
    user = gen_user("bestuurder")
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == user.email))
    assert mail.status == "sent"
    assert "wachtwoord-herstellen" not in mail.body and "herstellink" in mail.body
    sent_token = re.search(r"/wachtwoord-herstellen/(\S+)", smtp.bodies[-1]).group(1)
    assert sent_token not in mail.body
    # Without SMTP the mail waits in the outbox, still without a link anyone could use.
    app.config["MAIL_SERVER"] = None
    client.post("/wachtwoord-vergeten", data={"email": user.email})
    queued = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert queued.status == "outbox" and "wachtwoord-herstellen" not in queued.body


def test_reset_request_does_not_reveal_whether_an_account_exists(client, app):
    response = client.post("/wachtwoord-vergeten", data={"email": "onbekend@example.nl"}, follow_redirects=True)
    assert "Als dit adres bij ons bekend is" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage)) is None


def test_next_parameter_only_allows_local_paths(client, app):
    user = gen_user("regisseur")
    response = client.post("/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/trajecten/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/trajecten/"


def test_password_change_logs_out_other_sessions(app):
    user = gen_user("regisseur")
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    first.post(
        "/account/wachtwoord", data={"current": PASSWORD, "new": "ander-wachtwoord-9", "repeat": "ander-wachtwoord-9"}
    )
    assert first.get("/trajecten/").status_code == 200
    assert second.get("/trajecten/").status_code == 302
