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
    return " ".join((text or "").translate(_FOLDED).split())


def _normalise_slowly(text: str) -> str:
    """`normalise` step by step over the whole text: what `_Folded` does per character (tests compare)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(_PUNCTUATION.sub(" ", plain).split())


_PUNCTUATION = re.compile(r"[^\w\s]")


class _Folded(dict):
    """Per character: its NFKD decomposition less combining marks, case-folded, punctuation a space.

    Every step works on one character at a time (NFKD decomposes each on its own and reorders only
    combining marks, which go; casefold and the class of a character take no context), so
    translating each character is the whole text's `_normalise_slowly`, a loop in C instead of
    one in Python per character. Kept for the first 20,000 characters seen, so odd input cannot
    grow it without end.
    """

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
        folded = _PUNCTUATION.sub(" ", plain)
        if len(self) < 20_000:
            self[code] = folded
        return folded


_FOLDED = _Folded()


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
