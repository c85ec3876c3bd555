"""Schema-driven fuzzing of API v1 with schemathesis: every operation in /api/v1/openapi.json
gets a bounded, seeded run of generated requests with a real regisseur's bearer token, and every
answer must be no 5xx, a documented status code, a documented content type and a body matching
its schema. Path ids are biased towards objects that exist, so the fuzzer gets past the 404s.
"""

from __future__ import annotations

import warnings
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    # schemathesis 3 still subclasses jsonschema's deprecated RefResolver.
    warnings.simplefilter("ignore", DeprecationWarning)
    import schemathesis
    import schemathesis.specs.openapi.schemas  # noqa: F401  (the lazily imported part)
    from schemathesis import DataGenerationMethod
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )
    from schemathesis.specs.openapi.checks import negative_data_rejection


def _many_more_shim() -> None:
    """hypothesis-jsonschema 0.23 (schemathesis' body generator) calls ``many.more()``, which newer
    Hypothesis replaced by ``with many(...) as elements: for _ in elements``. Give the old call on
    top of the new protocol, only when it is missing."""
    from hypothesis.internal.conjecture import utils as cu

    if hasattr(cu.many, "more"):
        return

    def more(self) -> bool:
        if not hasattr(self, "_compat_iterator"):
            self.__enter__()
            self._compat_iterator = iter(self)
        try:
            next(self._compat_iterator)
        except StopIteration:
            self.__exit__(None, None, None)
            return False
        return True

    cu.many.more = more


_many_more_shim()

# Our document is OpenAPI 3.1; schemathesis 3 supports it behind this switch.
schemathesis.experimental.OPEN_API_3_1.enable()

from builders import api_token, gen_traject, gen_user
from fuzz_strategies import valid_answers
from respond_builders import gen_participant, gen_questionnaire

from app.api.spec import document
from app.extensions import db
from app.jobs import enqueue_recompute
from app.services.responses import definition

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:schemathesis.*")

CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)
# Examples per operation and generation method; the report files are built (PDF) on first
# request, so they get fewer. Seeded (derandomize): every CI run sends the same requests.
EXAMPLES = {DataGenerationMethod.positive: 25, DataGenerationMethod.negative: 12}
SLOW = {
    "/api/v1/trajects/{tid}/report.pdf": 6,
    "/api/v1/trajects/{tid}/report.xlsx": 6,
    "/api/v1/advice-versions/{vid}/report.pdf": 4,
    "/api/v1/advice-versions/{vid}/report.xlsx": 4,
    "/api/v1/trajects/{tid}/advice-versions": 10,
}
# Closing the open questionnaire or creating many objects changes what later operations see;
# these run last, so the others meet an open questionnaire.
LAST = ("/api/v1/questionnaires/{qid}/close", "/api/v1/advice-versions/{vid}/close-decisions")
# Only a bestuurder records a board's decision: that operation is sent with a bestuurder's token.
AS_BOARD = ("/api/v1/advice-versions/{vid}/decisions",)
PUBLISH = "/api/v1/trajects/{tid}/advice-versions"


def _world(app):
    """A regisseur in a traject with organisations, an open and a draft questionnaire, invited
    participants and a job; and a traject of someone else (its ids must answer 404)."""
    user = gen_user("regisseur")
    traject = gen_traject(user, organisations=("AA", "BB"))
    open_q = gen_questionnaire(traject, "ict_staff")
    draft_q = gen_questionnaire(traject, "motives", status="draft")
    closed_q = gen_questionnaire(traject, "ict_staff", status="closed")  # its (empty) CSV can be given
    tokens = [gen_participant(open_q, organisation=code)[1] for code in ("AA", "BB", "AA", "BB")]
    other = gen_traject(gen_user("regisseur"), organisations=("ZZ",))
    other_q = gen_questionnaire(other, "ict_staff")
    job = enqueue_recompute(traject.id, created_by=user.id)
    from app.models import TrajectMember
    from app.services import advice_versions

    board = gen_user("bestuurder")
    board.organisation_id = traject.organisation_by_code("AA").id
    db.session.add(TrajectMember(traject=traject, user=board))
    version = advice_versions.publish(traject, user, confirm_gaps=True)
    db.session.commit()
    return {
        "headers": api_token(user),
        "board_headers": api_token(board),
        "tid": [traject.id, other.id],
        "qid": [open_q.id, draft_q.id, closed_q.id, other_q.id],
        "id": [job.id],
        "vid": [version.id],
        "tokens": tokens,
        "codes": ["AA", "BB"],
        "answers": valid_answers(definition(open_q)),
    }


