"""The engagement log (sessions, workshops, meetings, …) and the communication plan per stakeholder."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from analysis import stakeholders as rules
from analysis.feasibility import DOMAINS
from app.extensions import db
from app.models import Traject
from app.models.stakeholders import ENGAGEMENT_KINDS, ENGAGEMENT_PHASES, CommunicationItem, Engagement, Stakeholder
from app.services import audit
from app.services.errors import N_
from app.services.stakeholders import StakeholderError, _choice, _text

MAX_ATTENDEES = 100_000
PHASE_OF_TRAJECT = {"ict_foto": "ict_foto", "analyse": "analyse", "voorstellen": "voorstellen"}


def _date(value, *, required: bool = True):
    if isinstance(value, date):
        return value, None
    if value in (None, "") and not required:
        return None, None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()), None
        except ValueError:
            pass
    return None, N_("Vul een datum in als JJJJ-MM-DD.")


def stakeholders_by_id(traject: Traject, ids) -> tuple[list[Stakeholder], str | None]:
    """The traject's stakeholders for `ids`; an id of another traject (or no id) is an error."""
    if ids is None:
        return [], None
    if not isinstance(ids, (list, tuple)) or any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        return [], N_("Geef een lijst met id's van belanghebbenden.")
    if any(not 0 < i < 2**31 for i in ids):  # no such id; and the database would refuse the number
        return [], N_("Onbekende belanghebbende in dit traject.")
    found = list(
        db.session.scalars(
            select(Stakeholder).where(Stakeholder.traject_id == traject.id, Stakeholder.id.in_(set(ids)))
        )
    )
    if len(found) != len(set(ids)):
        return [], N_("Onbekende belanghebbende in dit traject.")
    return sorted(found, key=lambda s: s.name), None


def validate_engagement(traject: Traject, data: dict) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def put(field, result):
        value, message = result
        if message:
            errors[field] = [message]
        else:
            clean[field] = value

    put("date", _date(data.get("date")))
    put("kind", _choice("kind", data.get("kind"), ENGAGEMENT_KINDS, required=True))
    put("phase", _choice("phase", data.get("phase"), ENGAGEMENT_PHASES, PHASE_OF_TRAJECT.get(traject.phase)))
    put("topic", _text(data.get("topic"), 300, required=True))
    put("outcome", _text(data.get("outcome"), 5000, multiline=True))
    attendees = data.get("attendees")
    if attendees in (None, ""):
        clean["attendees"] = None
    else:
        try:
            number = int(attendees.strip()) if isinstance(attendees, str) else attendees
        except ValueError:
            number = None
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= MAX_ATTENDEES:
            errors["attendees"] = [N_("Vul een aantal in (een geheel getal vanaf 0); nooit namen.")]
        else:
            clean["attendees"] = number
    domains = data.get("domains") or []
    if not isinstance(domains, list) or any(d not in DOMAINS for d in domains):
        errors["domains"] = [N_("Onbekend domein; kies uit %(allowed)s.", allowed=", ".join(DOMAINS))]
    else:
        clean["domains"] = [d for d in DOMAINS if d in domains]
    people, message = stakeholders_by_id(traject, data.get("stakeholders"))
    if message:
        errors["stakeholders"] = [message]
    clean["stakeholders"] = people
    if "date" in clean:
        clean["held_on"] = clean.pop("date")  # "date" in the API and the form, held_on in the table
    return clean, errors


def log(traject: Traject, data: dict) -> Engagement:
    clean, errors = validate_engagement(traject, data)
    if errors:
        raise StakeholderError(N_("De activiteit is niet geldig."), errors)
    engagement = Engagement(traject_id=traject.id, **clean)
    db.session.add(engagement)
    db.session.flush()
    audit.record(
        "engagement.logged",
        obj=engagement,
        traject_id=traject.id,
        kind=engagement.kind,
        stakeholders=[s.id for s in engagement.stakeholders],
    )
    return engagement


def update(engagement: Engagement, traject: Traject, data: dict) -> Engagement:
    clean, errors = validate_engagement(traject, data)
    if errors:
        raise StakeholderError(N_("De activiteit is niet geldig."), errors)
    for key, value in clean.items():
        setattr(engagement, key, value)
    audit.record("engagement.updated", obj=engagement, traject_id=traject.id)
    return engagement


