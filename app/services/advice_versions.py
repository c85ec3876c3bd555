"""Published advice versions, the boards' intention decisions on them, and the MR's advice.

A version freezes the advice document (app/services/advice_document.py) once; it is never
changed afterwards. Its PDF and XLSX are built once by the report task and stored as bytes.
Decisions are revisions: a new POST adds a row, nothing is updated or deleted, until the
regisseur closes the round. Functions never commit: the route or task that owns the
transaction does (mail is queued in the same transaction, and delivered after the commit).
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import func, select

from analysis.feasibility import DOMAINS
from app.extensions import db
from app.jobs import enqueue
from app.models import Job, Traject, TrajectMember, User
from app.models.advice import (
    DECISIONS,
    MR_COUNCILS,
    MR_OUTCOMES,
    AdviceVersion,
    AdviceVersionFile,
    BoardDecision,
    MrAdvice,
)
from app.models.base import utcnow
from app.services import advice_document, audit, mail
from app.services.advice import AdviceError
from app.services.errors import N_

VERSION_TASK = "worker.tasks.reports.build_version_report"
FORMATS = ("pdf", "xlsx")
DECISION_LABELS = {"yes": "ja", "yes_with_conditions": "ja, onder voorwaarden", "no": "nee", "deferred": "aangehouden"}


class RoundClosed(AdviceError):
    """The decision round of this version is closed: nothing can be recorded any more (409)."""


# --- versions -------------------------------------------------------------------------------


def versions(traject: Traject) -> list[AdviceVersion]:
    """Published versions, newest first."""
    return list(
        db.session.scalars(
            select(AdviceVersion).where(AdviceVersion.traject_id == traject.id).order_by(AdviceVersion.number.desc())
        )
    )


def previous_of(version: AdviceVersion) -> AdviceVersion | None:
    return db.session.scalar(
        select(AdviceVersion)
        .where(AdviceVersion.traject_id == version.traject_id, AdviceVersion.number < version.number)
        .order_by(AdviceVersion.number.desc())
        .limit(1)
    )


def changes_of(version: AdviceVersion) -> list[dict]:
    previous = previous_of(version)
    return advice_document.diff(previous.document if previous else None, version.document)


def publish(traject: Traject, user: User, *, note: str = "", confirm_gaps: bool = False) -> AdviceVersion:
    """Freeze the current advice as the next version; with gaps in the evidence only when confirmed."""
    document = advice_document.build(traject)
    if document["gaps"] and not confirm_gaps:
        raise AdviceError(
            N_("Het advies heeft leemtes in de gegevens; bevestig dat u het toch publiceert."),
            {"confirm": [g["text_nl"] for g in document["gaps"]]},
        )
    note = (note or "").strip()
    if len(note) > 5000:
        raise AdviceError(N_("De toelichting is te lang."), {"note": ["Hoogstens 5000 tekens."]})
    document["note"] = note
    number = (
        db.session.scalar(select(func.max(AdviceVersion.number)).where(AdviceVersion.traject_id == traject.id)) or 0
    ) + 1
    document["version"] = {"number": number, "published_at": utcnow().isoformat(), "published_by": user.name}
    previous = db.session.scalar(
        select(AdviceVersion)
        .where(AdviceVersion.traject_id == traject.id)
        .order_by(AdviceVersion.number.desc())
        .limit(1)
    )
    # The boards' decisions on the previous version travel with the new one (an annex of its report).
    document["previous_outcome"] = outcome_json(previous) if previous is not None else None
    from app.services import advice_consultation

    # …and so does the consultation on its proposals (draagvlak per proposal, suppressed below the threshold).
    document["previous_consultation"] = advice_consultation.results(previous) if previous is not None else None
    document = advice_document.canonical(document)
    version = AdviceVersion(
        traject_id=traject.id,
        number=number,
        note=note,
        document=document,
        snapshot_id=(document.get("snapshot") or {}).get("id"),
        fingerprint=advice_document.fingerprint(document),
        published_by=user.id,
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "advice.version_published",
        obj=version,
        traject_id=traject.id,
        number=number,
        snapshot=version.snapshot_id,
        gaps=len(document["gaps"]),
    )
    _notify(
        traject,
        {
            "nl": (
                f"Adviesversie {number} gepubliceerd: {traject.name}",
                f"De regisseur heeft versie {number} van het advies voor {traject.name} gepubliceerd.\n\n"
                "U kunt het advies lezen en het (intentie)besluit van uw bestuur vastleggen in Draagvlak, "
                "onder Adviesversies.\n",
            ),
            "en": (
                f"Advice version {number} published: {traject.name}",
                f"The director has published version {number} of the advice for {traject.name}.\n\n"
                "You can read the advice and record your board's (intended) decision in Draagvlak, "
                "under Advice versions.\n",
            ),
        },
        kind="advice_version",
    )
    return version


def file_of(version: AdviceVersion, fmt: str) -> AdviceVersionFile | None:
    return db.session.scalar(
        select(AdviceVersionFile).where(AdviceVersionFile.version_id == version.id, AdviceVersionFile.format == fmt)
    )


def job_kind(version: AdviceVersion) -> str:
    return f"advice_version:{version.id}"


def active_job(version: AdviceVersion) -> Job | None:
    return db.session.scalar(
        select(Job)
        .where(Job.kind == job_kind(version), Job.state.in_(("queued", "running")))
        .order_by(Job.created_at.desc())
        .limit(1)
    )


def request_files(version: AdviceVersion, user=None) -> Job:
    """Have the version's files built (once); a build already queued or running is returned."""
    job = active_job(version)
    if job is not None:
        return job
    return enqueue(
        VERSION_TASK,
        kind=job_kind(version),
        traject_id=version.traject_id,
        created_by=getattr(user, "id", None),
        dedupe=True,
        task_kwargs={"version_id": version.id},
    )


