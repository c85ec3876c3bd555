"""Export benchmark: the responses CSV of 100,000 responses × 60 questions, streamed by gunicorn
from PostgreSQL, beside the floor (only reading the same rows from PostgreSQL).

Prints the export time, the peak memory (VmHWM) of the gunicorn worker that served it, the floor
and their ratio; the last line is one JSON object with export_s, floor_s, ratio and peak_mb.
Targets: peak memory under 300 MB whatever the size; ratio ≤ 3.

Run: .venv/bin/python bench/export.py [--responses 100000] [--also 20000]
(`--also` first measures a smaller export in the same server, to show memory does not grow
with the size.)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta

import requests
from common import ROOT, private_database
from load import free_port

QUESTIONS = 60
TEXTS = [
    "Duidelijke afspraken over wie wat doet.",
    "Zorg dat de servicedesk dichtbij blijft.",
    "Eerst samen inkopen, later pas personeel delen.",
    "",
]


def sixty_question_definition():
    """The ICT-staff instrument cut to 58 closed questions plus its 2 open questions."""
    from surveys.model import Questionnaire as Definition
    from surveys.templates import load_template

    data = load_template("ict_staff").to_dict()
    kept, closed = [], 0
    open_section = next(s for s in data["sections"] if any(q["type"] == "text" for q in s["questions"]))
    for section in data["sections"]:
        if section is open_section:
            continue
        questions = []
        for q in section["questions"]:
            if closed < QUESTIONS - 2 and q["type"] != "text":
                q.pop("condition", None)
                questions.append(q)
                closed += 1
        if questions:
            section.pop("condition", None)
            kept.append(dict(section, questions=questions))
    open_section = dict(open_section, questions=[q for q in open_section["questions"] if q["type"] == "text"][:2])
    data["sections"] = kept + [open_section]
    data["key"] = "ict_staff_bench"
    definition = Definition.from_dict(data)
    assert len(definition.questions()) == QUESTIONS, len(definition.questions())
    return definition


def answer_for(q, rnd: random.Random):
    if q.type == "likert":
        return rnd.randint((q.scale or {}).get("min", 1), (q.scale or {}).get("max", 5))
    if q.type == "single_choice":
        return rnd.choice(q.options)["value"]
    if q.type == "multiple_choice":
        return rnd.sample([o["value"] for o in q.options], k=min(2, len(q.options)))
    if q.type == "text":
        return rnd.choice(TEXTS) or None
    return None


def seed(database_url: str, responses: int) -> tuple[int, str]:
    """Demo traject, a 60-question anonymous questionnaire, `responses` rows by COPY; API token."""
    from app import create_app
    from app.extensions import db
    from app.models import Questionnaire, User
    from app.models.packed_answers import likert_layout, pack
    from app.services.accounts import issue_api_token
    from app.services.demo import REGISSEUR, load_demo

    app = create_app("development", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        traject, _ = load_demo()
        definition = sixty_question_definition()
        q = Questionnaire(
            traject=traject,
            template_key="ict_staff",
            key=definition.key,
            title=definition.title,
            version=1,
            status="open",
            anonymous=True,
            audience="ict_staff",
            definition=definition.to_dict(),
            fingerprint=definition.fingerprint(),
        )
        db.session.add(q)
        db.session.flush()
        token = issue_api_token(db.session.query(User).filter_by(email=REGISSEUR["email"]).one())
        db.session.commit()
        qid = q.id
        questions = definition.questions()
        codes = [(o.code, o.students) for o in traject.organisations]
        rnd = random.Random(11 + responses)
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy(
                "COPY responses (id, questionnaire_id, organisation_code, role, submitted_on, "
                "answers, revision, is_latest, likert) FROM STDIN"
            ) as copy:
                layout = likert_layout(q.definition, q.fingerprint)  # every writer packs the likert answers
                for _ in range(responses):
                    org = rnd.choices([c for c, _ in codes], weights=[w for _, w in codes])[0]
                    role = "ict_lead" if rnd.random() < 0.08 else "ict_staff"
                    answers = {}
                    for question in questions:
                        if rnd.random() < 0.03:
                            continue
                        value = answer_for(question, rnd)
                        if value is not None:
                            answers[question.key] = value
                    copy.write_row(
                        (
                            uuid.UUID(int=rnd.getrandbits(128), version=4).hex,
                            qid,
                            org,
                            role,
                            date(2026, 11, 2) + timedelta(days=rnd.randint(0, 20)),
                            json.dumps(answers),
                            1,
                            True,
                            pack(layout, answers),
                        )
                    )
        db.session.commit()
        db.session.execute(db.text("ANALYZE responses"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return qid, token


def close_for_export(database_url: str, qid: int) -> None:
    """Close the questionnaire with the invitations behind its responses (all listed before the first
    response: the padding rule of analysis/disclosure.py counts only those). An anonymous questionnaire's
    CSV exists only once it is closed and a release holds every response (see :func:`release`)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE questionnaires SET status = 'closed' WHERE id = :q"), {"q": qid})
        conn.execute(
            text(
                "INSERT INTO participants (questionnaire_id, email, name, role, organisation_id, reminders_sent, "
                "opted_out, completed, early, created_at) SELECT r.questionnaire_id, 'bench-' || r.id || '@bench.invalid', "
                "'Bench', r.role, o.id, 0, false, true, true, now() FROM responses r JOIN questionnaires q "
                "ON q.id = r.questionnaire_id LEFT JOIN organisations o ON o.code = r.organisation_code "
                "AND o.traject_id = q.traject_id WHERE r.questionnaire_id = :q"
            ),
            {"q": qid},
        )
    engine.dispose()


