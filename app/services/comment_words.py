"""Words of a free-text answer: its normalised form and the domain it speaks of (text only, no person)."""

from __future__ import annotations

import re
import unicodedata

OTHER = "overig"
# Words that place an answer under a domain; matched at the start of a word of the normalised text.
DOMAIN_WORDS = {
    "overleg": ("overleg", "kennisdeling", "kennis delen", "afstemming", "afspraken", "consultation", "knowledge"),
    "inkoop": (
        "inkoop",
        "inkopen",
        "contract",
        "aanbesteding",
        "licentie",
        "leverancier",
        "budget",
        "kosten",
        "procurement",
        "supplier",
        "licence",
        "license",
        "cost",
    ),
    "werkplek": ("werkplek", "laptop", "device", "apparatuur", "chromebook", "printer", "workplace", "equipment"),
    "netwerk": ("netwerk", "wifi", "internet", "infrastructuur", "server", "network", "infrastructure"),
    "applicaties": (
        "applicatie",
        "software",
        "systemen",
        "systeem",
        "magister",
        "somtoday",
        "elo",
        "application",
        "system",
    ),
    "servicedesk": ("servicedesk", "helpdesk", "storing", "melding", "aanspreekpunt", "service desk", "support"),
    "ibp": ("privacy", "beveiliging", "avg", "ibp", "informatiebeveiliging", "security", "gdpr"),
    "personeel": (
        "personeel",
        "werkdruk",
        "taken",
        "collega",
        "formatie",
        "vacature",
        "pensioen",
        "scholing",
        "staff",
        "workload",
        "colleague",
        "training",
    ),
}


def normalise(text: str) -> str:
    """Lower case, accents and punctuation dropped, spaces collapsed: 'Meer  overleg!' → 'meer overleg'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def domain_of(normalised: str) -> str:
    """The domain whose word comes first in the answer, else OTHER."""
    best, where = OTHER, None
    for domain, words in DOMAIN_WORDS.items():
        for word in words:
            match = re.search(r"\b" + re.escape(word), normalised)
            if match and (where is None or match.start() < where):
                best, where = domain, match.start()
    return best
