"""Participants of a questionnaire: validation, adding by hand, by CSV and by API (all or nothing)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import PARTICIPANT_ROLES, Participant, Questionnaire
from app.models.base import aware
from app.services import audit
from app.services.errors import N_, ServiceError
from app.services.tokens import issue_token
from app.services.trajects import BAD_TEXT_MESSAGE, read_csv, unstorable_text

EMAIL_RE = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
MAX_ROWS = 5000
# Which participant roles may answer a questionnaire of each audience. Heads of ICT are ICT staff
# too, so the staff questionnaire takes both; the indicators keep the two roles apart.
AUDIENCE_ROLES = {
    "ict_staff": ("ict_staff", "ict_lead"),
    "ict_lead": ("ict_lead",),
    "board": ("board",),
    # "all" is everyone the exploration itself involves; the schools' ICT users have their own audience.
    "all": ("ict_staff", "ict_lead", "board"),
    "users": ("staff", "pupil"),
}
# Dutch spreadsheets name columns and roles in Dutch; these are read as the English keys.
COLUMN_ALIASES = {
    "naam": "name",
    "e-mail": "email",
    "e-mailadres": "email",
    "email-adres": "email",
    "mail": "email",
    "rol": "role",
    "organisatie": "organisation",
    "organization": "organisation",
    "school": "organisation",
    "taal": "language",
}
ROLE_ALIASES = {
    "ict-medewerker": "ict_staff",
    "ict medewerker": "ict_staff",
    "medewerker": "ict_staff",
    "hoofd ict": "ict_lead",
    "hoofd-ict": "ict_lead",
    "ict-coördinator": "ict_lead",
    "ict-coordinator": "ict_lead",
    "ict coördinator": "ict_lead",
    "coördinator": "ict_lead",
    "coordinator": "ict_lead",
    "bestuurder": "board",
    "bestuur": "board",
    "ict-gebruiker": "staff",
    "gebruiker": "staff",
    "personeel": "staff",
    "leerling": "pupil",
    "student": "pupil",
}
ROLE_NAMES = {
    "ict_staff": "ICT-medewerker",
    "ict_lead": "Hoofd ICT / ICT-coördinator",
    "board": "bestuurder",
    "staff": "medewerker (ICT-gebruiker)",
    "pupil": "leerling",
}
ROLE_NAMES_EN = {
    "ict_staff": "ICT staff member",
    "ict_lead": "Head of ICT / ICT coordinator",
    "board": "board member",
    "staff": "staff member (ICT user)",
    "pupil": "pupil",
}
MAIL_LANGUAGES = ("nl", "en")
# The language column of a participant list: codes and the names people write in it.
LANGUAGE_ALIASES = {"nl": "nl", "nederlands": "nl", "dutch": "nl", "en": "en", "engels": "en", "english": "en"}


def recipient_language(participant) -> str:
    """The language of a participant's mails: their own, else their account's, else Dutch."""
    if participant.language in MAIL_LANGUAGES:
        return participant.language
    user = participant.user
    return user.language if user is not None and user.language in MAIL_LANGUAGES else "nl"


@dataclass
class RowIssue:
    """One problem with one row: `conflict` marks an email already invited (the API's 409)."""

    index: int  # 0-based position in the submitted list
    field: str
    message: str
    conflict: bool = False


class ParticipantError(ServiceError):
    """A user-facing reason why participants were not added; nothing was created."""

    def __init__(self, message: str, issues: list[RowIssue] | None = None):
        by_field: dict[str, list] = {}
        for issue in issues or []:
            by_field.setdefault(issue.field, []).append(issue.message)
        super().__init__(message, by_field)  # a form shows them per field; the API per row (issues)
        self.issues = issues or []

    @property
    def only_conflicts(self) -> bool:
        return bool(self.issues) and all(issue.conflict for issue in self.issues)


@dataclass
class Added:
    participant: Participant
    token: str


@dataclass
class ParticipantImport:
    """Outcome of a CSV import: rows created, or the errors per line (then nothing is created)."""

    created: list[Added] = field(default_factory=list)
    row_errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)

    @property
    def ok(self) -> bool:
        return not self.row_errors


