"""The stakeholder register: add, edit, move on the grid, import from CSV, and the measured attitude beside it.

Refusals are `StakeholderError`s whose messages are `N_` ids, translated at the edge (the import's
per-line errors likewise). Every change records an audit event in the caller's transaction (no commit here).
"""

from __future__ import annotations

import csv

from sqlalchemy import select

from analysis import stakeholders as rules
from app.extensions import db
from app.models import Traject
from app.models.stakeholders import Stakeholder
from app.services import audit
from app.services.errors import N_, ServiceError
from app.services.trajects import ImportReport, read_csv, unstorable_text

FIELDS = (
    "name",
    "kind",
    "category",
    "organisation",
    "influence",
    "interest",
    "attitude",
    "engagement",
    "measured_role",
    "owner",
    "note",
)
# Dutch words are accepted in a CSV (and forms), since regisseurs fill registers in Dutch spreadsheets.
WORDS = {
    "kind": {"persoon": "person", "groep": "group"},
    "category": {
        "bestuur": "board",
        "schoolleiding": "school_leader",
        "hoofd ict": "ict_lead",
        "ict-medewerkers": "ict_staff",
        "docenten": "teachers",
        "mr": "council",
        "gmr": "council",
        "pmr": "council",
        "medezeggenschap": "council",
        "leverancier": "supplier",
        "overig": "other",
        "anders": "other",
    },
    "attitude": {"voorstander": "supporter", "neutraal": "neutral", "kritisch": "critical", "onbekend": "unknown"},
    "engagement": {
        "informeren": "inform",
        "raadplegen": "consult",
        "betrekken": "involve",
        "samenwerken": "collaborate",
        "meebeslissen": "empower",
    },
    "measured_role": {
        "ict-medewerkers": "ict_staff",
        "ict-medewerker": "ict_staff",
        "hoofd ict": "ict_lead",
        "bestuur": "board",
        "besturen": "board",
    },
}
COLUMN_ALIASES = {
    "naam": "name",
    "soort": "kind",
    "categorie": "category",
    "organisatie": "organisation",
    "invloed": "influence",
    "belang": "interest",
    "interesse": "interest",
    "houding": "attitude",
    "betrokkenheid": "engagement",
    "participatieniveau": "engagement",
    "meetgroep": "measured_role",
    "eigenaar": "owner",
    "notitie": "note",
    "toelichting": "note",
}
#: The Dutch column name of each field, for the import's error table.
COLUMN_NAMES = {
    "name": "naam",
    "kind": "soort",
    "category": "categorie",
    "organisation": "organisatie",
    "influence": "invloed",
    "interest": "belang",
    "attitude": "houding",
    "engagement": "betrokkenheid",
    "measured_role": "meetgroep",
    "owner": "eigenaar",
    "note": "notitie",
}
CSV_EXAMPLE = (
    "naam;soort;categorie;organisatie;invloed;belang;houding;betrokkenheid;meetgroep;eigenaar\n"
    "ICT-medewerkers Zuyderzee Lyceum;groep;ict-medewerkers;ZL;2;5;kritisch;betrekken;"
    "ict-medewerkers;Regisseur"
)
CSV_EXAMPLE_EN = (
    "name;kind;category;organisation;influence;interest;attitude;engagement;measured_role;owner\n"
    "ICT staff Zuyderzee Lyceum;group;ict_staff;ZL;2;5;critical;involve;ict_staff;Regisseur"
)


class StakeholderError(ServiceError):
    """A refused change of the register, log, concerns or plan (field errors); nothing was saved."""


def _choice(field: str, value, allowed: tuple, default=None, *, required: bool = False):
    """A code from `allowed`, a Dutch word for it, or an error message."""
    text = value.strip().lower() if isinstance(value, str) else value
    if text in (None, ""):
        if required:
            return None, N_("Kies een waarde: %(allowed)s.", allowed=", ".join(allowed))
        return default, None
    if not isinstance(text, str):
        return None, N_("Kies een waarde: %(allowed)s.", allowed=", ".join(allowed))
    text = WORDS.get(field, {}).get(text, text)
    if text not in allowed:
        return None, N_(
            "Onbekende waarde „%(value)s”; kies uit %(allowed)s.", value=str(value)[:40], allowed=", ".join(allowed)
        )
    return text, None


def _score(value):
    if isinstance(value, bool):
        return None, N_("Vul een geheel getal van 1 tot en met 5 in.")
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        number = None
    if not isinstance(number, int) or not rules.SCALE[0] <= number <= rules.SCALE[1]:
        return None, N_("Vul een geheel getal van 1 tot en met 5 in.")
    return number, None


def _text(value, limit: int, *, required: bool = False, multiline: bool = False):
    if value is None:
        value = ""
    if not isinstance(value, str):
        return None, N_("Moet tekst zijn.")
    value = value.strip()
    if required and not value:
        return None, N_("Vul dit veld in.")
    if len(value) > limit:
        return None, N_("Hoogstens %(n)s tekens.", n=limit)
    if unstorable_text(value, multiline=multiline):
        return None, N_("De tekst bevat ongeldige tekens.")
    return value, None


