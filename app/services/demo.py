"""The demo traject from the client case: five VO schools in Noordoostpolder and Lemsterland."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Traject, User
from app.services import accounts, trajects

DEMO_TRAJECT = "Verkenning ICT-samenwerking SSVO"
DEMO_DESCRIPTION = (
    "Vijf VO-scholen in Noordoostpolder en Lemsterland verkennen samenwerking op ICT-gebied: "
    "betere dienstverlening, minder kwetsbaarheid en lagere kosten."
)
# Staff, pupils and locations per school add up to the case: 470 staff, ~4,150 pupils, 9 locations.
SCHOOLS = [
    {"code": "ZL", "name": "Zuyderzee Lyceum", "staff": 150, "students": 1350, "locations": 2, "region": "Noordoostpolder"},
    {"code": "BM", "name": "Bonifatius Mavo", "staff": 45, "students": 420, "locations": 1, "region": "Noordoostpolder"},
    {"code": "EC", "name": "Emelwerda College", "staff": 160, "students": 1450, "locations": 3, "region": "Noordoostpolder"},
    {"code": "VN", "name": "Vakcollege Noordoostpolder", "staff": 55, "students": 480, "locations": 1, "region": "Noordoostpolder"},
    {"code": "BC", "name": "Berechja College", "staff": 60, "students": 450, "locations": 2, "region": "Lemsterland"},
]
# Demo passwords are public on purpose (README); production refuses `demo load` (DEMO_ALLOWED).
REGISSEUR = {"email": "regisseur@demo.draagvlak.nl", "name": "Ria Regisseur", "password": "regie-demo-2026"}  # nosec B105 # public demo account; `demo load` is refused in production
BOARD_PASSWORD = "bestuur-demo-2026"  # nosec B105 # public demo account; `demo load` is refused in production
LEAD = {"email": "hoofd-ict@demo.draagvlak.nl", "name": "Henk Hoofd ICT", "password": "hoofdict-demo-2026"}  # nosec B105 # public demo account; `demo load` is refused in production


def board_email(code: str) -> str:
    return f"bestuurder.{code.lower()}@demo.draagvlak.nl"


def _user(email: str, name: str, role: str, password: str, organisation=None) -> User:
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(email=email, name=name, role=role, password=password,
                                    organisation=organisation)
        db.session.flush()
    return user


def load_demo() -> tuple[Traject, list[tuple[str, str, str]]]:
    """Create the demo traject idempotently; returns it with the logins (email, password, role)."""
    regisseur = _user(REGISSEUR["email"], REGISSEUR["name"], "regisseur", REGISSEUR["password"])
    traject = db.session.scalar(select(Traject).where(Traject.name == DEMO_TRAJECT))
    if traject is None:
        traject = trajects.create_traject(regisseur, name=DEMO_TRAJECT, description=DEMO_DESCRIPTION,
                                          phase="analyse", anonymity_threshold=5, comment_threshold=10)
    for school in SCHOOLS:
        if traject.organisation_by_code(school["code"]) is None:
            trajects.add_organisation(traject, school)
    db.session.flush()
    logins = [(REGISSEUR["email"], REGISSEUR["password"], "regisseur")]
    members = {m.user_id for m in traject.memberships}
    for school in SCHOOLS:
        organisation = traject.organisation_by_code(school["code"])
        board = _user(board_email(school["code"]), f"Bestuurder {school['name']}", "bestuurder",
                      BOARD_PASSWORD, organisation)
        if board.id not in members:
            trajects.add_member(traject, board)
            members.add(board.id)
        logins.append((board.email, BOARD_PASSWORD, f"bestuurder {school['name']}"))
    lead = _user(LEAD["email"], LEAD["name"], "ict_lead", LEAD["password"])
    if lead.id not in members:
        trajects.add_member(traject, lead)
    logins.append((LEAD["email"], LEAD["password"], "ict_lead (gezamenlijk Hoofd ICT)"))
    return traject, logins
