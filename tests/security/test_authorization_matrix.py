"""Authorization matrix: every route of the URL map × every actor gets the expected answer.

A route without an entry in EXPECTED makes the test fail, so a new page or endpoint cannot land
without someone deciding who may use it. Actors: anonymous, a respondent holding a valid
invitation token (no account), an ICT lead and a bestuurder who are members of the traject, a
regisseur of another traject, and the regisseur of this traject.

Expected answers: "ok" (served: 2xx/3xx that is not a redirect to the login page, 4xx input
errors such as 400/409/410/422 count as served), "login" (HTML: redirect to /login), 401 (API
without a valid token), 403, 404.
"""

from __future__ import annotations

import pytest
from builders import api_token, gen_traject, gen_user

from app.extensions import db
from app.models import Job, Organisation, TrajectMember
from app.models.advice import RoadmapAction, SwotItem
from app.services import participants as participant_service
from app.services import questionnaires as questionnaire_service

ACTORS = ("anonymous", "respondent", "ict_lead", "bestuurder", "other_regisseur", "regisseur")

# Profiles: expected answer per actor, in ACTORS order.
PUBLIC = dict(zip(ACTORS, ["ok"] * 6))
LOGGED_IN = dict(zip(ACTORS, ["login", "login", "ok", "ok", "ok", "ok"]))
REGISSEUR_ROLE = dict(zip(ACTORS, ["login", "login", 403, 403, "ok", "ok"]))
MEMBER_READ = dict(zip(ACTORS, ["login", "login", "ok", "ok", 404, "ok"]))
OWNER_WRITE = dict(zip(ACTORS, ["login", "login", 403, 403, 404, "ok"]))
BOARD_ONLY = dict(zip(ACTORS, ["login", "login", 403, "ok", 403, 403]))
API_BOARD_ONLY = dict(zip(ACTORS, [401, 401, 403, "ok", 403, 403]))  # a regisseur never records a board's decision
TOKEN = dict(zip(ACTORS, [404, "ok", 404, 404, 404, 404]))  # only the holder of a valid token
RESET_TOKEN = dict(zip(ACTORS, [410] * 6))  # nobody in the matrix holds a valid reset link
API_PUBLIC = PUBLIC
API_ANY = dict(zip(ACTORS, [401, 401, "ok", "ok", "ok", "ok"]))
API_REGISSEUR_ROLE = dict(zip(ACTORS, [401, 401, 403, 403, "ok", "ok"]))
API_MEMBER_READ = dict(zip(ACTORS, [401, 401, "ok", "ok", 404, "ok"]))
API_OWNER_WRITE = dict(zip(ACTORS, [401, 401, 403, 403, 404, "ok"]))
API_SUBMIT = dict(zip(ACTORS, [404, "ok", 404, 404, 404, 404]))  # authorised by the invitation token