def links_visible(questionnaire: Questionnaire) -> bool:
    """May the regisseur see the personal links (links CSV, outbox)? For an identified
    questionnaire yes; for an anonymous one only in a traject set to self-distribution."""
    return not questionnaire.anonymous or bool(questionnaire.traject.self_distribution)


def person_status_visible(questionnaire: Questionnaire) -> bool:
    """Per-person completion (ingevuld, afgemeld, reminders) is shown only for identified ones."""
    return not questionnaire.anonymous


SELF_DISTRIBUTION_STATEMENT = (
    "In dit traject zijn de persoonlijke links van de anonieme vragenlijsten niet alleen per mail "
    "verstuurd: de regisseur kon ze downloaden en heeft ze zelf verspreid (zelf verspreiden). Wie "
    "een link in handen had, kon daarmee antwoorden; een concept was alleen te lezen in de browser "
    "waarin het was begonnen."
)


class SelfDistributionError(ServiceError):
    """A Dutch reason why self-distribution cannot be switched on."""


def set_self_distribution(traject, on: bool) -> bool:
    """Switch "zelf verspreiden" on or off for a traject (no commit); audited. Only a traject
    without a mail server may hand out links itself. Returns whether anything changed."""
    from app.services.mail import smtp_configured

    on = bool(on)
    if on and smtp_configured():
        raise SelfDistributionError(
            N_(
                "Er is een mailserver ingesteld: de persoonlijke links gaan per mail "
                "naar de deelnemers, zelf verspreiden is niet nodig."
            )
        )
    if bool(traject.self_distribution) == on:
        return False
    traject.self_distribution = on
    audit.record(
        "traject.self_distribution_on" if on else "traject.self_distribution_off", obj=traject, traject_id=traject.id
    )
    return True


def self_distribution_used(traject) -> bool:
    """On now, or on at any moment before (the links handed out then may still be in use)."""
    from app.models import AuditEvent

    if traject.self_distribution:
        return True
    return (
        db.session.scalar(
            select(AuditEvent.id)
            .where(AuditEvent.traject_id == traject.id, AuditEvent.action == "traject.self_distribution_on")
            .limit(1)
        )
        is not None
    )


def self_distribution_statement(traject) -> str | None:
    """The sentence for the report's method statement, or None when links went by mail only."""
    return SELF_DISTRIBUTION_STATEMENT if self_distribution_used(traject) else None


def is_closed(questionnaire: Questionnaire, now: datetime | None = None) -> bool:
    """Closed by status, or past its close date."""
    now = now or datetime.now(UTC)
    closes_at = aware(questionnaire.closes_at)
    return questionnaire.status == "closed" or (closes_at is not None and closes_at <= now)


def allowed_roles(questionnaire: Questionnaire) -> tuple[str, ...]:
    return AUDIENCE_ROLES.get(questionnaire.audience or "all", PARTICIPANT_ROLES)


def existing_emails(questionnaire: Questionnaire) -> set[str]:
    rows = db.session.scalars(
        select(func.lower(Participant.email)).where(
            Participant.questionnaire_id == questionnaire.id, Participant.email.is_not(None)
        )
    )
    return set(rows)


def _text(value) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        return None
    return value.strip()


