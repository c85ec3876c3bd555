"""Questionnaire services: templates, editing drafts, freezing on publish, versions, import/export."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from builders import gen_traject
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Organisation, Questionnaire
from app.services import questionnaire_editor as editor
from app.services import questionnaires as service
from app.services.questionnaires import QuestionnaireError
from surveys.io import load_definition
from surveys.model import Questionnaire as Definition
from surveys.templates import TEMPLATE_KEYS


def _count() -> int:
    return db.session.scalar(select(func.count(Questionnaire.id)))


def _q(qid) -> Questionnaire:
    db.session.expire_all()
    return db.session.get(Questionnaire, qid)


def likert_values(key="nieuw_1", **extra):
    values = {
        "key": key,
        "type": "likert",
        "text_nl": "Stelling",
        "text_en": "Statement",
        "required": True,
        "construct": "trust",
        "scale_min": "1",
        "scale_max": "5",
        "labels_nl": "Oneens\nEens",
        "labels_en": "Disagree\nAgree",
    }
    values.update(extra)
    return values


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_create_from_each_template(app, key):
    traject = gen_traject()
    q = service.create_from_template(traject, key)
    db.session.commit()
    q = _q(q.id)
    definition = Definition.from_dict(q.definition)
    assert (q.status, q.version, q.template_key, q.key) == ("draft", 1, key, key)
    assert q.fingerprint == definition.fingerprint()
    assert q.title == definition.title and q.audience == definition.audience
    assert (
        db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == str(q.id))) == "questionnaire.created"
    )


def test_board_commitment_has_a_trust_row_per_partner(app):
    traject = gen_traject(organisations=("ZL", "BM", "EC"))
    q = service.create_from_template(traject, "board_commitment")
    definition = Definition.from_dict(q.definition)
    trust = [x for x in definition.questions() if x.construct == "trust"]
    assert [(x.key, x.partner) for x in trust] == [("trust_bm", "BM"), ("trust_ec", "EC"), ("trust_zl", "ZL")]
    assert "School ZL" in definition.question("trust_zl").text["nl"]
    assert not any(x.repeat for x in definition.questions())


def test_unknown_template_is_refused(app):
    traject = gen_traject()
    with pytest.raises(QuestionnaireError) as exc:
        service.create_from_template(traject, "nope")
    assert "template" in exc.value.errors and _count() == 0


def test_blank_questionnaire_and_settings(app):
    traject = gen_traject()
    q = service.create_blank(traject, "Eigen peiling")
    assert q.status == "draft" and q.key == "eigen_peiling" and len(q.definition["sections"]) == 1
    editor.update_settings(q, {"title_nl": "Peiling", "title_en": "Poll", "audience": "ict_staff", "anonymous": ""})
    assert q.title == {"nl": "Peiling", "en": "Poll"} and q.anonymous is False and q.audience == "ict_staff"
    with pytest.raises(QuestionnaireError) as exc:
        editor.update_settings(q, {"title_nl": "", "title_en": "X", "audience": "ict_staff"})
    assert "title_nl" in exc.value.errors
    with pytest.raises(QuestionnaireError):
        service.create_blank(traject, "  ")


def test_add_edit_move_delete_questions_and_sections(app):
    traject = gen_traject()
    q = service.create_blank(traject, "Peiling")
    editor.add_question(q, "sectie_1", likert_values())
    keys = [x.key for x in Definition.from_dict(q.definition).questions()]
    assert keys == ["vraag_1", "nieuw_1"]
    editor.move_question(q, "nieuw_1", -1)
    assert [x.key for x in Definition.from_dict(q.definition).questions()] == ["nieuw_1", "vraag_1"]
    editor.edit_question(q, "nieuw_1", likert_values(key="stelling", reverse="y", matrix="m1"))
    definition = Definition.from_dict(q.definition)
    assert definition.question("stelling").reverse and definition.question("stelling").labels["nl"] == [
        "Oneens",
        "Eens",
    ]
    editor.add_section(q, {"key": "tweede", "title_nl": "Twee", "title_en": "Two"})
    editor.move_question(q, "vraag_1", 1)  # past the end: into the next section
    definition = Definition.from_dict(q.definition)
    assert [x.key for x in definition.section("tweede").questions][0] == "vraag_1"
    editor.move_section(q, "tweede", -1)
    assert [s["key"] for s in q.definition["sections"]] == ["tweede", "sectie_1"]
    editor.edit_section(
        q,
        "tweede",
        {"key": "tweede", "title_nl": "Deel 2", "title_en": "Part 2", "intro_nl": "Uitleg", "intro_en": "Explanation"},
    )
    assert q.definition["sections"][0]["intro"] == {"nl": "Uitleg", "en": "Explanation"}
    with pytest.raises(QuestionnaireError, match="minstens één vraag"):
        editor.delete_question(q, "stelling")  # the only question of sectie_1
    editor.delete_question(q, "vraag_1_2")
    assert [x["key"] for x in q.definition["sections"][0]["questions"]] == ["vraag_1"]
    editor.delete_section(q, "sectie_1")
    assert [s["key"] for s in q.definition["sections"]] == ["tweede"]
    with pytest.raises(QuestionnaireError, match="minstens één sectie"):
        editor.delete_section(q, "tweede")
    assert q.fingerprint == Definition.from_dict(q.definition).fingerprint()


@pytest.mark.parametrize(
    "values,field",
    [
        ({"type": "single_choice", "options": "a | A"}, "options"),
        ({"type": "likert", "scale_min": "x"}, "scale_min"),
        ({"key": "Hoofdletter"}, "key"),
        ({"text_en": ""}, "text_en"),
        ({"type": "onbekend"}, "type"),
        ({"type": "text", "reverse": "y"}, "reverse"),
    ],
)
def test_invalid_question_fields_are_refused_and_nothing_saved(app, values, field):
    traject = gen_traject()
    q = service.create_blank(traject, "Peiling")
    db.session.commit()
    before = (q.definition, q.fingerprint)
    with pytest.raises(QuestionnaireError) as exc:
        editor.add_question(q, "sectie_1", likert_values(**values))
    assert field in exc.value.errors
    assert (q.definition, q.fingerprint) == before


def test_a_change_that_breaks_the_questionnaire_is_refused_whole(app):
    traject = gen_traject()
    q = service.create_from_template(traject, "ict_foto")
    db.session.commit()
    before = q.fingerprint
    # A condition on a later question, and a duplicate key: both refused, nothing stored.
    first = q.definition["sections"][0]["questions"][0]["key"]
    with pytest.raises(QuestionnaireError, match="ongeldig"):
        editor.edit_question(
            q, first, likert_values(key=first, condition_question="network_state", condition_value="3")
        )
    with pytest.raises(QuestionnaireError, match="bestaat al"):
        editor.add_question(q, q.definition["sections"][0]["key"], likert_values(key="network_state"))
    with pytest.raises(QuestionnaireError, match="Onbekende sectie"):
        editor.add_question(q, "nergens", likert_values())
    assert q.fingerprint == before and _q(q.id).fingerprint == before


def test_publish_freezes_and_edits_are_refused(app):
    traject = gen_traject()
    q = service.create_from_template(traject, "motives")
    opens = datetime(2030, 1, 6, 8, tzinfo=timezone(timedelta(hours=1)))
    closes = opens + timedelta(days=14)
    service.publish(q, opens, closes)
    db.session.commit()
    q = _q(q.id)
    assert q.status == "open" and q.opens_at == opens and q.opens_at.utcoffset() is not None
    assert q.published_at is not None
    frozen = service.FROZEN
    for edit in (
        lambda: editor.add_question(q, "belang", likert_values()),
        lambda: editor.delete_question(q, "motive_cost"),
        lambda: editor.move_question(q, "motive_cost", 1),
        lambda: editor.add_section(q, {"key": "x", "title_nl": "X", "title_en": "X"}),
        lambda: editor.update_settings(q, {"title_nl": "X", "title_en": "X", "audience": "all"}),
    ):
        with pytest.raises(QuestionnaireError, match=frozen):
            edit()
    with pytest.raises(QuestionnaireError) as exc:
        service.publish(q)
    assert exc.value.conflict
    service.close(q)
    assert q.status == "closed" and q.closed_at is not None
    with pytest.raises(QuestionnaireError):
        service.close(q)


def test_publish_refuses_close_before_open(app):
    q = service.create_from_template(gen_traject(), "motives")
    opens = datetime(2030, 1, 6, tzinfo=UTC)
    with pytest.raises(QuestionnaireError) as exc:
        service.publish(q, opens, opens - timedelta(days=1))
    assert "closes_at" in exc.value.errors and q.status == "draft"


def test_new_version_and_duplicate(app):
    traject = gen_traject()
    q = service.create_from_template(traject, "ict_staff")
    with pytest.raises(QuestionnaireError):
        service.new_version(q)
    service.publish(q)
    db.session.commit()
    v2 = service.new_version(q)
    db.session.commit()
    assert (v2.status, v2.version, v2.previous_id, v2.template_key) == ("draft", 2, q.id, "ict_staff")
    assert v2.definition["version"] == 2 and v2.fingerprint != q.fingerprint
    editor.add_question(v2, v2.definition["sections"][0]["key"], likert_values())
    assert q.definition["version"] == 1 and "nieuw_1" not in str(q.definition)
    with pytest.raises(QuestionnaireError, match="versie 2"):
        service.new_version(q)
    copy_ = service.duplicate(q)
    assert copy_.status == "draft" and copy_.version == 1 and copy_.previous_id is None
    assert copy_.title["nl"].endswith("(kopie)")
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"questionnaire.published", "questionnaire.versioned", "questionnaire.duplicated"} <= actions


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_import_round_trip(app, fmt):
    traject = gen_traject()
    q = service.create_from_template(traject, "board_commitment")
    text = service.export(q, fmt)
    assert load_definition(text).fingerprint() == q.fingerprint
    other = gen_traject(organisations=("XX",))
    imported = service.import_definition(other, text)
    assert imported.fingerprint == q.fingerprint and imported.traject_id == other.id
    assert imported.status == "draft" and imported.template_key == "board_commitment"
    assert service.export_filename(q, fmt) == f"board_commitment-v1.{fmt}"


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("key: [unclosed", "geen geldige YAML"),
        ("format: draagvlak-questionnaire/1\nkey: x\n", "Ongeldige vragenlijst"),
        ('{"format": "draagvlak-questionnaire/1"}', "Ongeldige vragenlijst"),
        ("/etc/passwd.yaml", "Ongeldige vragenlijst"),
        ("- 1\n- 2\n", "Ongeldige vragenlijst"),
    ],
)
def test_import_errors_create_nothing(app, text, fragment):
    traject = gen_traject()
    with pytest.raises(QuestionnaireError) as exc:
        service.import_definition(traject, text)
    assert fragment in str(exc.value) and "file" in exc.value.errors
    assert _count() == 0


def test_organisation_code_with_dash_still_expands(app):
    traject = gen_traject(organisations=("ZL",))
    db.session.add(Organisation(traject=traject, code="BM-2", name="Bonifatius"))
    db.session.commit()
    db.session.refresh(traject)
    q = service.create_from_template(traject, "board_commitment")
    assert "trust_bm_2" in str(q.definition)
