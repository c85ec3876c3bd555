"""The involvement chapter of the advice report: the grid as SVG and three tables (HTML, PDF and XLSX alike)."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import gettext as _

from app.stakeholders import labels
from app.stakeholders.grid import grid_svg


def _measured(m: dict | None) -> str:
    if m is None:
        return "–"
    if not m.get("available", True):
        return _("nog geen meting")
    if m.get("suppressed"):
        return _("te weinig respons")
    text = _(
        "draagvlak %(d)s, weerstand %(w)s (n = %(n)s)",
        d=labels.fmt0(m.get("draagvlak")),
        w=labels.fmt0(m.get("weerstand")),
        n=m.get("n"),
    )
    if m.get("disagreement"):
        text += "\n" + labels.label(labels.DISAGREEMENT, m["disagreement"])
    return text


def involvement_context(document: dict) -> dict | None:
    """Grid and tables of the document's involvement part; None for a document without one (older versions)."""
    from app.results.report import _table

    part = document.get("involvement")
    if not part or not (part["stakeholders"] or part["engagements"] or part["concerns"]):
        return None
    people = part["stakeholders"]
    register = _table(
        "belanghebbenden",
        _("Belanghebbenden in het krachtenveld"),
        [
            _("Nr."),
            _("Naam"),
            _("Organisatie"),
            _("Invloed / belang"),
            _("Kwadrant"),
            _("Houding (oordeel)"),
            _("Gemeten"),
            _("Betrokkenheid"),
        ],
        [
            [
                str(p["number"]),
                p["name"],
                p["organisation"] or _("hele traject"),
                f"{p['influence']} / {p['interest']}",
                labels.label(labels.QUADRANT, p["quadrant"]),
                labels.label(labels.ATTITUDE, p["attitude"]),
                _measured(p.get("measured")),
                labels.label(labels.ENGAGEMENT, p["engagement"]),
            ]
            for p in people
        ],
        numeric=(),
        widths=[5, 20, 9, 9, 12, 11, 22, 12],
    )
    log = _table(
        "betrokkenheid",
        _("Logboek van betrokkenheid"),
        [
            _("Datum"),
            _("Fase"),
            _("Soort activiteit"),
            _("Onderwerp"),
            _("Belanghebbenden"),
            _("Deelnemers"),
            _("Uitkomst"),
        ],
        [
            [
                e["date"],
                labels.label(labels.PHASE, e["phase"]),
                labels.label(labels.ENGAGEMENT_KIND, e["kind"]),
                e["topic"],
                ", ".join(e["stakeholders"]) or "–",
                "–" if e["attendees"] is None else str(e["attendees"]),
                e["outcome"] or "–",
            ]
            for e in part["engagements"]
        ],
        numeric=(),
        widths=[10, 12, 11, 18, 17, 8, 24],
    )
    concerns = _table(
        "zorgen",
        _("Zorgen en bezwaren"),
        [_("Zorg"), _("Ingebracht door"), _("Domein"), _("Status"), _("Antwoord"), _("Opvolging")],
        [
            [
                c["text"],
                _("ICT-medewerker (anoniem)") if c["anonymous"] else (c["stakeholder"] or "–"),
                labels.domain(c["domain"]),
                labels.label(labels.CONCERN_STATUS, c["status"]),
                c["answer"] or "–",
                "; ".join(
                    ([_("bedreiging in de SWOT")] if c["threat"] else [])
                    + ([_("actie op de routekaart")] if c["action"] else [])
                )
                or "–",
            ]
            for c in part["concerns"]
        ],
        numeric=(),
        widths=[28, 14, 12, 10, 24, 12],
    )
    grid = grid_svg([SimpleNamespace(**p) for p in people]) if people else None
    return {
        "grid": grid,
        "register": register,
        "log": log,
        "concerns": concerns,
        "anonymous": any(c["anonymous"] for c in part["concerns"]),
        "tables": [register, log, concerns],
    }
