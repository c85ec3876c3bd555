"""The concerns register (zorgen en bezwaren): record, answer, convert, and anonymous concerns of ICT staff.

An open concern turns into a SWOT threat or a roadmap action with one call, linked both ways.

Anonymous concerns hold no participant, organisation, date or time, get a random id, and leave no
audit event (an event's exact time would be metadata about the writer, as for responses). They are shown
traject-wide in whole batches (`analysis.disclosure.padded_batch_step`, the threshold, growth and
padding rules of the releases for the one group anonymous concerns form): a batch is shown once it
holds the comment threshold of concerns from participants who were on the list when it began.
"""

from __future__ import annotations

import secrets
from datetime import date

from flask import has_request_context
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy import update as sql_update

from analysis.disclosure import padded_batch_step
from analysis.feasibility import DOMAINS
from app.extensions import db
from app.models import Participant, Traject
from app.models.stakeholders import CONCERN_STATES, Concern, Engagement, Stakeholder
from app.services import advice, audit
from app.services.errors import N_, Message
from app.services.stakeholders import StakeholderError, _choice, _text

NEEDS_ANSWER = ("answered", "resolved")
RANDOM_IDS = (2**30, 2**31 - 1)  # far above the sequence of named concerns
ANONYMOUS_ROLE = "ict_staff"


def _domain(value):
    if value in (None, ""):
        return None, None
    if value not in DOMAINS:
        return None, N_("Onbekend domein; kies uit %(allowed)s.", allowed=", ".join(DOMAINS))
    return value, None


def validate(traject: Traject, data: dict, concern: Concern | None = None) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def put(field, result):
        value, message = result
        if message:
            errors[field] = [message]
        else:
            clean[field] = value

    if concern is None or not concern.anonymous:
        put("text", _text(data.get("text"), 5000, required=True, multiline=True))
        put("domain", _domain(data.get("domain")))
        stakeholder = data.get("stakeholder")
        if stakeholder in (None, ""):
            clean["stakeholder_id"] = None
        else:
            found = _own(traject, Stakeholder, stakeholder)
            if found is None:
                errors["stakeholder"] = [N_("Onbekende belanghebbende in dit traject.")]
            else:
                clean["stakeholder_id"] = found.id
        engagement = data.get("engagement")
        if engagement in (None, ""):
            clean["engagement_id"] = None
        else:
            found = _own(traject, Engagement, engagement)
            if found is None:
                errors["engagement"] = [N_("Onbekende activiteit in dit traject.")]
            else:
                clean["engagement_id"] = found.id
    put("status", _choice("status", data.get("status"), CONCERN_STATES, "open"))
    put("answer", _text(data.get("answer"), 5000, multiline=True))
    if clean.get("status") in NEEDS_ANSWER and not clean.get("answer"):
        errors["answer"] = [N_("Een beantwoorde of opgeloste zorg heeft een antwoord nodig.")]
    return clean, errors


def _own(traject: Traject, model, value):
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    ident = value if isinstance(value, int) and not isinstance(value, bool) else None
    if ident is None or not 0 < ident < 2**31:
        return None
    row = db.session.get(model, ident)
    return row if row is not None and row.traject_id == traject.id else None


def record(traject: Traject, data: dict) -> Concern:
    clean, errors = validate(traject, data)
    if errors:
        raise StakeholderError(N_("De zorg is niet geldig."), errors)
    concern = Concern(traject_id=traject.id, raised_on=date.today(), anonymous=False, **clean)
    db.session.add(concern)
    db.session.flush()
    audit.record("concern.recorded", obj=concern, traject_id=traject.id, status=concern.status)
    return concern


def update(concern: Concern, traject: Traject, data: dict) -> Concern:
    clean, errors = validate(traject, data, concern)
    if errors:
        raise StakeholderError(N_("De zorg is niet geldig."), errors)
    changed = sorted(k for k, v in clean.items() if getattr(concern, k) != v)
    for key, value in clean.items():
        setattr(concern, key, value)
    audit.record("concern.updated", obj=concern, traject_id=traject.id, fields=changed, status=concern.status)
    return concern


def to_threat(concern: Concern, traject: Traject) -> None:
    """An open concern becomes a SWOT threat (traject-wide), linked both ways."""
    _convertible(concern)
    if concern.swot_item_id is not None:
        raise StakeholderError(N_("Deze zorg staat al als bedreiging in de SWOT."), {})
    item = advice.save_manual_item(traject, organisation=None, quadrant="T", text_nl=concern.text[:1000])
    item.evidence = {"concern": concern.id}
    concern.swot_item_id = item.id
    audit.record("concern.to_threat", obj=concern, traject_id=traject.id, swot_item=item.id)


def to_action(concern: Concern, traject: Traject) -> None:
    """An open concern becomes a short-term roadmap action, linked both ways (its key names the concern)."""
    _convertible(concern)
    if concern.roadmap_action_id is not None:
        raise StakeholderError(N_("Deze zorg staat al als actie op de routekaart."), {})
    title = _stored(N_("Zorg beantwoorden: %(text)s", text=concern.text))
    title = title if len(title) <= 300 else title[:299] + "…"
    action = advice.save_action(traject, title=title, horizon="kort", domain=concern.domain)
    action.key = f"concern-{concern.id}"
    concern.roadmap_action_id = action.id
    audit.record("concern.to_action", obj=concern, traject_id=traject.id, roadmap_action=action.id)


