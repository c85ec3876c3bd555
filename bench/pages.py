"""Benchmark: the result pages at 20,000 respondents as regisseur and bestuurder, and an advice version's PDF and XLSX.

Run: `.venv/bin/python bench/pages.py [--respondents 20000] [--requests 40]`.
A private migrated PostgreSQL database with the demo traject, `demo simulate`'s responses (all
four instruments), the release, a SWOT and a published advice version. Each page is requested
through the app (Flask's test client, in this process: the time is the app's own work, no
network) `--requests` times after one warm-up, logged in as the regisseur and as a bestuurder,
beside a trivial page of the same app (`/api/v1/health`). Then the version's PDF and XLSX are
built (`app.results.report`: print HTML + WeasyPrint, openpyxl) and timed.
The last line is one JSON object: p50/p95 per page and role, `pdf_s`, `xlsx_s`, the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import percentile, private_database  # noqa: E402


def timed(client, url: str, n: int) -> dict:
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code, first.get_data(as_text=True)[:300])
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "bytes": len(first.get_data()),
    }


def measure_payload(db, snapshot_traject: int) -> dict:
    """The stored payload of the release as a web worker reads it: its size, decode time and the
    memory the decoded document takes (tracemalloc peak of one decode)."""
    import tracemalloc

    from sqlalchemy import text

    from app.json_codec import loads

    raw = db.session.execute(
        text("SELECT payload::text FROM indicator_snapshots WHERE traject_id = :t ORDER BY number DESC LIMIT 1"),
        {"t": snapshot_traject},
    ).scalar()
    times = []
    for _ in range(20):
        started = time.perf_counter()
        loads(raw)
        times.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    document = loads(raw)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del document
    return {
        "payload_kb": len(raw.encode()) // 1024,
        "payload_decode_ms": round(percentile(times, 50), 2),
        "payload_decode_peak_mb": round(peak / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    with private_database("draagvlak_bench_pages") as url:
        from app import create_app
        from app.extensions import db

        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
        with app.app_context():
            from app.models import User
            from app.services import advice_versions, indicators, simulation
            from app.services.demo import BOARD_PASSWORD, REGISSEUR, load_demo

            started = time.perf_counter()
            traject, _ = load_demo()
            simulation.simulate(traject, args.respondents, seed=1)
            db.session.commit()
            indicators.compute_snapshot(traject)
            regisseur = db.session.query(User).filter_by(email=REGISSEUR["email"]).one()
            version = advice_versions.publish(traject, regisseur, note="bench", confirm_gaps=True)
            db.session.commit()
            traject_id, version_id = traject.id, version.id
            board_email = db.session.query(User).filter_by(role="bestuurder").order_by(User.id).first().email
            print(
                f"seeded {args.respondents} respondents, release and advice version in "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
            payload_figures = measure_payload(db, traject_id)
            print(
                f"release payload {payload_figures['payload_kb']} KB, decoded in "
                f"{payload_figures['payload_decode_ms']} ms (peak {payload_figures['payload_decode_peak_mb']} MB)",
                flush=True,
            )
            db.session.remove()

        pages = {
            "trivial": "/api/v1/health",
            "dashboard": f"/trajecten/{traject_id}/resultaten",
            "swot": f"/trajecten/{traject_id}/swot",
            "feasibility": f"/trajecten/{traject_id}/haalbaarheid",
            "advice_version": f"/adviesversies/{version_id}",
            "open_answers": f"/trajecten/{traject_id}/resultaten/open-antwoorden",
        }
        results = {}
        for role, (email, password) in {
            "regisseur": (REGISSEUR["email"], REGISSEUR["password"]),
            "bestuurder": (board_email, BOARD_PASSWORD),
        }.items():
            client = app.test_client()
            login = client.post("/login", data={"email": email, "password": password})
            assert login.status_code in (302, 303), login.status_code
            for name, page in pages.items():
                results[f"{name}_{role}"] = row = timed(client, page, args.requests)
                print(
                    f"{role:10} {name:15} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
                    f"({row['bytes'] // 1024} KB)",
                    flush=True,
                )

        with app.app_context():
            from app.models.advice import AdviceVersion
            from app.results import report

            version = db.session.get(AdviceVersion, version_id)
            context = report._in_dutch(lambda: report.report_context(version.document, version=version))
            started = time.perf_counter()
            html = report._in_dutch(lambda: report.render_print_html(context))
            pdf = report.render_pdf(html)
            pdf_s = time.perf_counter() - started
            started = time.perf_counter()
            xlsx = report._in_dutch(lambda: report.render_xlsx(context))
            xlsx_s = time.perf_counter() - started
            print(
                f"advice version PDF {pdf_s:.2f} s ({len(pdf) // 1024} KB), XLSX {xlsx_s:.2f} s "
                f"({len(xlsx) // 1024} KB)"
            )
            db.session.remove()
            db.engine.dispose()
    load = round(os.getloadavg()[0], 2)
    print(f"load average {load}")
    print(
        json.dumps(
            dict(
                results,
                **payload_figures,
                respondents=args.respondents,
                requests=args.requests,
                pdf_s=round(pdf_s, 2),
                xlsx_s=round(xlsx_s, 2),
                load_average=load,
            )
        )
    )


if __name__ == "__main__":
    main()
