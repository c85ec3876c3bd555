"""SWOT items derived from the evidence by explicit rules, and the confrontatiematrix."""

import math
from statistics import median

from analysis.ict_users import ASPECT_NAMES, ASPECTS, aspect_rows
from analysis.motives import drivers
from analysis.numbers import grouped

#: Thresholds of the derivation rules; docs/advice.md explains each one.
THRESHOLDS = {
    "index_strength": 65.0,  # index value ≥ 65 → strength
    "index_weakness": 50.0,  # index value < 50 → weakness (knelpunt, as analysis.indices)
    "retiring_share": 0.25,  # ≥ a quarter of the ICT fte retires within five years
    "single_person": 2,  # ≥ 2 systems or tasks only one person can do
    "cost_band": 0.15,  # cost per pupil more than 15% above/below the traject median
    "cost_spread": 1.30,  # highest cost per pupil ≥ 1.3 × the lowest → savings potential
    "likert_good": 4.0,  # satisfaction / network state ≥ 4 of 5
    "likert_poor": 2.0,  # ≤ 2 of 5
    "standardisation": 0.75,  # share of systems every school runs alike
    "trust_threat": 50.0,  # weakest trust link below 50 (0–100)
    "autonomy_strength": 60.0,  # board autonomy willingness over the domains ≥ 60
    "autonomy_weakness": 40.0,  # < 40
    "gap": 25.0,  # |board − staff| ≥ 25 points in a domain
    "motive_strength": 70.0,  # a motive scored ≥ 70 drives a party (analysis.motives.DRIVER)
    "users_good": 65.0,  # ICT users' satisfaction with an aspect ≥ 65 (0–100) → strength
    "users_poor": 50.0,  # < 50 → weakness
}

#: ICT-foto answers compared across schools for the standardisation rule.
STANDARD_SYSTEMS = ("admin_system", "elo", "office_suite", "identity")

INDEX_NAMES = {
    "draagvlak": ("draagvlak", "support"),
    "wil": ("willen (WIL)", "willingness (WIL)"),
    "moet": ("urgentie (MOET)", "urgency (MOET)"),
    "kun": ("kunnen (KUN)", "ability (KUN)"),
    "steun": ("steun van de leiding (STEUN)", "management support (STEUN)"),
    "weerstand": ("weerstand", "resistance"),
}
MOTIVE_NAMES = {
    "quality": ("kwaliteit van de dienstverlening", "service quality"),
    "vulnerability": ("minder kwetsbaarheid", "less vulnerability"),
    "cost": ("lagere kosten", "lower cost"),
    "continuity": ("continuïteit", "continuity"),
    "innovation": ("innovatie", "innovation"),
    "professionalisation": ("professionalisering", "professionalisation"),
    "procurement": ("gezamenlijke inkoop", "joint procurement"),
}
DOMAIN_NAMES = {
    "overleg": ("overleg en kennisdeling", "consultation and knowledge sharing"),
    "inkoop": ("inkoop en contracten", "procurement and contracts"),
    "werkplek": ("werkplek en devices", "workplace and devices"),
    "netwerk": ("netwerk en infrastructuur", "network and infrastructure"),
    "applicaties": ("applicaties", "applications"),
    "servicedesk": ("servicedesk", "service desk"),
    "ibp": ("informatiebeveiliging en privacy", "information security and privacy"),
    "personeel": ("personeel delen", "sharing staff"),
}
SYSTEM_NAMES = {
    "admin_system": ("leerlingadministratie", "student administration"),
    "elo": ("ELO", "LMS"),
    "office_suite": ("kantoorpakket", "office suite"),
    "identity": ("identiteitsbeheer", "identity"),
}

QUADRANTS = ("S", "W", "O", "T")
MAX_PER_QUADRANT = 5


def _nl(value, digits=0):
    return grouped(value, digits, "nl")


def _en(value, digits=0):
    return grouped(value, digits, "en")


def _pct(share):
    return _nl(share * 100), _en(share * 100)


