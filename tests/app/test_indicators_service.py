"""Indicator snapshots: figures checked by hand against the raw responses, idempotency, the stale flag, coalescing."""

import math
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from builders import gen_traject
from scipy import stats
from sqlalchemy import func, select, text

from app.extensions import db
from app.models import IndicatorSnapshot, Job, Questionnaire, ReleaseBatch, Response, Traject
from app.services import indicator_reading, indicators, released_comments, simulation
from app.services.demo import load_demo


@pytest.fixture
def demo(app):
    # The case's 470 staff as ICT users, but 160 ICT-staff responses instead of the case's small
    # teams: the hand computations below need a school whose staff group is released.
    traject, _ = load_demo()
    simulation.simulate(traject, 470, seed=11, ict_staff=160)
    db.session.commit()
    return traject


def _staff_answers(traject):
    qid = db.session.scalar(
        select(Questionnaire.id).where(
            Questionnaire.traject_id == traject.id, Questionnaire.template_key == "ict_staff"
        )
    )
    return db.session.execute(
        select(Response.organisation_code, Response.role, Response.answers).where(Response.questionnaire_id == qid)
    ).all()


def _person_score(answers, keys, reverse):
    values = [(6 - answers[k]) if k in reverse else answers[k] for k in keys if k in answers]
    return (sum(values) / len(values)) if len(values) >= len(keys) / 2 else None


def test_simulated_demo_matches_a_computation_by_hand(demo):
    snapshot = indicators.compute_snapshot(demo).snapshot
    rows = _staff_answers(demo)
    keys = ["appropriateness_1", "appropriateness_2", "appropriateness_3"]
    reverse = {"appropriateness_3"}
    group = [a for org, role, a in rows if org == "EC"]
    scores = np.array([s for s in (_person_score(a, keys, reverse) for a in group) if s is not None])
    n = len(scores)
    mean, sd = scores.mean(), scores.std(ddof=1)
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    complete = np.array(
        [[(6 - a[k]) if k in reverse else a[k] for k in keys] for a in group if all(k in a for k in keys)], dtype=float
    )
    k = complete.shape[1]
    alpha = k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / complete.sum(axis=1).var(ddof=1))
    row = next(
        r
        for r in snapshot.payload["constructs"]
        if r["questionnaire"] == "ict_staff"
        and r["construct"] == "appropriateness"
        and r["organisation"] == "EC"
        and r["role"] is None
    )
    assert not row["suppressed"] and row["n"] == n
    assert row["mean"] == pytest.approx(mean, abs=1e-12)
    assert row["sd"] == pytest.approx(sd, abs=1e-12)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((mean - half, mean + half), abs=1e-12)
    assert row["score"] == pytest.approx((mean - 1) / 4 * 100, abs=1e-10)
    assert row["alpha"] == pytest.approx(alpha, abs=1e-12)

    # KUN for everyone: per respondent the mean of its 0-100 construct scores of efficacy, knowledge, capacity.
    kun = []
    for _, _, a in rows:
        parts = []
        for construct in ("efficacy", "knowledge", "capacity"):
            s = _person_score(a, [f"{construct}_{i}" for i in (1, 2, 3)], {f"{construct}_3"})
            if s is not None:
                parts.append((s - 1) / 4 * 100)
        if parts:
            kun.append(sum(parts) / len(parts))
    index = next(
        r
        for r in snapshot.payload["indices"]
        if r["index"] == "kun" and r["organisation"] is None and r["role"] is None
    )
    assert index["n"] == len(kun)
    assert index["value"] == pytest.approx(np.mean(kun), abs=1e-10)


def test_payload_has_every_section_and_suppresses_small_groups(demo):
    result = indicators.compute_snapshot(demo)
    payload = result.snapshot.payload
    assert set(payload) == {
        "constructs",
        "indices",
        "motives",
        "comparisons",
        "board",
        "ict_foto",
        "preferences",
        "comments_released",
        "response_rates",
        "rollups",
        "item_quality",
        "locations",
    }
    assert {r["questionnaire"] for r in payload["constructs"]} >= {"ict_staff", "board_commitment", "motives"}
    assert {r["construct"] for r in payload["motives"]} >= {"motive_quality", "motive_cost"}
    assert set(payload["board"]) == {"trust", "autonomy", "commit_forms", "gap", "motives"}
    # The boards' motives come from their signed statements: one row per school, no threshold.
    assert {r["organisation"] for r in payload["board"]["motives"]} == {None, "BC", "BM", "EC", "VN", "ZL"}
    assert payload["board"]["trust"]["cells"]
    assert len(payload["ict_foto"]) == 5 and payload["ict_foto"][0]["derived"]["cost_per_pupil"] > 0
    small = [r for r in payload["constructs"] if r["suppressed"]]
    assert small and all(r["n"] is None and r["mean"] is None for r in small)
    assert any(r["role"] == "ict_lead" and r["suppressed"] for r in payload["constructs"])
    assert all(p["n"] is None and p["share"] is None for p in payload["preferences"] if p["suppressed"])
    comments = released_comments.rows_of(result.snapshot.id)
    assert comments and all(c["role"] != "ict_lead" for c in comments)
    assert {k: v["count"] for k, v in payload["comments_released"].items() if v["count"]} == dict(
        Counter(c["questionnaire"] for c in comments)
    )
    assert {r["questionnaire"] for r in payload["response_rates"]} == {
        "ict_staff",
        "motives",
        "board_commitment",
        "ict_foto",
        "ict_users",
    }
    anonymity = {r["questionnaire"]: r["anonymous"] for r in payload["response_rates"]}
    assert anonymity == {
        "ict_staff": True,
        "motives": True,
        "board_commitment": False,
        "ict_foto": False,
        "ict_users": True,
    }
    assert result.snapshot.counts["by_questionnaire"]["ict_staff"] == 160
    assert result.stale_cleared


