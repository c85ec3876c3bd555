"""Configuration: production fails fast, warns on SQLite, and nothing connects at import."""
import subprocess
import sys

import pytest

from config import ProductionConfig, config_for


def test_production_refuses_to_start_without_secret_key():
    cls = ProductionConfig.from_environ({"DATABASE_URL": "postgresql+psycopg://x@127.0.0.1/db"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        cls.check()


def test_production_warns_loudly_on_sqlite():
    cls = ProductionConfig.from_environ({"SECRET_KEY": "s" * 32, "REDIS_URL": "redis://127.0.0.1:6379/0"})
    with pytest.warns(RuntimeWarning, match="SQLITE"):
        cls.check()


def test_production_reads_redis_and_smtp_from_environment():
    cls = ProductionConfig.from_environ({
        "SECRET_KEY": "k" * 32, "DATABASE_URL": "postgresql+psycopg://u@db/draagvlak",
        "REDIS_URL": "redis://redis:6379/0", "MAIL_SERVER": "smtp.school.nl", "MAIL_PORT": "587"})
    assert cls.CELERY["broker_url"] == "redis://redis:6379/0"
    assert cls.CELERY["task_always_eager"] is False
    assert cls.RATELIMIT_STORAGE_URI == "redis://redis:6379/0"
    assert (cls.MAIL_SERVER, cls.MAIL_PORT) == ("smtp.school.nl", 587)
    assert cls.SESSION_COOKIE_SECURE and cls.SESSION_COOKIE_HTTPONLY and cls.HSTS


def test_development_is_the_embedded_default(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    cls = config_for("development")
    assert cls.SQLALCHEMY_DATABASE_URI.startswith("sqlite:///") and "instance" in cls.SQLALCHEMY_DATABASE_URI
    assert cls.CELERY["task_always_eager"] is True
    assert cls.MAIL_SERVER is None  # mail goes to the outbox


def test_unknown_environment_is_refused():
    with pytest.raises(ValueError, match="Onbekende omgeving"):
        config_for("staging")


def test_nothing_connects_at_import_or_app_creation():
    # Unreachable database and broker: building the app must still succeed, because nothing
    # connects until a request needs it.
    code = (
        "import os; os.environ.update(DRAAGVLAK_ENV='production', SECRET_KEY='x'*32,"
        " DATABASE_URL='postgresql+psycopg://nobody@127.0.0.1:1/none', REDIS_URL='redis://127.0.0.1:1/0');"
        "import warnings; warnings.simplefilter('ignore');"
        "from app import create_app; app = create_app(); print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