def store_file(version: AdviceVersion, fmt: str, data: bytes) -> AdviceVersionFile:
    """Keep the first build: a file that exists is never replaced, so downloads stay byte-identical."""
    import hashlib

    existing = file_of(version, fmt)
    if existing is not None:
        return existing
    row = AdviceVersionFile(version_id=version.id, format=fmt, data=data, sha256=hashlib.sha256(data).hexdigest())
    db.session.add(row)
    db.session.flush()
    return row


# --- mail -----------------------------------------------------------------------------------


def bestuurders(traject: Traject) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(TrajectMember, TrajectMember.user_id == User.id)
            .where(TrajectMember.traject_id == traject.id, User.role == "bestuurder")
            .order_by(User.id)
        )
    )


def _notify(traject: Traject, texts: dict[str, tuple[str, str]], *, kind: str) -> None:
    """Mail every bestuurder of the traject in their own language: texts = {lang: (subject, body)}."""
    for user in bestuurders(traject):
        if user.email:
            lang = user.language if user.language in texts else "nl"
            subject, body = texts[lang]
            greeting = f"Dear {user.name}," if lang == "en" else f"Beste {user.name},"
            mail.queue_mail(
                user.email, subject, f"{greeting}\n\n{body}", kind=kind, traject_id=traject.id, language=lang
            )


def deliver_queued(traject: Traject) -> None:
    """After the commit: send this traject's queued advice mails when SMTP is configured."""
    if not mail.smtp_configured():
        return
    from app.models import OutboxMessage

    pending = list(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.traject_id == traject.id,
                OutboxMessage.status == "outbox",
                OutboxMessage.kind.in_(("advice_version", "decision_round")),
            )
        )
    )
    try:
        mail.deliver(pending)
    except OSError as exc:
        current_app.logger.warning("Adviesmail niet verstuurd: %s", type(exc).__name__)
    db.session.commit()


# --- decisions ------------------------------------------------------------------------------


def organisation_of(user: User, traject: Traject):
    org = user.organisation
    return org if org is not None and org.traject_id == traject.id else None