def test_same_input_writes_no_new_snapshot(demo):
    first = indicators.compute_snapshot(demo)
    second = indicators.compute_snapshot(demo)
    assert first.created and not second.created and second.status == "unchanged"
    assert db.session.scalar(select(func.count(IndicatorSnapshot.id))) == 1
    # The same seed gives the same rows (ids included), so a re-simulation is no change either.
    simulation.simulate(demo, 470, seed=11, ict_staff=160)
    db.session.commit()
    assert not indicators.compute_snapshot(demo).created
    demo.anonymity_threshold = 6
    db.session.commit()
    assert indicators.compute_snapshot(demo).created


def test_a_submission_during_the_run_keeps_the_stale_flag(demo, monkeypatch):
    indicators.mark_stale(demo.id)
    db.session.commit()
    qid = db.session.scalar(
        select(Questionnaire.id).where(Questionnaire.traject_id == demo.id, Questionnaire.template_key == "ict_staff")
    )
    real = indicators.read_frames

    def read_then_submit(traject, groups=None):
        frames = real(traject, groups)
        # A respondent submits while the analysis runs: its own transaction, the flag in the same one.
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO responses (id, questionnaire_id, organisation_code, role, submitted_on, "
                    "answers, revision, is_latest) VALUES ('late', :q, 'ZL', 'ict_staff', :d, "
                    "'{\"appropriateness_1\": 4}', 1, true)"
                ),
                {"q": qid, "d": date.today()},
            )
            conn.execute(text("UPDATE trajects SET indicators_stale = true WHERE id = :t"), {"t": traject.id})
        return frames

    monkeypatch.setattr(indicator_reading, "read_frames", read_then_submit)
    result = indicators.compute_snapshot(demo)
    assert result.created and not result.stale_cleared
    db.session.expire_all()
    assert db.session.get(Traject, demo.id).indicators_stale is True
    monkeypatch.setattr(indicator_reading, "read_frames", real)
    again = indicators.compute_snapshot(demo)
    # The flag is cleared by the next run; the single late response is held back (released
    # alone it could be differenced against the previous release), so there is no new release.
    assert not again.created and again.stale_cleared and again.snapshot.id == result.snapshot.id
    assert db.session.get(ReleaseBatch, "late") is None
    db.session.expire_all()
    assert db.session.get(Traject, demo.id).indicators_stale is False


def test_one_run_merges_the_queued_jobs_of_its_traject(demo):
    jobs = [Job(kind="recompute", traject_id=demo.id, state="queued") for _ in range(3)]
    other = gen_traject(organisations=("AA",))
    elsewhere = Job(kind="recompute", traject_id=other.id, state="queued")
    db.session.add_all(jobs + [elsewhere])
    db.session.commit()
    summary = indicators.run_recompute(demo.id, jobs[0].id)
    assert summary["status"] == "computed" and summary["merged"] == 2
    db.session.expire_all()
    assert [db.session.get(Job, j.id).state for j in jobs] == ["done"] * 3
    assert {db.session.get(Job, j.id).message for j in jobs[1:]} == {indicators.MERGED_MESSAGE}
    assert db.session.get(Job, elsewhere.id).state == "queued"
    # A redelivered message of a finished job does nothing.
    assert indicators.run_recompute(demo.id, jobs[1].id)["status"] == "skipped"
    assert db.session.scalar(select(func.count(IndicatorSnapshot.id))) == 1


def test_two_workers_never_compute_one_traject_at_once(demo):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    with indicators.traject_lock(demo.id) as taken:
        assert taken
        with pytest.raises(indicators.TrajectBusy):
            indicators.run_recompute(demo.id)
    assert indicators.run_recompute(demo.id)["status"] == "computed"


