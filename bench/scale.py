"""Benchmark: recompute and responses CSV at 1,000 … 100,000 respondents × 60 items on PostgreSQL, with log–log slopes.

Run: `.venv/bin/python bench/scale.py [--sizes 1000,5000,20000,100000] [--repeat 2] [--no-export]`.
Per size: a private migrated database seeded by a child process (bench/export.py's 60-question
questionnaire, closed), then each measurement in its own fresh process, so its peak memory
(VmHWM) is only its own work plus the imports it needs:
- **recompute**: `compute_snapshot` from scratch (snapshots emptied, release marks reset), median
  of `--repeat` runs after one warm-up; floor: reading the same rows into a DataFrame;
- **export**: the CSV through gunicorn (1 worker, production configuration); floor: the same rows
  read with a server-side cursor; the worker's RSS before the first request and its peak.
Prints a table, the log–log slope of time and of peak memory against size, and as its last line
one JSON object (recompute_slope, recompute_ratio_100k, recompute_peak_mb_100k, export_peak_mb_100k …).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def status_mb(field: str, pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def child(args: list[str]) -> dict:
    """Run this script as a child and return the JSON of its last line."""
    result = subprocess.run(
        [sys.executable, "-W", "ignore", __file__, *args], cwd=ROOT, capture_output=True, text=True, timeout=3600
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-4000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- children -----------------------------------------------------------------------------------


def do_seed(url: str, n: int) -> dict:
    import export

    qid, token = export.seed(url, n)
    export.close_for_export(url, qid)
    return {"qid": qid, "token": token}


def do_recompute(url: str, repeat: int) -> dict:
    from sqlalchemy import delete, text

    from app import create_app
    from app.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from app.models import IndicatorSnapshot, Traject
        from app.services import indicators

        traject = db.session.query(Traject).first()
        base = status_mb("VmRSS")
        runs = []
        for _ in range(repeat + 1):
            db.session.execute(delete(IndicatorSnapshot))
            db.session.execute(text("DELETE FROM release_batches"))
            db.session.commit()
            db.session.expire_all()
            started = time.perf_counter()
            result = indicators.compute_snapshot(traject)
            runs.append(time.perf_counter() - started)
            assert result.created and result.snapshot.responses > 0
            # A worker ends its task here: the run's snapshot (its payload, at 100k every released
            # comment) is not held while the next run computes, as it was until 2026-12-07 13:40.
            del result
            db.session.expunge_all()
            traject = db.session.query(Traject).first()
        return {
            "runs": [round(s, 3) for s in runs[1:]],
            "seconds": statistics.median(runs[1:]),
            "base_mb": round(base, 1),
            "peak_mb": round(status_mb("VmHWM"), 1),
            "load": os.getloadavg()[0],
        }


def do_floor(url: str, repeat: int) -> dict:
    """Reading the same rows (id, organisation, role, answers JSON) into a DataFrame, nothing else.

    The JSON is decoded as the app's own engine decodes it (orjson, app/json_codec.py): a floor
    with the slower standard-library decoder would flatter the recompute's ratio.
    """
    import pandas as pd
    from sqlalchemy import create_engine, text

    from app.json_codec import loads

    engine = create_engine(url, json_deserializer=loads)
    base = status_mb("VmRSS")
    runs = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        with engine.connect() as conn:
            rows = conn.execution_options(yield_per=5_000).execute(
                text("SELECT id, organisation_code, role, answers FROM responses WHERE is_latest")
            )
            frame = pd.DataFrame(
                [tuple(r) for part in rows.partitions() for r in part],
                columns=["id", "organisation", "role", "answers"],
            )
        runs.append(time.perf_counter() - started)
        assert len(frame)
        del frame
    return {"seconds": statistics.median(runs[1:]), "base_mb": round(base, 1), "peak_mb": round(status_mb("VmHWM"), 1)}


# -- the export through gunicorn ----------------------------------------------------------------


def measure_export(url: str, qid: int, token: str) -> dict:
    import export
    import requests

    port = export.free_port()
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
            "900",
            "--log-level",
            "warning",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if requests.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        worker = export.worker_pids(server.pid)[0]
        idle = status_mb("VmRSS", worker)
        export.floor(url, qid)  # warm the database's buffers for both measurements
        seconds, rows, size = export.export(base, qid, token)
        floor_s = export.floor(url, qid)
        return {
            "seconds": seconds,
            "floor_s": floor_s,
            "idle_mb": round(idle, 1),
            "peak_mb": round(status_mb("VmHWM", worker), 1),
            "rows": rows,
            "csv_mb": round(size / 1e6, 1),
            "load": os.getloadavg()[0],
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def slope(sizes: list[int], values: list[float]) -> float:
    """Least-squares slope of log(value) against log(size): 1.0 is linear."""
    xs, ys = [math.log(s) for s in sizes], [math.log(v) for v in values]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000,5000,20000,100000",
        help="respondent counts (leave 100000 out on a busy machine: it takes minutes)",
    )
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        work = {
            "seed": lambda: do_seed(args.url, args.n),
            "recompute": lambda: do_recompute(args.url, args.repeat),
            "floor": lambda: do_floor(args.url, args.repeat),
        }[args.child]
        print(json.dumps(work()))
        return
    from common import private_database

    sizes = [int(s) for s in args.sizes.split(",")]
    rows = {}
    for n in sizes:
        with private_database("draagvlak_bench_scale") as url:
            started = time.perf_counter()
            seeded = child(["--child", "seed", "--url", url, "--n", str(n)])
            print(f"{n:7d}: seeded in {time.perf_counter() - started:.0f} s", flush=True)
            repeat = args.repeat if n < 100_000 else max(1, args.repeat - 1)
            floor = child(["--child", "floor", "--url", url, "--repeat", str(repeat)])
            recompute = child(["--child", "recompute", "--url", url, "--repeat", str(repeat)])
            out = {"recompute": recompute, "floor": floor}
            if not args.no_export:
                out["export"] = measure_export(url, seeded["qid"], seeded["token"])
            rows[n] = out
            line = (
                f"{n:7d}: recompute {recompute['seconds']:6.2f} s (floor {floor['seconds']:5.2f} s, ratio "
                f"{recompute['seconds'] / floor['seconds']:4.2f}), peak {recompute['peak_mb']:5.0f} MB "
                f"(imports {recompute['base_mb']:.0f} MB; floor peak {floor['peak_mb']:.0f} MB)"
            )
            if "export" in out:
                e = out["export"]
                line += (
                    f"; export {e['seconds']:6.2f} s (floor {e['floor_s']:5.2f} s, ratio "
                    f"{e['seconds'] / e['floor_s']:4.2f}), worker idle {e['idle_mb']:.0f} MB, peak {e['peak_mb']:.0f} MB"
                )
            print(line + f"; load {recompute['load']:.1f}", flush=True)
    top = max(sizes)
    summary = {
        "sizes": sizes,
        "load_average": round(os.getloadavg()[0], 2),
        "recompute_s": {str(n): round(rows[n]["recompute"]["seconds"], 3) for n in sizes},
        "floor_s": {str(n): round(rows[n]["floor"]["seconds"], 3) for n in sizes},
        "recompute_peak_mb": {str(n): rows[n]["recompute"]["peak_mb"] for n in sizes},
    }
    if len(sizes) > 1:
        summary["recompute_slope"] = round(slope(sizes, [rows[n]["recompute"]["seconds"] for n in sizes]), 3)
        summary["floor_slope"] = round(slope(sizes, [rows[n]["floor"]["seconds"] for n in sizes]), 3)
        summary["recompute_memory_slope"] = round(slope(sizes, [rows[n]["recompute"]["peak_mb"] for n in sizes]), 3)
    summary[f"recompute_ratio_{top // 1000}k"] = round(
        rows[top]["recompute"]["seconds"] / rows[top]["floor"]["seconds"], 3
    )
    summary[f"recompute_peak_mb_{top // 1000}k"] = rows[top]["recompute"]["peak_mb"]
    if not args.no_export:
        summary["export_s"] = {str(n): round(rows[n]["export"]["seconds"], 3) for n in sizes}
        summary["export_peak_mb"] = {str(n): rows[n]["export"]["peak_mb"] for n in sizes}
        summary["export_idle_mb"] = {str(n): rows[n]["export"]["idle_mb"] for n in sizes}
        if len(sizes) > 1:
            summary["export_slope"] = round(slope(sizes, [rows[n]["export"]["seconds"] for n in sizes]), 3)
            summary["export_memory_slope"] = round(slope(sizes, [rows[n]["export"]["peak_mb"] for n in sizes]), 3)
        summary[f"export_ratio_{top // 1000}k"] = round(
            rows[top]["export"]["seconds"] / rows[top]["export"]["floor_s"], 3
        )
        summary[f"export_peak_mb_{top // 1000}k"] = rows[top]["export"]["peak_mb"]
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
