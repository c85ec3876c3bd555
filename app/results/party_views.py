"""View models of motives per party (boards on name against anonymous ICT staff) and of ICT users' satisfaction."""

from __future__ import annotations

from flask_babel import gettext as _

from analysis.ict_users import ASPECT_NAMES, ASPECTS, aspect_rows, service_quality
from analysis.motives import by_party, drivers
from analysis.swot import MOTIVE_NAMES
from app.results import charts
from app.results.format import fmt, language
from app.results.views import _table, n_cell, too_few, value_cell
from app.services import users_locations


def _name(pair) -> str:
    text = pair[1] if language() == "en" else pair[0]
    return text[0].upper() + text[1:]


def motive_name(code: str) -> str:
    return _name(MOTIVE_NAMES.get(code, (code, code)))


def aspect_name(code: str) -> str:
    return _name(ASPECT_NAMES.get(code, (code, code)))


def _board(cell) -> str:
    return "–" if cell is None else fmt(cell["score"])


def _staff(cell) -> str:
    if cell is None:
        return "–"
    return too_few() if cell["suppressed"] else fmt(cell["score"])


def _gap(board, staff) -> str:
    if board is None or staff is None or staff["suppressed"]:
        return "–"
    value = board["score"] - staff["score"]
    return ("+" if value > 0 else "") + fmt(value)


def motives_party_section(traject, payload) -> dict:
    """The boards' signed motives against the ICT staff's released ones: all schools, and per school."""
    codes = [o.code for o in traject.organisations]
    names = {o.code: o.name for o in traject.organisations}
    rows = by_party(payload, codes)
    board_n = max((r["board"]["n"] for r in rows if r["board"]), default=0)
    overall = _table(
        "motieven-partijen",
        _("Motieven per partij: besturen tegenover ICT-medewerkers"),
        [
            _("Motief"),
            _("Besturen (op naam, %(n)s scholen)", n=board_n),
            _("ICT-medewerkers (anoniem)"),
            "n",
            _("Verschil (bestuur − medewerkers)"),
        ],
        [
            [
                motive_name(r["motive"]),
                _board(r["board"]),
                _staff(r["staff"]),
                too_few() if r["staff"] and r["staff"]["suppressed"] else (fmt(r["staff"]["n"]) if r["staff"] else "–"),
                _gap(r["board"], r["staff"]),
            ]
            for r in rows
        ],
        note=_(
            "Scores op 0–100. De motieven van een bestuur staan in zijn ondertekende commitmentverklaring: een "
            "standpunt op naam, daarom zonder drempel getoond. De motieven van ICT-medewerkers komen uit de "
            "anonieme vragenlijst en volgen de anonimiteitsregels van de vrijgave."
        ),
    )
    schools = []
    for code in codes:
        school_rows = []
        for r in rows:
            own = next(s for s in r["schools"] if s["organisation"] == code)
            school_rows.append(
                [motive_name(r["motive"]), _board(own["board"]), _staff(own["staff"]), _gap(own["board"], own["staff"])]
            )
        hidden = all(
            (next(s for s in r["schools"] if s["organisation"] == code)["staff"] or {}).get("suppressed", True)
            for r in rows
        )
        note = (
            _(
                "De ICT-medewerkers van deze school zijn een te kleine groep om apart te tonen; vergelijk het "
                "bestuur met alle ICT-medewerkers samen in de tabel hierboven."
            )
            if hidden and rows
            else ""
        )
        schools.append(
            {
                "code": code,
                "name": names[code],
                "table": _table(
                    f"motieven-{code.lower()}",
                    _("Motieven: %(school)s", school=names[code]),
                    [_("Motief"), _("Bestuur (op naam)"), _("ICT-medewerkers van de school"), _("Verschil")],
                    school_rows,
                    note=note,
                ),
            }
        )
    shared = [{**d, "motive": motive_name(d["motive"])} for d in drivers(payload)]
    chart = (
        charts.bar_chart(
            [
                {
                    "label": f"{motive_name(r['motive'])} · {label}",
                    "value": cell["score"] if cell else None,
                    "suppressed": bool(cell and cell.get("suppressed")) or cell is None,
                }
                for r in rows
                for label, cell in ((_("bestuur"), r["board"]), (_("medewerkers"), r["staff"]))
            ],
            _("Motieven per partij"),
            _("Score op 0–100 per motief: besturen (op naam) en ICT-medewerkers (anoniem)."),
            reference=70.0,
            label_width=300,
        )
        if rows
        else None
    )
    anonymous_boards = any(r.get("role") == "board" for r in payload.get("motives") or [])
    return {
        "table": overall,
        "schools": schools,
        "drivers": shared,
        "chart": chart,
        "anonymous_boards": anonymous_boards,
        "has_board": any(r["board"] for r in rows),
    }


