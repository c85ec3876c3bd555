"""Open answers of the latest release, grouped by question and domain, near-identical answers counted.

The release already holds only the free text of (organisation, role) groups that reached the
comment threshold; `visible_comments` applies the traject's *current* threshold once more (it can
only have gone up since), counting a group's writers the way `analysis.filter_comments` does. Near
identical means the same text after `normalise` (case, accents, punctuation and spacing ignored).
No page shows who wrote what, nor which school: only the question, the domain and the count.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from functools import lru_cache

from flask_babel import gettext as _

from analysis.feasibility import DOMAINS
from app.i18n import pick
from app.results import views

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


def visible_comments(payload: dict, comment_threshold: int) -> list[dict]:
    """The release's comments of groups that still reach the traject's comment threshold."""
    comments = [c for c in payload.get("comments") or [] if c.get("text")]
    sizes = Counter((c.get("questionnaire"), c.get("question"), c.get("organisation"), c.get("role")) for c in comments)
    return [
        c
        for c in comments
        if sizes[(c.get("questionnaire"), c.get("question"), c.get("organisation"), c.get("role"))] >= comment_threshold
    ]


@lru_cache(maxsize=8)
def _question_texts(template_key: str) -> dict:
    from surveys.templates import load_template

    try:
        return {q.key: q.text for q in load_template(template_key).questions()}
    except (KeyError, ValueError, FileNotFoundError):
        return {}


def question_label(questionnaire: str, question: str) -> str:
    return pick(_question_texts(str(questionnaire)).get(question)) or question


def domain_label(domain: str) -> str:
    return _("Overig (geen domein herkend)") if domain == OTHER else views.domain_name(domain)


def grouped(
    payload: dict,
    comment_threshold: int,
    *,
    question: str = "",
    domain: str = "",
    search: str = "",
    repeated_only: bool = False,
) -> dict:
    """Open answers per question, per domain, as clusters ``{"text", "count"}`` (most said first),
    with the filter choices and the totals before and after filtering."""
    comments = visible_comments(payload, comment_threshold)
    needle = normalise(search)
    questions: dict = {}
    counts: dict = defaultdict(Counter)
    forms: dict = defaultdict(Counter)
    for c in comments:
        qkey = f"{c['questionnaire']}:{c['question']}"
        questions.setdefault(qkey, question_label(c["questionnaire"], c["question"]))
        norm = normalise(c["text"])
        if not norm:
            continue
        counts[qkey][norm] += 1
        forms[(qkey, norm)][c["text"].strip()] += 1
    result, shown, domains_seen = [], 0, set()
    for qkey in sorted(questions):
        by_domain: dict = defaultdict(list)
        for norm, count in counts[qkey].items():
            dom = domain_of(norm)
            domains_seen.add(dom)
            if question and qkey != question or domain and dom != domain:
                continue
            if needle and needle not in norm or repeated_only and count < 2:
                continue
            # The spelling most people used stands for the group (ties: alphabetical, never by time).
            text = sorted(forms[(qkey, norm)].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            by_domain[dom].append({"text": text, "count": count})
            shown += count
        if not by_domain:
            continue
        order = [d for d in DOMAINS if d in by_domain] + ([OTHER] if OTHER in by_domain else [])
        result.append(
            {
                "key": qkey,
                "label": questions[qkey],
                "total": sum(counts[qkey].values()),
                "domains": [
                    {
                        "key": d,
                        "label": domain_label(d),
                        "clusters": sorted(by_domain[d], key=lambda c: (-c["count"], c["text"])),
                        "count": sum(c["count"] for c in by_domain[d]),
                    }
                    for d in order
                ],
            }
        )
    return {
        "questions": result,
        "shown": shown,
        "total": len(comments),
        "question_choices": sorted(questions.items(), key=lambda kv: kv[0]),
        "domain_choices": [(d, domain_label(d)) for d in list(DOMAINS) + [OTHER] if d in domains_seen],
    }
