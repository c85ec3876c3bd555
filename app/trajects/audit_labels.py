"""The logboek in words: labels for audit actions, objects and details; fingerprints and tokens stay hidden."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "communication.deleted": _l("Communicatie-item verwijderd"),
    "communication.derived": _l("Communicatieplan afgeleid uit het krachtenveld"),
    "communication.saved": _l("Communicatie-item opgeslagen"),
    "concern.recorded": _l("Zorg of bezwaar vastgelegd"),
    "concern.to_action": _l("Zorg omgezet in een actie op de routekaart"),
    "concern.to_threat": _l("Zorg omgezet in een bedreiging in de SWOT"),
    "concern.updated": _l("Zorg of bezwaar bijgewerkt"),
    "engagement.deleted": _l("Activiteit uit het logboek van betrokkenheid verwijderd"),
    "engagement.logged": _l("Activiteit in het logboek van betrokkenheid vastgelegd"),
    "engagement.updated": _l("Activiteit in het logboek van betrokkenheid bijgewerkt"),
    "stakeholder.created": _l("Belanghebbende toegevoegd"),
    "stakeholder.deleted": _l("Belanghebbende verwijderd"),
    "stakeholder.imported": _l("Belanghebbenden geïmporteerd"),
    "stakeholder.moved": _l("Belanghebbende verplaatst in het krachtenveld"),
    "stakeholder.updated": _l("Belanghebbende bijgewerkt"),
    "swot.suggestion_adopted": _l("Suggestie uit de sector overgenomen in de SWOT"),
    "account.locked": _l("Account tijdelijk geblokkeerd"),
    "advice.consultation_opened": _l("Consultatie geopend"),
    "advice.decision": _l("Besluit van een bestuur vastgelegd"),
    "advice.decisions_closed": _l("Besluitronde gesloten"),
    "advice.mr_advice": _l("Advies van de medezeggenschapsraad vastgelegd"),
    "advice.texts_saved": _l("Adviesteksten opgeslagen"),
    "advice.version_published": _l("Adviesversie gepubliceerd"),
    "advice.version_published_api": _l("Adviesversie gepubliceerd via de API"),
    "api_token.created": _l("API-sleutel aangemaakt"),
    "export.advice_version": _l("Adviesversie gedownload"),
    "export.links": _l("Persoonlijke links gedownload"),
    "export.report": _l("Adviesrapport gedownload"),
    "export.responses_csv": _l("Antwoorden gedownload"),
    "feasibility.override": _l("Haalbaarheidsscore overschreven"),
    "feasibility.override_removed": _l("Overschreven haalbaarheidsscore teruggezet"),
    "invitations.sent": _l("Uitnodigingen verstuurd"),
    "reminders.sent": _l("Herinneringen verstuurd"),
    "login": _l("Ingelogd"),
    "login.failed": _l("Inloggen mislukt"),
    "logout": _l("Uitgelogd"),
    "member.added": _l("Lid toegevoegd"),
    "member.removed": _l("Lid verwijderd"),
    "organisation.created": _l("Organisatie toegevoegd"),
    "organisation.deleted": _l("Organisatie verwijderd"),
    "organisation.imported": _l("Organisaties geïmporteerd"),
    "organisation.updated": _l("Organisatie gewijzigd"),
    "participant.fresh_link": _l("Nieuwe persoonlijke link gemaakt"),
    "participant.opted_out": _l("Deelnemer afgemeld"),
    "participants.added": _l("Deelnemers toegevoegd"),
    "password.changed": _l("Wachtwoord gewijzigd"),
    "password.reset": _l("Wachtwoord hersteld"),
    "password.reset_requested": _l("Wachtwoordherstel aangevraagd"),
    "phase.gate_passed": _l("Naar de volgende stap, ondanks open punten"),
    "privacy.erased": _l("Gegevens gewist"),
    "privacy.exported": _l("Gegevens van een persoon geëxporteerd"),
    "privacy.retention_applied": _l("Bewaartermijn toegepast"),
    "privacy.retention_changed": _l("Bewaartermijn gewijzigd"),
    "questionnaire.closed": _l("Vragenlijst gesloten"),
    "questionnaire.created": _l("Vragenlijst aangemaakt"),
    "questionnaire.deleted": _l("Vragenlijst verwijderd"),
    "questionnaire.duplicated": _l("Vragenlijst gekopieerd"),
    "questionnaire.imported": _l("Vragenlijst geïmporteerd"),
    "questionnaire.published": _l("Vragenlijst gepubliceerd"),
    "questionnaire.versioned": _l("Nieuwe versie van een vragenlijst"),
    "questionnaire.question_added": _l("Vraag toegevoegd"),
    "questionnaire.question_changed": _l("Vraag gewijzigd"),
    "questionnaire.question_deleted": _l("Vraag verwijderd"),
    "questionnaire.question_moved": _l("Vraag verplaatst"),
    "questionnaire.questions_reordered": _l("Vragen in een andere volgorde gezet"),
    "questionnaire.section_added": _l("Sectie toegevoegd"),
    "questionnaire.section_changed": _l("Sectie gewijzigd"),
    "questionnaire.section_deleted": _l("Sectie verwijderd"),
    "questionnaire.section_moved": _l("Sectie verplaatst"),
    "questionnaire.settings_changed": _l("Instellingen van een vragenlijst gewijzigd"),
    "roadmap.action_deleted": _l("Actie van de routekaart verwijderd"),
    "roadmap.action_saved": _l("Actie van de routekaart opgeslagen"),
    "roadmap.generated": _l("Routekaart voorgesteld"),
    "statement.signed": _l("Commitmentverklaring ondertekend"),
    "swot.item_deleted": _l("SWOT-punt verwijderd"),
    "swot.item_saved": _l("SWOT-punt opgeslagen"),
    "traject.created": _l("Traject aangemaakt"),
    "traject.self_distribution_off": _l("Zelf verspreiden uitgezet"),
    "traject.self_distribution_on": _l("Zelf verspreiden aangezet"),
    "traject.updated": _l("Traject gewijzigd"),
}

OBJECT_LABELS = {
    "Traject": _l("traject"),
    "Organisation": _l("organisatie"),
    "User": _l("account"),
    "Questionnaire": _l("vragenlijst"),
    "Participant": _l("deelnemer"),
    "Response": _l("antwoord"),
    "SwotItem": _l("SWOT-punt"),
    "RoadmapAction": _l("actie"),
    "FeasibilityOverride": _l("overschrijving"),
    "AdviceVersion": _l("adviesversie"),
    "BoardDecision": _l("besluit"),
    "MrAdvice": _l("MR-advies"),
    "PhaseGate": _l("stap"),
    "Consultation": _l("consultatie"),
    "Report": _l("rapport"),
    "ApiToken": _l("API-sleutel"),
    "PrivacySettings": _l("privacy-instellingen"),
}

DETAIL_LABELS = {
    "account": _l("account"),
    "added": _l("toegevoegd"),
    "chapters": _l("hoofdstukken"),
    "closes_at": _l("sluit"),
    "code": _l("code"),
    "count": _l("aantal"),
    "decision": _l("besluit"),
    "delete_raw_responses": _l("ruwe antwoorden gewist"),
    "direction": _l("richting"),
    "domain": _l("domein"),
    "failed": _l("mislukt"),
    "fields": _l("velden"),
    "form": _l("vorm"),
    "format": _l("formaat"),
    "gaps": _l("leemtes"),
    "identified_responses": _l("antwoorden met naam"),
    "key": _l("sleutel"),
    "lacking": _l("open punten"),
    "number": _l("nummer"),
    "opens_at": _l("opent"),
    "organisation": _l("organisatie"),
    "outbox": _l("berichten"),
    "outcome": _l("uitkomst"),
    "participants": _l("deelnemers"),
    "pending": _l("wachtend"),
    "pmr_outcome": _l("uitkomst PMR"),
    "previous": _l("was"),
    "quadrant": _l("kwadrant"),
    "question": _l("vraag"),
    "questionnaire": _l("vragenlijst"),
    "queued": _l("klaargezet"),
    "reason": _l("reden"),
    "released_comments": _l("open antwoorden gewist"),
    "responses_deleted": _l("antwoorden gewist"),
    "retention_days": _l("bewaartermijn (dagen)"),
    "retry": _l("opnieuw te proberen"),
    "revision": _l("herziening"),
    "scope": _l("geldt voor"),
    "score": _l("score"),
    "seconds": _l("seconden"),
    "section": _l("sectie"),
    "sent": _l("verstuurd"),
    "skipped": _l("overgeslagen"),
    "source": _l("bron"),
    "step": _l("stap"),
    "template": _l("sjabloon"),
    "unconfirmed": _l("onbevestigd"),
    "user": _l("gebruiker"),
    "version": _l("versie"),
    "via": _l("via"),
}
# Shown to nobody: a definition's fingerprint, an API token's prefix and a release's internal id say
# nothing to a reader (the fingerprint stays in the database for the audit itself).
HIDDEN_DETAILS = {"fingerprint", "token", "snapshot"}

VALUE_LABELS = {
    "onder_voorwaarden": _l("onder voorwaarden"),
    "api_token": _l("API-sleutel"),
    "csv": _l("CSV-bestand"),
    "form": _l("formulier"),
    "api": _l("API"),
    "yes": _l("ja"),
    "no": _l("nee"),
    "yes_with_conditions": _l("ja, onder voorwaarden"),
    "deferred": _l("aangehouden"),
    "up": _l("omhoog"),
    "down": _l("omlaag"),
}


def _readable(code: str) -> str:
    """An unknown code as words: 'stakeholder.added' → 'stakeholder added' (never the raw code)."""
    return code.replace(".", " ").replace("_", " ")


def action_label(code: str) -> str:
    return str(ACTION_LABELS[code]) if code in ACTION_LABELS else _readable(code)


def object_label(object_type: str | None, object_id: str | None) -> str:
    if not object_type:
        return ""
    name = str(OBJECT_LABELS[object_type]) if object_type in OBJECT_LABELS else _readable(object_type).lower()
    return f"{name} {object_id}" if object_id else name


def _value(key: str, value) -> str:
    from app.questionnaires.labels import template_label

    if isinstance(value, bool):
        return str(_l("ja") if value else _l("nee"))
    if value is None:
        return "–"
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(key, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{detail_label(k)} {_value(k, v)}" for k, v in sorted(value.items()))
    if key == "template":
        return template_label(str(value))
    if key == "direction" and isinstance(value, int):
        return str(VALUE_LABELS["up" if value < 0 else "down"])
    if isinstance(value, str) and value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    if isinstance(value, str) and value.startswith("consultatie_v"):
        from app.results.views import consultation_label

        return consultation_label(value) or value
    if isinstance(value, str):
        from app.stakeholders import labels as stakeholder_labels  # the register's codes (quadrant, attitude, ...)

        for table in (
            stakeholder_labels.QUADRANT,
            stakeholder_labels.ATTITUDE,
            stakeholder_labels.ENGAGEMENT,
            stakeholder_labels.ENGAGEMENT_KIND,
            stakeholder_labels.CONCERN_STATUS,
            stakeholder_labels.CATEGORY,
            stakeholder_labels.KIND,
            stakeholder_labels.CHANNEL,
        ):
            if value in table:
                return str(table[value])
    return str(value)


def detail_label(key: str) -> str:
    return str(DETAIL_LABELS[key]) if key in DETAIL_LABELS else _readable(key)


def details(detail: dict | None) -> list[tuple[str, str]]:
    """(label, value) per shown detail of an event, in a stable order."""
    return [(detail_label(k), _value(k, v)) for k, v in sorted((detail or {}).items()) if k not in HIDDEN_DETAILS]
