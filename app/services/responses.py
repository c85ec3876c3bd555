"""Responses: the respondent's state, drafts saved per page, and the one-time submission.

The database, not the code path, guarantees one response per invitation: an anonymous (and a
first identified) submission flips `participants.completed` with a conditional UPDATE in the
same transaction as the INSERT, and identified revisions are unique per (participant, revision).
An anonymous response row holds no participant, user, IP, agent or time: a date only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import Participant, Questionnaire, Response, ResponseDraft, Traject, TrajectMember, User
from app.models.base import aware
from app.models.packed_answers import pack_for
from app.models.questionnaires import random_id
from app.services import audit
from surveys import duration
from surveys.model import Questionnaire as Definition

#: identified instruments whose response is a signed statement
SIGNED_TEMPLATES = ("board_commitment",)
SIGNATURE_KEY = "signature_agree"
SIGNATURE_MESSAGE = "Vink aan dat u deze verklaring namens uw organisatie ondertekent."

_definitions: dict[tuple[int, str], Definition] = {}


class SubmitError(Exception):
    """Why a submission was refused: `reason` is one of REASONS; `errors` for invalid answers."""

    REASONS = ("used", "not_open", "closed", "opted_out", "invalid")

    def __init__(self, reason: str, errors: dict[str, list[str]] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.errors = errors or {}


def definition(questionnaire: Questionnaire) -> Definition:
    """The surveys model of a questionnaire row (cached per id and fingerprint: it is frozen)."""
    key = (questionnaire.id, questionnaire.fingerprint or "")
    cached = _definitions.get(key)
    if cached is None or not questionnaire.fingerprint:
        cached = Definition.from_dict(questionnaire.definition)
        if questionnaire.fingerprint:
            if len(_definitions) > 256:
                _definitions.clear()
            _definitions[key] = cached
    return cached


def today() -> date:
    """The submission date in the Netherlands (a date only: no time is kept)."""
    return datetime.now(ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Amsterdam"))).date()


def questionnaire_state(questionnaire: Questionnaire, now: datetime | None = None) -> str:
    """'open', 'not_open' (draft or before opens_at) or 'closed' (closed or after closes_at)."""
    now = now or datetime.now(UTC)
    if questionnaire.status == "closed":
        return "closed"
    if questionnaire.closes_at is not None and aware(questionnaire.closes_at) <= now:
        return "closed"
    if questionnaire.status != "open":
        return "not_open"
    if questionnaire.opens_at is not None and aware(questionnaire.opens_at) > now:
        return "not_open"
    return "open"


def participant_state(participant: Participant) -> str:
    """What the personal link may do: 'open', or a reason from SubmitError.REASONS."""
    if participant.completed:
        return "used"
    if participant.opted_out:
        return "opted_out"
    return questionnaire_state(participant.questionnaire)


def asker(traject_id: int) -> User | None:
    """Who asks (the respondent's start page): the traject's first regisseur with an organisation,
    else its first regisseur, in the order they joined; one query with their organisation."""
    regisseurs = db.session.scalars(
        select(User)
        .join(TrajectMember, TrajectMember.user_id == User.id)
        .where(TrajectMember.traject_id == traject_id, User.role == "regisseur")
        .order_by(TrajectMember.id)
        .options(joinedload(User.organisation))
    ).all()
    return next((u for u in regisseurs if u.organisation is not None), regisseurs[0] if regisseurs else None)


def minutes_needed(defn: Definition) -> int:
    """The questionnaire's one time estimate (surveys.duration), as the start page shows it."""
    return duration.minutes_needed(defn)


# -- drafts -------------------------------------------------------------------------------------


def draft_for(participant: Participant) -> ResponseDraft | None:
    """The participant's draft: loaded with it on the respondent's path (tokens.participant_for_token
    `with_draft`), else once per session."""
    return participant.draft


def draft_answers(participant: Participant) -> dict:
    draft = draft_for(participant)
    return dict(draft.answers or {}) if draft is not None else {}


def save_section(
    participant: Participant, section_key: str, raw: dict, next_section: str | None = None
) -> tuple[dict, dict[str, list[str]]]:
    """Validate one section against the draft, keep what was given, and return (answers, errors).

    Valid answers are stored clean; an invalid one is kept as typed, so the respondent sees it
    again beside its message. The caller commits.
    """
    defn = definition(participant.questionnaire)
    section = defn.section(section_key)
    keys = [q.key for q in section.questions]
    answers = {k: v for k, v in draft_answers(participant).items() if k not in keys}
    merged = dict(answers, **{k: v for k, v in raw.items() if k in keys})
    clean, errors = defn.validate_section(section_key, merged)
    for key in keys:
        if key in clean:
            answers[key] = clean[key]
        elif key in errors and _given(raw.get(key)) and _storable(raw[key]):
            answers[key] = raw[key]
    draft = draft_for(participant)
    if draft is None:
        draft = ResponseDraft(participant_id=participant.id, answers={})
        db.session.add(draft)
        set_committed_value(participant, "draft", draft)
    draft.answers = answers
    draft.section_key = next_section or section_key
    return answers, errors


def _storable(value) -> bool:
    """Whether a raw answer may be kept as typed: no NUL (PostgreSQL text refuses it), no lone
    surrogates (not UTF-8). Such an answer is dropped; its error message still shows."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, (list, tuple)):
        return all(_storable(v) for v in value)
    return True


def _given(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, tuple, dict)):
        return len(value) > 0
    return True


def resume_section(participant: Participant) -> str | None:
    """The section to continue with: the one saved in the draft if still visible, else the first
    visible section with an unanswered or invalid question."""
    draft = draft_for(participant)
    if draft is None:
        return None
    defn = definition(participant.questionnaire)
    sections = defn.visible_sections(draft.answers or {})
    keys = [s.key for s in sections]
    if draft.section_key in keys:
        return draft.section_key
    _, errors = defn.validate_all(draft.answers or {})
    for section in sections:
        if any(q.key in errors for q in section.questions):
            return section.key
    return keys[0] if keys else None


# -- submission ---------------------------------------------------------------------------------


def is_signed(questionnaire: Questionnaire) -> bool:
    return (questionnaire.template_key or questionnaire.key) in SIGNED_TEMPLATES


def validate(questionnaire: Questionnaire, raw: dict) -> tuple[dict, dict[str, list[str]]]:
    """All answers of a response: clean values and Dutch messages per question key."""
    defn = definition(questionnaire)
    clean, errors = defn.validate_all(raw)
    if is_signed(questionnaire) and not errors.get(SIGNATURE_KEY):
        try:
            defn.question(SIGNATURE_KEY)
        except KeyError:
            pass
        else:
            if clean.get(SIGNATURE_KEY) is not True:
                errors[SIGNATURE_KEY] = [SIGNATURE_MESSAGE]
    return clean, errors


# The submission's statements, built once: Core statements on the tables (no ORM unit of work and
# no statement building per request; a submission is the hottest write of the application).
_participants = Participant.__table__
_responses = Response.__table__
_COMPLETE = (
    _participants.update()
    .where(_participants.c.id == bindparam("p_id"), _participants.c.completed.is_(False))
    .values(completed=True)
)
_COMPLETE_REVISION = _participants.update().where(_participants.c.id == bindparam("p_id")).values(completed=True)
_INSERT_RESPONSE = _responses.insert()
_DELETE_DRAFT = ResponseDraft.__table__.delete().where(ResponseDraft.__table__.c.participant_id == bindparam("p_id"))
# Keeps updated_at as it was: the traject row must not carry the moment of the latest (anonymous)
# submission.
_MARK_STALE = (
    Traject.__table__.update()
    .where(Traject.__table__.c.id == bindparam("t_id"))
    .values(indicators_stale=True, updated_at=Traject.__table__.c.updated_at)
)


def _group_has_response(organisation_code_is_none: bool):
    code = _responses.c.organisation_code
    return (
        select(_responses.c.id)
        .where(
            _responses.c.questionnaire_id == bindparam("questionnaire_id"),
            _responses.c.role == bindparam("role"),
            code.is_(None) if organisation_code_is_none else code == bindparam("organisation_code"),
        )
        .limit(1)
    )


def _mark_group_early(organisation_id_is_none: bool):
    org = _participants.c.organisation_id
    return (
        _participants.update()
        .where(
            _participants.c.questionnaire_id == bindparam("q_id"),
            _participants.c.role == bindparam("p_role"),
            org.is_(None) if organisation_id_is_none else org == bindparam("org_id"),
        )
        .values(early=True)
    )


_GROUP_HAS_RESPONSE = {none: _group_has_response(none) for none in (True, False)}
_MARK_GROUP_EARLY = {none: _mark_group_early(none) for none in (True, False)}


def submit(participant: Participant, raw: dict, *, user: User | None = None, revise: bool = False) -> str:
    """Validate and store a response in one transaction, then ask for a recompute; returns its id.

    Raises SubmitError with reason 'used' when the invitation was already completed (also when a
    concurrent request won the race), 'not_open'/'closed'/'opted_out' for the state, and
    'invalid' with errors per question key; nothing is stored then. `revise` (identified
    questionnaires only, the logged-in statement page) adds a new revision instead.
    """
    questionnaire = participant.questionnaire
    anonymous = bool(questionnaire.anonymous)
    revise = revise and not anonymous
    if participant.completed and not revise:
        raise SubmitError("used")
    if participant.opted_out and not revise:
        raise SubmitError("opted_out")
    state = questionnaire_state(questionnaire)
    if state != "open":
        raise SubmitError(state)
    participant_id = participant.id
    traject_id = questionnaire.traject_id
    organisation_code = participant.organisation.code if participant.organisation else None
    response = {
        "id": random_id(),
        "questionnaire_id": questionnaire.id,
        "organisation_code": organisation_code,
        "role": participant.role,
        "submitted_on": today(),
        "participant_id": None,
        "user_id": None,
        "revision": 1,
        "is_latest": True,
        "signed_at": None,
    }
    key = {"p_id": participant_id}
    try:
        # Asked before this request locks its participant row: marking the group early locks the
        # rows of everyone in it, so two first responses that each held their own row would wait
        # for each other (a deadlock, a 503 for the respondent). The first responses of a
        # questionnaire's groups take turns instead; later ones find a response and skip this.
        first = anonymous and not _group_has_response(questionnaire.id, participant.role, organisation_code)
        if first:
            _take_turn_marking_early(questionnaire.id)
        if revise:
            db.session.execute(_COMPLETE_REVISION, key)
        elif db.session.execute(_COMPLETE, key).rowcount != 1:
            raise SubmitError("used")
        # Validated only once this request holds the participant's row lock: a request that lost
        # the race (and perhaps read the draft after the winner deleted it) answers "used", not
        # "invalid"; invalid answers roll the flag back with everything else.
        clean, errors = validate(questionnaire, raw)
        if errors:
            raise SubmitError("invalid", errors)
        response["answers"] = clean
        # Core insert: no ORM hook packs it (app/models/packed_answers.py), so the writer does.
        response["likert"] = pack_for(questionnaire, clean)
        if not anonymous:
            previous = db.session.scalar(
                select(func.max(Response.revision)).where(Response.participant_id == participant_id)
            )
            db.session.execute(
                update(Response)
                .where(Response.participant_id == participant_id, Response.is_latest.is_(True))
                .values(is_latest=False)
                .execution_options(synchronize_session=False)
            )
            response["participant_id"] = participant_id
            response["user_id"] = user.id if user is not None else participant.user_id
            response["revision"] = (previous or 0) + 1
            if is_signed(questionnaire):
                response["signed_at"] = datetime.now(UTC)
        if first:
            _mark_early_at_first_response(
                questionnaire.id, participant.organisation_id, participant.role, organisation_code
            )
        db.session.execute(_INSERT_RESPONSE, response)
        db.session.execute(_DELETE_DRAFT, key)
        set_committed_value(participant, "draft", None)
        db.session.execute(_MARK_STALE, {"t_id": traject_id})
        if response["signed_at"] is not None:
            # A signed statement is an act of the board: the logboek shows who signed which version.
            audit.record(
                "statement.signed",
                object_type="Questionnaire",
                object_id=questionnaire.id,
                traject_id=traject_id,
                actor_id=response["user_id"],
                revision=response["revision"],
                organisation=organisation_code,
            )
    except SubmitError:
        db.session.rollback()
        raise
    except IntegrityError:
        # A concurrent revision took the same number: the unique constraint decided.
        db.session.rollback()
        raise SubmitError("used") from None
    db.session.commit()
    _enqueue_recompute(traject_id)
    return response["id"]


def _group_has_response(questionnaire_id: int, role: str, organisation_code: str | None) -> bool:
    group = {"questionnaire_id": questionnaire_id, "role": role, "organisation_code": organisation_code}
    # One row is enough to know (no count over the group on the submission's hot path).
    return db.session.scalar(_GROUP_HAS_RESPONSE[organisation_code is None], group) is not None


# Namespace of the PostgreSQL advisory lock (first key; indicator_jobs uses 7_301); the
# questionnaire id is the second key.
MARK_EARLY_LOCK_NAMESPACE = 7_302


def _take_turn_marking_early(questionnaire_id: int) -> None:
    """Wait for the questionnaire's other first responses (a transaction lock, released at the
    commit or rollback); SQLite serialises writers anyway."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(func.pg_advisory_xact_lock(MARK_EARLY_LOCK_NAMESPACE, bindparam("q_id"))), {"q_id": questionnaire_id}
        )