# (endpoint, method) → (url template, profile). {tid} etc. are filled from the world below.
EXPECTED = {
    ("main.home", "GET"): ("/", PUBLIC),  # redirects to the login page or the traject list
    ("main.language", "GET"): ("/taal/en", PUBLIC),
    ("auth.login", "GET"): ("/login", PUBLIC),
    ("auth.login", "POST"): ("/login", PUBLIC),
    ("auth.logout", "POST"): ("/logout", LOGGED_IN),
    ("auth.change_password", "GET"): ("/account/wachtwoord", LOGGED_IN),
    ("auth.change_password", "POST"): ("/account/wachtwoord", LOGGED_IN),
    ("auth.reset_request", "GET"): ("/wachtwoord-vergeten", PUBLIC),
    ("auth.reset_request", "POST"): ("/wachtwoord-vergeten", PUBLIC),
    ("auth.reset", "GET"): ("/wachtwoord-herstellen/ongeldig", RESET_TOKEN),
    ("auth.reset", "POST"): ("/wachtwoord-herstellen/ongeldig", RESET_TOKEN),
    ("trajects.index", "GET"): ("/trajecten/", LOGGED_IN),
    ("trajects.create", "GET"): ("/trajecten/nieuw", REGISSEUR_ROLE),
    ("trajects.create", "POST"): ("/trajecten/nieuw", REGISSEUR_ROLE),
    ("trajects.show", "GET"): ("/trajecten/{tid}", MEMBER_READ),
    ("trajects.edit", "GET"): ("/trajecten/{tid}/bewerken", OWNER_WRITE),
    ("trajects.edit", "POST"): ("/trajecten/{tid}/bewerken", OWNER_WRITE),
    ("trajects.add_organisation", "GET"): ("/trajecten/{tid}/organisaties/nieuw", OWNER_WRITE),
    ("trajects.add_organisation", "POST"): ("/trajecten/{tid}/organisaties/nieuw", OWNER_WRITE),
    ("trajects.edit_organisation", "GET"): ("/trajecten/{tid}/organisaties/{oid}/bewerken", OWNER_WRITE),
    ("trajects.edit_organisation", "POST"): ("/trajecten/{tid}/organisaties/{oid}/bewerken", OWNER_WRITE),
    ("trajects.delete_organisation", "POST"): ("/trajecten/{tid}/organisaties/{oid}/verwijderen", OWNER_WRITE),
    ("trajects.import_organisations", "GET"): ("/trajecten/{tid}/organisaties/import", OWNER_WRITE),
    ("trajects.import_organisations", "POST"): ("/trajecten/{tid}/organisaties/import", OWNER_WRITE),
    ("trajects.members", "GET"): ("/trajecten/{tid}/leden", MEMBER_READ),
    ("trajects.participant_list_page", "GET"): ("/trajecten/{tid}/deelnemerslijst", dict(MEMBER_READ, ict_lead=403)),
    ("trajects.members", "POST"): ("/trajecten/{tid}/leden", dict(MEMBER_READ, ict_lead=403, bestuurder=403)),
    ("trajects.remove_member", "POST"): ("/trajecten/{tid}/leden/{mid}/verwijderen", OWNER_WRITE),
    ("trajects.audit_log", "GET"): ("/trajecten/{tid}/logboek", OWNER_WRITE),
    ("trajects.outbox", "GET"): ("/trajecten/{tid}/outbox", OWNER_WRITE),
    ("trajects.privacy_overview", "GET"): ("/trajecten/{tid}/privacy", OWNER_WRITE),
    ("trajects.privacy_retention", "POST"): ("/trajecten/{tid}/privacy/bewaartermijn", OWNER_WRITE),
    ("trajects.privacy_export", "POST"): ("/trajecten/{tid}/privacy/export", OWNER_WRITE),
    ("trajects.privacy_erase", "GET"): ("/trajecten/{tid}/privacy/wissen", OWNER_WRITE),
    ("trajects.privacy_erase", "POST"): ("/trajecten/{tid}/privacy/wissen", OWNER_WRITE),
    ("questionnaires.index", "GET"): ("/trajecten/{tid}/vragenlijsten", MEMBER_READ),
    ("questionnaires.create", "GET"): ("/trajecten/{tid}/vragenlijsten/nieuw", OWNER_WRITE),
    ("questionnaires.create", "POST"): ("/trajecten/{tid}/vragenlijsten/nieuw", OWNER_WRITE),
    ("questionnaires.import_", "GET"): ("/trajecten/{tid}/vragenlijsten/import", OWNER_WRITE),
    ("questionnaires.import_", "POST"): ("/trajecten/{tid}/vragenlijsten/import", OWNER_WRITE),
    ("questionnaires.show", "GET"): ("/vragenlijsten/{qd}", MEMBER_READ),
    ("questionnaires.settings", "GET"): ("/vragenlijsten/{qd}/instellingen", OWNER_WRITE),
    ("questionnaires.settings", "POST"): ("/vragenlijsten/{qd}/instellingen", OWNER_WRITE),
    ("questionnaires.add_section", "GET"): ("/vragenlijsten/{qd}/secties/nieuw", OWNER_WRITE),
    ("questionnaires.add_section", "POST"): ("/vragenlijsten/{qd}/secties/nieuw", OWNER_WRITE),
    ("questionnaires.edit_section", "GET"): ("/vragenlijsten/{qd}/secties/{skey}/bewerken", OWNER_WRITE),
    ("questionnaires.edit_section", "POST"): ("/vragenlijsten/{qd}/secties/{skey}/bewerken", OWNER_WRITE),
    ("questionnaires.move_section", "POST"): ("/vragenlijsten/{qd}/secties/{skey}/verplaatsen", OWNER_WRITE),
    ("questionnaires.delete_section", "POST"): ("/vragenlijsten/{qd}/secties/{skey}/verwijderen", OWNER_WRITE),
    ("questionnaires.add_question", "GET"): ("/vragenlijsten/{qd}/secties/{skey}/vragen/nieuw", OWNER_WRITE),
    ("questionnaires.add_question", "POST"): ("/vragenlijsten/{qd}/secties/{skey}/vragen/nieuw", OWNER_WRITE),
    ("questionnaires.edit_question", "GET"): ("/vragenlijsten/{qd}/vragen/{qkey}/bewerken", OWNER_WRITE),
    ("questionnaires.edit_question", "POST"): ("/vragenlijsten/{qd}/vragen/{qkey}/bewerken", OWNER_WRITE),
    ("questionnaires.move_question", "POST"): ("/vragenlijsten/{qd}/vragen/{qkey}/verplaatsen", OWNER_WRITE),
    ("questionnaires.delete_question", "POST"): ("/vragenlijsten/{qd}/vragen/{qkey}/verwijderen", OWNER_WRITE),
    ("questionnaires.preview", "GET"): ("/vragenlijsten/{qd}/voorbeeld", MEMBER_READ),
    ("questionnaires.preview", "POST"): ("/vragenlijsten/{qd}/voorbeeld", MEMBER_READ),
    ("questionnaires.publish", "GET"): ("/vragenlijsten/{qd}/publiceren", OWNER_WRITE),
    ("questionnaires.publish", "POST"): ("/vragenlijsten/{qd}/publiceren", OWNER_WRITE),
    ("questionnaires.close", "POST"): ("/vragenlijsten/{qs}/sluiten", OWNER_WRITE),
    ("questionnaires.duplicate", "POST"): ("/vragenlijsten/{qd}/dupliceren", OWNER_WRITE),
    ("questionnaires.new_version", "POST"): ("/vragenlijsten/{qs}/nieuwe-versie", OWNER_WRITE),
    ("questionnaires.delete", "POST"): ("/vragenlijsten/{qd}/verwijderen", OWNER_WRITE),
    ("questionnaires.export", "GET"): ("/vragenlijsten/{qd}/export.yaml", OWNER_WRITE),
    ("distribution.participants", "GET"): ("/vragenlijsten/{qs}/deelnemers", OWNER_WRITE),
    ("distribution.participants", "POST"): ("/vragenlijsten/{qs}/deelnemers", OWNER_WRITE),
    ("distribution.import_participants", "GET"): ("/vragenlijsten/{qs}/deelnemers/import", OWNER_WRITE),
    ("distribution.import_participants", "POST"): ("/vragenlijsten/{qs}/deelnemers/import", OWNER_WRITE),
    ("distribution.send_invitations", "POST"): ("/vragenlijsten/{qs}/deelnemers/uitnodigen", OWNER_WRITE),
    ("distribution.resend_invitation", "POST"): ("/vragenlijsten/{qs}/deelnemers/{pid}/opnieuw", OWNER_WRITE),
    ("distribution.send_reminders", "POST"): ("/vragenlijsten/{qs}/deelnemers/herinneren", OWNER_WRITE),
    ("distribution.links_csv", "GET"): ("/vragenlijsten/{qs}/deelnemers/links.csv", OWNER_WRITE),
    ("distribution.review_invitations", "GET"): ("/vragenlijsten/{qs}/deelnemers/versturen", OWNER_WRITE),
    ("distribution.review_reminders", "GET"): ("/vragenlijsten/{qs}/deelnemers/herinneren/controleren", OWNER_WRITE),
    ("distribution.self_distribution", "POST"): ("/trajecten/{tid}/verspreiding/zelf-verspreiden", OWNER_WRITE),
    ("distribution.follow_up", "GET"): ("/vragenlijsten/{qs}/respons", MEMBER_READ),
    ("distribution.overview", "GET"): ("/trajecten/{tid}/verspreiding", MEMBER_READ),
    ("distribution.opt_out", "GET"): ("/afmelden/{token}", TOKEN),
    ("distribution.opt_out", "POST"): ("/afmelden/{token}", TOKEN),
    ("respond.start", "GET"): ("/v/{token}", TOKEN),
    ("respond.section", "GET"): ("/v/{token}/{rskey}", TOKEN),
    ("respond.section", "POST"): ("/v/{token}/{rskey}", TOKEN),
    ("respond.saved", "GET"): ("/v/{token}/_opgeslagen", TOKEN),
    ("respond.review", "GET"): ("/v/{token}/_controle", TOKEN),
    ("respond.submit", "POST"): ("/v/{token}/_verzenden", TOKEN),
    ("respond.thanks", "GET"): ("/v/{token}/_bedankt", TOKEN),
    ("respond.fresh_link", "POST"): ("/v/{token}/_nieuwe-link", TOKEN),
    ("respond.statement", "GET"): ("/trajecten/{tid}/verklaring", BOARD_ONLY),
    ("respond.statement", "POST"): ("/trajecten/{tid}/verklaring", BOARD_ONLY),
    # The world's bestuurder has signed nothing yet: their own version 1 does not exist.
    ("respond.statement_version", "GET"): ("/trajecten/{tid}/verklaring/versie/1", dict(BOARD_ONLY, bestuurder=404)),
    ("respond.responses_overview", "GET"): ("/trajecten/{tid}/antwoorden", OWNER_WRITE),
    ("respond.responses_csv_download", "GET"): ("/trajecten/{tid}/vragenlijsten/{qs}/antwoorden.csv", OWNER_WRITE),
    ("results.dashboard", "GET"): ("/trajecten/{tid}/resultaten", MEMBER_READ),
    ("results.differences", "GET"): ("/trajecten/{tid}/resultaten/verschillen", MEMBER_READ),
    ("results.quality", "GET"): ("/trajecten/{tid}/resultaten/instrumentkwaliteit", MEMBER_READ),
    ("results.dashboard_detail", "GET"): ("/trajecten/{tid}/resultaten/bestuur", MEMBER_READ),
    ("results.staff_results", "GET"): ("/resultaten/{token}", TOKEN),
    ("results.swot", "GET"): ("/trajecten/{tid}/swot", MEMBER_READ),
    ("results.swot_scores", "POST"): ("/trajecten/{tid}/swot/confrontatie", OWNER_WRITE),
    ("results.swot_item_save", "POST"): ("/trajecten/{tid}/swot/punten", OWNER_WRITE),
    ("results.swot_item_delete", "POST"): ("/trajecten/{tid}/swot/punten/{sid}/verwijderen", OWNER_WRITE),
    ("results.swot_selection", "POST"): ("/trajecten/{tid}/swot/selectie", OWNER_WRITE),
    ("results.swot_suggestion_adopt", "POST"): ("/trajecten/{tid}/swot/suggesties", OWNER_WRITE),
    ("results.motives", "GET"): ("/trajecten/{tid}/motieven", MEMBER_READ),
    ("results.ict_users", "GET"): ("/trajecten/{tid}/ict-gebruikers", MEMBER_READ),
    ("results.feasibility", "GET"): ("/trajecten/{tid}/haalbaarheid", MEMBER_READ),
    ("results.feasibility_override", "POST"): ("/trajecten/{tid}/haalbaarheid/overschrijven", OWNER_WRITE),
    ("results.feasibility_override_remove", "POST"): (
        "/trajecten/{tid}/haalbaarheid/overschrijven/verwijderen",
        OWNER_WRITE,
    ),
    ("results.roadmap", "GET"): ("/trajecten/{tid}/routekaart", MEMBER_READ),
    ("results.roadmap_generate", "POST"): ("/trajecten/{tid}/routekaart/voorstel", OWNER_WRITE),
    ("results.roadmap_save", "POST"): ("/trajecten/{tid}/routekaart/acties/{aid}", OWNER_WRITE),
    ("results.roadmap_delete", "POST"): ("/trajecten/{tid}/routekaart/acties/{aid}/verwijderen", OWNER_WRITE),
    ("results.report", "GET"): ("/trajecten/{tid}/rapport", MEMBER_READ),
    ("results.report_build", "POST"): ("/trajecten/{tid}/rapport/bouwen", MEMBER_READ),
    ("results.report_download", "GET"): ("/trajecten/{tid}/rapport.pdf", MEMBER_READ),
    ("results.report_texts", "POST"): ("/trajecten/{tid}/rapport/teksten", OWNER_WRITE),
    ("results.version_publish", "POST"): ("/trajecten/{tid}/adviesversies", OWNER_WRITE),
    ("results.versions", "GET"): ("/trajecten/{tid}/adviesversies", MEMBER_READ),
    ("results.version_show", "GET"): ("/adviesversies/{vid}", MEMBER_READ),
    ("results.version_download", "GET"): ("/adviesversies/{vid}/rapport.pdf", MEMBER_READ),
    ("results.version_decision", "GET"): ("/adviesversies/{vid}/besluit", BOARD_ONLY),
    ("results.version_decision", "POST"): ("/adviesversies/{vid}/besluit", BOARD_ONLY),
    ("results.version_outcome", "GET"): ("/adviesversies/{vid}/uitkomst", MEMBER_READ),
    ("results.version_close", "POST"): ("/adviesversies/{vid}/besluitronde-sluiten", OWNER_WRITE),
    ("results.version_mr", "POST"): ("/adviesversies/{vid}/medezeggenschap/{oid}", OWNER_WRITE),
    ("results.phases", "GET"): ("/trajecten/{tid}/voortgang", MEMBER_READ),
    ("results.version_consultation", "POST"): ("/adviesversies/{vid}/consultatie", OWNER_WRITE),
    ("results.phase_go_on", "POST"): ("/trajecten/{tid}/voortgang/analyse/doorgaan", OWNER_WRITE),
    ("results.jobs", "GET"): ("/trajecten/{tid}/taken", MEMBER_READ),
    ("results.job_status", "GET"): ("/trajecten/{tid}/taken/{jid}.json", MEMBER_READ),
    ("results.recompute", "POST"): ("/trajecten/{tid}/taken/herberekenen", OWNER_WRITE),
    ("results.retry", "POST"): ("/trajecten/{tid}/taken/{jid}/opnieuw", OWNER_WRITE),
    ("api.health", "GET"): ("/api/v1/health", API_PUBLIC),
    ("api.openapi", "GET"): ("/api/v1/openapi.json", API_PUBLIC),
    ("api.list_trajects", "GET"): ("/api/v1/trajects", API_ANY),
    ("api.create_traject", "POST"): ("/api/v1/trajects", API_REGISSEUR_ROLE),
    ("api.get_traject", "GET"): ("/api/v1/trajects/{tid}", API_MEMBER_READ),
    ("api.update_traject", "PATCH"): ("/api/v1/trajects/{tid}", API_OWNER_WRITE),
    ("api.add_member", "POST"): ("/api/v1/trajects/{tid}/members", API_OWNER_WRITE),
    ("api.list_organisations", "GET"): ("/api/v1/trajects/{tid}/organisations", API_MEMBER_READ),
    ("api.create_organisation", "POST"): ("/api/v1/trajects/{tid}/organisations", API_OWNER_WRITE),
    ("api.list_questionnaire_templates", "GET"): ("/api/v1/templates", API_ANY),
    ("api.create_questionnaire", "POST"): ("/api/v1/trajects/{tid}/questionnaires", API_OWNER_WRITE),
    ("api.get_questionnaire", "GET"): ("/api/v1/questionnaires/{qs}", API_MEMBER_READ),
    ("api.publish_questionnaire", "POST"): ("/api/v1/questionnaires/{qd}/publish", API_OWNER_WRITE),
    ("api.close_questionnaire", "POST"): ("/api/v1/questionnaires/{qs}/close", API_OWNER_WRITE),
    ("api.add_participants", "POST"): ("/api/v1/questionnaires/{qs}/participants", API_OWNER_WRITE),
    ("api.send_invitations", "POST"): ("/api/v1/questionnaires/{qs}/invitations", API_OWNER_WRITE),
    ("api.response_rate", "GET"): ("/api/v1/questionnaires/{qs}/response-rate", API_MEMBER_READ),
    ("api.responses_csv", "GET"): ("/api/v1/questionnaires/{qs}/responses.csv", API_OWNER_WRITE),
    ("api.submit_response", "POST"): ("/api/v1/responses", API_SUBMIT),
    ("api.recompute", "POST"): ("/api/v1/trajects/{tid}/recompute", API_OWNER_WRITE),
    ("api.get_job", "GET"): ("/api/v1/jobs/{jid}", API_MEMBER_READ),
    ("api.get_swot", "GET"): ("/api/v1/trajects/{tid}/swot", API_MEMBER_READ),
    ("api.get_feasibility", "GET"): ("/api/v1/trajects/{tid}/feasibility", API_MEMBER_READ),
    ("api.get_roadmap", "GET"): ("/api/v1/trajects/{tid}/roadmap", API_MEMBER_READ),
    ("api.get_report_pdf", "GET"): ("/api/v1/trajects/{tid}/report.pdf", API_MEMBER_READ),
    ("api.get_report_xlsx", "GET"): ("/api/v1/trajects/{tid}/report.xlsx", API_MEMBER_READ),
    ("api.create_advice_version", "POST"): ("/api/v1/trajects/{tid}/advice-versions", API_OWNER_WRITE),
    ("api.list_advice_versions", "GET"): ("/api/v1/trajects/{tid}/advice-versions", API_MEMBER_READ),
    ("api.get_advice_version", "GET"): ("/api/v1/advice-versions/{vid}", API_MEMBER_READ),
    ("api.get_advice_version_pdf", "GET"): ("/api/v1/advice-versions/{vid}/report.pdf", API_MEMBER_READ),
    ("api.get_advice_version_xlsx", "GET"): ("/api/v1/advice-versions/{vid}/report.xlsx", API_MEMBER_READ),
    ("api.create_decision", "POST"): ("/api/v1/advice-versions/{vid}/decisions", API_BOARD_ONLY),
    ("api.list_decisions", "GET"): ("/api/v1/advice-versions/{vid}/decisions", API_MEMBER_READ),
    ("api.close_decisions", "POST"): ("/api/v1/advice-versions/{vid}/close-decisions", API_OWNER_WRITE),
    ("api.get_indicators", "GET"): ("/api/v1/trajects/{tid}/indicators", API_MEMBER_READ),
    # Stakeholder engagement (issue 14): bestuurders (and ICT leads) of the traject read, the regisseur writes.
    ("stakeholders.register", "GET"): ("/trajecten/{tid}/belanghebbenden", MEMBER_READ),
    ("stakeholders.grid", "GET"): ("/trajecten/{tid}/belanghebbenden/krachtenveld", MEMBER_READ),
    ("stakeholders.show", "GET"): ("/trajecten/{tid}/belanghebbenden/{shid}", MEMBER_READ),
    ("stakeholders.add", "GET"): ("/trajecten/{tid}/belanghebbenden/nieuw", OWNER_WRITE),
    ("stakeholders.add", "POST"): ("/trajecten/{tid}/belanghebbenden/nieuw", OWNER_WRITE),
    ("stakeholders.edit", "GET"): ("/trajecten/{tid}/belanghebbenden/{shid}/bewerken", OWNER_WRITE),
    ("stakeholders.edit", "POST"): ("/trajecten/{tid}/belanghebbenden/{shid}/bewerken", OWNER_WRITE),
    ("stakeholders.move", "POST"): ("/trajecten/{tid}/belanghebbenden/{shid}/verplaatsen", OWNER_WRITE),
    ("stakeholders.derive", "POST"): ("/trajecten/{tid}/belanghebbenden/{shid}/communicatie-afleiden", OWNER_WRITE),
    ("stakeholders.delete", "POST"): ("/trajecten/{tid}/belanghebbenden/{shid}/verwijderen", OWNER_WRITE),
    ("stakeholders.import_csv", "GET"): ("/trajecten/{tid}/belanghebbenden/import", OWNER_WRITE),
    ("stakeholders.import_csv", "POST"): ("/trajecten/{tid}/belanghebbenden/import", OWNER_WRITE),
    ("stakeholders.engagements", "GET"): ("/trajecten/{tid}/betrokkenheid", MEMBER_READ),
    ("stakeholders.engagement_add", "GET"): ("/trajecten/{tid}/betrokkenheid/nieuw", OWNER_WRITE),
    ("stakeholders.engagement_add", "POST"): ("/trajecten/{tid}/betrokkenheid/nieuw", OWNER_WRITE),
    ("stakeholders.engagement_edit", "GET"): ("/trajecten/{tid}/betrokkenheid/{eid}/bewerken", OWNER_WRITE),
    ("stakeholders.engagement_edit", "POST"): ("/trajecten/{tid}/betrokkenheid/{eid}/bewerken", OWNER_WRITE),
    ("stakeholders.engagement_delete", "POST"): ("/trajecten/{tid}/betrokkenheid/{eid}/verwijderen", OWNER_WRITE),
    ("stakeholders.concerns", "GET"): ("/trajecten/{tid}/zorgen", MEMBER_READ),
    ("stakeholders.concern", "GET"): ("/trajecten/{tid}/zorgen/{cid}", MEMBER_READ),
    ("stakeholders.concern", "POST"): ("/trajecten/{tid}/zorgen/{cid}", OWNER_WRITE),
    ("stakeholders.concern_add", "GET"): ("/trajecten/{tid}/zorgen/nieuw", OWNER_WRITE),
    ("stakeholders.concern_add", "POST"): ("/trajecten/{tid}/zorgen/nieuw", OWNER_WRITE),
    ("stakeholders.concern_convert", "POST"): ("/trajecten/{tid}/zorgen/{cid}/actie", OWNER_WRITE),
    ("stakeholders.plan", "GET"): ("/trajecten/{tid}/communicatieplan", MEMBER_READ),
    ("stakeholders.plan_item", "GET"): ("/trajecten/{tid}/communicatieplan/{ciid}/bewerken", OWNER_WRITE),
    ("stakeholders.plan_item", "POST"): ("/trajecten/{tid}/communicatieplan/{ciid}/bewerken", OWNER_WRITE),
    ("stakeholders.plan_item_delete", "POST"): ("/trajecten/{tid}/communicatieplan/{ciid}/verwijderen", OWNER_WRITE),
    ("stakeholders.staff_concern", "GET"): ("/zorg/{token}", TOKEN),
    ("stakeholders.staff_concern", "POST"): ("/zorg/{token}", TOKEN),
    ("api.list_stakeholders", "GET"): ("/api/v1/trajects/{tid}/stakeholders", API_MEMBER_READ),
    ("api.create_stakeholder", "POST"): ("/api/v1/trajects/{tid}/stakeholders", API_OWNER_WRITE),
    ("api.list_engagements", "GET"): ("/api/v1/trajects/{tid}/engagements", API_MEMBER_READ),
    ("api.create_engagement", "POST"): ("/api/v1/trajects/{tid}/engagements", API_OWNER_WRITE),
    ("api.list_concerns", "GET"): ("/api/v1/trajects/{tid}/concerns", API_MEMBER_READ),
    ("api.create_concern", "POST"): ("/api/v1/trajects/{tid}/concerns", API_OWNER_WRITE),
}
# Routes whose rule has optional parts register twice; the second form maps to the same rights.
ALIASES = {
    ("results.roadmap_save", "POST"),
    ("results.swot_item_save", "POST"),
    ("stakeholders.plan_item", "GET"),
    ("stakeholders.plan_item", "POST"),
}