def record_decision(
    version: AdviceVersion,
    user: User,
    *,
    decision,
    conditions=None,
    motivation=None,
    signed_name=None,
    signed_function=None,
    signed_on=None,
    domain_conditions: dict | None = None,
) -> BoardDecision:
    """A new revision of the board's decision. The caller has checked that `user` is its bestuurder."""
    if not version.round_open:
        raise RoundClosed(N_("De besluitronde van deze versie is gesloten."))
    traject = db.session.get(Traject, version.traject_id)
    organisation = organisation_of(user, traject)
    errors: dict[str, list[str]] = {}
    if organisation is None:
        errors["organisation"] = ["Uw account hoort niet bij een school van dit traject."]
    if decision not in DECISIONS:
        errors["decision"] = ["Kies ja, ja onder voorwaarden, nee of aangehouden."]
    for name, value in (
        ("conditions", conditions),
        ("motivation", motivation),
        ("signed_name", signed_name),
        ("signed_function", signed_function),
    ):
        if value is not None and not isinstance(value, str):
            errors[name] = ["Geef tekst."]
    conditions = (conditions or "").strip() if isinstance(conditions, str) else ""
    per_domain = {}
    for domain, text in (domain_conditions or {}).items():
        if domain in DOMAINS and isinstance(text, str) and text.strip():
            if len(text.strip()) > 2000:  # refused, not cut off mid-sentence
                errors["domain_conditions"] = ["Hoogstens 2000 tekens per domein."]
            per_domain[domain] = text.strip()
    if decision == "yes_with_conditions" and not conditions and not per_domain:
        errors["conditions"] = ["Noem de voorwaarden waaronder uw bestuur ja zegt."]
    if len(conditions) > 5000:
        errors["conditions"] = ["Hoogstens 5000 tekens."]
    motivation = (motivation or "").strip() if isinstance(motivation, str) else ""
    if len(motivation) > 5000:
        errors["motivation"] = ["Hoogstens 5000 tekens."]
    signed_name = (signed_name or "").strip() if isinstance(signed_name, str) else ""
    signed_name = signed_name or user.name
    if len(signed_name) > 200 or len(signed_function or "") > 200:
        errors["signed_name"] = ["Hoogstens 200 tekens."]
    if signed_on is None:
        signed_on = date.today()
    elif not isinstance(signed_on, date):
        try:
            signed_on = date.fromisoformat(str(signed_on))
        except ValueError:
            errors["signed_on"] = ["Schrijf de datum als JJJJ-MM-DD."]
    if any(any(ord(ch) < 32 and ch not in "\n\t" for ch in v) for v in (conditions, motivation, signed_name)):
        errors.setdefault("motivation", []).append("Tekst met stuurtekens is niet toegestaan.")
    if errors:
        raise AdviceError(N_("Het besluit is niet geldig."), errors)
    if decision != "yes_with_conditions":
        per_domain = per_domain if decision == "yes" else {}
    revision = (
        db.session.scalar(
            select(func.max(BoardDecision.revision)).where(
                BoardDecision.version_id == version.id, BoardDecision.organisation_code == organisation.code
            )
        )
        or 0
    ) + 1
    row = BoardDecision(
        version_id=version.id,
        organisation_code=organisation.code,
        revision=revision,
        decision=decision,
        conditions=conditions,
        domain_conditions=per_domain,
        motivation=motivation,
        signed_name=signed_name,
        signed_function=(signed_function or "").strip(),
        signed_on=signed_on,
        user_id=user.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "advice.decision",
        obj=row,
        traject_id=traject.id,
        version=version.number,
        organisation=organisation.code,
        decision=decision,
        revision=revision,
    )
    return row


def revisions(version: AdviceVersion) -> list[BoardDecision]:
    return list(
        db.session.scalars(
            select(BoardDecision)
            .where(BoardDecision.version_id == version.id)
            .order_by(BoardDecision.organisation_code, BoardDecision.revision)
        )
    )


def latest_decisions(version: AdviceVersion) -> dict[str, BoardDecision]:
    latest: dict[str, BoardDecision] = {}
    for row in revisions(version):
        latest[row.organisation_code] = row
    return latest


def summary(version: AdviceVersion, traject: Traject | None = None) -> dict:
    traject = traject or db.session.get(Traject, version.traject_id)
    latest = latest_decisions(version)
    counts = {d: 0 for d in DECISIONS}
    for row in latest.values():
        counts[row.decision] += 1
    counts["pending"] = max(0, len(traject.organisations) - len(latest))
    return counts


