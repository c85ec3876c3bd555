"""Tests for the four built-in instruments, their listing and their expansion per traject."""

import pathlib
import subprocess
import sys

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.io import validate_definition
from surveys.templates import INSTRUMENTS_DIR, TEMPLATE_KEYS, expand_for_traject, list_templates, load_template
from surveys.types import AnswerError

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOMAINS = ["overleg", "inkoop", "werkplek", "netwerk", "applicaties", "servicedesk", "ibp", "personeel"]
FORMS = ["geen", "projectbasis", "netwerkmodel", "centrummodel", "ssc"]
STAFF_SCALES = [
    "appropriateness",
    "personal_valence",
    "affective_commitment",
    "discrepancy",
    "pressure",
    "efficacy",
    "knowledge",
    "capacity",
    "management_support",
    "leadership_trust",
    "routine_seeking",
    "emotional_reaction",
    "short_term_focus",
    "cognitive_rigidity",
    "normative_commitment",
    "continuance_commitment",
    "benefit_quality",
    "benefit_vulnerability",
    "benefit_cost",
]
PARTNERS = [("ZL", "Zuyderzee Lyceum"), ("BM", "Bonifatius Mavo"), ("EC", "Emelwerda College")]


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_files_match_schema_and_round_trip(key):
    data = yaml.safe_load((INSTRUMENTS_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
    validate_definition(data)
    q = load_template(key)
    assert data["format"] == "draagvlak-questionnaire/1" and data["key"] == key == q.key
    assert q.to_dict() == data
    assert all(len(s.questions) <= 12 for s in q.sections)


def test_load_template_unknown_and_fresh():
    with pytest.raises(ValueError):
        load_template("nope")
    a = load_template("motives")
    a.sections[0].questions.clear()
    assert load_template("motives").sections[0].questions


def test_list_templates():
    listed = {t["key"]: t for t in list_templates()}
    assert list(listed) == list(TEMPLATE_KEYS)
    assert all(set(t) == {"key", "title", "audience", "anonymous", "constructs"} for t in listed.values())
    assert listed["ict_staff"]["anonymous"] is True and listed["ict_staff"]["audience"] == "ict_staff"
    assert listed["ict_foto"]["anonymous"] is False and listed["ict_foto"]["audience"] == "ict_lead"
    assert listed["board_commitment"]["audience"] == "board" and listed["motives"]["audience"] == "all"
    assert {"users", "organisation", "services", "infrastructure", "costs"} <= set(listed["ict_foto"]["constructs"])
    assert "open_text" not in listed["ict_staff"]["constructs"]


def test_staff_scales_have_three_items_and_reverse_items():
    q = load_template("ict_staff")
    likert = [x for x in q.questions() if x.type == "likert"]
    for construct in STAFF_SCALES:
        items = [x for x in likert if x.construct == construct]
        assert len(items) >= 3, construct
    reversed_constructs = {x.construct for x in likert if x.reverse}
    assert len(reversed_constructs) >= 8
    for index in (
        ["appropriateness", "personal_valence", "affective_commitment"],
        ["efficacy", "knowledge", "capacity"],
        ["routine_seeking", "cognitive_rigidity"],
    ):
        assert reversed_constructs & set(index)
    assert all(
        x.scale == {"min": 1, "max": 5} and x.labels["nl"][0] == "Helemaal oneens"
        for x in likert
        if x.construct in STAFF_SCALES
    )
    assert all(x.matrix for x in likert)


def test_staff_domains_and_forms():
    q = load_template("ict_staff")
    support = {x.domain: x for x in q.questions() if x.construct == "domain_support"}
    assert sorted(support) == sorted(DOMAINS) and len({x.matrix for x in support.values()}) == 1
    for domain in DOMAINS:
        form = q.question(f"preferred_form_{domain}")
        assert form.type == "single_choice" and form.construct == "preferred_form" and form.domain == domain
        assert [o["value"] for o in form.options] == FORMS
    for key in ("worries", "conditions"):
        assert q.question(key).type == "text" and q.question(key).required is False
        assert q.question(key).construct == "open_text"
    needs = [x for x in q.questions() if x.construct == "needs"]
    assert {x.type for x in needs} == {"multiple_choice", "likert"}


def test_ict_foto_keys_and_types():
    q = load_template("ict_foto")
    expected = {
        "users_staff": "number",
        "users_students": "number",
        "devices_staff": "number",
        "devices_students": "number",
        "fte_ict": "number",
        "fte_retiring_5y": "number",
        "single_person_dependencies": "number",
        "servicedesk_hours_week": "number",
        "service_satisfaction": "likert",
        "network_state": "likert",
        "server_model": "single_choice",
        "admin_system": "single_choice",
        "elo": "single_choice",
        "office_suite": "single_choice",
        "identity": "single_choice",
        "cost_personnel": "currency",
        "cost_hardware": "currency",
        "cost_licences": "currency",
        "cost_external": "currency",
        "cost_connectivity": "currency",
        "remarks": "text",
    }
    assert {x.key: x.type for x in q.questions()} == expected
    assert q.question("single_person_dependencies").integer is True
    assert q.question("fte_ict").integer is False
    assert q.question("service_satisfaction").construct == "service_satisfaction"
    assert q.question("network_state").construct == "infrastructure_state"
    assert q.question("remarks").required is False
    options = {
        k: [o["value"] for o in q.question(k).options]
        for k in ("server_model", "admin_system", "elo", "office_suite", "identity")
    }
    assert options == {
        "server_model": ["on_premise", "hybride", "cloud"],
        "admin_system": ["magister", "somtoday", "esis", "anders"],
        "elo": ["itslearning", "magister_elo", "somtoday", "teams", "google_classroom", "anders"],
        "office_suite": ["microsoft365", "google_workspace", "anders"],
        "identity": ["entra_id", "google", "entree", "anders"],
    }
    clean, errors = q.validate_all(
        {"fte_ict": "2,6", "cost_hardware": "€ 12.500,00", "single_person_dependencies": "1,5"}
    )
    assert clean["fte_ict"] == 2.6 and clean["cost_hardware"] == 12500.0
    assert errors["single_person_dependencies"] == ["Vul een geheel getal in."]


def test_board_commitment():
    q = load_template("board_commitment")
    for construct in ("affective_commitment", "normative_commitment", "continuance_commitment"):
        assert len([x for x in q.questions() if x.construct == construct]) >= 3
    for domain in DOMAINS:
        form = q.question(f"commit_form_{domain}")
        assert (form.construct, form.domain) == ("commit_form", domain)
        assert [o["value"] for o in form.options] == FORMS
        autonomy = q.question(f"autonomy_{domain}")
        assert (autonomy.type, autonomy.construct, autonomy.domain) == ("likert", "autonomy_willingness", domain)
    trust = q.question("trust")
    assert trust.repeat == "partners" and "{partner}" in trust.text["nl"] and trust.construct == "trust"
    assert q.question("board_conditions").type == "text"
    assert q.question("signature_name").required and q.question("signature_name").type == "text"
    assert q.question("signature_agree").required and q.question("signature_agree").type == "yes_no"


def test_motives():
    q = load_template("motives")
    drivers = ["quality", "vulnerability", "cost", "continuity", "innovation", "professionalisation", "procurement"]
    weights = [x for x in q.questions() if x.construct == "motive_weight"]
    assert [x.domain for x in weights] == drivers
    assert all(x.labels["nl"][0] == "Onbelangrijk" and x.labels["nl"][-1] == "Zeer belangrijk" for x in weights)
    ranking = q.question("motive_ranking")
    assert ranking.type == "ranking" and [o["value"] for o in ranking.options] == drivers
    assert q.question("motive_other").required is False
    assert q.anonymous and q.audience == "all"


def test_expand_for_traject():
    template = load_template("board_commitment")
    q = expand_for_traject(template, PARTNERS)
    keys = [x.key for x in q.questions()]
    assert "trust" not in keys and ["trust_zl", "trust_bm", "trust_ec"] == [k for k in keys if k.startswith("trust")]
    bm = q.question("trust_bm")
    assert bm.partner == "BM" and bm.repeat is None and bm.construct == "trust"
    assert bm.text["nl"] == "Ik vertrouw erop dat Bonifatius Mavo zich houdt aan gemaakte afspraken."
    assert "Bonifatius Mavo" in bm.text["en"] and bm.matrix == template.question("trust").matrix
    assert template.question("trust").repeat == "partners"  # the template is left alone
    assert q.to_dict()["sections"][3]["questions"][1]["partner"] == "BM"
    # Other questionnaires pass through unchanged.
    assert expand_for_traject(load_template("motives"), PARTNERS) == load_template("motives")


def test_expand_without_partners_drops_empty_section():
    q = expand_for_traject(load_template("board_commitment"), [])
    assert "vertrouwen" not in [s.key for s in q.sections]


@pytest.mark.parametrize("partners", [[("ZL", "A"), ("zl", "B")], [("Z L", "A")], [("ZL",)], [("ZL", "")]])
def test_expand_bad_partners(partners):
    with pytest.raises(ValueError):
        expand_for_traject(load_template("board_commitment"), partners)


def test_staff_answers_validate():
    q = load_template("ict_staff")
    raw = {x.key: "3" for x in q.questions() if x.type == "likert"}
    raw.update({"needs_support": ["informatie", "tijd"], "preferred_form_ibp": "ssc", "worries": ""})
    clean, errors = q.validate_all(raw)
    assert errors == {}
    assert clean["preferred_form_ibp"] == "ssc" and "worries" not in clean
    with pytest.raises(AnswerError):
        q.question("needs_support").question_type.validate(
            q.question("needs_support"), ["informatie", "tijd", "scholing", "inspraak"]
        )


def test_surveys_imports_no_web_stack():
    code = (
        "import sys, surveys, surveys.io, surveys.templates, surveys.docs_gen, surveys.model;"
        "bad = [m for m in ('flask', 'sqlalchemy', 'celery') if m in sys.modules];"
        "print(*bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr or result.stdout


answer_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 9),
    st.text(max_size=8),
    st.sampled_from(["3", "ssc", "ja", "tijd|informatie", "1,5"]),
    st.lists(st.sampled_from(["informatie", "tijd", "x"]), max_size=4),
)


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_fuzz_validate_all(key):
    q = load_template(key)
    keys = [x.key for x in q.questions()] + ["onbekend"]

    @settings(max_examples=60, deadline=None)
    @given(st.dictionaries(st.sampled_from(keys), answer_values, max_size=12))
    def run(raw):
        clean, errors = q.validate_all(raw)
        assert not set(clean) & set(errors)
        assert all(isinstance(m, str) for ms in errors.values() for m in ms)
        # Clean answers are accepted as they are.
        for k, v in clean.items():
            assert q.question(k).question_type.validate(q.question(k), v) == v

    run()