def _routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((rule.endpoint, method))
    return routes


def test_every_route_has_an_entry(app):
    missing = sorted(_routes(app) - set(EXPECTED))
    assert missing == [], f"routes without an authorization entry: {missing}"
    stale = sorted(set(EXPECTED) - _routes(app))
    assert stale == [], f"entries for routes that no longer exist: {stale}"


@pytest.fixture
def world(app):
    """A traject with every kind of object a route can point at, and one client per actor."""
    regisseur = gen_user("regisseur", email="regie@example.nl")
    traject = gen_traject(regisseur, organisations=("AA", "BB"))
    aa = db.session.query(Organisation).filter_by(traject_id=traject.id, code="AA").one()
    board = gen_user("bestuurder", email="bestuur@example.nl", organisation=aa)
    lead = gen_user("ict_lead", email="lead@example.nl", organisation=aa)
    for user in (board, lead):
        db.session.add(TrajectMember(traject=traject, user=user))
    other = gen_user("regisseur", email="ander@example.nl")
    gen_traject(other, name="Ander traject", organisations=("ZZ",))
    open_q = questionnaire_service.create_from_template(traject, "ict_staff")
    board_q = questionnaire_service.create_from_template(traject, "board_commitment")
    draft_q = questionnaire_service.create_from_template(traject, "motives")
    db.session.flush()
    questionnaire_service.publish(open_q)
    questionnaire_service.publish(board_q)
    added = participant_service.add_participants(
        open_q, [{"email": "resp@example.nl", "name": "R", "role": "ict_staff", "organisation": "AA"}]
    )
    job = Job(kind="recompute", traject_id=traject.id, state="done", progress=1.0)
    swot = SwotItem(traject_id=traject.id, quadrant="S", text_nl="Sterk", source="manual")
    action = RoadmapAction(traject_id=traject.id, title="Gezamenlijk overleg", horizon="kort")
    db.session.add_all([job, swot, action])
    db.session.commit()
    version = _advice_version(traject, regisseur)
    stakeholder_ids = _stakeholder_world(traject)
    definition = questionnaire_service.definition_of(draft_q)
    member = db.session.query(TrajectMember).filter_by(traject_id=traject.id, user_id=board.id).one()
    values = {
        "tid": traject.id,
        "oid": aa.id,
        "mid": member.id,
        "qs": open_q.id,
        "qd": draft_q.id,
        "skey": definition.sections[0].key,
        "qkey": definition.sections[0].questions[0].key,
        "rskey": questionnaire_service.definition_of(open_q).sections[0].key,
        "pid": added[0].participant.id,
        "token": added[0].token,
        "jid": job.id,
        "sid": swot.id,
        "aid": action.id,
        "vid": version.id,
        **stakeholder_ids,
    }
    users = {"ict_lead": lead, "bestuurder": board, "other_regisseur": other, "regisseur": regisseur}
    return values, users


