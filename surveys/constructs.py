"""What each construct code measures, the published dimension it follows and its draagvlak index."""

from __future__ import annotations

OREG = "Oreg (2003) resistance to change"
HM = "Herscovitch & Meyer (2002) commitment to change"
HOLT = "Holt et al. (2007) readiness for change"
ARMENAKIS = "Armenakis' change beliefs"
DINAMO = "DINAMO (Metselaar)"
OWN = "eigen ontwerp (casus ICT-samenwerking)"

#: draagvlak index per construct (see DOMAIN.md, "Draagvlak model"); absent = not in an index
INDEX_CONSTRUCTS: dict[str, tuple[str, ...]] = {
    "wil": ("appropriateness", "personal_valence", "affective_commitment"),
    "moet": ("discrepancy", "pressure"),
    "kun": ("efficacy", "knowledge", "capacity"),
    "steun": ("management_support", "leadership_trust"),
    "weerstand": ("routine_seeking", "emotional_reaction", "short_term_focus", "cognitive_rigidity"),
}

#: code -> (Dutch name, English name, published dimension or our own design)
CONSTRUCTS: dict[str, tuple[str, str, str]] = {
    "appropriateness": (
        "Passendheid van de verandering",
        "Appropriateness",
        f"{HOLT}: appropriateness; {DINAMO}: willen",
    ),
    "personal_valence": ("Persoonlijk belang", "Personal valence", f"{HOLT}: personal valence; {ARMENAKIS}: valence"),
    "affective_commitment": ("Affectief commitment", "Affective commitment", f"{HM}: affective (want to)"),
    "normative_commitment": (
        "Normatief commitment",
        "Normative commitment",
        f"{HM}: normative (ought to); naast de index gerapporteerd",
    ),
    "continuance_commitment": (
        "Continuïteitscommitment",
        "Continuance commitment",
        f"{HM}: continuance (have to); naast de index gerapporteerd, nooit opgeteld",
    ),
    "discrepancy": ("Noodzaak tot verandering", "Discrepancy", f"{ARMENAKIS}: discrepancy; {DINAMO}: moeten"),
    "pressure": ("Druk van buitenaf", "External pressure", f"{DINAMO}: moeten"),
    "efficacy": (
        "Vertrouwen in eigen kunnen",
        "Change-specific efficacy",
        f"{HOLT}: change-specific efficacy; {DINAMO}: kunnen",
    ),
    "knowledge": ("Kennis en duidelijkheid", "Knowledge", f"{DINAMO}: kunnen"),
    "capacity": ("Tijd en middelen", "Capacity", f"{DINAMO}: kunnen"),
    "management_support": (
        "Steun van de leiding",
        "Management support",
        f"{HOLT}: management support; {ARMENAKIS}: principal support",
    ),
    "leadership_trust": ("Vertrouwen in de leiding", "Trust in leadership", f"{ARMENAKIS}: principal support"),
    "routine_seeking": ("Behoefte aan routine", "Routine seeking", f"{OREG}: routine seeking"),
    "emotional_reaction": ("Emotionele reactie", "Emotional reaction", f"{OREG}: emotional reaction to imposed change"),
    "short_term_focus": ("Kortetermijnfocus", "Short-term focus", f"{OREG}: short-term focus"),
    "cognitive_rigidity": ("Cognitieve starheid", "Cognitive rigidity", f"{OREG}: cognitive rigidity"),
    "benefit_quality": ("Verwachte baat: kwaliteit", "Expected benefit: quality", f"{OWN}: drijfveer kwaliteit"),
    "benefit_vulnerability": (
        "Verwachte baat: minder kwetsbaar",
        "Expected benefit: less vulnerability",
        f"{OWN}: drijfveer kwetsbaarheid",
    ),
    "benefit_cost": ("Verwachte baat: kosten", "Expected benefit: cost", f"{OWN}: drijfveer kosten"),
    "needs": ("Behoeften", "Needs", f"{OWN}; ADKAR-achtige behoeften (informatie, kennis, begeleiding)"),
    "domain_support": ("Steun per domein", "Support per domain", f"{OWN}: haalbaarheid per domein"),
    "preferred_form": (
        "Gewenste samenwerkingsvorm",
        "Preferred cooperation form",
        f"{OWN}: projectbasis, netwerkmodel, centrummodel, SSC",
    ),
    "open_text": ("Open vragen", "Open questions", "alleen getoond boven de commentaardrempel"),
    "autonomy_willingness": (
        "Bereidheid autonomie op te geven",
        "Autonomy willingness",
        f"{OWN}: les 'management commitment' uit de casus",
    ),
    "commit_form": ("Toegezegde samenwerkingsvorm", "Committed cooperation form", f"{OWN}: diepste vorm per domein"),
    "trust": ("Vertrouwen in partners", "Trust in partners", f"{OWN}: wederzijds vertrouwen tussen partijen"),
    "motive_weight": ("Belang van motieven", "Importance of motives", f"{OWN}: drijfveren uit de casus"),
    "motive_ranking": ("Rangorde van motieven", "Ranking of motives", f"{OWN}: drijfveren uit de casus"),
    "users": ("ICT-gebruikers", "ICT users", "ICT-foto (casus): gebruikers"),
    "organisation": ("ICT-organisatie", "ICT organisation", "ICT-foto (casus): organisatie"),
    "services": ("ICT-dienstverlening", "ICT services", "ICT-foto (casus): dienstverlening"),
    "service_satisfaction": (
        "Tevredenheid dienstverlening",
        "Service satisfaction",
        "ICT-foto (casus): dienstverlening",
    ),
    "infrastructure": ("ICT-infrastructuur", "ICT infrastructure", "ICT-foto (casus): infrastructuur"),
    "infrastructure_state": ("Staat van het netwerk", "State of the network", "ICT-foto (casus): infrastructuur"),
    "costs": ("ICT-kosten", "ICT costs", "ICT-foto (casus): kosten"),
    "user_location": ("Locatie", "Location", "ICT-foto (casus): gebruikers; uitsplitsing per locatie"),
    "user_devices": (
        "Tevredenheid apparaten",
        "Satisfaction with devices",
        "ICT-foto (casus): gebruikers; eigen ontwerp",
    ),
    "user_network": (
        "Tevredenheid netwerk",
        "Satisfaction with the network",
        "ICT-foto (casus): gebruikers; eigen ontwerp",
    ),
    "user_applications": (
        "Tevredenheid applicaties",
        "Satisfaction with applications",
        "ICT-foto (casus): gebruikers; eigen ontwerp",
    ),
    "user_servicedesk": (
        "Tevredenheid servicedesk",
        "Satisfaction with the service desk",
        "ICT-foto (casus): gebruikers; eigen ontwerp",
    ),
    "user_support": (
        "Tevredenheid ondersteuning",
        "Satisfaction with support",
        "ICT-foto (casus): gebruikers; eigen ontwerp",
    ),
}


def index_of(construct: str) -> str | None:
    """The draagvlak index a construct counts towards, or None.

    >>> index_of("pressure"), index_of("continuance_commitment")
    ('moet', None)
    """
    for index, constructs in INDEX_CONSTRUCTS.items():
        if construct in constructs:
            return index
    return None
