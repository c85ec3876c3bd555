"""What an invitation or a reminder says: subject and body in the participant's language, with the
deadline, the time it takes and who asks; and the samples the regisseur reviews before sending."""

from __future__ import annotations

from babel.dates import format_date, format_datetime, get_timezone
from flask import render_template
from sqlalchemy import select

from app.extensions import db
from app.models import Participant, Questionnaire, TrajectMember, User
from app.models.base import aware
from app.services.invitation_links import without_links
from app.services.participants import MAIL_LANGUAGES, ROLE_NAMES, ROLE_NAMES_EN, recipient_language
from surveys import duration
from surveys.model import Questionnaire as Definition

TZ = "Europe/Amsterdam"


def deadline_text(questionnaire: Questionnaire, lang: str = "nl") -> str | None:
    if questionnaire.closes_at is not None:
        pattern = "EEEE d MMMM yyyy 'at' HH:mm" if lang == "en" else "EEEE d MMMM yyyy 'om' HH:mm 'uur'"
        return format_datetime(aware(questionnaire.closes_at), pattern, tzinfo=get_timezone(TZ), locale=lang)
    if questionnaire.traject is not None and questionnaire.traject.deadline is not None:
        return format_date(questionnaire.traject.deadline, "EEEE d MMMM yyyy", locale=lang)
    return None


def minutes_needed(questionnaire: Questionnaire) -> int:
    """The same estimate as the start page (surveys.duration), for the mail."""
    return duration.minutes_needed(Definition.from_dict(questionnaire.definition))


def sender_name(questionnaire: Questionnaire, user_id: int | None = None) -> str:
    """Who asks: the regisseur who sent the invitations, else the traject's first regisseur."""
    user = db.session.get(User, user_id) if user_id else None
    if user is None or user.role != "regisseur":
        user = db.session.scalar(
            select(User)
            .join(TrajectMember, TrajectMember.user_id == User.id)
            .where(TrajectMember.traject_id == questionnaire.traject_id, User.role == "regisseur")
            .order_by(TrajectMember.added_at, TrajectMember.id)
            .limit(1)
        )
    return user.name if user is not None else "de regisseur van de verkenning"


SUBJECTS = {
    ("invitation", "nl"): "Uitnodiging: {title}",
    ("reminder", "nl"): "Herinnering: {title}",
    ("invitation", "en"): "Invitation: {title}",
    ("reminder", "en"): "Reminder: {title}",
}


def compose(
    kind: str, participant: Participant, questionnaire: Questionnaire, sender: str, lang: str | None = None
) -> tuple[str, str]:
    """Subject and body (with link placeholders) of an invitation or a reminder, in the
    participant's language (`recipient_language`) unless `lang` asks for another."""
    lang = lang if lang in MAIL_LANGUAGES else recipient_language(participant)
    title = (questionnaire.title or {}).get(lang) or (questionnaire.title or {}).get("nl") or questionnaire.key
    roles = ROLE_NAMES_EN if lang == "en" else ROLE_NAMES
    context = {
        "participant": participant,
        "questionnaire": questionnaire,
        "title": title,
        "traject": questionnaire.traject,
        "sender": sender,
        "role_name": roles.get(participant.role, participant.role),
        "organisation": participant.organisation,
        "minutes": minutes_needed(questionnaire),
        "deadline": deadline_text(questionnaire, lang),
        "threshold": questionnaire.traject.anonymity_threshold,
        "link": f"[[link:{participant.id}]]",
        "optout": f"[[afmelden:{participant.id}]]",
    }
    suffix = ".en" if lang == "en" else ""
    body = render_template(f"distribution/mail/{kind}{suffix}.txt", **context)
    return SUBJECTS[(kind, lang)].format(title=title), body


def sample_mail(
    kind: str, questionnaire: Questionnaire, participant: Participant, sender_id: int | None = None
) -> dict:
    """What `participant` will get, with the links left out: {"subject", "lang"} of the mail in their own
    language, and the same mail in each language (`"nl"`, `"en"`: (subject, body)) for the review."""
    sender = sender_name(questionnaire, sender_id)
    lang = recipient_language(participant)
    parts = {code: compose(kind, participant, questionnaire, sender, code) for code in MAIL_LANGUAGES}
    return {
        "subject": parts[lang][0],
        "lang": lang,
        **{code: (s, without_links(b, code)) for code, (s, b) in parts.items()},
    }


def sample_invitation(
    questionnaire: Questionnaire, participant: Participant, sender_id: int | None = None, lang: str | None = None
) -> tuple[str, str]:
    """Subject and body of the invitation `participant` will get (in their language, or `lang`),
    with the links left out."""
    lang = lang if lang in MAIL_LANGUAGES else recipient_language(participant)
    subject, body = compose("invitation", participant, questionnaire, sender_name(questionnaire, sender_id), lang)
    return subject, without_links(body, lang)
