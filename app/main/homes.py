"""Each role's home: what is asked of a bestuurder, the ICT lead's ICT-foto, the regisseur's trajects.

Read-only: nothing here creates a row (the statement page makes the bestuurder's participant row
when they open it). Every figure comes from the latest release or from the response-rate rules
that every other page uses.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.i18n import pick
from app.models import Participant, Questionnaire, Response
from app.models.base import aware
from app.results import findings, views
from app.results.format import fmt, language
from app.security.access import visible_trajects_query
from app.services import advice, advice_phases, advice_versions
from app.services import participants as participant_service
from app.services import responses as response_service

MAX_TRAJECTS = 25


def trajects_of(user) -> list:
    return list(db.session.scalars(visible_trajects_query(user).limit(MAX_TRAJECTS)))


def _ask(title: str, text: str, label: str, url: str, *, done: bool = False) -> dict:
    return {"title": title, "text": text, "label": label, "url": url, "done": done}


def _statement_ask(user, traject) -> dict | None:
    questionnaire = response_service.open_commitment_questionnaire(traject)
    if questionnaire is None:
        return None
    participant = db.session.scalar(
        select(Participant).where(
            Participant.questionnaire_id == questionnaire.id,
            (Participant.user_id == user.id) | (func.lower(Participant.email) == (user.email or "").lower()),
        )
    )
    latest = None
    if participant is not None:
        latest = db.session.scalar(
            select(Response)
            .where(Response.participant_id == participant.id)
            .order_by(Response.revision.desc())
            .limit(1)
        )
    url = url_for("respond.statement", traject_id=traject.id)
    if latest is None:
        return _ask(
            _("Uw commitmentverklaring ondertekenen"),
            _(
                "Uw bestuur geeft aan hoe ver het wil gaan in de samenwerking, per domein. U kunt de verklaring later herzien."
            ),
            _("Verklaring invullen en ondertekenen"),
            url,
        )
    when = latest.signed_at or latest.submitted_on
    versions = advice_versions.versions(traject)
    newer = (
        versions[0]
        if versions and latest.signed_at is not None and aware(versions[0].published_at) > aware(latest.signed_at)
        else None
    )
    if newer is not None:
        # An advice version came out after the statement: the board may want to revise it.
        return _ask(
            _("Uw commitmentverklaring herzien?"),
            _(
                "Sinds uw verklaring van %(date)s is adviesversie %(n)s gepubliceerd. Past uw verklaring nog? U kunt haar herzien; de vorige versie blijft bewaard.",
                date=format_date(when),
                n=newer.number,
            ),
            _("Verklaring herzien"),
            url,
        )
    return _ask(
        _("Uw commitmentverklaring"),
        _(
            "Ondertekend op %(date)s. Is er iets veranderd? U kunt haar herzien; de vorige versie blijft bewaard.",
            date=format_date(when),
        )
        if when
        else _("Ondertekend. U kunt haar herzien; de vorige versie blijft bewaard."),
        _("Verklaring herzien"),
        url,
        done=True,
    )


def _advice_asks(user, traject) -> list[dict]:
    versions = advice_versions.versions(traject)
    if not versions:
        return []
    version = versions[0]
    organisation = advice_versions.organisation_of(user, traject)
    decision = advice_versions.latest_decisions(version).get(organisation.code) if organisation is not None else None
    published = format_date(version.published_at)
    read_url = url_for("results.version_show", version_id=version.id)
    if decision is None and version.round_open and organisation is not None:
        return [
            _ask(
                _("Besluit nemen over adviesversie %(n)s", n=version.number),
                _(
                    "Adviesversie %(n)s is gepubliceerd op %(date)s. Lees het advies en leg het besluit van uw bestuur vast: ja, ja onder voorwaarden, nee of aangehouden.",
                    n=version.number,
                    date=published,
                ),
                _("Advies lezen en besluiten"),
                url_for("results.version_decision", version_id=version.id),
            )
        ]
    if decision is None:
        return [
            _ask(
                _("Nieuwe adviesversie %(n)s lezen", n=version.number),
                _("Gepubliceerd op %(date)s.", date=published),
                _("Adviesversie lezen"),
                read_url,
            )
        ]
    text = _(
        "Uw bestuur besloot op %(date)s over versie %(n)s.", date=format_date(decision.signed_on), n=version.number
    )
    if version.round_open:
        return [
            _ask(
                _("Uw besluit over adviesversie %(n)s", n=version.number),
                text + " " + _("Tot de ronde sluit kunt u het herzien."),
                _("Besluit herzien"),
                url_for("results.version_decision", version_id=version.id),
                done=True,
            )
        ]
    return [
        _ask(
            _("Adviesversie %(n)s", n=version.number),
            text + " " + _("De besluitronde is gesloten."),
            _("Uitkomst lezen"),
            url_for("results.version_outcome", version_id=version.id),
            done=True,
        )
    ]


def bestuurder_asks(user, traject) -> list[dict]:
    """What is asked of this bestuurder in `traject`, open asks first."""
    asks = [a for a in [_statement_ask(user, traject)] if a is not None] + _advice_asks(user, traject)
    return sorted(asks, key=lambda a: a["done"])


def headlines(traject, *, full_trust: bool) -> list[dict]:
    """The first finding of each step of the dashboard, for a home page."""
    snapshot = advice.latest_snapshot(traject)
    if snapshot is None:
        return []
    steps = findings.first_screen(traject, dict(snapshot.payload or {}), full_trust=full_trust)
    return [{"title": s["title"], "finding": s["findings"][0], "key": s["key"]} for s in steps if s["findings"]]


def bestuurder_home(user) -> list[dict]:
    return [
        {"traject": t, "asks": bestuurder_asks(user, t), "headlines": headlines(t, full_trust=False)}
        for t in trajects_of(user)
    ]


def ict_lead_home(user) -> list[dict]:
    """Per traject: the ICT-foto of the lead's own school (all schools for a lead of no one school)."""
    out = []
    for t in trajects_of(user):
        snapshot = advice.latest_snapshot(t)
        payload = dict(snapshot.payload or {}) if snapshot is not None else {}
        own = user.organisation if user.organisation is not None and user.organisation.traject_id == t.id else None
        foto = views.foto_section(t, payload) if payload.get("ict_foto") else None
        has_own = own is not None and any(r.get("organisation") == own.code for r in payload.get("ict_foto") or [])
        facts = None
        if foto is not None and own is not None and has_own:
            facts = _own_facts(foto, own.name)
        out.append(
            {
                "traject": t,
                "organisation": own,
                "foto": foto,
                "facts": facts,
                "has_own": has_own or own is None,
                "snapshot": snapshot,
            }
        )
    return out