def _mark_early_at_first_response(
    questionnaire_id: int, organisation_id: int | None, role: str, organisation_code: str | None
) -> None:
    """At a group's first response, mark everyone then on its list as *early*.

    Only responses of early participants can unlock a group (the padding rule in
    analysis/disclosure.py): participants added once answers are coming in cannot make a small
    group visible. The flag says nothing about when or what anyone answered.
    """
    # Asked again under the turn: a response committed meanwhile marked the group already.
    if _group_has_response(questionnaire_id, role, organisation_code):
        return
    group = {"q_id": questionnaire_id, "p_role": role, "org_id": organisation_id}
    db.session.execute(_MARK_GROUP_EARLY[organisation_id is None], group)


def _enqueue_recompute(traject_id: int) -> None:
    from app.jobs import recompute_quietly

    try:
        # No Job row: a submission must not leave a visible trace of its moment (docs/privacy.md).
        recompute_quietly(traject_id)
    except Exception:  # the stale flag is the outbox: the beat sweep recomputes later
        db.session.rollback()
        current_app.logger.warning("Herberekening niet in de wachtrij gezet; de sweep pakt het op.")


# -- identified statements (bestuurders) ----------------------------------------------------------


def open_commitment_questionnaire(traject: Traject) -> Questionnaire | None:
    """The traject's open board commitment questionnaire (the newest open version)."""
    rows = db.session.scalars(
        select(Questionnaire)
        .where(
            Questionnaire.traject_id == traject.id, Questionnaire.status == "open", Questionnaire.anonymous.is_(False)
        )
        .order_by(Questionnaire.version.desc(), Questionnaire.id.desc())
    ).all()
    return next((q for q in rows if is_signed(q) and questionnaire_state(q) == "open"), None)


