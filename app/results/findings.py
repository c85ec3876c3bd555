"""The dashboard's first screen: per step of the case three to five findings, each with its detail page.

Every finding is read from the latest release (the snapshot payload, already safe): a suppressed
figure gives no finding, never a number. A finding is ``{"text", "part", "anchor", "tone"}``;
``part`` names the detail page (``DETAIL_PARTS``) and ``anchor`` the table or chart on it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from analysis.swot import THRESHOLDS, pooled_foto, standardisation
from app.results import views
from app.results.format import fmt, pct

#: Detail pages of the dashboard, in the order of the tabs: (URL part, anchors on that page).
DETAIL_PARTS = {
    "ict-foto": ("ict-foto", "systemen"),
    "motieven": ("motieven",),
    "draagvlak": ("indices", "heatmap", "verdelingen", "voorkeuren"),
    "bestuur": ("kloof", "autonomie", "toezeggingen", "vertrouwen"),
    "respons": ("respons",),
    "open-antwoorden": ("opmerkingen",),
}
MAX_FINDINGS = 5


def part_title(part: str) -> str:
    return {
        "ict-foto": _("ICT-foto"),
        "motieven": _("Motieven"),
        "draagvlak": _("Draagvlak"),
        "bestuur": _("Commitment van de besturen"),
        "respons": _("Respons"),
        "open-antwoorden": _("Open antwoorden"),
    }[part]


def part_of_anchor(anchor: str | None) -> str:
    """The detail page that holds `anchor` (an old dashboard anchor such as 'indices' or 'kloof')."""
    for part, anchors in DETAIL_PARTS.items():
        if anchor in anchors:
            return part
    return "draagvlak"


def _finding(text: str, part: str, anchor: str, tone: str = "neutral") -> dict:
    return {"text": text, "part": part, "anchor": anchor, "tone": tone}


def _overall(rows: list[dict]) -> list[dict]:
    return [r for r in rows or [] if r.get("organisation") is None and r.get("role") is None]


def _visible(row: dict | None, key: str) -> bool:
    return row is not None and not row.get("suppressed") and row.get(key) is not None


def foto_findings(traject, payload) -> list[dict]:
    foto = payload.get("ict_foto") or []
    schools = len(traject.organisations)
    out = [
        _finding(
            _("ICT-foto ingevuld door %(n)s van de %(m)s scholen.", n=len(foto), m=schools),
            "ict-foto",
            "ict-foto",
            "good" if foto and len(foto) >= schools else "attention",
        )
    ]
    if not foto:
        return out
    pooled = pooled_foto(foto)
    if pooled["pupils"] and pooled["fte"]:
        out.append(
            _finding(
                _(
                    "Samen %(pupils)s leerlingen en %(fte)s ICT-fte: %(per)s fte per 1.000 leerlingen.",
                    pupils=fmt(pooled["pupils"]),
                    fte=fmt(pooled["fte"], 1),
                    per=fmt(pooled["fte"] / pooled["pupils"] * 1000, 2),
                ),
                "ict-foto",
                "ict-foto",
            )
        )
    costs = [c for c in ((r.get("derived") or {}).get("cost_per_pupil") for r in foto) if c]
    if len(costs) >= 2:
        low, high = min(costs), max(costs)
        out.append(
            _finding(
                _(
                    "ICT-kosten per leerling van € %(low)s tot € %(high)s (factor %(r)s).",
                    low=fmt(low),
                    high=fmt(high),
                    r=fmt(high / low, 1),
                ),
                "ict-foto",
                "ict-foto",
                "attention" if high >= THRESHOLDS["cost_spread"] * low else "neutral",
            )
        )
    share = pooled["retiring_share"]
    if share is not None:
        out.append(
            _finding(
                _("%(p)s van de ICT-fte gaat binnen vijf jaar met pensioen.", p=pct(share)),
                "ict-foto",
                "ict-foto",
                "attention" if share >= THRESHOLDS["retiring_share"] else "neutral",
            )
        )
    std = standardisation(foto)
    if std["share"] is not None:
        out.append(
            _finding(
                _("%(p)s van de vergeleken systemen is op alle scholen gelijk.", p=pct(std["share"])),
                "ict-foto",
                "systemen",
                "good" if std["share"] >= THRESHOLDS["standardisation"] else "neutral",
            )
        )
    return out[:MAX_FINDINGS]


def motive_findings(traject, payload) -> list[dict]:
    rows = [r for r in _overall(payload.get("motives")) if _visible(r, "score")]
    if not rows:
        return [
            _finding(
                _("Nog geen motieven vrijgegeven (te weinig respons of nog niet gevraagd)."),
                "motieven",
                "motieven",
                "attention",
            )
        ]
    rows.sort(key=lambda r: (-r["score"], r["construct"]))
    top = rows[:3]
    out = [
        _finding(
            _(
                "Belangrijkste motieven: %(list)s.",
                list=", ".join(f"{views.construct_name(r['construct']).lower()} ({fmt(r['score'])})" for r in top),
            ),
            "motieven",
            "motieven",
        )
    ]
    shared = [r for r in rows if r["score"] >= THRESHOLDS["motive_strength"]]
    if shared:
        out.append(
            _finding(
                ngettext(
                    "%(num)s motief wordt breed gedeeld (score %(t)s of hoger).",
                    "%(num)s motieven worden breed gedeeld (score %(t)s of hoger).",
                    len(shared),
                    t=fmt(THRESHOLDS["motive_strength"]),
                ),
                "motieven",
                "motieven",
                "good",
            )
        )
    else:
        out.append(
            _finding(
                _(
                    "Geen motief scoort %(t)s of hoger: er is nog geen breed gedeelde drijfveer.",
                    t=fmt(THRESHOLDS["motive_strength"]),
                ),
                "motieven",
                "motieven",
                "attention",
            )
        )
    if len(rows) > 3:
        low = rows[-1]
        out.append(
            _finding(
                _(
                    "Minst gedeeld: %(name)s (%(score)s van 100).",
                    name=views.construct_name(low["construct"]).lower(),
                    score=fmt(low["score"]),
                ),
                "motieven",
                "motieven",
            )
        )
    n = max((r.get("n") or 0) for r in rows)
    if n:
        out.append(
            _finding(
                ngettext("Gebaseerd op %(num)s respondent.", "Gebaseerd op %(num)s respondenten.", n),
                "motieven",
                "motieven",
            )
        )
    return out[:MAX_FINDINGS]


def _knelpunt(row: dict) -> bool:
    value = row["value"]
    return (100 - value if row.get("index") == "weerstand" else value) < THRESHOLDS["index_weakness"]


def draagvlak_findings(traject, payload) -> list[dict]:
    rows = [r for r in _overall(payload.get("indices")) if _visible(r, "value")]
    lookup = {r["index"]: r for r in rows}
    out = []
    main = lookup.get("draagvlak")
    if main is None:
        out.append(
            _finding(_("Nog geen draagvlakindex vrijgegeven (te weinig respons)."), "draagvlak", "indices", "attention")
        )
    else:
        ci = (
            _(" (95%%-interval %(low)s–%(high)s)", low=fmt(main["ci_low"]), high=fmt(main["ci_high"]))
            if main.get("ci_low") is not None
            else ""
        )
        out.append(
            _finding(
                _("Draagvlakindex %(v)s van 100%(ci)s.", v=fmt(main["value"]), ci=ci),
                "draagvlak",
                "indices",
                "attention"
                if _knelpunt(main)
                else "good"
                if main["value"] >= THRESHOLDS["index_strength"]
                else "neutral",
            )
        )
    knelpunten = [views.index_name(i) for i in views.INDEX_ORDER[1:] if i in lookup and _knelpunt(lookup[i])]
    if rows:
        out.append(
            _finding(
                _("Knelpunten (onder 50): %(list)s.", list=", ".join(knelpunten))
                if knelpunten
                else _("Geen knelpunten: elke index ligt op 50 of hoger."),
                "draagvlak",
                "indices",
                "attention" if knelpunten else "good",
            )
        )
    names = {o.code: o.name for o in traject.organisations}
    per_org = [
        r
        for r in payload.get("indices") or []
        if r.get("index") == "draagvlak" and r.get("role") is None and r.get("organisation") is not None
    ]
    shown = sorted((r for r in per_org if _visible(r, "value")), key=lambda r: (r["value"], r["organisation"]))
    if len(shown) >= 2:
        out.append(
            _finding(
                _(
                    "Per school van %(low)s (%(lo)s) tot %(high)s (%(hi)s).",
                    low=fmt(shown[0]["value"]),
                    lo=names.get(shown[0]["organisation"], shown[0]["organisation"]),
                    high=fmt(shown[-1]["value"]),
                    hi=names.get(shown[-1]["organisation"], shown[-1]["organisation"]),
                ),
                "draagvlak",
                "indices",
            )
        )
    hidden = len(traject.organisations) - len(shown)
    if hidden > 0 and rows:
        out.append(
            _finding(
                ngettext(
                    "Bij %(num)s school is de respons te laag voor een eigen uitkomst.",
                    "Bij %(num)s scholen is de respons te laag voor een eigen uitkomst.",
                    hidden,
                ),
                "respons",
                "respons",
                "attention",
            )
        )
    return out[:MAX_FINDINGS]


def board_findings(traject, payload, *, full_trust: bool) -> list[dict]:
    board = payload.get("board") or {}
    names = {o.code: o.name for o in traject.organisations}
    schools = len(traject.organisations)
    signed = {r.get("organisation") for r in board.get("commit_forms") or []}
    out = [
        _finding(
            _("%(n)s van de %(m)s besturen hebben hun commitmentverklaring ondertekend.", n=len(signed), m=schools),
            "bestuur",
            "toezeggingen",
            "good" if schools and len(signed) >= schools else "attention",
        )
    ]
    autonomy = [
        r["mean"] for r in board.get("autonomy") or [] if r.get("organisation") is None and r.get("mean") is not None
    ]
    if autonomy:
        mean = sum(autonomy) / len(autonomy)
        tone = (
            "good"
            if mean >= THRESHOLDS["autonomy_strength"]
            else "attention"
            if mean < THRESHOLDS["autonomy_weakness"]
            else "neutral"
        )
        out.append(
            _finding(
                _("Bereidheid om autonomie op te geven: gemiddeld %(v)s van 100 over de domeinen.", v=fmt(mean)),
                "bestuur",
                "autonomie",
                tone,
            )
        )
    gaps = [r for r in board.get("gap") or [] if not r.get("staff_suppressed") and r.get("gap") is not None]
    wide = [r for r in gaps if abs(r["gap"]) >= THRESHOLDS["gap"]]
    if gaps:
        if wide:
            row = max(wide, key=lambda r: (abs(r["gap"]), str(r.get("organisation")), str(r.get("domain"))))
            out.append(
                _finding(
                    ngettext(
                        "Kloof bestuur–medewerkers van %(t)s punten of meer bij %(num)s combinatie van school en domein; "
                        "het grootst bij %(domain)s (%(org)s): %(v)s punten.",
                        "Kloof bestuur–medewerkers van %(t)s punten of meer bij %(num)s combinaties van school en domein; "
                        "het grootst bij %(domain)s (%(org)s): %(v)s punten.",
                        len(wide),
                        t=fmt(THRESHOLDS["gap"]),
                        domain=views.domain_name(row["domain"]).lower(),
                        org=names.get(row.get("organisation"), row.get("organisation")),
                        v=fmt(abs(row["gap"])),
                    ),
                    "bestuur",
                    "kloof",
                    "attention",
                )
            )
        else:
            out.append(
                _finding(
                    _(
                        "Bestuur en medewerkers liggen per domein minder dan %(t)s punten uiteen.",
                        t=fmt(THRESHOLDS["gap"]),
                    ),
                    "bestuur",
                    "kloof",
                    "good",
                )
            )
    trust = board.get("trust") or {}
    if full_trust and trust.get("weakest_link"):
        w = trust["weakest_link"]
        out.append(
            _finding(
                _(
                    "Zwakste vertrouwensrelatie: %(a)s → %(b)s (gemiddeld %(m)s op 1–5).",
                    a=names.get(w["from"], w["from"]),
                    b=names.get(w["to"], w["to"]),
                    m=fmt(w["mean"], 1),
                ),
                "bestuur",
                "vertrouwen",
                "attention",
            )
        )
    elif trust.get("cells"):
        rows = [
            r for r in views.received_trust_rows(trust["cells"], payload.get("constructs") or []) if not r["suppressed"]
        ]
        if rows:
            low = min(rows, key=lambda r: (r["score"], r["organisation"]))
            out.append(
                _finding(
                    _(
                        "Laagste ontvangen vertrouwen: %(org)s, %(v)s van 100.",
                        org=names.get(low["organisation"], low["organisation"]),
                        v=fmt(low["score"]),
                    ),
                    "bestuur",
                    "vertrouwen",
                )
            )
    return out[:MAX_FINDINGS]


def first_screen(traject, payload, *, full_trust: bool) -> list[dict]:
    """The four steps of the case, each with its findings and its detail page."""
    return [
        {
            "key": "ict-foto",
            "title": _("ICT-foto"),
            "question": _("Hoe staat de ICT er per school voor?"),
            "findings": foto_findings(traject, payload),
        },
        {
            "key": "motieven",
            "title": _("Motieven"),
            "question": _("Waarom willen de scholen samenwerken?"),
            "findings": motive_findings(traject, payload),
        },
        {
            "key": "draagvlak",
            "title": _("Draagvlak"),
            "question": _("Steunen de ICT-medewerkers de samenwerking?"),
            "findings": draagvlak_findings(traject, payload),
        },
        {
            "key": "bestuur",
            "title": _("Commitment van de besturen"),
            "question": _("Hoe ver willen de besturen gaan?"),
            "findings": board_findings(traject, payload, full_trust=full_trust),
        },
    ]