def _bias(case, world, draw):
    """Mostly swap generated ids, tokens, organisation codes and emails for real or well-formed
    ones (the first, simplest draw is the swap), so requests get past the 404s and into the
    handlers; the rest stays as generated."""
    for name in ("tid", "qid", "id", "vid"):
        if case.path_parameters and name in case.path_parameters and draw(st.integers(0, 3)) < 3:
            case.path_parameters[name] = draw(st.sampled_from(world[name]))
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("token"), str) and draw(st.integers(0, 3)) < 3:
        body["token"] = draw(st.sampled_from(world["tokens"]))
        if draw(st.integers(0, 3)) < 2:
            body["answers"] = draw(world["answers"])
    if isinstance(body, dict) and isinstance(body.get("email"), str) and "role" in body and draw(st.integers(0, 3)) < 3:
        # A member: a real organisation and a plain name, so the generated role decides (otherwise
        # whether any example gets past the 422s depends on the seed).
        body["organisation"] = draw(st.sampled_from(world["codes"]))
        body["name"] = "Fuzz lid"
    if isinstance(body, dict) and isinstance(body.get("participants"), list):
        for row in body["participants"]:
            if isinstance(row, dict) and draw(st.integers(0, 3)) < 3:
                row["organisation"] = draw(st.sampled_from(world["codes"]))
                row["email"] = f"fuzz{draw(st.integers(0, 10**6))}@school.nl"
                row["role"] = draw(st.sampled_from(["ict_staff", "ict_lead"]))


def _operations(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    return sorted(operations, key=lambda op: (op.path in LAST, op.path, op.method))


def test_openapi_document_is_valid_openapi_3_1(client):
    # from_dict(validate_schema=True) checks the document against the OpenAPI 3.1 meta-schema.
    served = client.get("/api/v1/openapi.json").json
    schema = schemathesis.from_dict(served, validate_schema=True)
    assert schema.operations_count > 20
    broken = dict(served, paths={"/x": {"get": {"responses": {"200": {"content": 1}}}}})
    with pytest.raises(Exception, match="(?i)valid|schema"):
        schemathesis.from_dict(broken, validate_schema=True)


@pytest.mark.parametrize(
    "method", [DataGenerationMethod.positive, DataGenerationMethod.negative], ids=["positive", "negative"]
)
def test_every_operation_conforms_to_the_schema(app, client, method):
    """Positive: requests that fit the schema. Negative: requests that break it (wrong types,
    missing fields, out-of-range values), which must be refused with a documented 4xx."""
    world = _world(app)
    schema = schemathesis.from_dict(
        client.get("/api/v1/openapi.json").json, app=app, validate_schema=True, data_generation_methods=[method]
    )
    checks = CHECKS + ((negative_data_rejection,) if method is DataGenerationMethod.negative else ())
    failures = []
    statuses: dict[str, Counter] = {}
    for operation in _operations(schema):
        strategy = operation.as_strategy()
        seen = statuses.setdefault(f"{operation.method.upper()} {operation.path}", Counter())

        @settings(
            max_examples=min(EXAMPLES[method], SLOW.get(operation.path, 100)),
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, data=st.data())
        def run(case, data):
            _bias(case, world, data.draw)
            if operation.path == PUBLISH and isinstance(case.body, dict) and data.draw(st.integers(0, 3)) < 3:
                case.body["confirm"] = True  # publishing with evidence gaps needs the confirmation
            headers = dict(world["headers"]) if operation.path != "/api/v1/responses" else {}
            if operation.path in AS_BOARD and operation.method.upper() == "POST":
                headers = dict(world["board_headers"])
            response = case.call_wsgi(headers=headers)
            db.session.rollback()  # the test keeps one app context; start each request clean
            seen[response.status_code] += 1
            try:
                case.validate_response(response, checks=checks)
            finally:
                response.close()

        try:
            run()
        except Exception as exc:  # collect all operations' failures, then fail once
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
    if method is DataGenerationMethod.positive:
        # The bias towards real ids works: every operation got past its 404s at least once.
        unreached = [name for name, counts in statuses.items() if not any(code < 300 for code in counts)]
        assert not unreached, {name: dict(statuses[name]) for name in unreached}


def test_document_matches_what_the_spec_module_builds(client):
    assert client.get("/api/v1/openapi.json").json == _jsonable(document())


def _jsonable(value):
    import json

    return json.loads(json.dumps(value))
