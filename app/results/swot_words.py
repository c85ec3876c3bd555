"""SWOT in the reader's words: Dutch letters (S, Z, K, B) or English (S, W, O, T), and labels for the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.results.format import language

# The stored quadrant codes are S, W, O, T; in Dutch they read Sterktes, Zwaktes, Kansen, Bedreigingen.
DUTCH_LETTERS = {"S": "S", "W": "Z", "O": "K", "T": "B"}

RULE_LABELS = {
    "index.sterk": _l("hoge score op een draagvlakindex"),
    "index.knelpunt": _l("lage score op een draagvlakindex"),
    "foto.eenpitter": _l("ICT hangt af van één persoon"),
    "foto.kosten_hoog": _l("hoge ICT-kosten per leerling"),
    "foto.kosten_laag": _l("lage ICT-kosten per leerling"),
    "foto.kostenverschil": _l("kostenverschil tussen de scholen"),
    "foto.pensionering": _l("pensionering van ICT-medewerkers"),
    "foto.standaardisatie": _l("dezelfde systemen op de scholen"),
    "foto.service_satisfaction": _l("tevredenheid over de dienstverlening"),
    "foto.network_state": _l("staat van het netwerk"),
    "bestuur.autonomie": _l("bereidheid van besturen om autonomie op te geven"),
    "bestuur.kloof": _l("kloof tussen bestuur en medewerkers"),
    "bestuur.vertrouwen": _l("vertrouwen tussen de besturen"),
    "motief.gedeeld": _l("motief dat de scholen delen"),
}


def quadrant_letter(code: str) -> str:
    """The quadrant's letter in the reader's language: W is Z (zwakte) in Dutch, O is K, T is B."""
    return code if language() == "en" else DUTCH_LETTERS.get(code, code)


def item_label(code: str, number: int) -> str:
    """A numbered SWOT point as the confrontation matrix names it: S1, Z2, K1, B3 (W2, O1, T3 in English)."""
    return f"{quadrant_letter(code)}{number}"


def rule_label(rule: str | None) -> str:
    """The rule that derived a point, in words (never its code)."""
    if not rule:
        return ""
    if rule in RULE_LABELS:
        return str(RULE_LABELS[rule])
    if rule.startswith("default."):
        return str(_l("standaard uit de casus"))
    return rule.split(".", 1)[-1].replace("_", " ")