def _item(quadrant, rule, text_nl, text_en, kind, ref, value, organisation):
    return {
        "quadrant": quadrant,
        "text_nl": text_nl,
        "text_en": text_en,
        "rule": rule,
        "organisation": organisation,
        "key": f"{rule}:{ref}",
        "evidence": {"kind": kind, "ref": ref, "value": value},
    }


def _finite(value):
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _index_items(payload, organisation):
    items = []
    for row in payload.get("indices", []):
        if row.get("organisation") != organisation or row.get("role") is not None or row.get("suppressed"):
            continue
        value, index = row.get("value"), row.get("index")
        if not _finite(value) or index not in INDEX_NAMES:
            continue
        nl, en = INDEX_NAMES[index]
        # For resistance high is bad: judge 100 − value, like the knelpunt rule of analysis.indices.
        effective = 100 - value if index == "weerstand" else value
        ref = f"{index}:{organisation or 'all'}"
        if effective >= THRESHOLDS["index_strength"]:
            items.append(
                _item(
                    "S",
                    "index.sterk",
                    f"Hoge score op {nl}: {_nl(value)} van 100.",
                    f"High score on {en}: {_en(value)} out of 100.",
                    "index",
                    ref,
                    value,
                    organisation,
                )
            )
        elif effective < THRESHOLDS["index_weakness"]:
            items.append(
                _item(
                    "W",
                    "index.knelpunt",
                    f"Knelpunt: {nl} scoort {_nl(value)} van 100.",
                    f"Bottleneck: {en} scores {_en(value)} out of 100.",
                    "index",
                    ref,
                    value,
                    organisation,
                )
            )
    return items


def pooled_foto(ict_foto):
    """Traject totals of the ICT-foto: pupils, fte, retiring fte, single-person dependencies, cost.

    Parameters
    ----------
    ict_foto : list of dict
        Snapshot ``ict_foto`` rows: ``{"organisation", "answers", "derived"}``.

    Returns
    -------
    dict
        ``pupils``, ``fte``, ``retiring``, ``retiring_share``, ``single_person`` (sum),
        ``cost_total``, ``cost_per_pupil``, ``schools``; a figure is None when no school gave it.

    Examples
    --------
    >>> pooled_foto([{"organisation": "A", "answers": {"users_students": 400, "fte_ict": 2, "fte_retiring_5y": 1},
    ...               "derived": {"cost_total": 100000}},
    ...              {"organisation": "B", "answers": {"users_students": 600, "fte_ict": 2, "fte_retiring_5y": 0},
    ...               "derived": {"cost_total": 150000}}])["retiring_share"]
    0.25
    """

    def total(values):
        values = [v for v in values if _finite(v)]
        return float(sum(values)) if values else None

    answers = [row.get("answers") or {} for row in ict_foto]
    derived = [row.get("derived") or {} for row in ict_foto]
    pupils = total(a.get("users_students") for a in answers)
    fte = total(a.get("fte_ict") for a in answers)
    retiring = total(a.get("fte_retiring_5y") for a in answers)
    cost = total(d.get("cost_total") for d in derived)
    return {
        "schools": len(ict_foto),
        "pupils": pupils,
        "fte": fte,
        "retiring": retiring,
        "retiring_share": retiring / fte if fte and retiring is not None else None,
        "single_person": total(a.get("single_person_dependencies") for a in answers),
        "cost_total": cost,
        "cost_per_pupil": cost / pupils if cost is not None and pupils else None,
    }


def standardisation(ict_foto, systems=STANDARD_SYSTEMS):
    """Share of the systems in ``systems`` that every school with an answer runs alike.

    A system counts when at least two schools answered it and all gave the same value.

    Returns
    -------
    dict
        ``share`` (0–1, or None without comparable systems), ``same`` and ``different`` (lists of
        system keys).

    Examples
    --------
    >>> foto = [{"organisation": "A", "answers": {"elo": "itslearning", "office_suite": "microsoft365"}},
    ...         {"organisation": "B", "answers": {"elo": "itslearning", "office_suite": "google_workspace"}}]
    >>> standardisation(foto)
    {'share': 0.5, 'same': ['elo'], 'different': ['office_suite']}
    """
    same, different = [], []
    for key in systems:
        values = [(row.get("answers") or {}).get(key) for row in ict_foto]
        values = [v for v in values if v not in (None, "")]
        if len(values) < 2:
            continue
        (same if len(set(values)) == 1 else different).append(key)
    compared = len(same) + len(different)
    return {"share": len(same) / compared if compared else None, "same": same, "different": different}


