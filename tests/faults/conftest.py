"""Private Redis and PostgreSQL instances for fault tests: stopped and restarted at will.

The shared services on 127.0.0.1:5432 and :6379 are never touched: every fault test gets its own
`redis-server` on a free port and its own PostgreSQL cluster (initdb into a temporary directory,
run as the `postgres` system user when the tests run as root, since PostgreSQL refuses root).
Under CI=true a missing binary fails the test instead of skipping it. Every process and directory
is removed afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"niets luistert op poort {port} na {timeout} s")


def wait_port_closed(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                time.sleep(0.05)
        except OSError:
            return
    raise TimeoutError(f"poort {port} nog open na {timeout} s")


# -- Redis --------------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server subprocess on its own port, without persistence."""

    def __init__(self, binary: str, workdir: str):
        self.binary, self.workdir = binary, workdir
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                self.workdir,
                "--logfile",
                os.path.join(self.workdir, "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def pause(self) -> None:
        """SIGSTOP: a Redis that hangs (the port stays open, nothing answers)."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        """Kill it hard (SIGKILL): what a crashed or OOM-killed Redis looks like."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
        wait_port_closed(self.port)


@pytest.fixture
def private_redis():
    binary = shutil.which("redis-server")
    require_service("redis-server (binary)", binary is not None)
    workdir = tempfile.mkdtemp(prefix="draagvlak-redis-")
    server = PrivateRedis(binary, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


# -- PostgreSQL ---------------------------------------------------------------------------------


def _pg_bindir() -> str | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


class PrivatePostgres:
    """A throw-away cluster in a temporary directory, on its own port and socket directory."""

    def __init__(self, bindir: str, datadir: str):
        self.bindir, self.datadir = bindir, datadir
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_root:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=timeout)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        if self.as_root:
            shutil.chown(self.datadir, user="postgres", group="postgres")
        os.chmod(self.datadir, 0o700)
        self._run(
            os.path.join(self.bindir, "initdb"),
            "-D",
            self.datadir,
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        # fsync=off is safe here: only the server process dies, the OS page cache survives.
        # synchronous_commit stays on, or an acknowledged commit could be lost in the crash.
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            os.path.join(self.bindir, "pg_ctl"),
            "-D",
            self.datadir,
            "-o",
            options,
            "-l",
            os.path.join(self.datadir, "server.log"),
            "-w",
            "-t",
            "30",
            "start",
        )
        wait_for_port(self.port)

    def stop(self, mode: str = "immediate") -> None:
        """`immediate` is a crash: no clean shutdown, crash recovery on the next start."""
        if os.path.exists(os.path.join(self.datadir, "postmaster.pid")):
            self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.datadir, "-m", mode, "-w", "stop")
        wait_port_closed(self.port)

    def create_database(self, name: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()


@pytest.fixture
def private_postgres():
    bindir = _pg_bindir()
    require_service("PostgreSQL (initdb)", bindir is not None)
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam("postgres")
        except KeyError:
            require_service("systeemgebruiker postgres (om PostgreSQL niet als root te draaien)", False)
    datadir = tempfile.mkdtemp(prefix="draagvlak-pg-")
    server = PrivatePostgres(bindir, datadir)
    try:
        server.init()
        server.start()
        yield server
    finally:
        try:
            server.stop("immediate")
        except Exception:  # already stopped, or never started
            pass
        shutil.rmtree(datadir, ignore_errors=True)