def delete(engagement: Engagement) -> None:
    """Remove an entry of the log; concerns raised there stay (SQLite does not enforce ON DELETE)."""
    from sqlalchemy import update

    from app.models.stakeholders import Concern

    audit.record("engagement.deleted", obj=engagement, traject_id=engagement.traject_id, topic=engagement.topic)
    db.session.execute(update(Concern).where(Concern.engagement_id == engagement.id).values(engagement_id=None))
    db.session.delete(engagement)
    db.session.flush()


def engagements(traject: Traject) -> list[Engagement]:
    return list(
        db.session.scalars(
            select(Engagement).where(Engagement.traject_id == traject.id).order_by(Engagement.held_on, Engagement.id)
        )
    )


def by_phase(rows: list[Engagement]) -> list[tuple[str, list[Engagement]]]:
    """The timeline per phase, in the exploration's order (phases without entries left out)."""
    return [
        (phase, [e for e in rows if e.phase == phase])
        for phase in ENGAGEMENT_PHASES
        if any(e.phase == phase for e in rows)
    ]


def of_stakeholder(rows: list[Engagement], stakeholder: Stakeholder) -> list[Engagement]:
    return [e for e in rows if any(s.id == stakeholder.id for s in e.stakeholders)]


# --- communication plan -------------------------------------------------------------------------


def plan(traject: Traject) -> list[CommunicationItem]:
    return list(
        db.session.scalars(
            select(CommunicationItem)
            .where(CommunicationItem.traject_id == traject.id)
            .order_by(CommunicationItem.planned_on, CommunicationItem.id)
        )
    )


def upcoming(traject: Traject, today: date | None = None, limit: int = 5) -> list[CommunicationItem]:
    today = today or date.today()
    return list(
        db.session.scalars(
            select(CommunicationItem)
            .where(
                CommunicationItem.traject_id == traject.id,
                CommunicationItem.done.is_(False),
                CommunicationItem.planned_on >= today,
            )
            .order_by(CommunicationItem.planned_on, CommunicationItem.id)
            .limit(limit)
        )
    )


def derive_plan(stakeholder: Stakeholder, start: date | None = None) -> list[CommunicationItem]:
    """Replace the stakeholder's open derived items by fresh defaults from quadrant and IAP2 level;
    items the regisseur typed or edited, and items done, stay."""
    start = start or date.today()
    for item in db.session.scalars(
        select(CommunicationItem).where(
            CommunicationItem.stakeholder_id == stakeholder.id,
            CommunicationItem.derived.is_(True),
            CommunicationItem.done.is_(False),
        )
    ):
        db.session.delete(item)
    made = []
    for planned in rules.default_plan(stakeholder.quadrant, stakeholder.engagement, start):
        row = CommunicationItem(
            traject_id=stakeholder.traject_id,
            stakeholder_id=stakeholder.id,
            message=planned["message"],
            channel=planned["channel"],
            planned_on=planned["planned_on"],
            by_whom=stakeholder.owner or "",
            derived=True,
        )
        db.session.add(row)
        made.append(row)
    db.session.flush()
    audit.record(
        "communication.derived",
        obj=stakeholder,
        traject_id=stakeholder.traject_id,
        items=len(made),
        quadrant=stakeholder.quadrant,
        engagement=stakeholder.engagement,
    )
    return made


def save_item(traject: Traject, data: dict, item: CommunicationItem | None = None) -> CommunicationItem:
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for field, result in (
        ("message", _text(data.get("message"), 300, required=True)),
        ("channel", _text(data.get("channel"), 100)),
        ("by_whom", _text(data.get("by_whom"), 200)),
        ("planned_on", _date(data.get("planned_on"))),
    ):
        value, message = result
        if message:
            errors[field] = [message]
        else:
            clean[field] = value
    if item is None:
        people, message = stakeholders_by_id(traject, [data.get("stakeholder")] if data.get("stakeholder") else [])
        if message or not people:
            errors["stakeholder"] = [message or N_("Kies een belanghebbende.")]
        else:
            clean["stakeholder_id"] = people[0].id
    if errors:
        raise StakeholderError(N_("Het communicatiemoment is niet geldig."), errors)
    if item is None:
        item = CommunicationItem(traject_id=traject.id, **clean)
        db.session.add(item)
    else:
        for key, value in clean.items():
            setattr(item, key, value)
    item.done = bool(data.get("done"))
    item.derived = False  # typed or edited by the regisseur: a new derivation leaves it alone
    db.session.flush()
    audit.record("communication.saved", obj=item, traject_id=traject.id)
    return item


def delete_item(item: CommunicationItem) -> None:
    audit.record("communication.deleted", obj=item, traject_id=item.traject_id)
    db.session.delete(item)