def users_section(traject, payload, locations: list[dict] | None = None) -> dict:
    """ICT users' satisfaction per aspect, for all schools and per school (released groups only).

    ``locations`` defaults to the location groups the release holds (``payload["locations"]``).
    """
    if locations is None:
        locations = users_locations.released_rows(payload)
    codes = [o.code for o in traject.organisations]
    names = {o.code: o.name for o in traject.organisations}
    scopes = [(None, _("Alle scholen"))] + [(c, names[c]) for c in codes]
    table_rows = []
    for code, label in scopes:
        found = aspect_rows(payload, code)
        if not found:
            continue
        first = next(iter(found.values()))
        quality = service_quality(payload, code)
        table_rows.append(
            [label, n_cell(first)]
            + [value_cell(found.get(a), "score") for a in ASPECTS]
            + [too_few() if quality is None and first.get("suppressed") else fmt(quality)]
        )
    table = _table(
        "ict-gebruikers",
        _("ICT-foto: tevredenheid van de ICT-gebruikers"),
        [_("School"), "n"] + [aspect_name(a) for a in ASPECTS] + [_("Dienstverlening samen")],
        table_rows,
        note=_(
            "Tevredenheid op 0–100 uit de anonieme vragenlijst voor alle medewerkers "
            "(en eventueel leerlingen); 50 is neutraal. Kleine groepen zijn verborgen."
        ),
    )
    roles = []
    for role, label in (("staff", _("Medewerkers")), ("pupil", _("Leerlingen"))):
        found = aspect_rows(payload, None, role)
        if found:
            first = next(iter(found.values()))
            roles.append([label, n_cell(first)] + [value_cell(found.get(a), "score") for a in ASPECTS])
    role_table = (
        _table(
            "ict-gebruikers-rollen",
            _("Tevredenheid per groep gebruikers"),
            [_("Groep"), "n"] + [aspect_name(a) for a in ASPECTS],
            roles,
        )
        if len(roles) > 1
        else None
    )
    location_table = None
    if locations:
        loc_labels = {"hoofdlocatie": _("Hoofdlocatie"), "nevenlocatie": _("Andere locatie")}
        grouped: dict = {}
        for r in locations:
            grouped.setdefault((r["organisation"], r["location"]), {})[r["aspect"]] = r
        loc_rows = []
        for (org, loc), cells in sorted(
            grouped.items(), key=lambda kv: (kv[0][0] is not None, str(kv[0][0]), kv[0][1])
        ):
            scope = _("Alle scholen") if org is None else names.get(org, org)
            loc_rows.append(
                [f"{scope} · {loc_labels.get(loc, loc)}"]
                + [fmt(cells[a]["score"]) if a in cells else too_few() for a in ASPECTS]
            )
        location_table = _table(
            "ict-gebruikers-locaties",
            _("Tevredenheid per locatie"),
            [_("School en locatie")] + [aspect_name(a) for a in ASPECTS],
            loc_rows,
            note=_(
                "Alleen na sluiten van de vragenlijst, en alleen waar elke locatie en de groep "
                "zonder locatie groot genoeg zijn."
            ),
        )
    overall = aspect_rows(payload)
    chart = (
        charts.bar_chart(
            [
                {
                    "label": aspect_name(a),
                    "value": (overall.get(a) or {}).get("score"),
                    "n": (overall.get(a) or {}).get("n"),
                    "suppressed": (overall.get(a) or {}).get("suppressed", True),
                }
                for a in ASPECTS
            ],
            _("Tevredenheid van de ICT-gebruikers"),
            _("Score op 0–100 per onderdeel, alle scholen samen."),
            reference=50.0,
        )
        if overall
        else None
    )
    return {
        "table": table,
        "role_table": role_table,
        "location_table": location_table,
        "chart": chart,
        "has_data": bool(table_rows),
    }
