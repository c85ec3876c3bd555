"""Migrations up and down against the real PostgreSQL; the schema comes from migrations only."""

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PG_SERVER, create_pg_database, drop_pg_database, pg_available, require_service
from sqlalchemy import create_engine, inspect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_pg_database():
    require_service("PostgreSQL", pg_available())
    name = create_pg_database("draagvlak_migrate")
    yield f"{PG_SERVER}/{name}"
    drop_pg_database(name)


def _flask(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin", "DRAAGVLAK_ENV": "development"}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_migrations_upgrade_and_downgrade_on_postgresql(empty_pg_database):
    up = _flask(empty_pg_database, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    engine = create_engine(empty_pg_database)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "trajects", "organisations", "traject_members", "api_tokens", "audit_events"} <= tables
    demo = _flask(empty_pg_database, "demo", "load")
    assert demo.returncode == 0 and "Zuyderzee Lyceum" not in demo.stderr, demo.stderr
    down = _flask(empty_pg_database, "db", "downgrade", "base")
    assert down.returncode == 0, down.stderr
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    again = _flask(empty_pg_database, "db", "upgrade")
    assert again.returncode == 0, again.stderr
    engine.dispose()


def test_models_and_migrations_agree(empty_pg_database):
    """`flask db check` finds no difference between the models and the migrated schema."""
    assert _flask(empty_pg_database, "db", "upgrade").returncode == 0
    check = _flask(empty_pg_database, "db", "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_test_suite_itself_runs_on_postgresql(app):
    from app.extensions import db

    require_service("PostgreSQL", pg_available())
    assert db.engine.dialect.name == "postgresql"


def test_release_marks_move_to_their_narrow_table_and_back(empty_pg_database):
    """0011_release_batches: the marks of a real release go to `responses.released_in` on downgrade
    and back into `release_batches` on upgrade, unchanged."""
    from sqlalchemy import text

    assert _flask(empty_pg_database, "db", "upgrade").returncode == 0
    simulated = _flask(empty_pg_database, "demo", "simulate", "--respondents", "120")
    assert simulated.returncode == 0, simulated.stderr
    engine = create_engine(empty_pg_database)
    marks = "SELECT response_id, number FROM release_batches ORDER BY response_id"
    with engine.connect() as conn:
        before = conn.execute(text(marks)).all()
        responses = conn.execute(text("SELECT count(*) FROM responses")).scalar()
    assert 50 < len(before) <= responses  # the anonymous instruments are released in batches
    down = _flask(empty_pg_database, "db", "downgrade", "0010_defects")
    assert down.returncode == 0, down.stderr
    with engine.connect() as conn:
        old = conn.execute(
            text("SELECT id, released_in FROM responses WHERE released_in IS NOT NULL ORDER BY id")
        ).all()
        assert "release_batches" not in inspect(conn).get_table_names()
    assert [tuple(r) for r in old] == [tuple(r) for r in before]
    up = _flask(empty_pg_database, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    with engine.connect() as conn:
        assert conn.execute(text(marks)).all() == before
        assert "released_in" not in {c["name"] for c in inspect(conn).get_columns("responses")}
    engine.dispose()


def _comments_round_trip(url: str) -> None:
    """0014_released_comments on a database with a real release: down puts the rows back into the
    payload in their order, up moves them out again; rows and payload end as they began."""
    import json

    from sqlalchemy import text

    assert _flask(url, "db", "upgrade").returncode == 0
    simulated = _flask(url, "demo", "simulate", "--respondents", "400")
    assert simulated.returncode == 0, simulated.stderr
    engine = create_engine(url)
    rows_sql = (
        "SELECT snapshot_id, position, questionnaire, question, organisation, role, text, form, normalised, domain "
        "FROM released_comments ORDER BY snapshot_id, position"
    )
    payloads_sql = "SELECT id, payload FROM indicator_snapshots ORDER BY id"

    def payloads(conn):
        return {i: (p if isinstance(p, dict) else json.loads(p)) for i, p in conn.execute(text(payloads_sql))}

    with engine.connect() as conn:
        before, payload_before = conn.execute(text(rows_sql)).all(), payloads(conn)
    assert len(before) > 20
    down = _flask(url, "db", "downgrade", "0013_packed_likert")  # 0014 down (and whatever follows it)
    assert down.returncode == 0, down.stderr
    with engine.connect() as conn:
        assert "released_comments" not in inspect(conn).get_table_names()
        old = payloads(conn)
    latest = max(r[0] for r in before)
    assert "comments_released" not in old[latest]
    assert [tuple(c.values()) for c in old[latest]["comments"]] == [tuple(r[2:7]) for r in before]
    up = _flask(url, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    with engine.connect() as conn:
        assert conn.execute(text(rows_sql)).all() == before
        assert payloads(conn) == payload_before
    engine.dispose()


def test_released_comments_move_out_of_the_payload_and_back_on_postgresql(empty_pg_database):
    _comments_round_trip(empty_pg_database)


def test_released_comments_move_out_of_the_payload_and_back_on_sqlite(tmp_path):
    _comments_round_trip(f"sqlite:///{tmp_path / 'migrate.sqlite'}")


def _packed_backfill_roundtrip(url: str) -> None:
    """Responses written by the app (packed by its writers) lose `likert` on a downgrade to 0012
    and get it back from 0013's backfill byte for byte; the marks' trigger comes back too."""
    from sqlalchemy import text

    assert _flask(url, "db", "upgrade").returncode == 0
    simulated = _flask(url, "demo", "simulate", "--respondents", "120")
    assert simulated.returncode == 0, simulated.stderr
    engine = create_engine(url)
    packed = "SELECT id, likert FROM responses ORDER BY id"
    with engine.connect() as conn:
        before = conn.execute(text(packed)).all()
    assert len(before) > 50 and all(likert is not None for _, likert in before)
    down = _flask(url, "db", "downgrade", "0012_concern_padding")
    assert down.returncode == 0, down.stderr
    with engine.connect() as conn:
        assert "likert" not in {c["name"] for c in inspect(conn).get_columns("responses")}
        assert inspect(conn).get_foreign_keys("release_batches")  # the cascade is a foreign key again
    up = _flask(url, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    with engine.begin() as conn:
        assert [(i, bytes(b)) for i, b in conn.execute(text(packed)).all()] == [(i, bytes(b)) for i, b in before]
        assert not inspect(conn).get_foreign_keys("release_batches")
        marked = conn.execute(text("SELECT response_id FROM release_batches LIMIT 1")).scalar()
        assert marked is not None
        conn.execute(text("DELETE FROM responses WHERE id = :id"), {"id": marked})
        assert (
            conn.execute(text("SELECT count(*) FROM release_batches WHERE response_id = :id"), {"id": marked}).scalar()
            == 0
        )
    engine.dispose()


def test_packed_likert_backfill_on_postgresql(empty_pg_database):
    _packed_backfill_roundtrip(empty_pg_database)


def test_packed_likert_backfill_on_sqlite(tmp_path):
    _packed_backfill_roundtrip(f"sqlite:///{tmp_path / 'migrate.sqlite'}")