def test_sweep_recomputes_stale_trajects_and_resends_lost_jobs(demo):
    from worker.tasks.indicators import sweep_stale_trajects

    indicators.mark_stale(demo.id)
    db.session.commit()
    result = sweep_stale_trajects.apply().get()
    assert result["stale"] == [demo.id] and len(result["enqueued"]) == 1 and result["resent"] == []
    db.session.expire_all()
    assert db.session.get(Traject, demo.id).indicators_stale is False
    assert db.session.scalar(select(func.count(IndicatorSnapshot.id))) == 1
    # A job the broker lost (still queued after minutes) is handed over again.
    lost = Job(
        kind="recompute", traject_id=demo.id, state="queued", created_at=datetime.now(UTC) - timedelta(minutes=10)
    )
    db.session.add(lost)
    db.session.commit()
    result = sweep_stale_trajects.apply().get()
    assert result["resent"] == [lost.id] and result["stale"] == []
    db.session.expire_all()
    assert db.session.get(Job, lost.id).state == "done"
    assert db.session.get(Job, lost.id).result["status"] == "unchanged"


def test_build_inputs_gives_the_analysis_format(demo):
    responses, items = indicators.build_inputs(demo)
    assert list(responses.columns) == ["respondent", "question", "value", "organisation", "role", "questionnaire"]
    assert list(items.columns) == [
        "question",
        "construct",
        "reverse",
        "min",
        "max",
        "domain",
        "questionnaire",
        "partner",
    ]
    staff = responses[responses["questionnaire"] == "ict_staff"]
    assert staff["respondent"].nunique() == 160
    assert set(responses.loc[responses["question"] == "commit_form_inkoop", "value"]) <= {
        "geen",
        "projectbasis",
        "netwerkmodel",
        "centrummodel",
        "ssc",
    }
    assert items.loc[items["question"] == "appropriateness_3", "reverse"].item()


def test_an_empty_traject_gives_an_empty_snapshot(app):
    traject = gen_traject()
    result = indicators.compute_snapshot(traject)
    assert result.created and result.snapshot.payload["constructs"] == [] and result.snapshot.responses == 0


def test_the_parallel_read_gives_the_same_frames_and_payload(demo, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the two-connection read is PostgreSQL only")
    groups = indicators.instruments(demo)
    monkeypatch.setattr(indicator_reading, "PARALLEL_READ_MIN_ROWS", 10**9)
    serial = indicators.read_frames(demo, groups)
    db.session.rollback()
    monkeypatch.setattr(indicator_reading, "PARALLEL_READ_MIN_ROWS", 2)  # every instrument in two halves
    parallel = indicators.read_frames(demo, groups)
    db.session.rollback()
    for name in ("likert", "choices", "texts"):
        assert getattr(parallel, name).equals(getattr(serial, name)), name
    assert parallel.digest == serial.digest and parallel.counts == serial.counts
    assert indicators.compute_payload(demo, parallel, groups) == indicators.compute_payload(demo, serial, groups)


def test_a_stored_answer_of_the_wrong_type_is_read_the_tolerant_way(demo, monkeypatch):
    row = db.session.scalar(
        select(Response).join(Questionnaire).where(Questionnaire.template_key == "ict_staff").limit(1)
    )
    key = next(k for k, v in row.answers.items() if isinstance(v, int))
    db.session.execute(
        text("UPDATE responses SET answers = CAST(:a AS json) WHERE id = :id"),
        {"a": __import__("json").dumps({**row.answers, key: "veel"}), "id": row.id},
    )
    db.session.commit()
    for minimum in (2, 10**9):  # the two-connection read and the single read fall back alike
        monkeypatch.setattr(indicator_reading, "PARALLEL_READ_MIN_ROWS", minimum)
        frames = indicators.read_frames(demo)
        db.session.rollback()
        assert frames.counts["by_questionnaire"]["ict_staff"] == 160
        assert frames.digest is None


def test_the_matrices_code_as_the_long_frame_did_and_a_recompute_builds_no_long_frame(demo, monkeypatch):
    from analysis.coded import code_answers, coded_from_matrices

    frames = indicators.read_frames(demo)
    db.session.rollback()
    items = frames.items.loc[frames.items["min"].notna()]
    got, expected = (
        coded_from_matrices(frames.matrices, items, frames.organisations),
        code_answers(frames.likert, items),
    )
    for name in ("people", "constructs", "items"):
        assert getattr(got, name).equals(getattr(expected, name)), name
    assert len(got.blocks) == len(expected.blocks) == 5  # ICT-foto, staff, board, motives, ICT users
    for a, b in zip(got.blocks, expected.blocks):
        for name in ("persons", "items", "constructs", "values"):
            x, y = getattr(a, name), getattr(b, name)
            assert x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True), name
    # The board's subset built from its own matrix holds the long frame's rows of the board.
    likert = frames.likert
    board = likert.loc[(likert["questionnaire"] == "board").to_numpy()]
    assert (
        frames.likert_of("board")
        .astype(object)
        .reset_index(drop=True)
        .equals(board.astype(object).reset_index(drop=True))
    )

    def refuse(self):
        raise AssertionError("a recompute built the long frame of every likert answer")

    monkeypatch.setattr(indicator_reading.Frames, "likert", property(refuse))
    result = indicators.compute_snapshot(demo)
    assert result.created and result.snapshot.payload["constructs"]