def _foto_items(payload, organisation):
    items = []
    foto = payload.get("ict_foto", [])
    if organisation is None:
        pooled = pooled_foto(foto)
        share, single = pooled["retiring_share"], pooled["single_person"]
        schools = max(pooled["schools"], 1)
    else:
        row = next((r for r in foto if r.get("organisation") == organisation), None)
        if row is None:
            return items
        answers, derived = row.get("answers") or {}, row.get("derived") or {}
        share, single, schools = derived.get("retiring_share"), answers.get("single_person_dependencies"), 1
    ref_org = organisation or "all"
    if _finite(share) and share >= THRESHOLDS["retiring_share"]:
        nl, en = _pct(share)
        items.append(
            _item(
                "W",
                "foto.pensionering",
                f"Kwetsbaarheid: {nl}% van de ICT-fte bereikt binnen vijf jaar de pensioenleeftijd.",
                f"Vulnerability: {en}% of the ICT fte reaches retirement age within five years.",
                "ict_foto",
                f"retiring_share:{ref_org}",
                share,
                organisation,
            )
        )
    # Per school ≥ 2; for the traject the same bar per school on average.
    if _finite(single) and single >= THRESHOLDS["single_person"] * schools:
        items.append(
            _item(
                "W",
                "foto.eenpitter",
                f"Kwetsbaarheid: {_nl(single)} systemen of taken kan maar één persoon uitvoeren.",
                f"Vulnerability: {_en(single)} systems or tasks can be done by one person only.",
                "ict_foto",
                f"single_person_dependencies:{ref_org}",
                single,
                organisation,
            )
        )
    costs = [(r.get("derived") or {}).get("cost_per_pupil") for r in foto]
    costs = [c for c in costs if _finite(c) and c > 0]
    if organisation is None:
        if len(costs) >= 2 and max(costs) >= THRESHOLDS["cost_spread"] * min(costs):
            ratio = max(costs) / min(costs)
            items.append(
                _item(
                    "O",
                    "foto.kostenverschil",
                    f"Besparingspotentieel: de ICT-kosten per leerling lopen uiteen tot een factor {_nl(ratio, 1)}.",
                    f"Savings potential: ICT cost per pupil differs up to a factor of {_en(ratio, 1)}.",
                    "ict_foto",
                    "cost_per_pupil:spread",
                    ratio,
                    None,
                )
            )
    else:
        own = (row.get("derived") or {}).get("cost_per_pupil")
        if _finite(own) and len(costs) >= 2:
            mid = median(costs)
            band = THRESHOLDS["cost_band"]
            ref = f"cost_per_pupil:{organisation}"
            # A small tolerance: 15% above the median exactly is inside the band, despite float rounding.
            if own / mid - 1 > band + 1e-9:
                items.append(
                    _item(
                        "W",
                        "foto.kosten_hoog",
                        f"Hoge ICT-kosten per leerling: € {_nl(own)} tegen een mediaan van € {_nl(mid)}.",
                        f"High ICT cost per pupil: € {_en(own)} against a median of € {_en(mid)}.",
                        "ict_foto",
                        ref,
                        own,
                        organisation,
                    )
                )
            elif 1 - own / mid > band + 1e-9:
                items.append(
                    _item(
                        "S",
                        "foto.kosten_laag",
                        f"Lage ICT-kosten per leerling: € {_nl(own)} tegen een mediaan van € {_nl(mid)}.",
                        f"Low ICT cost per pupil: € {_en(own)} against a median of € {_en(mid)}.",
                        "ict_foto",
                        ref,
                        own,
                        organisation,
                    )
                )
        for key, (nl, en) in (
            ("service_satisfaction", ("tevredenheid over de dienstverlening", "service satisfaction")),
            ("network_state", ("staat van het netwerk", "state of the network")),
        ):
            value = answers.get(key)
            if not _finite(value):
                continue
            ref = f"{key}:{organisation}"
            if value >= THRESHOLDS["likert_good"]:
                items.append(
                    _item(
                        "S",
                        f"foto.{key}",
                        f"Goede {nl}: {_nl(value)} van 5.",
                        f"Good {en}: {_en(value)} out of 5.",
                        "ict_foto",
                        ref,
                        value,
                        organisation,
                    )
                )
            elif value <= THRESHOLDS["likert_poor"]:
                items.append(
                    _item(
                        "W",
                        f"foto.{key}",
                        f"Zwakke {nl}: {_nl(value)} van 5.",
                        f"Weak {en}: {_en(value)} out of 5.",
                        "ict_foto",
                        ref,
                        value,
                        organisation,
                    )
                )
    std = standardisation(foto)
    if std["share"] is not None and std["share"] >= THRESHOLDS["standardisation"]:
        names_nl = ", ".join(SYSTEM_NAMES[k][0] for k in std["same"])
        names_en = ", ".join(SYSTEM_NAMES[k][1] for k in std["same"])
        nl, en = _pct(std["share"])
        items.append(
            _item(
                "O",
                "foto.standaardisatie",
                f"Hoge standaardisatie: {nl}% van de systemen is op alle scholen gelijk ({names_nl}).",
                f"High standardisation: {en}% of the systems are the same at every school ({names_en}).",
                "ict_foto",
                "standardisation:all",
                std["share"],
                organisation,
            )
        )
    return items


