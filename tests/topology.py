"""The production topology as separate processes: gunicorn (4 workers, gunicorn.conf.py), two Celery workers and beat, on PostgreSQL and Redis.

As docker-compose.yml runs it (web, worker, beat), except that each Celery worker is its own
process with one task at a time (two workers = two recomputes at once). Used by
tests/worker/test_topology.py and `bench/load.py --topology`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Topology:
    base: str
    processes: dict = field(default_factory=dict)  # name -> Popen
    logs: dict = field(default_factory=dict)  # name -> path

    def alive(self) -> dict:
        return {name: p.poll() is None for name, p in self.processes.items()}

    def log_tail(self, chars: int = 3000) -> str:
        return "\n".join(
            f"--- {name}\n{Path(path).read_text(errors='replace')[-chars:]}" for name, path in self.logs.items()
        )


def start(
    database_url: str,
    redis_url: str,
    log_dir: Path | str,
    *,
    web_workers: int = 4,
    celery_workers: int = 2,
    beat: bool = True,
    **env,
) -> Topology:
    """Start every process (production configuration) and wait until the web answers."""
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    environment = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DRAAGVLAK_ENV="production",
        SECRET_KEY="topology-" + "x" * 40,
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        RATELIMIT_ENABLED="false",
        **env,
    )
    commands = {
        "web": [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "gunicorn.conf.py"),  # production's, with the bind and workers below
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(web_workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
            "app:create_app()",
        ]
    }
    for i in range(1, celery_workers + 1):
        commands[f"worker{i}"] = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.celery_app",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            f"--hostname=worker{i}@%h",
            "--loglevel=info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    if beat:
        commands["beat"] = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker.celery_app",
            "beat",
            "--loglevel=info",
            f"--schedule={log_dir / 'celerybeat-schedule'}",
        ]
    topology = Topology(base=f"http://127.0.0.1:{port}")
    for name, command in commands.items():
        path = log_dir / f"{name}.log"
        with open(path, "a") as log:
            topology.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        topology.logs[name] = path
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{topology.base}/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        stop(topology)
        raise RuntimeError("the web did not answer within 90 s:\n" + topology.log_tail())
    # A Celery worker says "ready" when it consumes; wait for each, so the first tasks are shared.
    for name in (n for n in commands if n.startswith("worker")):
        while time.time() < deadline and "ready" not in Path(topology.logs[name]).read_text(errors="replace"):
            time.sleep(0.3)
    return topology


def stop(topology: Topology) -> None:
    """Terminate every process (kill those that hang)."""
    for process in topology.processes.values():
        if process.poll() is None:
            process.terminate()
    for process in topology.processes.values():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