def validate_rows(
    questionnaire: Questionnaire, rows: list, *, role_aliases: bool = False
) -> tuple[list[dict], list[RowIssue]]:
    """Check every row; returns (clean rows, issues). Duplicates within `rows` and against the
    questionnaire's participants are found case-insensitively on the email address."""
    issues: list[RowIssue] = []
    clean_rows: list[dict] = []
    organisations = {o.code.upper(): o for o in questionnaire.traject.organisations}
    roles = allowed_roles(questionnaire)
    known = existing_emails(questionnaire)
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            issues.append(RowIssue(index, "row", N_("Verwacht een object met email, name, role en organisation.")))
            continue
        before = len(issues)
        email = _text(row.get("email"))
        if email is None:
            issues.append(RowIssue(index, "email", N_("Moet tekst zijn.")))
        elif not email:
            issues.append(RowIssue(index, "email", N_("Vul een e-mailadres in.")))
        elif len(email) > 254 or not EMAIL_RE.match(email) or unstorable_text(email):
            issues.append(RowIssue(index, "email", N_("'%(email)s' is geen geldig e-mailadres.", email=email[:60])))
        else:
            email = email.lower()
            if email in seen:
                issues.append(
                    RowIssue(
                        index,
                        "email",
                        N_("%(email)s staat al in rij %(row)s van deze lijst.", email=email, row=seen[email] + 1),
                    )
                )
            elif email in known:
                issues.append(
                    RowIssue(
                        index,
                        "email",
                        N_("%(email)s is al uitgenodigd voor deze vragenlijst.", email=email),
                        conflict=True,
                    )
                )
            seen.setdefault(email, index)
        name = _text(row.get("name"))
        if name is None:
            issues.append(RowIssue(index, "name", N_("Moet tekst zijn.")))
        elif len(name) > 200:
            issues.append(RowIssue(index, "name", N_("De naam mag hoogstens 200 tekens lang zijn.")))
        elif unstorable_text(name):
            issues.append(RowIssue(index, "name", BAD_TEXT_MESSAGE))
        role = _text(row.get("role"))
        if role is None:
            issues.append(RowIssue(index, "role", N_("Moet tekst zijn.")))
        else:
            if role_aliases:
                role = ROLE_ALIASES.get(role.lower(), role.lower())
            if not role:
                issues.append(RowIssue(index, "role", N_("Vul een rol in: %(roles)s.", roles=", ".join(roles))))
            elif role not in PARTICIPANT_ROLES:
                issues.append(
                    RowIssue(
                        index,
                        "role",
                        N_(
                            "Onbekende rol '%(role)s'; kies uit %(roles)s.",
                            role=role[:40],
                            roles=", ".join(PARTICIPANT_ROLES),
                        ),
                    )
                )
            elif role not in roles:
                issues.append(
                    RowIssue(
                        index,
                        "role",
                        N_(
                            "De rol %(role)s past niet bij deze vragenlijst (doelgroep "
                            "%(audience)s); kies uit %(roles)s.",
                            role=role,
                            audience=questionnaire.audience,
                            roles=", ".join(roles),
                        ),
                    )
                )
        code = _text(row.get("organisation"))
        organisation = None
        if code is None:
            issues.append(RowIssue(index, "organisation", N_("Moet tekst zijn (de code van de organisatie).")))
        elif not code:
            issues.append(RowIssue(index, "organisation", N_("Vul de code van de organisatie in.")))
        else:
            organisation = organisations.get(code.upper())
            if organisation is None:
                issues.append(
                    RowIssue(
                        index,
                        "organisation",
                        N_(
                            "Onbekende organisatie '%(code)s'; kies uit %(codes)s.",
                            code=code[:40],
                            codes=", ".join(sorted(organisations)),
                        ),
                    )
                )
        language = _text(row.get("language"))
        if language is None:
            issues.append(RowIssue(index, "language", N_("Moet tekst zijn: nl of en.")))
        elif language and language.strip().lower() not in LANGUAGE_ALIASES:
            issues.append(
                RowIssue(index, "language", N_("Onbekende taal '%(value)s'; kies nl of en.", value=language[:20]))
            )
        if len(issues) == before:
            # Placeholders in mail bodies are written [[...]]; a name must not be able to forge one.
            clean_rows.append(
                {
                    "email": email,
                    "name": (name or "").replace("[[", "[ ["),
                    "role": role,
                    "organisation": organisation,
                    "language": LANGUAGE_ALIASES.get((language or "").strip().lower()),
                }
            )
    return clean_rows, issues