def _board_items(payload, organisation):
    items = []
    board = payload.get("board") or {}
    weakest = (board.get("trust") or {}).get("weakest_link")
    cells = (board.get("trust") or {}).get("cells") or []
    if weakest and _finite(weakest.get("mean")):
        cell = next((c for c in cells if c.get("from") == weakest["from"] and c.get("to") == weakest["to"]), {})
        score = cell.get("score")
        if not _finite(score):
            score = (weakest["mean"] - 1) / 4 * 100
        involved = organisation is None or organisation in (weakest["from"], weakest["to"])
        if involved and score < THRESHOLDS["trust_threat"]:
            ref = f"trust:{weakest['from']}>{weakest['to']}"
            items.append(
                _item(
                    "T",
                    "bestuur.vertrouwen",
                    f"Zwakste vertrouwensrelatie tussen besturen: {weakest['from']} → {weakest['to']} "
                    f"scoort {_nl(score)} van 100.",
                    f"Weakest trust link between boards: {weakest['from']} → {weakest['to']} "
                    f"scores {_en(score)} out of 100.",
                    "board",
                    ref,
                    score,
                    organisation,
                )
            )
    autonomy = [
        r for r in board.get("autonomy") or [] if r.get("organisation") == organisation and _finite(r.get("mean"))
    ]
    if autonomy:
        mean = sum(r["mean"] for r in autonomy) / len(autonomy)
        ref = f"autonomy:{organisation or 'all'}"
        if mean >= THRESHOLDS["autonomy_strength"]:
            items.append(
                _item(
                    "S",
                    "bestuur.autonomie",
                    f"Besturen zijn bereid autonomie op te geven: gemiddeld {_nl(mean)} van 100.",
                    f"Boards are willing to give up autonomy: {_en(mean)} out of 100 on average.",
                    "board",
                    ref,
                    mean,
                    organisation,
                )
            )
        elif mean < THRESHOLDS["autonomy_weakness"]:
            items.append(
                _item(
                    "W",
                    "bestuur.autonomie",
                    f"Weinig bereidheid bij besturen om autonomie op te geven: {_nl(mean)} van 100.",
                    f"Little willingness of boards to give up autonomy: {_en(mean)} out of 100.",
                    "board",
                    ref,
                    mean,
                    organisation,
                )
            )
    gaps = [
        r
        for r in board.get("gap") or []
        if (organisation is None or r.get("organisation") == organisation)
        and not r.get("staff_suppressed")
        and _finite(r.get("gap"))
        and abs(r["gap"]) >= THRESHOLDS["gap"]
    ]
    if gaps:
        # One item per scope: the largest gap, and in how many domains (not school × domain pairs:
        # eight domains at five schools are eight domains) the gap passes the bar.
        row = max(gaps, key=lambda r: (abs(r["gap"]), str(r["organisation"]), str(r["domain"])))
        gap = row["gap"]
        domains = len({r["domain"] for r in gaps})
        schools = len({r["organisation"] for r in gaps})
        nl, en = DOMAIN_NAMES.get(row["domain"], (row["domain"], row["domain"]))
        side_nl, side_en = (
            ("bestuur wil verder dan medewerkers", "board wants to go further than staff")
            if gap > 0
            else ("medewerkers willen verder dan bestuur", "staff want to go further than the board")
        )
        where_nl = f"{domains} {'domein' if domains == 1 else 'domeinen'}"
        where_en = f"{domains} {'domain' if domains == 1 else 'domains'}"
        if organisation is None:
            where_nl += f" (bij {schools} {'school' if schools == 1 else 'scholen'})"
            where_en += f" (at {schools} {'school' if schools == 1 else 'schools'})"
        items.append(
            _item(
                "W",
                "bestuur.kloof",
                f"Kloof bestuur–medewerkers van {_nl(THRESHOLDS['gap'])} punten of meer in {where_nl}; "
                f"het grootst bij {nl} ({row['organisation']}): {_nl(abs(gap))} punten, {side_nl}.",
                f"Board–staff gap of {_en(THRESHOLDS['gap'])} points or more in {where_en}; "
                f"largest on {en} ({row['organisation']}): {_en(abs(gap))} points, {side_en}.",
                "gap",
                f"gap:{organisation or 'all'}",
                gap,
                organisation,
            )
        )
    return items