def _own_facts(foto: dict, school: str) -> dict:
    """The school's ICT-foto turned on its side (measure, school, all schools), so it reads on a phone."""
    table, systems = foto["table"], foto["systems_table"]
    own = next(r for r in table["rows"] if r[0] == school)
    total = next((r for r in table["rows"] if r[0] == _("Totaal")), None)
    rows = [[label, own[i], total[i] if total else "–"] for i, label in enumerate(table["columns"]) if i]
    own_systems = next((r for r in systems["rows"] if r[0] == school), None)
    rows += [[label, own_systems[i], "–"] for i, label in enumerate(systems["columns"]) if i and own_systems]
    return {
        "key": "eigen-ict-foto",
        "title": _("ICT-foto van %(school)s", school=school),
        "columns": [_("Onderdeel"), school, _("Alle scholen samen")],
        "rows": rows,
        "note": "",
        "numeric": set(),
    }


def _phase_name(traject) -> str:
    state = advice_phases.steps(traject)
    nl, en = advice_phases.STEP_NAMES[state["current"]]
    return en if language() == "en" else nl


def regisseur_home(user) -> list[dict]:
    """Per traject: the current step and the response per questionnaire (hidden where the rules hide it)."""
    out = []
    for t in trajects_of(user):
        questionnaires = db.session.scalars(
            select(Questionnaire).where(Questionnaire.traject_id == t.id).order_by(Questionnaire.id)
        ).all()
        response = []
        for q in questionnaires:
            total = participant_service.response_rates(q)[2]
            if not total.invited:
                continue
            response.append(
                {
                    "title": pick(q.title) or q.key,
                    "invited": fmt(total.invited),
                    "completed": None if total.suppressed else fmt(total.completed),
                    "percentage": None if total.suppressed or total.percentage is None else fmt(total.percentage),
                }
            )
        out.append({"traject": t, "phase": _phase_name(t), "response": response, "archived": t.archived_at is not None})
    return out
