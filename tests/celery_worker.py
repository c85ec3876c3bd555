"""A real Celery worker process for tests: started against a database and a Redis broker, stopped cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_worker(
    database_url: str, broker_url: str, log_path: Path | str, *, pool: str = "solo", **env
) -> tuple[subprocess.Popen, object]:
    """`celery -A worker.celery_app worker --pool=solo` (or `pool="prefork"`, one child process);
    its output goes to `log_path` (appended)."""
    environment = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=broker_url, DRAAGVLAK_ENV="development", **env)
    log = open(log_path, "a")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.celery_app",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--loglevel=info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return process, log


def pool_children(process: subprocess.Popen) -> list[int]:
    """Process ids of a prefork worker's pool processes."""
    out = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def stop_worker(process: subprocess.Popen, log) -> None:
    """Terminate (kill when it hangs) and close its log."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    log.close()