def _stored(message: Message) -> str:
    """Text that is saved (a roadmap action's title): in the writer's language in a request, Dutch
    outside one (CLI, worker). It is data from then on, not a refusal translated at the edge."""
    return gettext(message.msgid, **message.params) if has_request_context() else str(message)


def _convertible(concern: Concern) -> None:
    if concern.status != "open":
        raise StakeholderError(N_("Alleen een open zorg kan een bedreiging of actie worden."), {})


def links_for(traject: Traject) -> dict:
    """{("swot", id) | ("action", id): concern id} for the SWOT and roadmap pages."""
    rows = db.session.execute(
        select(Concern.id, Concern.swot_item_id, Concern.roadmap_action_id).where(Concern.traject_id == traject.id)
    ).all()
    links = {}
    for cid, sid, aid in rows:
        if sid:
            links[("swot", sid)] = cid
        if aid:
            links[("action", aid)] = cid
    return links


# --- anonymous concerns of ICT staff --------------------------------------------------------------


def may_raise(participant: Participant | None) -> bool:
    """A personal link of an anonymous questionnaire, held by ICT staff, in a traject still active."""
    if participant is None or participant.role != ANONYMOUS_ROLE:
        return False
    questionnaire = participant.questionnaire
    return bool(questionnaire.anonymous) and questionnaire.traject.archived_at is None


def raise_anonymously(participant: Participant, data: dict) -> Concern:
    """Store the concern without anything that points back at the participant."""
    traject = participant.questionnaire.traject
    errors: dict[str, list[str]] = {}
    text, message = _text(data.get("text"), 2000, required=True, multiline=True)
    if message:
        errors["text"] = [message]
    domain, message = _domain(data.get("domain"))
    if message:
        errors["domain"] = [message]
    if errors:
        raise StakeholderError(N_("De zorg is niet geldig."), errors)
    # The traject row is locked: arrivals stay unique and the batch state is decided one concern
    # at a time (two concerns at once cannot both complete the same batch).
    state = db.session.execute(
        select(Traject.concern_list_mark, Traject.concerns_counting, Traject.comment_threshold)
        .where(Traject.id == traject.id)
        .with_for_update()
    ).one()
    mark = state.concern_list_mark
    if mark is None:  # the traject's first anonymous concern: its first batch begins now
        mark = _list_mark()
    # Padding rule: only a participant who was on the list when the batch began counts toward it;
    # the answer is kept in the traject's counter, never on the concern.
    pending, release = padded_batch_step(state.concerns_counting, participant.id <= mark, state.comment_threshold)
    arrival = (db.session.scalar(select(func.max(Concern.arrival)).where(Concern.traject_id == traject.id)) or 0) + 1
    raised = _anonymous_count(traject) + 1  # with this one
    for _attempt in range(5):
        # A random id outside the range the sequence of named concerns reaches: ids (in URLs, the
        # API and its paging) reveal nothing about when the concern came in.
        ident = RANDOM_IDS[0] + secrets.randbelow(RANDOM_IDS[1] - RANDOM_IDS[0])
        if db.session.get(Concern, ident) is None:
            break
    concern = Concern(
        id=ident,
        traject_id=traject.id,
        anonymous=True,
        domain=domain,
        text=text,
        status="open",
        raised_on=None,
        arrival=arrival,
    )
    db.session.add(concern)
    values: dict = {"concern_list_mark": mark, "concerns_counting": pending}
    if release:
        # The whole batch is shown, and the next one begins now: who is added from here on does
        # not count toward it.
        values["concerns_released"] = raised
        values["concern_list_mark"] = _list_mark()
    # Core update that keeps updated_at as it was: the traject row must not carry the moment of
    # the latest anonymous concern.
    db.session.execute(
        sql_update(Traject)
        .where(Traject.id == traject.id)
        .values(updated_at=Traject.updated_at, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    db.session.expire(traject, list(values))
    return concern


def _list_mark() -> int:
    """The highest participant id now: everyone on any list so far. An id, not a moment: it tells
    only between which two additions a batch began, and a release is visible on the page anyway."""
    return db.session.scalar(select(func.max(Participant.id))) or 0


def _anonymous_count(traject: Traject) -> int:
    return (
        db.session.scalar(
            select(func.count(Concern.id)).where(Concern.traject_id == traject.id, Concern.anonymous.is_(True))
        )
        or 0
    )


def visible(traject: Traject) -> list[Concern]:
    """Every concern that may be shown: all named ones, and the anonymous ones in whole batches."""
    named = list(
        db.session.scalars(
            select(Concern).where(Concern.traject_id == traject.id, Concern.anonymous.is_(False)).order_by(Concern.id)
        )
    )
    anonymous = list(
        db.session.scalars(
            select(Concern)
            .where(Concern.traject_id == traject.id, Concern.anonymous.is_(True))
            .order_by(Concern.arrival, Concern.id)
        )
    )
    shown = anonymous[: traject.concerns_released]
    # Named first by id; the shown anonymous batch by domain and text, never in arrival order.
    shown.sort(key=lambda c: (c.domain or "", c.text))
    return named + shown


def visible_concern(traject: Traject, concern_id: int) -> Concern | None:
    concern = _own(traject, Concern, concern_id)
    if concern is None or (concern.anonymous and concern.id not in {c.id for c in visible(traject)}):
        return None
    return concern