def _create(questionnaire: Questionnaire, clean_rows: list[dict]) -> list[Added]:
    participants = [
        Participant(
            questionnaire=questionnaire,
            email=row["email"],
            name=row["name"] or None,
            role=row["role"],
            organisation=row["organisation"],
            language=row.get("language"),
        )
        for row in clean_rows
    ]
    db.session.add_all(participants)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request added the same address between our check and this insert.
        db.session.rollback()
        raise ParticipantError(
            "Een of meer e-mailadressen zijn intussen al uitgenodigd.",
            [RowIssue(0, "email", "Al uitgenodigd voor deze vragenlijst.", conflict=True)],
        ) from None
    added = [Added(p, issue_token(p)) for p in participants]
    db.session.flush()
    return added


def add_participants(
    questionnaire: Questionnaire, rows: list, *, source: str = "form", role_aliases: bool = False
) -> list[Added]:
    """Add participants with a token each (hash stored only; no commit); all rows or none.

    Raises ParticipantError with the issues per row; `only_conflicts` tells an already invited
    address apart from invalid input.
    """
    if is_closed(questionnaire):
        raise ParticipantError("Deze vragenlijst is gesloten; er kunnen geen deelnemers meer bij.")
    if not isinstance(rows, list) or not rows:
        raise ParticipantError(
            "Geef minstens één deelnemer op.", [RowIssue(0, "participants", "Geef minstens één deelnemer op.")]
        )
    if len(rows) > MAX_ROWS:
        raise ParticipantError(
            f"Hoogstens {MAX_ROWS} deelnemers tegelijk.",
            [RowIssue(0, "participants", f"Hoogstens {MAX_ROWS} deelnemers tegelijk.")],
        )
    clean_rows, issues = validate_rows(questionnaire, rows, role_aliases=role_aliases)
    if issues:
        raise ParticipantError("De deelnemers zijn niet toegevoegd; controleer de fouten.", issues)
    added = _create(questionnaire, clean_rows)
    # The audit trail counts; addresses stay out of it (they are personal data with their own erasure).
    audit.record(
        "participants.added", obj=questionnaire, traject_id=questionnaire.traject_id, count=len(added), source=source
    )
    return added


def import_participants(questionnaire: Questionnaire, text: str) -> ParticipantImport:
    """Import participants from CSV (name,email,role,organisation; ';' or ','; Dutch headers too).
    Errors name the line and the field; when any row is bad nothing is imported."""
    report = ParticipantImport()
    if is_closed(questionnaire):
        report.row_errors.append(
            (1, "vragenlijst", "Deze vragenlijst is gesloten; er kunnen geen deelnemers meer bij.")
        )
        return report
    try:
        header, rows = read_csv(text)
    except (csv.Error, UnicodeDecodeError) as exc:
        report.row_errors.append((1, "bestand", f"Het bestand is geen leesbare CSV: {exc}"))
        return report
    header = [COLUMN_ALIASES.get(h, h) for h in header]
    rows = [{COLUMN_ALIASES.get(k, k): v for k, v in row.items() if k is not None} for row in rows]
    missing = [c for c in ("email", "role", "organisation") if c not in header]
    if missing:
        report.row_errors.append(
            (1, "kop", "Kolom ontbreekt: " + ", ".join(missing) + ". Verwacht: name;email;role;organisation")
        )
        return report
    if not rows:
        report.row_errors.append((2, "bestand", "Het bestand bevat geen rijen."))
        return report
    try:
        report.created = add_participants(questionnaire, rows, source="csv", role_aliases=True)
    except ParticipantError as exc:
        if not exc.issues:
            report.row_errors.append((1, "bestand", str(exc)))
        for issue in exc.issues:
            report.row_errors.append((issue.index + 2, issue.field, issue.message))
    return report


