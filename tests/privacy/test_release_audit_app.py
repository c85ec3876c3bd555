"""The release audit through the real service: random submissions by listed and padded participants,
each followed by a recompute and a read of the indicators API as a bestuurder would; afterwards every
release seen is audited together (analysis.disclosure.audit: respondent-level rank test)."""

from __future__ import annotations

from builders import add_member, api_token, gen_traject, gen_user
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from respond_builders import VALID_SMALL, gen_participant, gen_questionnaire

from analysis.disclosure import _inside, audit
from app.extensions import db
from app.models import ReleaseBatch, Response

K = 3
step = st.tuples(
    st.sampled_from(["AA", "BB", "CC"]),
    st.sampled_from(["ict_staff", "ict_lead"]),
    st.booleans(),  # a participant listed before the first response
    st.integers(min_value=1, max_value=5),
)


def _seen(client, board, traject):
    body = client.get(f"/api/v1/trajects/{traject.id}/indicators", headers=api_token(board)).get_json()
    if body["snapshot"] is None:
        return None, {}
    shown = {
        (r["organisation"], r["role"]): r["n"]
        for r in body["constructs"]
        if r["construct"] == "appropriateness" and not r["suppressed"]
    }
    # Roll-up pools ("kleinere scholen samen", issue 15) are released figures too: in the row space.
    shown.update(
        {
            (r["organisation"], r["role"]): r["n"]
            for pool in body["rollups"]
            for r in pool["constructs"]
            if r["construct"] == "appropriateness"
        }
    )
    return body["snapshot"]["number"], shown


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(steps=st.lists(step, min_size=3, max_size=16), close=st.booleans())
def test_every_release_seen_through_the_api_passes_the_audit(app, client, steps, close):
    owner = gen_user("regisseur")
    traject = gen_traject(owner, organisations=("AA", "BB", "CC"), anonymity_threshold=K, comment_threshold=K)
    board = gen_user("bestuurder")
    add_member(traject, board)
    questionnaire = gen_questionnaire(traject)
    listed = {
        (org, role, True): [
            gen_participant(questionnaire, organisation=org, role=role)[1]
            for _ in range(sum(1 for s in steps if s[:3] == (org, role, True)))
        ]
        for org, role, early, _ in steps
        if early
    }
    releases = {}
    for org, role, early, value in steps:
        token = (
            listed[(org, role, True)].pop() if early else gen_participant(questionnaire, organisation=org, role=role)[1]
        )
        answers = dict(VALID_SMALL, wil_1=value, wil_2=value)
        assert client.post("/api/v1/responses", json={"token": token, "answers": answers}).status_code == 201
        number, shown = _seen(client, board, traject)
        if number is not None:
            releases[number] = shown
    if close:
        assert (
            client.post(f"/api/v1/questionnaires/{questionnaire.id}/close", headers=api_token(owner)).status_code == 200
        )
        number, shown = _seen(client, board, traject)
        if number is not None:
            releases[number] = shown
    rows = (
        db.session.query(Response.id, Response.organisation_code, Response.role, ReleaseBatch.number)
        .outerjoin(ReleaseBatch, ReleaseBatch.response_id == Response.id)
        .filter(Response.questionnaire_id == questionnaire.id)
        .all()
    )
    members = []
    for number, shown in sorted(releases.items()):
        release = {"c": {}}
        for (org, role), n in shown.items():
            group = {
                rid for rid, o, r, batch in rows if batch is not None and batch <= number and _inside((org, role), o, r)
            }
            assert len(group) == n >= K
            release["c"][(org, role)] = group
        members.append(release)
    assert audit(members, [r[0] for r in rows], K) == {}
    assert audit(members, [r[0] for r in rows], K, subsets=len(rows) <= 12) == {}