def summary_line(counts: dict, total: int, lang: str = "nl") -> str:
    """'3 van 5 besturen akkoord, 1 onder voorwaarden, 1 nee': akkoord is an unconditional yes, the other
    parts name the rest, so the counts add up to the number of schools."""
    agreed = counts["yes"]
    if lang == "en":
        parts = [f"{agreed} of {total} boards agree"]
        labels = (
            ("yes_with_conditions", "under conditions"),
            ("no", "no"),
            ("deferred", "deferred"),
            ("pending", "not yet decided"),
        )
    else:
        parts = [f"{agreed} van {total} besturen akkoord"]
        labels = (
            ("yes_with_conditions", "onder voorwaarden"),
            ("no", "nee"),
            ("deferred", "aangehouden"),
            ("pending", "nog geen besluit"),
        )
    parts += [f"{counts[k]} {label}" for k, label in labels if counts.get(k)]
    return ", ".join(parts)


def close_round(version: AdviceVersion, user: User) -> dict:
    if not version.round_open:
        raise RoundClosed(N_("De besluitronde van deze versie is al gesloten."))
    traject = db.session.get(Traject, version.traject_id)
    version.decisions_closed_at, version.decisions_closed_by = utcnow(), user.id
    counts = summary(version, traject)
    db.session.flush()
    audit.record("advice.decisions_closed", obj=version, traject_id=traject.id, number=version.number, **counts)
    total = len(traject.organisations)
    _notify(
        traject,
        {
            "nl": (
                f"Besluitronde gesloten: {traject.name}, adviesversie {version.number}",
                f"De regisseur heeft de besluitronde over versie {version.number} van het advies gesloten.\n"
                f"Uitkomst: {summary_line(counts, total)}.\n\n"
                "De uitkomst per school staat in Draagvlak, bij de adviesversie.\n",
            ),
            "en": (
                f"Decision round closed: {traject.name}, advice version {version.number}",
                f"The director has closed the decision round on version {version.number} of the advice.\n"
                f"Outcome: {summary_line(counts, total, 'en')}.\n\n"
                "The outcome per school is in Draagvlak, with the advice version.\n",
            ),
        },
        kind="decision_round",
    )
    return counts


def domain_agreement(version: AdviceVersion, traject: Traject) -> list[dict]:
    """Per domain: the recommended form and which boards agree with it (yes, or yes without a condition
    on that domain), which agree under a condition on it, and which do not."""
    latest = latest_decisions(version)
    result = []
    for rec in version.document.get("recommendations", []):
        agree, conditional, disagree, pending = [], [], [], []
        for org in traject.organisations:
            row = latest.get(org.code)
            if row is None or row.decision == "deferred":
                pending.append(org.code)
            elif row.decision == "no":
                disagree.append(org.code)
            elif row.decision == "yes_with_conditions" and (
                rec["domain"] in (row.domain_conditions or {}) or not row.domain_conditions
            ):
                conditional.append(org.code)
            else:
                agree.append(org.code)
        result.append(
            {
                "domain": rec["domain"],
                "form": rec["form"],
                "agree": agree,
                "conditional": conditional,
                "disagree": disagree,
                "pending": pending,
            }
        )
    return result


# --- medezeggenschap ------------------------------------------------------------------------


def mr_advice(version: AdviceVersion) -> dict[str, MrAdvice]:
    return {
        m.organisation_code: m for m in db.session.scalars(select(MrAdvice).where(MrAdvice.version_id == version.id))
    }


def _date(value, field, errors):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[field] = ["Schrijf de datum als JJJJ-MM-DD."]
        return None


