"""Words on screen (issue 16): the logboek in labels, not codes; one time estimate everywhere; Dutch
SWOT letters; the respondent addressed with *u*; 'project' in English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml
from builders import gen_traject, gen_user, login
from builders_distribution import gen_participant, gen_questionnaire
from flask_babel import force_locale

from app.extensions import db
from app.models import AuditEvent
from app.results.swot_words import item_label, quadrant_letter, rule_label
from app.services import audit, invitations
from app.trajects import audit_labels
from surveys import duration
from surveys.model import Questionnaire as Definition

ROOT = Path(__file__).resolve().parents[2]


def _recorded_actions() -> set[str]:
    """Every audit action the code records with a literal (or an f-string over invitation/reminder)."""
    actions = set()
    for path in list((ROOT / "app").rglob("*.py")) + list((ROOT / "worker").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            first = node.args[0]
            if name == "record" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                actions.add(first.value)
            elif name == "_edit" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                actions.add(node.args[1].value)
            elif name == "record" and isinstance(first, ast.IfExp):
                actions |= {b.value for b in (first.body, first.orelse) if isinstance(b, ast.Constant)}
    return actions | {"invitations.sent", "reminders.sent"}


def test_every_recorded_audit_action_has_a_label():
    actions = _recorded_actions()
    assert len(actions) > 40  # the scan finds the code's actions, not an empty set
    assert sorted(actions - set(audit_labels.ACTION_LABELS)) == []


def test_the_logboek_shows_labels_and_no_fingerprints_in_both_languages(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    audit.record(
        "questionnaire.published",
        object_type="Questionnaire",
        object_id=7,
        traject_id=traject.id,
        fingerprint="5d9ef28b77f3c0ebf6636d951d780eb421fde8e52cdde8cacbf9fe24cc206084",
        opens_at=None,
    )
    audit.record(
        "questionnaire.created", object_type="Questionnaire", object_id=7, traject_id=traject.id, template="ict_foto"
    )
    audit.record(
        "advice.decision",
        object_type="BoardDecision",
        object_id=3,
        traject_id=traject.id,
        decision="yes_with_conditions",
        via="api_token",
        token="abcd1234",
    )
    db.session.commit()
    login(client, owner)
    html = client.get(f"/trajecten/{traject.id}/logboek").get_data(as_text=True)
    table = html.split("<table", 1)[1]
    for shown in (
        "Vragenlijst gepubliceerd",
        "Vragenlijst aangemaakt",
        "sjabloon: ICT-foto",
        "Besluit van een bestuur vastgelegd",
        "besluit: ja, onder voorwaarden",
        "via: API-sleutel",
        "vragenlijst 7",
        "besluit 3",
    ):
        assert shown in table, shown
    for hidden in (
        "5d9ef28b",
        "fingerprint",
        "questionnaire.published",
        "ict_foto",
        "abcd1234",
        "yes_with_conditions",
        "BoardDecision",
    ):
        assert hidden not in table, hidden
    assert ">Vragenlijst gepubliceerd</option>" in html  # the filter lists labels too
    client.get("/taal/en")
    english = client.get(f"/trajecten/{traject.id}/logboek").get_data(as_text=True).split("<table", 1)[1]
    assert (
        "Questionnaire published" in english and "template: " in english and "decision: yes, with conditions" in english
    )
    assert "5d9ef28b" not in english and "questionnaire.published" not in english and "ict_foto" not in english


def test_an_unknown_action_reads_as_words_never_as_the_raw_code():
    assert audit_labels.action_label("stakeholder.party_added") == "stakeholder party added"
    assert audit_labels.details({"some_key": "a_value", "fingerprint": "ab" * 32}) == [("some key", "a_value")]


def test_one_time_estimate_on_the_start_page_and_in_the_mail(client, app):
    traject = gen_traject()
    questionnaire = gen_questionnaire(traject)
    participant, token = gen_participant(questionnaire)
    minutes = duration.minutes_needed(Definition.from_dict(questionnaire.definition))
    assert invitations.minutes_needed(questionnaire) == minutes
    start = client.get(f"/v/{token}").get_data(as_text=True)
    assert f"Ongeveer {minutes} minuten." in start
    with app.test_request_context("/"):
        _, body = invitations.compose("invitation", participant, questionnaire, "Ria")
        _, reminder = invitations.compose("reminder", participant, questionnaire, "Ria")
    assert f"Ongeveer {minutes} minuten" in body and f"ongeveer {minutes} minuten" in reminder
    # No instrument states its own number of minutes any more.
    for path in (ROOT / "surveys/instruments").glob("*.yaml"):
        assert not re.search(r"\d+\s*(minuten|minutes)", path.read_text(encoding="utf-8")), path.name


def test_the_estimate_follows_the_questions():
    from surveys.templates import load_template

    base = load_template("ict_staff").to_dict()
    statement = next(q for s in base["sections"] for q in s["questions"] if q["type"] == "likert")
    open_question = next(q for s in base["sections"] for q in s["questions"] if q["type"] == "text")

    def of(question, n):
        section = {**base["sections"][0], "questions": [{**question, "key": f"q{i}"} for i in range(n)]}
        section.pop("condition", None)
        return Definition.from_dict({**base, "sections": [section]})

    assert duration.minutes_needed(of(statement, 6)) == 1  # six statements of 10 s
    assert duration.minutes_needed(of(statement, 42)) == 7
    assert duration.minutes_needed(of(open_question, 13)) == 15  # 13 minutes reads "about 15 minutes"


def test_swot_letters_and_rules_in_the_readers_language(app):
    with app.test_request_context("/"):
        with force_locale("nl"):
            assert [quadrant_letter(q) for q in "SWOT"] == ["S", "Z", "K", "B"]
            assert [item_label("O", 1), item_label("T", 3), item_label("W", 2)] == ["K1", "B3", "Z2"]
            assert rule_label("bestuur.kloof") == "kloof tussen bestuur en medewerkers"
            assert rule_label("default.krimp") == "standaard uit de casus"
        with force_locale("en"):
            assert [quadrant_letter(q) for q in "SWOT"] == ["S", "W", "O", "T"]
            assert item_label("T", 3) == "T3"
            assert rule_label("bestuur.kloof") == "gap between board and staff"


def test_the_swot_page_shows_no_rule_codes(client, app):
    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    login(client, owner)
    html = client.get(f"/trajecten/{traject.id}/swot").get_data(as_text=True)
    assert "default.krimp" not in html and "<code>" not in html


def test_instruments_address_the_respondent_with_u():
    informal = re.compile(r"\b(je|jij|jou|jouw|jezelf)\b", re.IGNORECASE)

    def dutch(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "nl" and isinstance(value, str):
                    yield value
                else:
                    yield from dutch(value)
        elif isinstance(node, list):
            for value in node:
                yield from dutch(value)

    for path in (ROOT / "surveys/instruments").glob("*.yaml"):
        texts = list(dutch(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert texts, path.name
        assert [t for t in texts if informal.search(t)] == [], path.name


def test_english_says_project_not_traject(app):
    from babel.messages.pofile import read_po

    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    english = [m.string if isinstance(m.string, str) else " ".join(m.string) for m in catalog if m.id]
    assert [s for s in english if re.search(r"(?i)\btrajects?\b", s.replace("%(traject)s", ""))] == []
    with app.test_request_context("/"), force_locale("en"):
        from flask_babel import gettext

        assert gettext("Trajecten") == "Projects"


def test_audit_event_recorded_for_signing_is_labelled(app):
    event = AuditEvent(action="statement.signed", detail={"revision": 2, "organisation": "ZL"})
    with app.test_request_context("/"):
        assert audit_labels.action_label(event.action) == "Commitmentverklaring ondertekend"
        assert audit_labels.details(event.detail) == [("organisatie", "ZL"), ("herziening", "2")]


def test_the_jobs_page_names_each_job_in_words(client, app):
    from app.models import Job

    owner = gen_user("regisseur")
    traject = gen_traject(owner)
    db.session.add_all(
        [
            Job(kind="advice_version:12", traject_id=traject.id, state="done", created_by=owner.id),
            Job(kind="report", traject_id=traject.id, state="done", created_by=owner.id),
        ]
    )
    db.session.commit()
    login(client, owner)
    table = client.get(f"/trajecten/{traject.id}/taken").get_data(as_text=True).split("<table", 1)[1]
    assert "Bestanden van een adviesversie bouwen" in table and "Adviesrapport bouwen" in table
    assert "advice_version" not in table.replace("data-job", "")
