"""A real SMTP server for tests (aiosmtpd on 127.0.0.1) and the personal links found in its mail.

Invitation links in the privacy tests come from here, never from an API answer: `smtp_server`
is a fixture factory that starts the server and points the app's MAIL_SERVER at it.
"""

from __future__ import annotations

import re
import socket

import pytest
from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s/]+/v/([A-Za-z0-9_-]{20,})")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What arrived, per recipient; `links_for(address)` gives the tokens of the personal links."""

    def __init__(self):
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        for recipient in envelope.rcpt_tos:
            self.messages.append(
                {"to": recipient.lower(), "subject": message["Subject"], "body": message.get_content()}
            )
        return "250 Message accepted"

    def to(self, address: str) -> list[dict]:
        return [m for m in self.messages if m["to"] == address.lower()]

    def tokens_for(self, address: str) -> list[str]:
        return [token for m in self.to(address) for token in LINK.findall(m["body"])]

    def latest_token(self, address: str) -> str:
        tokens = self.tokens_for(address)
        assert tokens, f"no personal link was mailed to {address}"
        return tokens[-1]


@pytest.fixture
def smtp_server(app):
    """Start a real SMTP server and configure the app to deliver to it; returns its Inbox."""
    controllers = []

    def start() -> Inbox:
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
        controller.start()
        controllers.append(controller)
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
        return inbox

    yield start
    app.config.update(MAIL_SERVER=None)
    for controller in controllers:
        controller.stop()