def board_participant(questionnaire: Questionnaire, user: User) -> Participant:
    """The bestuurder's participant row for this questionnaire; created when missing (no commit)."""
    participant = db.session.scalar(
        select(Participant).where(Participant.questionnaire_id == questionnaire.id, Participant.user_id == user.id)
    )
    if participant is None:
        participant = db.session.scalar(
            select(Participant).where(
                Participant.questionnaire_id == questionnaire.id, func.lower(Participant.email) == user.email.lower()
            )
        )
        if participant is not None:
            participant.user_id = user.id
    if participant is None:
        participant = Participant(
            questionnaire_id=questionnaire.id,
            email=user.email,
            name=user.name,
            role="board",
            organisation_id=user.organisation_id,
            user_id=user.id,
        )
        db.session.add(participant)
        db.session.flush()
    return participant


def revisions(participant: Participant) -> list[Response]:
    """All revisions of an identified participant, newest first."""
    return list(
        db.session.scalars(
            select(Response).where(Response.participant_id == participant.id).order_by(Response.revision.desc())
        )
    )


@dataclass
class Review:
    """A response as the review page shows it: per visible section its questions and answers."""

    sections: list = field(default_factory=list)  # [(section, [(question, value)], has_errors)]
    errors: dict = field(default_factory=dict)
    clean: dict = field(default_factory=dict)


def review(questionnaire: Questionnaire, answers: dict) -> Review:
    defn = definition(questionnaire)
    clean, errors = validate(questionnaire, answers)
    sections, questions, _, _ = defn.walk(answers)
    visible = {q.key for q in questions}
    result = Review(errors=errors, clean=clean)
    for section in sections:
        rows = [(q, clean.get(q.key, answers.get(q.key))) for q in section.questions if q.key in visible]
        result.sections.append((section, rows, any(q.key in errors for q, _ in rows)))
    return result