def _motive_items(payload, organisation):
    """Shared drivers (both parties, S) and divergent motives (one party only, W), per analysis.motives."""
    items = []
    for row in drivers(payload, organisation):
        driver, board, staff = row["motive"], row["board"], row["staff"]
        if driver not in MOTIVE_NAMES:
            continue
        nl, en = MOTIVE_NAMES[driver]
        ref = f"motive_{driver}:{organisation or 'all'}"
        who_nl, who_en = (
            ("ICT-medewerkers van alle scholen", "ICT staff of all schools")
            if organisation is not None and row["staff_scope"] == "all"
            else ("ICT-medewerkers", "ICT staff")
        )
        board_nl, board_en = ("bestuur", "board") if organisation is not None else ("besturen", "boards")
        if row["kind"] == "all":
            items.append(
                _item(
                    "S",
                    "motief.gedeeld",
                    f"Gedeelde drijfveer: {nl} ({_nl(staff)} van 100).",
                    f"Shared motive: {en} ({_en(staff)} out of 100).",
                    "motive",
                    ref,
                    staff,
                    organisation,
                )
            )
        elif row["kind"] == "shared":
            items.append(
                _item(
                    "S",
                    "motief.gedeeld",
                    f"Gedeelde drijfveer: {nl} ({board_nl} {_nl(board)}, {who_nl} {_nl(staff)} van 100).",
                    f"Shared motive: {en} ({board_en} {_en(board)}, {who_en} {_en(staff)} out of 100).",
                    "motive",
                    ref,
                    min(board, staff),
                    organisation,
                )
            )
        else:
            high_nl, high_en, low_nl, low_en = (
                (board_nl, board_en, who_nl, who_en)
                if row["kind"] == "board_only"
                else (who_nl, who_en, board_nl, board_en)
            )
            value = board - staff
            items.append(
                _item(
                    "W",
                    "motief.verschil",
                    f"Verschil in drijfveren: {nl} weegt zwaar voor {high_nl}, niet voor {low_nl} "
                    f"({board_nl} {_nl(board)}, {who_nl} {_nl(staff)} van 100).",
                    f"Diverging motives: {en} weighs heavily for {high_en}, not for {low_en} "
                    f"({board_en} {_en(board)}, {who_en} {_en(staff)} out of 100).",
                    "motive",
                    ref,
                    value,
                    organisation,
                )
            )
    return items


