"""The demo traject from the client case: five VO schools in Noordoostpolder and Lemsterland."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Traject, User
from app.models.advice import SwotItem
from app.services import accounts, trajects

DEMO_TRAJECT = "Verkenning ICT-samenwerking SSVO"
DEMO_DESCRIPTION = (
    "Vijf VO-scholen in Noordoostpolder en Lemsterland verkennen samenwerking op ICT-gebied: "
    "betere dienstverlening, minder kwetsbaarheid en lagere kosten."
)
# Staff, pupils and locations per school add up to the case: 470 staff, ~4,150 pupils, 9 locations.
SCHOOLS = [
    {
        "code": "ZL",
        "name": "Zuyderzee Lyceum",
        "staff": 150,
        "students": 1350,
        "locations": 2,
        "region": "Noordoostpolder",
    },
    {
        "code": "BM",
        "name": "Bonifatius Mavo",
        "staff": 45,
        "students": 420,
        "locations": 1,
        "region": "Noordoostpolder",
    },
    {
        "code": "EC",
        "name": "Emelwerda College",
        "staff": 160,
        "students": 1450,
        "locations": 3,
        "region": "Noordoostpolder",
    },
    {
        "code": "VN",
        "name": "Vakcollege Noordoostpolder",
        "staff": 55,
        "students": 480,
        "locations": 1,
        "region": "Noordoostpolder",
    },
    {"code": "BC", "name": "Berechja College", "staff": 60, "students": 450, "locations": 2, "region": "Lemsterland"},
]
# Demo passwords are public on purpose (README); production refuses `demo load` (DEMO_ALLOWED).
REGISSEUR = {"email": "regisseur@demo.draagvlak.nl", "name": "Ria Regisseur", "password": "regie-demo-2026"}  # nosec B105 # public demo account; `demo load` is refused in production
BOARD_PASSWORD = "bestuur-demo-2026"  # nosec B105 # public demo account; `demo load` is refused in production
LEAD = {"email": "hoofd-ict@demo.draagvlak.nl", "name": "Henk Hoofd ICT", "password": "hoofdict-demo-2026"}  # nosec B105 # public demo account; `demo load` is refused in production


# One or two bestuurders per school: the larger schools have a second board member.
SECOND_BOARD = ("ZL", "EC")
# Facts of the SSVO case, as opportunities and threats of the demo traject only: a new traject
# starts clean and is offered the sector's generic suggestions instead (analysis/suggestions.py).
CASE_SWOT = (
    {
        "quadrant": "T",
        "rule": "case.krimp",
        "text_nl": "Krimp: het aantal leerlingen daalt de komende jaren, en daarmee het budget.",
        "text_en": "Shrinking pupil numbers over the coming years, and with them the budget.",
    },
    {
        "quadrant": "T",
        "rule": "case.pensionering",
        "text_nl": "Pensionering van ervaren ICT-medewerkers op een krappe arbeidsmarkt.",
        "text_en": "Experienced ICT staff retiring in a tight labour market.",
    },
    {
        "quadrant": "T",
        "rule": "case.ibp",
        "text_nl": "Stijgende eisen aan informatiebeveiliging en privacy, te zwaar voor één school.",
        "text_en": "Rising demands on information security and privacy, too heavy for one school.",
    },
    {
        "quadrant": "O",
        "rule": "case.sivon",
        "text_nl": "Gezamenlijke inkoop via de coöperatie SIVON.",
        "text_en": "Joint procurement through the schools' cooperative SIVON.",
    },
    {
        "quadrant": "O",
        "rule": "case.hoofd_ict",
        "text_nl": "Een gezamenlijk Hoofd ICT is al aangesteld als eerste stap.",
        "text_en": "A joint Head of ICT has already been appointed as a first step.",
    },
)


def board_email(code: str, number: int = 1) -> str:
    return (
        f"bestuurder.{code.lower()}@demo.draagvlak.nl"
        if number == 1
        else f"bestuurder{number}.{code.lower()}@demo.draagvlak.nl"
    )


def _case_swot(traject: Traject) -> None:
    """The case's opportunities and threats as manual items of the demo traject (once each)."""
    have = set(
        db.session.scalars(
            select(SwotItem.key).where(SwotItem.traject_id == traject.id, SwotItem.organisation_code.is_(None))
        )
    )
    for position, item in enumerate(CASE_SWOT):
        if item["rule"] not in have:
            db.session.add(
                SwotItem(
                    traject_id=traject.id,
                    organisation_code=None,
                    quadrant=item["quadrant"],
                    text_nl=item["text_nl"],
                    text_en=item["text_en"],
                    source="manual",
                    key=item["rule"],
                    rule=item["rule"],
                    position=100 + position,
                    evidence={"kind": "case", "ref": item["rule"], "value": None},
                )
            )


def _user(email: str, name: str, role: str, password: str, organisation=None) -> User:
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(email=email, name=name, role=role, password=password, organisation=organisation)
        db.session.flush()
    return user


def load_demo() -> tuple[Traject, list[tuple[str, str, str]]]:
    """Create the demo traject idempotently; returns it with the logins (email, password, role)."""
    regisseur = _user(REGISSEUR["email"], REGISSEUR["name"], "regisseur", REGISSEUR["password"])
    traject = db.session.scalar(select(Traject).where(Traject.name == DEMO_TRAJECT))
    if traject is None:
        traject = trajects.create_traject(
            regisseur,
            name=DEMO_TRAJECT,
            description=DEMO_DESCRIPTION,
            phase="analyse",
            anonymity_threshold=5,
            comment_threshold=10,
        )
    for school in SCHOOLS:
        if traject.organisation_by_code(school["code"]) is None:
            trajects.add_organisation(traject, school)
    db.session.flush()
    logins = [(REGISSEUR["email"], REGISSEUR["password"], "regisseur")]
    members = {m.user_id for m in traject.memberships}
    for school in SCHOOLS:
        organisation = traject.organisation_by_code(school["code"])
        for number in (1, 2) if school["code"] in SECOND_BOARD else (1,):
            suffix = "" if number == 1 else f" ({number})"
            board = _user(
                board_email(school["code"], number),
                f"Bestuurder {school['name']}{suffix}",
                "bestuurder",
                BOARD_PASSWORD,
                organisation,
            )
            if board.id not in members:
                trajects.add_member(traject, board)
                members.add(board.id)
            logins.append((board.email, BOARD_PASSWORD, f"bestuurder {school['name']}{suffix}"))
    lead = _user(LEAD["email"], LEAD["name"], "ict_lead", LEAD["password"])
    if lead.id not in members:
        trajects.add_member(traject, lead)
    logins.append((LEAD["email"], LEAD["password"], "ict_lead (gezamenlijk Hoofd ICT)"))
    _case_swot(traject)
    db.session.flush()
    return traject, logins
