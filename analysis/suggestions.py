"""Generic opportunities and threats for ICT cooperation between Dutch VO schools, offered as opt-in SWOT suggestions.

None of these is a fact about one traject: they describe the sector, each with the public source a
regisseur can check. A traject starts with none of them; the regisseur adopts one with a click and
it becomes a normal (editable, deletable) SWOT item. Case facts of the demo traject live in
``app/services/demo.py``, never here.
"""

from collections.abc import Iterable
from typing import Any

#: ``key``, quadrant (O or T), Dutch and English text, and the source in both languages.
SUGGESTIONS = (
    {
        "key": "krimp",
        "quadrant": "T",
        "text_nl": "Dalende leerlingenaantallen in veel regio's zetten de bekostiging en daarmee het ICT-budget onder druk.",
        "text_en": "Falling pupil numbers in many regions put funding, and with it the ICT budget, under pressure.",
        "source_nl": "Ministerie van OCW, Referentieraming (leerlingenprognoses voortgezet onderwijs)",
        "source_en": "Dutch Ministry of Education (OCW), Referentieraming (pupil projections for secondary education)",
    },
    {
        "key": "arbeidsmarkt",
        "quadrant": "T",
        "text_nl": "Krappe arbeidsmarkt voor ICT-personeel: vacatures voor beheerders en specialisten zijn moeilijk te vervullen.",
        "text_en": "A tight labour market for ICT staff: vacancies for administrators and specialists are hard to fill.",
        "source_nl": "UWV, arbeidsmarktinformatie over ICT-beroepen",
        "source_en": "UWV (Dutch employee insurance agency), labour market information on ICT occupations",
    },
    {
        "key": "ibp",
        "quadrant": "T",
        "text_nl": "Stijgende eisen aan informatiebeveiliging en privacy, die voor één school alleen zwaar zijn om te dragen.",
        "text_en": "Rising demands on information security and privacy, heavy for a single school to carry.",
        "source_nl": "AVG; Aanpak IBP van PO-Raad en VO-raad met het normenkader informatiebeveiliging en privacy",
        "source_en": "GDPR; the PO-Raad and VO-raad approach to information security and privacy (IBP) and its standards",
    },
    {
        "key": "cyberdreiging",
        "quadrant": "T",
        "text_nl": "Ransomware en andere cyberaanvallen treffen ook onderwijsinstellingen; herstel vraagt kennis en capaciteit.",
        "text_en": "Ransomware and other cyber attacks also hit schools; recovery takes expertise and capacity.",
        "source_nl": "Nationaal Cyber Security Centrum (NCSC), Cybersecuritybeeld Nederland",
        "source_en": "National Cyber Security Centre (NCSC), Cyber Security Assessment Netherlands",
    },
    {
        "key": "aanbesteding",
        "quadrant": "T",
        "text_nl": "Gezamenlijke inkoop boven de Europese drempelwaarden moet worden aanbesteed; dat kost tijd en expertise.",
        "text_en": "Joint purchases above the European thresholds must be tendered, which takes time and expertise.",
        "source_nl": "Aanbestedingswet 2012",
        "source_en": "Dutch Public Procurement Act 2012 (Aanbestedingswet)",
    },
    {
        "key": "cooperatie",
        "quadrant": "O",
        "text_nl": "Gezamenlijke inkoop en raamovereenkomsten via een coöperatie van schoolbesturen, zoals SIVON.",
        "text_en": "Joint procurement and framework agreements through a cooperative of school boards, such as SIVON.",
        "source_nl": "SIVON, coöperatie van schoolbesturen in po en vo (sivon.nl)",
        "source_en": "SIVON, cooperative of primary and secondary school boards (sivon.nl)",
    },
    {
        "key": "kennisdeling",
        "quadrant": "O",
        "text_nl": "Landelijke kennis en modellen voor ICT in het onderwijs zijn vrij beschikbaar en maken samen werken eenvoudiger.",
        "text_en": "National knowledge and models for ICT in education are freely available and make working together easier.",
        "source_nl": "Kennisnet, publicaties en Vier in balans-monitor",
        "source_en": "Kennisnet, publications and the Four in Balance monitor",
    },
    {
        "key": "standaarden",
        "quadrant": "O",
        "text_nl": "Landelijke afspraken over toegang en gegevensuitwisseling (zoals de Entree Federatie en Edu-K) verlagen de drempel voor gedeelde systemen.",
        "text_en": "National agreements on access and data exchange (such as the Entree Federation and Edu-K) lower the bar for shared systems.",
        "source_nl": "Kennisnet (Entree Federatie); Edu-K, samenwerkingsverband van onderwijs en leveranciers",
        "source_en": "Kennisnet (Entree Federation); Edu-K, a partnership of education and suppliers",
    },
    {
        "key": "cloud",
        "quadrant": "O",
        "text_nl": "Cloud- en standaarddiensten verkleinen het verschil tussen scholen en maken gedeeld beheer eenvoudiger.",
        "text_en": "Cloud and standard services narrow the differences between schools and make shared management easier.",
        "source_nl": "Kennisnet, Vier in balans-monitor (ICT-infrastructuur)",
        "source_en": "Kennisnet, Four in Balance monitor (ICT infrastructure)",
    },
)

#: SWOT item rules of adopted suggestions start with this prefix.
RULE_PREFIX = "suggestie."


def suggestion(key: str) -> dict[str, str] | None:
    """The suggestion ``key``, or None.

    >>> suggestion("krimp")["quadrant"], suggestion("nope")
    ('T', None)
    """
    return next((dict(s) for s in SUGGESTIONS if s["key"] == key), None)


def offered(adopted: Iterable[str] = ()) -> list[dict[str, str]]:
    """The suggestions not yet adopted, in their fixed order.

    Parameters
    ----------
    adopted : iterable of str
        Keys already adopted in the scope.

    Returns
    -------
    list of dict
        Copies of :data:`SUGGESTIONS` without the adopted ones.

    Examples
    --------
    >>> len(offered()) == len(SUGGESTIONS), [s["key"] for s in offered(["krimp"])][:1]
    (True, ['arbeidsmarkt'])
    """
    known = set(adopted)
    return [dict(s) for s in SUGGESTIONS if s["key"] not in known]


def as_item(key: str) -> dict[str, Any]:
    """The SWOT item an adopted suggestion becomes (rule ``suggestie.<key>``, its source as evidence).

    Raises ValueError for an unknown key.

    Examples
    --------
    >>> item = as_item("cooperatie")
    >>> item["quadrant"], item["rule"], item["key"], item["evidence"]["kind"]
    ('O', 'suggestie.cooperatie', 'suggestie.cooperatie', 'suggestion')
    """
    found = suggestion(key)
    if found is None:
        raise ValueError(f"unknown suggestion {key!r}")
    rule = RULE_PREFIX + key
    return {
        "quadrant": found["quadrant"],
        "text_nl": found["text_nl"],
        "text_en": found["text_en"],
        "rule": rule,
        "key": rule,
        "evidence": {
            "kind": "suggestion",
            "ref": key,
            "source_nl": found["source_nl"],
            "source_en": found["source_en"],
            "value": None,
        },
    }
