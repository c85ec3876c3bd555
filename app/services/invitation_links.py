"""Personal links in mail bodies: the placeholders stored instead of links, filled only when a mail
is sent or shown, and the mail-merge export of the links.

A stored body holds `[[link:<participant id>]]` and `[[afmelden:<id>]]`; the link is derived from
the token when the message goes out over SMTP, is shown in the regisseur's outbox or is written to
the mail-merge CSV: the database never holds a token.
"""

from __future__ import annotations

import contextlib
import re

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from app.extensions import db
from app.models import Participant, Questionnaire
from app.services import audit
from app.services.invitation_recipients import reachable
from app.services.participants import links_visible
from app.services.tokens import personal_link, token_for

PLACEHOLDER = re.compile(r"\[\[(link|afmelden):(\d+)\]\]")
HIDDEN_LINK = "(persoonlijke link: alleen in de mail aan de deelnemer)"
HIDDEN_OPTOUT = "(afmeldlink: alleen in de mail aan de deelnemer)"


@contextlib.contextmanager
def url_context():
    """url_for needs a request; a worker has none, so give it one on the public base URL."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_BASE_URL"]):
        yield


def optout_link(token: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("distribution.opt_out", token=token)


def links_for(participant: Participant) -> tuple[str, str] | None:
    """(personal link, opt-out link), or None when the token is gone (erased or rotated key)."""
    token = token_for(participant)
    if token is None:
        return None
    return personal_link(token), optout_link(token)


def _fill(body: str, traject_id: int | None, hidden: bool) -> str:
    """`body` with its link placeholders filled, only for participants of `traject_id`; with `hidden`,
    the links of questionnaires whose links go by mail only stay with their participant."""

    def fill(match: re.Match) -> str:
        participant = db.session.get(Participant, int(match.group(2)))
        if participant is None or participant.questionnaire.traject_id != traject_id:
            return "(link niet beschikbaar)"
        if hidden and not links_visible(participant.questionnaire):
            return HIDDEN_LINK if match.group(1) == "link" else HIDDEN_OPTOUT
        links = links_for(participant)
        if links is None:
            return "(link niet meer geldig)"
        return links[0] if match.group(1) == "link" else links[1]

    if "[[" not in body:
        return body
    with url_context():
        return PLACEHOLDER.sub(fill, body)


def render_links(body: str, traject_id: int | None) -> str:
    """Fill the link placeholders of a stored mail body; only participants of `traject_id`."""
    return _fill(body, traject_id, hidden=False)


def display_links(body: str, traject_id: int | None) -> str:
    """A stored mail body as the regisseur may read it (outbox page): links of identified
    questionnaires, and of anonymous ones only in a self-distribution traject, are filled in;
    other personal links stay with their participant."""
    return _fill(body, traject_id, hidden=True)


def without_links(text: str, lang: str = "nl") -> str:
    words = ("(personal link)", "(opt-out link)") if lang == "en" else ("(persoonlijke link)", "(afmeldlink)")
    return PLACEHOLDER.sub(lambda m: words[0] if m.group(1) == "link" else words[1], text)


LINK_COLUMNS = ("name", "email", "role", "organisation", "link")


def _cell(value: str | None) -> str:
    # A spreadsheet runs a cell that starts with = + - @ as a formula; quote it.
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class LinksNotAvailable(PermissionError):
    """An anonymous questionnaire's links go by mail only (unless the traject self-distributes)."""


def link_rows(questionnaire: Questionnaire) -> list[list[str]]:
    """Rows for the mail-merge CSV: participants who have not completed and did not opt out.

    Raises LinksNotAvailable for an anonymous questionnaire outside self-distribution."""
    if not links_visible(questionnaire):
        raise LinksNotAvailable("De persoonlijke links van een anonieme vragenlijst gaan alleen per mail.")
    # Anonymous (self-distribution): every participant, so the list does not tell who answered.
    conditions = [Participant.email.is_not(None)] if questionnaire.anonymous else list(reachable())
    participants = db.session.scalars(
        select(Participant)
        .where(Participant.questionnaire_id == questionnaire.id, *conditions)
        .order_by(Participant.id)
    ).all()
    rows = []
    with url_context():
        for participant in participants:
            links = links_for(participant)
            if links is None:
                continue
            rows.append(
                [
                    _cell(participant.name),
                    _cell(participant.email),
                    participant.role,
                    participant.organisation.code if participant.organisation else "",
                    links[0],
                ]
            )
    audit.record("export.links", obj=questionnaire, traject_id=questionnaire.traject_id, count=len(rows))
    return rows
