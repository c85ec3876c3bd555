"""Shared benchmark plumbing: a private PostgreSQL database, the migrated schema, the demo seed."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")
sys.path.insert(0, str(ROOT))


@contextmanager
def private_database(prefix: str):
    """Create a fresh PostgreSQL database, migrate it with `flask db upgrade`, drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{PG_SERVER}/{name}"
    try:
        env = dict(os.environ, DATABASE_URL=url, DRAAGVLAK_ENV="development")
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(name: str, latencies_s: list[float], errors: int, seconds: float) -> dict:
    ms = [x * 1000 for x in latencies_s]
    result = {
        "name": name,
        "requests": len(ms),
        "errors": errors,
        "seconds": round(seconds, 2),
        "rps": round(len(ms) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan"),
    }
    print(
        f"{name:34} {result['requests']:7d} req  {result['rps']:8.1f} req/s  p50 {result['p50_ms']:7.1f} ms  "
        f"p95 {result['p95_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  errors {errors}"
    )
    return result