def release(database_url: str) -> None:
    """The recompute that releases every response (in a child process: this one stays lean)."""
    code = (
        "import sys; from app import create_app; from app.extensions import db; "
        "from app.models import Traject; from app.services import indicators; "
        "app = create_app('testing', {'SQLALCHEMY_DATABASE_URI': sys.argv[1]}); ctx = app.app_context(); "
        "ctx.push(); [indicators.compute_snapshot(t) for t in db.session.query(Traject).all()]"
    )
    subprocess.run([sys.executable, "-W", "ignore", "-c", code, database_url], cwd=ROOT, check=True)


def floor(database_url: str, qid: int) -> float:
    """Only read the same rows (with their JSON answers decoded) from PostgreSQL."""
    import psycopg

    started = time.perf_counter()
    rows = 0
    with psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        with conn.cursor(name="floor") as cursor:
            cursor.itersize = 2000
            cursor.execute(
                "SELECT id, organisation_code, role, submitted_on, answers FROM responses "
                "WHERE questionnaire_id = %s ORDER BY id",
                (qid,),
            )
            for _ in cursor:
                rows += 1
    return time.perf_counter() - started


def worker_pids(master: int) -> list[int]:
    try:
        with open(f"/proc/{master}/task/{master}/children") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def peak_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def export(base: str, qid: int, token: str) -> tuple[float, int, int]:
    started = time.perf_counter()
    lines = size = 0
    with requests.get(
        f"{base}/api/v1/questionnaires/{qid}/responses.csv",
        stream=True,
        timeout=600,
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        response.raise_for_status()
        for chunk in response.iter_content(chunk_size=65536):
            size += len(chunk)
            lines += chunk.count(b"\n")
    return time.perf_counter() - started, lines - 1, size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--also", type=int, default=20_000, help="a smaller export first (0 = none)")
    args = parser.parse_args()
    results = {}
    with private_database("draagvlak_bench_export") as url:
        sizes = [n for n in (args.also, args.responses) if n]
        seeded = {}
        for n in sizes:
            print(f"seeding {n} responses × {QUESTIONS} questions …", flush=True)
            seeded[n] = seed(url, n)
            close_for_export(url, seeded[n][0])
        release(url)
        port = free_port()
        env = dict(
            os.environ,
            DATABASE_URL=url,
            DRAAGVLAK_ENV="production",
            SECRET_KEY="bench-" + "x" * 40,
            RATELIMIT_ENABLED="false",
            PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        )
        env.pop("REDIS_URL", None)
        server = subprocess.Popen(
            [
                sys.executable,
                "-W",
                "ignore",
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--timeout",
                "600",
                "--log-level",
                "warning",
                "app:create_app()",
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    if requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            worker = worker_pids(server.pid)[0]
            print(f"gunicorn worker {worker}: {peak_mb(worker):.0f} MB after start")
            for n in sizes:
                qid, token = seeded[n]
                floor(url, qid)  # warm the database's buffers for both measurements
                export_s, rows, size = export(base, qid, token)
                floor_s = floor(url, qid)
                peak = peak_mb(worker)
                assert rows == n, (rows, n)
                results[n] = {
                    "export_s": round(export_s, 3),
                    "floor_s": round(floor_s, 3),
                    "ratio": round(export_s / floor_s, 3),
                    "peak_mb": round(peak, 1),
                    "rows": rows,
                    "mb": round(size / 1e6, 1),
                }
                print(
                    f"{n:7d} responses: export {export_s:6.2f} s ({size / 1e6:.0f} MB CSV), floor {floor_s:5.2f} s, "
                    f"ratio {export_s / floor_s:4.2f}, worker peak {peak:.0f} MB"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    main_result = results[args.responses]
    print("targets: peak < 300 MB whatever the size, ratio ≤ 3")
    print(
        json.dumps(
            dict(
                main_result,
                responses=args.responses,
                questions=QUESTIONS,
                sizes={str(k): v for k, v in results.items()},
            )
        )
    )


if __name__ == "__main__":
    main()