def _stakeholder_world(traject) -> dict:
    """A stakeholder, an engagement, an open concern and a communication item of the world's traject."""
    from app.services import concerns, engagements, stakeholders

    person = stakeholders.add(traject, {"name": "Bestuur AA", "kind": "group", "influence": 5, "interest": 5})
    meeting = engagements.log(
        traject, {"date": "2027-01-10", "kind": "workshop", "topic": "Sessie", "stakeholders": [person.id]}
    )
    concern = concerns.record(traject, {"text": "Een zorg", "stakeholder": person.id})
    item = engagements.save_item(
        traject, {"stakeholder": person.id, "message": "Nieuwsbrief", "planned_on": "2027-02-01"}
    )
    db.session.commit()
    return {"shid": person.id, "eid": meeting.id, "cid": concern.id, "ciid": item.id}


def _advice_version(traject, regisseur):
    """A published advice version of the world's traject (for the version and decision routes)."""
    from app.services import advice_versions

    version = advice_versions.publish(traject, regisseur, confirm_gaps=True)
    db.session.commit()
    return version


def _classify(response) -> object:
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/login?next=" in location:
        return "login"
    if response.status_code in (401, 403, 404):
        return response.status_code
    if response.status_code == 410 and "/wachtwoord-herstellen/" in response.request.path:
        return 410
    assert response.status_code < 500, f"{response.request.path}: {response.status_code}"
    return "ok"