def save_mr_advice(
    version: AdviceVersion,
    organisation_code: str,
    *,
    council="mr",
    sent_on=None,
    received_on=None,
    outcome="nog_niet_ontvangen",
    staff_move=False,
    pmr_sent_on=None,
    pmr_received_on=None,
    pmr_outcome=None,
    note="",
) -> MrAdvice:
    traject = db.session.get(Traject, version.traject_id)
    errors: dict[str, list[str]] = {}
    if traject.organisation_by_code(organisation_code) is None:
        errors["organisation"] = ["Onbekende school."]
    if council not in MR_COUNCILS:
        errors["council"] = ["Kies MR of GMR."]
    if outcome not in MR_OUTCOMES:
        errors["outcome"] = ["Kies een uitkomst."]
    if pmr_outcome in ("", None):
        pmr_outcome = "nog_niet_ontvangen" if staff_move else None
    elif pmr_outcome not in MR_OUTCOMES:
        errors["pmr_outcome"] = ["Kies een uitkomst."]
    sent, received = _date(sent_on, "sent_on", errors), _date(received_on, "received_on", errors)
    psent, preceived = _date(pmr_sent_on, "pmr_sent_on", errors), _date(pmr_received_on, "pmr_received_on", errors)
    if outcome != "nog_niet_ontvangen" and received is None and "received_on" not in errors:
        errors["received_on"] = ["Vul de datum van het advies in."]
    if sent and received and received < sent:
        errors["received_on"] = ["Het advies kan niet vóór het voorleggen zijn gegeven."]
    if not isinstance(note, str) or len(note) > 5000:
        errors["note"] = ["Hoogstens 5000 tekens."]
    if errors:
        raise AdviceError(N_("De gegevens over de medezeggenschap zijn niet geldig."), errors)
    row = mr_advice(version).get(organisation_code)
    if row is None:
        row = MrAdvice(version_id=version.id, organisation_code=organisation_code)
        db.session.add(row)
    row.council, row.sent_on, row.received_on, row.outcome = council, sent, received, outcome
    row.staff_move, row.pmr_sent_on, row.pmr_received_on = bool(staff_move), psent, preceived
    row.pmr_outcome = pmr_outcome if staff_move else None
    row.note = (note or "").strip()
    db.session.flush()
    audit.record(
        "advice.mr_advice",
        obj=row,
        traject_id=traject.id,
        version=version.number,
        organisation=organisation_code,
        outcome=outcome,
        pmr_outcome=row.pmr_outcome,
    )
    return row


def mr_recorded(row: MrAdvice | None) -> bool:
    """The MR's advice is in (and the PMR's consent where staff move)."""
    if row is None or row.outcome == "nog_niet_ontvangen":
        return False
    return not row.staff_move or (row.pmr_outcome not in (None, "nog_niet_ontvangen"))


def outcome(version: AdviceVersion) -> dict:
    """Everything the outcome page and the report's annex show."""
    traject = db.session.get(Traject, version.traject_id)
    latest = latest_decisions(version)
    mr = mr_advice(version)
    schools = []
    for org in traject.organisations:
        decision = latest.get(org.code)
        advice_row = mr.get(org.code)
        schools.append(
            {
                "organisation": org,
                "decision": decision,
                "mr": advice_row,
                "final": decision is not None and decision.decision != "deferred" and mr_recorded(advice_row),
            }
        )
    counts = summary(version, traject)
    return {
        "schools": schools,
        "summary": counts,
        "line": summary_line(counts, len(traject.organisations)),
        "domains": domain_agreement(version, traject),
        "revisions": revisions(version),
        "closed": not version.round_open,
    }


def outcome_json(version: AdviceVersion) -> dict:
    """The outcome as plain data (frozen into the next version; the same shape the report's annex reads)."""
    result = outcome(version)
    schools = []
    for s in result["schools"]:
        d, mr = s["decision"], s["mr"]
        schools.append(
            {
                "code": s["organisation"].code,
                "name": s["organisation"].name,
                "final": s["final"],
                "decision": None
                if d is None
                else {
                    "decision": d.decision,
                    "conditions": d.conditions or "",
                    "domain_conditions": d.domain_conditions or {},
                    "motivation": d.motivation or "",
                    "revision": d.revision,
                    "signed_name": d.signed_name,
                    "signed_function": d.signed_function or "",
                    "signed_on": d.signed_on.isoformat(),
                },
                "mr": None
                if mr is None
                else {
                    "council": mr.council,
                    "outcome": mr.outcome,
                    "sent_on": mr.sent_on.isoformat() if mr.sent_on else None,
                    "received_on": mr.received_on.isoformat() if mr.received_on else None,
                    "staff_move": mr.staff_move,
                    "pmr_outcome": mr.pmr_outcome,
                    "pmr_received_on": mr.pmr_received_on.isoformat() if mr.pmr_received_on else None,
                },
            }
        )
    return {
        "number": version.number,
        "closed": result["closed"],
        "summary": result["summary"],
        "line": result["line"],
        "schools": schools,
        "domains": result["domains"],
    }