def validate(traject: Traject, data: dict, *, taken: set[str]) -> tuple[dict, dict]:
    """Clean values and errors per field of one stakeholder (API codes or Dutch words)."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}

    def put(field, result):
        value, message = result
        if message:
            errors[field] = [message]
        else:
            clean[field] = value

    put("name", _text(data.get("name"), 200, required=True))
    if "name" in clean and clean["name"].lower() in taken:
        errors["name"] = [N_("Er staat al een belanghebbende met deze naam in het register.")]
    put("kind", _choice("kind", data.get("kind"), rules.KINDS, required=True))
    put("category", _choice("category", data.get("category"), rules.CATEGORIES, "other"))
    put("influence", _score(data.get("influence")))
    put("interest", _score(data.get("interest")))
    put("attitude", _choice("attitude", data.get("attitude"), rules.ATTITUDES, "unknown"))
    put("engagement", _choice("engagement", data.get("engagement"), rules.ENGAGEMENT_LEVELS, "inform"))
    put("measured_role", _choice("measured_role", data.get("measured_role"), rules.MEASURED_ROLES))
    put("owner", _text(data.get("owner"), 200))
    put("note", _text(data.get("note"), 5000, multiline=True))
    organisation = data.get("organisation")
    if organisation in (None, ""):
        clean["organisation_code"] = None
    elif not isinstance(organisation, str) or traject.organisation_by_code(organisation.strip().upper()) is None:
        errors["organisation"] = [
            N_(
                "Onbekende organisatie; gebruik de code van een school in dit traject, "
                "of laat leeg voor het hele traject."
            )
        ]
    else:
        clean["organisation_code"] = organisation.strip().upper()
    return clean, errors


def names_in(traject: Traject, *, but: Stakeholder | None = None) -> set[str]:
    return {s.name.lower() for s in register(traject) if but is None or s.id != but.id}


def register(traject: Traject) -> list[Stakeholder]:
    return list(
        db.session.scalars(
            select(Stakeholder).where(Stakeholder.traject_id == traject.id).order_by(Stakeholder.name, Stakeholder.id)
        )
    )


def add(traject: Traject, data: dict) -> Stakeholder:
    clean, errors = validate(traject, data, taken=names_in(traject))
    if errors:
        raise StakeholderError(N_("De belanghebbende is niet geldig."), errors)
    stakeholder = Stakeholder(traject_id=traject.id, **clean)
    db.session.add(stakeholder)
    db.session.flush()
    audit.record("stakeholder.created", obj=stakeholder, traject_id=traject.id, name=stakeholder.name)
    return stakeholder


def update(stakeholder: Stakeholder, traject: Traject, data: dict) -> Stakeholder:
    clean, errors = validate(traject, data, taken=names_in(traject, but=stakeholder))
    if errors:
        raise StakeholderError(N_("De belanghebbende is niet geldig."), errors)
    changed = sorted(k for k, v in clean.items() if getattr(stakeholder, k) != v)
    for key, value in clean.items():
        setattr(stakeholder, key, value)
    audit.record("stakeholder.updated", obj=stakeholder, traject_id=traject.id, fields=changed)
    return stakeholder


def move(stakeholder: Stakeholder, influence, interest) -> Stakeholder:
    """Place a stakeholder elsewhere on the grid (the keyboard-friendly form behind the grid)."""
    errors = {}
    values = {}
    for field, value in (("influence", influence), ("interest", interest)):
        number, message = _score(value)
        if message:
            errors[field] = [message]
        values[field] = number
    if errors:
        raise StakeholderError(N_("De plaats in het krachtenveld is niet geldig."), errors)
    before = stakeholder.quadrant
    stakeholder.influence, stakeholder.interest = values["influence"], values["interest"]
    audit.record(
        "stakeholder.moved",
        obj=stakeholder,
        traject_id=stakeholder.traject_id,
        influence=values["influence"],
        interest=values["interest"],
        quadrant_before=before,
        quadrant=stakeholder.quadrant,
    )
    return stakeholder


def delete(stakeholder: Stakeholder) -> None:
    """Remove a stakeholder with its communication items and log links; its concerns stay, unattributed.
    Done here rather than left to ON DELETE, which SQLite (the `make run` default) does not enforce."""
    from sqlalchemy import delete as sql_delete
    from sqlalchemy import update

    from app.models.stakeholders import CommunicationItem, Concern, engagement_stakeholders

    audit.record("stakeholder.deleted", obj=stakeholder, traject_id=stakeholder.traject_id, name=stakeholder.name)
    db.session.execute(sql_delete(CommunicationItem).where(CommunicationItem.stakeholder_id == stakeholder.id))
    db.session.execute(
        sql_delete(engagement_stakeholders).where(engagement_stakeholders.c.stakeholder_id == stakeholder.id)
    )
    db.session.execute(update(Concern).where(Concern.stakeholder_id == stakeholder.id).values(stakeholder_id=None))
    db.session.delete(stakeholder)
    db.session.flush()
    db.session.expire_all()


def import_csv(traject: Traject, text: str) -> ImportReport:
    """All rows or none; every error names its line and field."""
    report = ImportReport()
    try:
        header, rows = read_csv(text)
    except (csv.Error, UnicodeDecodeError) as exc:
        report.row_errors.append((1, "bestand", N_("Het bestand is geen leesbare CSV: %(e)s", e=str(exc))))
        return report
    header = [COLUMN_ALIASES.get(h, h) for h in header]
    rows = [{COLUMN_ALIASES.get(k, k): v for k, v in row.items() if k is not None} for row in rows]
    missing = [c for c in ("name", "kind", "influence", "interest") if c not in header]
    if missing:
        report.row_errors.append((1, "kop", N_("Kolom ontbreekt: %(cols)s.", cols=", ".join(missing))))
        return report
    if not rows:
        report.row_errors.append((2, "bestand", N_("Het bestand bevat geen rijen.")))
        return report
    taken = names_in(traject)
    cleaned = []
    for line, row in enumerate(rows, start=2):
        clean, errors = validate(traject, row, taken=taken)
        for field, messages in errors.items():
            report.row_errors.extend((line, COLUMN_NAMES.get(field, field), m) for m in messages)
        if not errors:
            taken.add(clean["name"].lower())
            cleaned.append(clean)
    if report.row_errors:
        return report
    for clean in cleaned:
        stakeholder = Stakeholder(traject_id=traject.id, **clean)
        db.session.add(stakeholder)
        report.created.append(stakeholder)
    db.session.flush()
    audit.record(
        "stakeholder.imported", traject_id=traject.id, object_type="Traject", object_id=traject.id, count=len(cleaned)
    )
    return report


# --- measured attitude (from the latest release only) -------------------------------------------


def measured(traject: Traject, stakeholders: list[Stakeholder], payload: dict | None = None) -> dict[int, dict]:
    """Per stakeholder with a questionnaire group: the released draagvlak and WEERSTAND of that group.

    Reads only the latest release's index rows, whose hidden groups are already null; a group that
    is hidden (below the threshold, padded, or complementarily suppressed) gives
    ``{"suppressed": True}`` and no figure at all, so no output can show what the release hides.
    """
    if payload is None:
        from app.services.indicators import latest_snapshot

        snapshot = latest_snapshot(traject)
        payload = dict(snapshot.payload or {}) if snapshot is not None else {}
    rows = {(r.get("index"), r.get("organisation"), r.get("role")): r for r in payload.get("indices") or []}
    result: dict[int, dict] = {}
    for s in stakeholders:
        if s.measured_role is None:
            continue
        group = (s.organisation_code, s.measured_role)
        draagvlak, weerstand = rows.get(("draagvlak", *group)), rows.get(("weerstand", *group))
        if draagvlak is None:
            result[s.id] = {
                "available": False,
                "suppressed": False,
                "draagvlak": None,
                "weerstand": None,
                "n": None,
                "measured_attitude": None,
                "disagreement": None,
            }
            continue
        hidden = bool(draagvlak.get("suppressed")) or draagvlak.get("value") is None
        value = None if hidden else draagvlak.get("value")
        resistance = None if hidden or weerstand is None or weerstand.get("suppressed") else weerstand.get("value")
        attitude = rules.measured_attitude(value, resistance)
        result[s.id] = {
            "available": True,
            "suppressed": hidden,
            "draagvlak": value,
            "weerstand": resistance,
            "n": None if hidden else draagvlak.get("n"),
            "measured_attitude": attitude,
            "disagreement": rules.disagreement(s.attitude, attitude),
        }
    return result


def grid(stakeholders: list[Stakeholder]) -> dict[str, list[Stakeholder]]:
    cells: dict[str, list[Stakeholder]] = {q: [] for q in rules.QUADRANTS}
    for s in stakeholders:
        cells[s.quadrant].append(s)
    return cells


def erase_people(traject: Traject) -> int:
    """On erasing a traject: persons in the register lose their names, every owner and note goes,
    and the names leave the audit details of the register (groups keep their names)."""
    from app.models import AuditEvent

    erased = 0
    for s in register(traject):
        if s.kind == "person":
            s.name = f"Persoon {s.id}"
            erased += 1
        s.owner, s.note = "", ""
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.traject_id == traject.id, AuditEvent.action.like("stakeholder.%"))
    ):
        if event.detail and "name" in event.detail:
            event.detail = {k: v for k, v in event.detail.items() if k != "name"}
    db.session.flush()
    return erased
