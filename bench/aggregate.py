"""Benchmark: a full indicator recompute over 20,000 staff respondents × 60 items against the floor.

The floor is reading the same response rows (id, organisation, role, answers JSON) into a
DataFrame and nothing else. Run: `.venv/bin/python bench/aggregate.py [--respondents N] [--repeat R]`.
Creates and drops its own PostgreSQL database on 127.0.0.1:5432 (user postgres, trust).
The last line of the output is one JSON object with recompute_s, floor_s and ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sqlalchemy import create_engine, delete, select, text  # noqa: E402

SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
ITEMS = 60


def admin(sql: str) -> None:
    engine = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def fill(respondents: int, seed: int):
    """The demo traject with an open staff questionnaire and `respondents` responses, by COPY."""
    from analysis import simulate_responses
    from app.extensions import db
    from app.models.packed_answers import likert_layout, pack
    from app.services import questionnaires
    from app.services.demo import load_demo
    from surveys.types.likert import scale_bounds

    traject, _ = load_demo()
    questionnaire = questionnaires.create_from_template(traject, "ict_staff")
    questionnaires.publish(questionnaire)
    db.session.commit()
    definition = questionnaires.definition_of(questionnaire)
    likert = [q for q in definition.questions() if q.type == "likert"][:ITEMS]
    items = [
        {
            "question": q.key,
            "construct": q.construct,
            "reverse": q.reverse,
            "min": scale_bounds(q)[0],
            "max": scale_bounds(q)[1],
        }
        for q in likert
    ]
    weights = {o.code: float(o.students) for o in traject.organisations}
    frame = simulate_responses({"ict_staff": items}, weights, respondents, seed=seed)
    frame["value"] = frame["value"].astype(int)
    rng = np.random.default_rng(seed)
    people = frame.drop_duplicates("respondent")[["respondent", "organisation", "role"]]
    answers = {r: {} for r in people["respondent"]}
    for respondent, question, value in zip(frame["respondent"], frame["question"], frame["value"].tolist()):
        answers[respondent][question] = value
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY responses (id, questionnaire_id, organisation_code, role, submitted_on, answers, "
            "revision, is_latest, likert) FROM STDIN"
        ) as copy:
            layout = likert_layout(questionnaire.definition, questionnaire.fingerprint)  # as every writer does
            for respondent, organisation, role in people.itertuples(index=False):
                copy.write_row(
                    (
                        uuid.UUID(bytes=rng.bytes(16), version=4).hex,
                        questionnaire.id,
                        organisation,
                        role,
                        date.today(),
                        json.dumps(answers[respondent]),
                        1,
                        True,
                        pack(layout, answers[respondent]),
                    )
                )
    # The invitations behind the responses, all on the list before the first response: the
    # padding rule (analysis/disclosure.py) counts only those towards showing a group.
    from app.models import Participant

    codes = {o.code: o.id for o in traject.organisations}
    db.session.execute(
        Participant.__table__.insert(),
        [
            {
                "questionnaire_id": questionnaire.id,
                "email": f"bench-{i}@bench.invalid",
                "name": f"Bench {i}",
                "role": role,
                "organisation_id": codes.get(organisation),
                "completed": True,
                "early": True,
                "reminders_sent": 0,
                "opted_out": False,
            }
            for i, (_, organisation, role) in enumerate(people.itertuples(index=False))
        ],
    )
    db.session.commit()
    db.session.execute(text("ANALYZE responses"))
    db.session.commit()
    return traject, questionnaire


def floor(questionnaire_id: int) -> tuple[float, float]:
    """Only read the same rows into a DataFrame: (wall seconds, this process's CPU seconds)."""
    from app.extensions import db
    from app.models import Response

    started, cpu = time.perf_counter(), time.process_time()
    rows = db.session.execute(
        select(Response.id, Response.organisation_code, Response.role, Response.answers)
        .where(Response.questionnaire_id == questionnaire_id, Response.is_latest.is_(True))
        .execution_options(yield_per=5_000)
    )
    frame = pd.DataFrame(
        [tuple(r) for part in rows.partitions() for r in part], columns=["id", "organisation", "role", "answers"]
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert len(frame)
    db.session.rollback()
    return seconds, cpu


def recompute(traject) -> tuple[float, float]:
    from app.extensions import db
    from app.models import IndicatorSnapshot
    from app.services import indicators

    db.session.execute(delete(IndicatorSnapshot))
    db.session.execute(text("DELETE FROM release_batches"))  # every run makes release 1
    db.session.commit()
    db.session.expire_all()
    backends = database_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    result = indicators.compute_snapshot(traject)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert result.created and result.snapshot.responses > 0
    DATABASE_CPU.append(database_cpu(backends))
    return seconds, cpu


DATABASE_CPU: list[float] = []


def database_cpu(since: dict | None = None):
    """CPU seconds of this database's PostgreSQL backends (/proc; the server is on this machine):
    {pid: seconds} now, or, given an earlier reading, the seconds spent since by the same backends
    (the pool keeps its connections, so after the warm-up the read's two halves are among them)."""
    from app.extensions import db

    pids = (
        db.session.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).scalars().all()
    )
    now = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        now[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    if since is None:
        return now
    return sum(seconds - since.get(pid, 0.0) for pid, seconds in now.items())


def marks(questionnaire_id: int, repeat: int) -> dict:
    """A release's marks alone at this size, interleaved: the former `UPDATE responses SET
    released_in` (a column added for the comparison) against COPY into `release_batches`."""
    from app.extensions import db
    from app.models import Response
    from app.services import releases

    ids = list(db.session.scalars(select(Response.id).where(Response.questionnaire_id == questionnaire_id)))
    db.session.execute(text("ALTER TABLE responses ADD COLUMN released_in integer"))
    db.session.commit()

    def vacuum(table: str) -> None:  # outside a transaction; not timed
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM {table}"))

    update_runs, copy_runs = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        db.session.execute(
            text("UPDATE responses SET released_in = 1 WHERE id = ANY(:ids) AND released_in IS NULL"), {"ids": ids}
        )
        db.session.commit()
        update_runs.append(time.perf_counter() - started)
        db.session.execute(text("UPDATE responses SET released_in = NULL"))
        db.session.commit()
        vacuum("responses")
        started = time.perf_counter()
        releases.mark_released(ids, 1)
        db.session.commit()
        copy_runs.append(time.perf_counter() - started)
        db.session.execute(text("DELETE FROM release_batches"))
        db.session.commit()
        vacuum("release_batches")
    db.session.execute(text("ALTER TABLE responses DROP COLUMN released_in"))
    db.session.commit()
    print("marks, UPDATE of the wide rows s:", " ".join(f"{s:.3f}" for s in update_runs))
    print("marks, COPY into release_batches s:", " ".join(f"{s:.3f}" for s in copy_runs))
    return {
        "marks_update_s": round(statistics.median(update_runs), 3),
        "marks_copy_s": round(statistics.median(copy_runs), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one recompute")
    parser.add_argument("--marks", action="store_true", help="time only a release's marks: UPDATE vs COPY")
    args = parser.parse_args()
    name = f"draagvlak_bench_{uuid.uuid4().hex[:8]}"
    admin(f'CREATE DATABASE "{name}"')
    try:
        from app import create_app
        from app.extensions import db

        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"{SERVER}/{name}"})
        with app.app_context():
            db.create_all()
            started = time.perf_counter()
            traject, questionnaire = fill(args.respondents, args.seed)
            print(f"filled {args.respondents} respondents x {ITEMS} items in {time.perf_counter() - started:.1f} s")
            if args.marks:
                print(json.dumps(marks(questionnaire.id, args.repeat) | {"load_average": os.getloadavg()[0]}))
                return
            recompute(traject)  # warm-up: imports, caches, the database's buffers
            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.runcall(recompute, traject)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            floor(questionnaire.id)
            recomputes, floors, recompute_cpus, floor_cpus = [], [], [], []
            for _ in range(args.repeat):
                seconds, cpu = floor(questionnaire.id)
                floors.append(seconds)
                floor_cpus.append(cpu)
                seconds, cpu = recompute(traject)
                recomputes.append(seconds)
                recompute_cpus.append(cpu)
            recompute_s, floor_s = statistics.median(recomputes), statistics.median(floors)
            recompute_cpu, floor_cpu = statistics.median(recompute_cpus), statistics.median(floor_cpus)
            print("recompute (compute_snapshot) s:", " ".join(f"{s:.3f}" for s in recomputes))
            print("floor (rows into a DataFrame) s:", " ".join(f"{s:.3f}" for s in floors))
            print(f"median recompute {recompute_s:.3f} s, floor {floor_s:.3f} s, ratio {recompute_s / floor_s:.2f}")
            print(
                f"median CPU of this process (not PostgreSQL's): recompute {recompute_cpu:.3f} s, "
                f"floor {floor_cpu:.3f} s; load average {os.getloadavg()[0]:.2f}"
            )
            db.session.remove()
            db.engine.dispose()
        print(
            json.dumps(
                {
                    "respondents": args.respondents,
                    "items": ITEMS,
                    "recompute_s": round(recompute_s, 3),
                    "floor_s": round(floor_s, 3),
                    "ratio": round(recompute_s / floor_s, 3),
                    "recompute_runs": [round(s, 3) for s in recomputes],
                    "floor_runs": [round(s, 3) for s in floors],
                    "recompute_cpu_s": round(recompute_cpu, 3),
                    # PostgreSQL's part (the read's COPY, the marks), of the measured runs.
                    "recompute_db_cpu_s": round(statistics.median(DATABASE_CPU[-args.repeat :]), 3),
                    "floor_cpu_s": round(floor_cpu, 3),
                    "load_average": round(os.getloadavg()[0], 2),
                }
            )
        )
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