@dataclass
class RateRow:
    """Response of one group (organisation × role, or a total): invited, completed, opted out."""

    organisation_code: str | None
    organisation_name: str | None
    role: str | None
    invited: int = 0
    completed: int = 0
    opted_out: int = 0
    # Anonymous questionnaires: completed, opted out and the rate are hidden for this group
    # (below the anonymity threshold, or hidden so that no hidden count can be worked out).
    suppressed: bool = False

    @property
    def percentage(self) -> float | None:
        if self.suppressed:
            return None
        return 100.0 * self.completed / self.invited if self.invited else None

    def as_dict(self) -> dict:
        if self.suppressed:
            return {
                "organisation": self.organisation_code,
                "role": self.role,
                "invited": self.invited,
                "completed": None,
                "opted_out": None,
                "response_rate": None,
                "suppressed": True,
            }
        return {
            "organisation": self.organisation_code,
            "role": self.role,
            "invited": self.invited,
            "completed": self.completed,
            "opted_out": self.opted_out,
            "response_rate": self.completed / self.invited if self.invited else None,
            "suppressed": False,
        }


def response_rates(questionnaire: Questionnaire) -> tuple[list[RateRow], list[RateRow], RateRow]:
    """Rows per organisation × role, subtotals per role, and the total, from the current database.

    For an anonymous questionnaire the groups that must not show their completed count are marked
    `suppressed` (see `suppress_rates`): every page and API answer reads these rows.
    """
    rows, roles, total = _raw_response_rates(questionnaire)
    if questionnaire.anonymous:
        # The groups the latest release hides stay hidden here too: one set for every output.
        from app.services import releases
        from app.services.indicators import latest_snapshot

        released = (
            releases.hidden_groups_of(
                latest_snapshot(questionnaire.traject_id), questionnaire.template_key or questionnaire.key
            )
            or set()
        )
        suppress_rates(rows, roles, total, questionnaire.traject.anonymity_threshold, forced=released)
    return rows, roles, total


_NO_ORGANISATION = "\x00geen"  # a participant whose organisation was removed: its own group


def suppress_rates(rows: list[RateRow], roles: list[RateRow], total: RateRow, threshold: int, forced=()) -> set:
    """Mark the groups whose completed count may not be shown: fewer than `threshold` completed,
    and complementary suppression over (organisation, role), (all, role) and (all, all), decided
    by the one disclosure rule in `analysis.anonymity.hidden_groups`. Returns the hidden keys."""
    from analysis.anonymity import hidden_groups

    keyed = (
        [((row.organisation_code or _NO_ORGANISATION, row.role), row) for row in rows]
        + [((None, row.role), row) for row in roles]
        + [((None, None), total)]
    )
    ns = {key: row.completed for key, row in keyed}
    hidden = hidden_groups(ns, threshold, forced=[cell for cell in forced if cell in ns])
    for key, row in keyed:
        row.suppressed = key in hidden
    return hidden


def _raw_response_rates(questionnaire: Questionnaire) -> tuple[list[RateRow], list[RateRow], RateRow]:
    from sqlalchemy import case

    query = (
        select(
            Participant.organisation_id,
            Participant.role,
            func.count(Participant.id),
            func.sum(case((Participant.completed.is_(True), 1), else_=0)),
            func.sum(case((Participant.opted_out.is_(True), 1), else_=0)),
        )
        .where(Participant.questionnaire_id == questionnaire.id)
        .group_by(Participant.organisation_id, Participant.role)
    )
    organisations = {o.id: o for o in questionnaire.traject.organisations}
    role_order = {role: i for i, role in enumerate(PARTICIPANT_ROLES)}
    rows: list[RateRow] = []
    per_role: dict[str, RateRow] = {}
    total = RateRow(None, None, None)
    for organisation_id, role, invited, completed, opted_out in db.session.execute(query):
        organisation = organisations.get(organisation_id)
        row = RateRow(
            organisation.code if organisation else None,
            organisation.name if organisation else None,
            role,
            int(invited),
            int(completed or 0),
            int(opted_out or 0),
        )
        rows.append(row)
        for bucket in (per_role.setdefault(role, RateRow(None, None, role)), total):
            bucket.invited += row.invited
            bucket.completed += row.completed
            bucket.opted_out += row.opted_out
    rows.sort(key=lambda r: (r.organisation_code or "~", role_order.get(r.role, 9)))
    roles = [per_role[r] for r in sorted(per_role, key=lambda r: role_order.get(r, 9))]
    return rows, roles, total
