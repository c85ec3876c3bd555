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


# One pattern for every word, domains in order: the leftmost match is the word that comes first,
# and at one position the first domain in order wins, as a search per word would decide (one
# search instead of eighty per answer: at 100,000 respondents the release classifies every text).
_DOMAIN_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<{domain}>" + "|".join(re.escape(w) for w in words) + ")" for domain, words in DOMAIN_WORDS.items())
    + ")"
)


def domain_of(normalised: str) -> str:
    """The domain whose word comes first in the answer, else OTHER."""
    match = _DOMAIN_PATTERN.search(normalised)
    return match.lastgroup or OTHER if match else OTHER