def _request(app, actor: str, method: str, url: str, values: dict, users: dict, api: bool):
    client = app.test_client()
    headers = {}
    token = values["token"] if actor == "respondent" else "ongeldig-token-000000000000000000000000"
    url = url.replace(values["token"], token) if "{token}" not in url else url.format(**dict(values, token=token))
    if actor in users:
        if api:
            headers = api_token(users[actor])
        else:
            client.post("/login", data={"email": users[actor].email, "password": "correct-horse-battery"})
    kwargs = {"headers": headers}
    if method == "POST":
        if url.endswith("/api/v1/responses"):
            kwargs["json"] = {"token": token, "answers": {}}
        elif api:
            kwargs["json"] = {}
        else:
            kwargs["data"] = {}
    return client.open(url, method=method, **kwargs)


@pytest.mark.parametrize("route", sorted(EXPECTED), ids=lambda r: f"{r[0]}:{r[1]}")
def test_route_answers_each_actor_as_expected(app, world, route):
    values, users = world
    template, profile = EXPECTED[route]
    url = template.format(**values)
    api = template.startswith("/api/")
    outcomes = {}
    for actor in ACTORS:  # the owner goes last: its request may change the world
        response = _request(app, actor, route[1], url, values, users, api)
        outcomes[actor] = _classify(response)
        response.close()  # streamed downloads hold a file open
        db.session.rollback()
    expected = {actor: profile[actor] for actor in ACTORS}
    assert outcomes == expected