def _user_items(payload, organisation):
    """Users' satisfaction per aspect (the ICT-users questionnaire), released groups only."""
    items = []
    rows = aspect_rows(payload, organisation)
    for aspect in ASPECTS:
        row = rows.get(aspect)
        if row is None or row.get("suppressed") or not _finite(row.get("score")):
            continue
        score, n = row["score"], row.get("n")
        nl, en = ASPECT_NAMES[aspect]
        ref = f"{aspect}:{organisation or 'all'}"
        if score >= THRESHOLDS["users_good"]:
            items.append(
                _item(
                    "S",
                    "gebruikers.tevreden",
                    f"Tevreden ICT-gebruikers over {nl}: {_nl(score)} van 100 (n = {n}).",
                    f"ICT users are satisfied with {en}: {_en(score)} out of 100 (n = {n}).",
                    "ict_users",
                    ref,
                    score,
                    organisation,
                )
            )
        elif score < THRESHOLDS["users_poor"]:
            items.append(
                _item(
                    "W",
                    "gebruikers.ontevreden",
                    f"Ontevreden ICT-gebruikers over {nl}: {_nl(score)} van 100 (n = {n}).",
                    f"ICT users are dissatisfied with {en}: {_en(score)} out of 100 (n = {n}).",
                    "ict_users",
                    ref,
                    score,
                    organisation,
                )
            )
    return items


def derive_items(payload, organisation=None):
    """Strengths, weaknesses and evidence-based opportunities and threats from a snapshot payload.

    Every item names the rule that made it and its evidence, so a page can link back to the figure.
    Suppressed figures never produce an item. The rules and their thresholds are in
    :data:`THRESHOLDS` and in docs/advice.md.

    Parameters
    ----------
    payload : dict
        An ``IndicatorSnapshot.payload`` (``indices``, ``motives``, ``board``, ``ict_foto``, ...);
        missing parts give no items.
    organisation : str or None
        An organisation code, or None for the whole traject.

    Returns
    -------
    list of dict
        ``{"quadrant", "text_nl", "text_en", "rule", "organisation", "key", "evidence":
        {"kind", "ref", "value"}}`` in rule order; ``key`` is stable across recomputes.

    Examples
    --------
    >>> payload = {"indices": [
    ...     {"index": "draagvlak", "organisation": None, "role": None, "value": 71.0, "suppressed": False},
    ...     {"index": "kun", "organisation": None, "role": None, "value": 42.4, "suppressed": False},
    ...     {"index": "wil", "organisation": None, "role": None, "value": None, "suppressed": True}]}
    >>> [(i["quadrant"], i["rule"], i["text_nl"]) for i in derive_items(payload)]
    [('S', 'index.sterk', 'Hoge score op draagvlak: 71 van 100.'), ('W', 'index.knelpunt', 'Knelpunt: kunnen (KUN) scoort 42 van 100.')]
    """
    payload = payload or {}
    return (
        _index_items(payload, organisation)
        + _motive_items(payload, organisation)
        + _foto_items(payload, organisation)
        + _user_items(payload, organisation)
        + _board_items(payload, organisation)
    )


def check_selection(items, limit=MAX_PER_QUADRANT):
    """Quadrants with more than ``limit`` selected items.

    Parameters
    ----------
    items : iterable of dict
        Items with ``quadrant`` and ``selected``.

    Returns
    -------
    dict
        ``{quadrant: count}`` for every quadrant over the limit (empty when the selection is valid).

    Examples
    --------
    >>> check_selection([{"quadrant": "S", "selected": True}] * 6)
    {'S': 6}
    """
    counts = {}
    for item in items:
        if item.get("selected"):
            counts[item["quadrant"]] = counts.get(item["quadrant"], 0) + 1
    return {q: n for q, n in counts.items() if n > limit}


