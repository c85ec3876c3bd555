"""What now? Per phase of a traject the checklist of what is done and what is next, and the one next step.

The set-up comes first (schools, bestuurders, questionnaires, participants, invitations); then
the five steps of `app/services/advice_phases.py` with their gates. Every item is
``{"text", "done"}``; a phase is ``{"key", "title", "checks", "done", "current", "next"}`` where
``next`` is the one action ``{"label", "url"}`` that moves the current phase on.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import Participant, Questionnaire, TrajectMember, User
from app.results.format import language
from app.services import advice_phases, advice_versions
from app.services.invitations import pending_invitations

STANDARD = ("ict_foto", "ict_staff", "board_commitment", "motives")


def _item(text: str, done: bool) -> dict:
    return {"text": text, "done": done}


def _setup(traject) -> dict:
    schools = len(traject.organisations)
    boards = (
        db.session.scalar(
            select(func.count(func.distinct(User.organisation_id)))
            .join(TrajectMember, TrajectMember.user_id == User.id)
            .where(TrajectMember.traject_id == traject.id, User.role == "bestuurder")
        )
        or 0
    )
    questionnaires = db.session.scalars(
        select(Questionnaire).where(Questionnaire.traject_id == traject.id).order_by(Questionnaire.id)
    ).all()
    present = {q.template_key or q.key for q in questionnaires}
    published = [q for q in questionnaires if q.status in ("open", "closed")]
    with_people = (
        db.session.scalar(
            select(func.count(func.distinct(Participant.questionnaire_id)))
            .join(Questionnaire)
            .where(Questionnaire.traject_id == traject.id)
        )
        or 0
    )
    waiting = [(q, pending_invitations(q)) for q in questionnaires if q.status == "open"]
    waiting = [(q, n) for q, n in waiting if n]
    missing = [k for k in STANDARD if k not in present]
    items = [
        _item(
            ngettext("%(num)s school toegevoegd.", "%(num)s scholen toegevoegd.", schools)
            if schools
            else _("Nog geen scholen: voeg de deelnemende scholen toe (ook met een CSV-bestand)."),
            schools > 0,
        ),
        _item(
            _("Bestuurders van %(n)s van de %(m)s scholen zijn lid van het traject.", n=boards, m=schools)
            if schools
            else _("Nodig de bestuurders uit als lid van het traject."),
            bool(schools) and boards >= schools,
        ),
        _item(
            _("De vier standaardvragenlijsten zijn aangemaakt.")
            if not missing
            else _("Nog aan te maken: %(list)s.", list=", ".join(_template_name(k) for k in missing)),
            not missing,
        ),
        _item(
            ngettext("%(num)s vragenlijst gepubliceerd.", "%(num)s vragenlijsten gepubliceerd.", len(published))
            if published
            else _("Nog geen vragenlijst gepubliceerd."),
            bool(questionnaires) and len(published) == len(questionnaires),
        ),
        _item(
            ngettext(
                "Deelnemers toegevoegd aan %(num)s vragenlijst.",
                "Deelnemers toegevoegd aan %(num)s vragenlijsten.",
                with_people,
            )
            if with_people
            else _("Nog geen deelnemers toegevoegd."),
            bool(published) and with_people >= len(published),
        ),
        _item(
            ngettext(
                "%(num)s uitnodiging wacht op uw controle en verzending.",
                "%(num)s uitnodigingen wachten op uw controle en verzending.",
                sum(n for _q, n in waiting),
            )
            if waiting
            else _("Geen uitnodigingen die nog wachten."),
            not waiting,
        ),
    ]
    tid = traject.id
    if not schools:
        nxt = (_("Scholen toevoegen"), url_for("trajects.add_organisation", traject_id=tid))
    elif boards < schools:
        nxt = (_("Bestuurders toevoegen"), url_for("trajects.members", traject_id=tid))
    elif missing:
        nxt = (_("Vragenlijst aanmaken"), url_for("questionnaires.create", traject_id=tid))
    elif len(published) < len(questionnaires):
        nxt = (_("Vragenlijsten publiceren"), url_for("questionnaires.index", traject_id=tid))
    elif with_people < len(published):
        nxt = (_("Deelnemers toevoegen"), url_for("distribution.overview", traject_id=tid))
    elif waiting:
        nxt = (
            _("Uitnodigingen controleren en versturen"),
            url_for("distribution.review_invitations", qid=waiting[0][0].id),
        )
    else:
        nxt = None
    # Bestuurders and the four standard questionnaires are advice, not a gate: a traject may do without one.
    done = all(items[i]["done"] for i in (0, 3, 4, 5))
    return {
        "key": "inrichten",
        "title": _("Inrichten"),
        "checks": items,
        "done": done,
        "next": {"label": nxt[0], "url": nxt[1]} if nxt and not done else None,
    }


def _template_name(key: str) -> str:
    return {
        "ict_foto": _("ICT-foto"),
        "ict_staff": _("vragenlijst ICT-medewerkers"),
        "board_commitment": _("commitmentverklaring besturen"),
        "motives": _("motievenvragenlijst"),
    }.get(key, key)


def _next_of_step(traject, step: str) -> dict:
    tid = traject.id
    if step == "ict_foto":
        return {"label": _("Respons volgen"), "url": url_for("distribution.overview", traject_id=tid)}
    if step == "analyse":
        return {"label": _("Resultaten lezen en de SWOT vaststellen"), "url": url_for("results.swot", traject_id=tid)}
    if step == "voorstellen":
        return {
            "label": _("Haalbaarheid bekijken en een adviesversie publiceren"),
            "url": url_for("results.versions", traject_id=tid),
        }
    if step == "besluit":
        versions = advice_versions.versions(traject)
        if versions:
            return {
                "label": _("De besluiten per school volgen"),
                "url": url_for("results.version_outcome", version_id=versions[0].id),
            }
        return {"label": _("Een adviesversie publiceren"), "url": url_for("results.versions", traject_id=tid)}
    return {
        "label": _("Eigenaars en kwartalen op de routekaart bijwerken"),
        "url": url_for("results.roadmap", traject_id=tid),
    }


def phases(traject) -> dict:
    """The checklist of every phase and the one next step of the current one."""
    setup = _setup(traject)
    state = advice_phases.steps(traject)
    en = language() == "en"
    result = [setup]
    current = None if setup["done"] else "inrichten"
    for s in state["steps"]:
        items = [_item(x["text_en"] if en else x["text_nl"], False) for x in s["lacking"]]
        step_done = s["done"]
        if s["met"] and s["gate"] is None and not setup["done"]:
            # Met only because there is nothing yet (no schools, no questionnaires): not done.
            items, step_done = [_item(_("Komt na het inrichten."), False)], False
        elif s["met"]:
            items = [_item(_("Alles voor deze stap is er."), True)]
        elif s["gate"] is not None:
            items.append(_item(_("Doorgegaan met een reden: %(r)s", r=s["gate"].reason), True))
        is_current = current is None and s["step"] == state["current"] and not step_done
        if is_current:
            current = s["step"]
        result.append(
            {
                "key": s["step"],
                "title": s["names"][1] if en else s["names"][0],
                "checks": items,
                "done": step_done,
                "next": _next_of_step(traject, s["step"]) if is_current else None,
            }
        )
    if current is None:
        current = "uitwerking"
        result[-1]["next"] = _next_of_step(traject, "uitwerking")
    if current != "inrichten":
        setup["next"] = None
    for phase in result:
        phase["current"] = phase["key"] == current
    empty = not traject.organisations and not setup["checks"][2]["done"] and current == "inrichten"
    return {"phases": result, "current": current, "empty": empty}
