"""Test fixtures: a real PostgreSQL database per test session, the app, clients and services.

Tests run against the real PostgreSQL when it is reachable (always under CI=true, where a missing
service fails the run instead of skipping). Outside CI without PostgreSQL they fall back to SQLite.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

CI = os.environ.get("CI", "").lower() == "true"
PG_SERVER = os.environ.get("TEST_PG_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")


def _redis_test_url() -> str:
    """The Redis database of this test process: under pytest-xdist (`make test` runs two workers)
    each worker takes its own index after the base one, so one worker's flushdb never empties the
    other's queue."""
    base = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return base
    prefix, _, index = base.rpartition("/")
    return f"{prefix}/{(int(index or 0) + int(worker[2:])) % 16}"


REDIS_TEST_URL = _redis_test_url()


def pg_available() -> bool:
    try:
        engine = create_engine(f"{PG_SERVER}/test", connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


def require_service(name: str, available: bool) -> None:
    """Under CI a missing service is a failure, never a skip."""
    if available:
        return
    if CI:
        pytest.fail(f"{name} is niet bereikbaar, maar CI=true: deze test moet tegen de echte dienst draaien.")
    pytest.skip(f"{name} niet bereikbaar (buiten CI)")


def create_pg_database(prefix: str = "draagvlak_test") -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name


def drop_pg_database(name: str) -> None:
    admin = create_engine(f"{PG_SERVER}/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if pg_available():
        name = create_pg_database()
        yield f"{PG_SERVER}/{name}"
        drop_pg_database(name)
    else:
        if CI:
            pytest.fail("PostgreSQL (127.0.0.1:5432) is niet bereikbaar en CI=true.")
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    """Create the tables once per session (create_all is allowed only in tests)."""
    from app import create_app
    from app.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        db.create_all()
        yield
        db.session.remove()
        db.engine.dispose()


def _fresh_g_per_request(app) -> None:
    # Tests keep one app context pushed, so `g` would outlive a request and carry the logged-in
    # user (Flask-Login) or API user into the next one. A real server has a new g per request.
    from flask import g

    @app.before_request
    def clear_g():
        g.__dict__.clear()


@pytest.fixture
def make_app(database_url, _schema, tmp_path, request):
    """Build an extra app with config overrides; its connections are closed afterwards."""
    from app import create_app
    from app.extensions import db

    made = []

    def factory(config_name: str = "testing", **overrides):
        app = create_app(config_name, {"SQLALCHEMY_DATABASE_URI": database_url, **overrides})
        _fresh_g_per_request(app)
        made.append(app)
        return app

    yield factory
    for index, app in enumerate(made):
        with app.app_context():
            db.session.remove()
            # Rows written through this app must not leak into later tests. When the test also
            # uses `app`, that fixture truncates after its own session is closed; truncating here
            # would wait forever on that session's locks.
            if index == 0 and "app" not in request.fixturenames:
                _truncate_all(db)
            db.engine.dispose()


@pytest.fixture
def app(database_url, _schema, tmp_path):
    from app import create_app
    from app.extensions import db

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REPORT_DIR": str(tmp_path / "reports")})
    _fresh_g_per_request(app)
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()
        _truncate_all(db)
        db.engine.dispose()


def _truncate_all(db) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def redis_url():
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
        available = True
    except redis.exceptions.RedisError:
        available = False
    require_service("Redis", available)
    # Start from an empty queue: a message left by an earlier test would be consumed first.
    redis.Redis.from_url(REDIS_TEST_URL).flushdb()
    yield REDIS_TEST_URL
    redis.Redis.from_url(REDIS_TEST_URL).flushdb()


@pytest.fixture(autouse=True)
def _broker_breaker_closed():
    """A failed publish in one test must not keep the broker closed for the next (app.jobs.publish)."""
    import sys

    jobs = sys.modules.get("app.jobs")
    if jobs is not None:
        jobs._broker_down_until = 0.0
    yield