def confrontation(strengths, weaknesses, opportunities, threats, scores, top=5, minimum=3):
    """Row and column sums of a confrontatiematrix and its main attention points.

    Every internal item (strength or weakness) is scored against every external item
    (opportunity or threat) from −2 (hinders strongly) to +2 (helps strongly); a missing score is 0.
    The attention points are the items with the largest impact (sum of absolute scores), ties
    broken by the absolute sum: at most ``top``, and at least ``minimum`` when that many items
    have any score.

    Parameters
    ----------
    strengths, weaknesses, opportunities, threats : list
        Item ids (any hashable).
    scores : dict
        ``{(internal id, external id): score}`` with integer scores in −2..2.
    top, minimum : int
        Bounds of the number of attention points.

    Returns
    -------
    dict
        ``rows`` ``{internal id: sum}``, ``columns`` ``{external id: sum}``, ``quadrants``
        ``{"SO", "ST", "WO", "WT": sum}``, ``total``, and ``attention``: ``[{"item", "side"
        ("intern"/"extern"), "quadrant", "sum", "impact"}]``.

    Examples
    --------
    >>> result = confrontation(["s1"], ["w1"], ["o1"], ["t1"],
    ...                        {("s1", "o1"): 2, ("s1", "t1"): 1, ("w1", "o1"): -1, ("w1", "t1"): -2})
    >>> result["rows"], result["columns"], result["quadrants"]
    ({'s1': 3, 'w1': -3}, {'o1': 1, 't1': -1}, {'SO': 2, 'ST': 1, 'WO': -1, 'WT': -2})
    >>> [(a["item"], a["impact"]) for a in result["attention"]]
    [('s1', 3), ('w1', 3), ('o1', 3), ('t1', 3)]
    """
    groups = {"S": list(strengths), "W": list(weaknesses), "O": list(opportunities), "T": list(threats)}
    quadrant_of = {}
    for quadrant, ids in groups.items():
        for item in ids:
            if item in quadrant_of:
                raise ValueError(f"item {item!r} appears in more than one quadrant")
            quadrant_of[item] = quadrant
    internal = groups["S"] + groups["W"]
    external = groups["O"] + groups["T"]
    clean = {}
    for (row, column), score in scores.items():
        if row not in internal or column not in external:
            continue  # scores of items no longer in the matrix are ignored
        if isinstance(score, bool) or not isinstance(score, int) or not -2 <= score <= 2:
            raise ValueError(f"score for {(row, column)!r} must be an integer in -2..2, got {score!r}")
        clean[(row, column)] = score
    rows = {r: sum(clean.get((r, c), 0) for c in external) for r in internal}
    columns = {c: sum(clean.get((r, c), 0) for r in internal) for c in external}
    impact = {r: sum(abs(clean.get((r, c), 0)) for c in external) for r in internal}
    impact.update({c: sum(abs(clean.get((r, c), 0)) for r in internal) for c in external})
    sums = {**rows, **columns}
    quadrants = {i + e: sum(clean.get((r, c), 0) for r in groups[i] for c in groups[e]) for i in "SW" for e in "OT"}
    order = sorted(
        (item for item in internal + external if impact[item] > 0), key=lambda item: (-impact[item], -abs(sums[item]))
    )
    count = min(len(order), top)
    if count < minimum:
        count = min(len(order), minimum)
    attention = [
        {
            "item": item,
            "side": "intern" if quadrant_of[item] in "SW" else "extern",
            "quadrant": quadrant_of[item],
            "sum": sums[item],
            "impact": impact[item],
        }
        for item in order[:count]
    ]
    return {
        "rows": rows,
        "columns": columns,
        "quadrants": quadrants,
        "total": sum(clean.values()),
        "attention": attention,
    }
