"""Configuration: production fails fast, warns on SQLite, and nothing connects at import."""

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config import DevelopmentConfig, ProductionConfig, config_for


def test_production_refuses_to_start_without_secret_key():
    cls = ProductionConfig.from_environ({"DATABASE_URL": "postgresql+psycopg://x@127.0.0.1/db"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        cls.check()


def test_production_warns_loudly_on_sqlite():
    cls = ProductionConfig.from_environ({"SECRET_KEY": "s" * 32, "REDIS_URL": "redis://127.0.0.1:6379/0"})
    with pytest.warns(RuntimeWarning, match="SQLITE"):
        cls.check()


def test_production_reads_redis_and_smtp_from_environment():
    cls = ProductionConfig.from_environ(
        {
            "SECRET_KEY": "k" * 32,
            "DATABASE_URL": "postgresql+psycopg://u@db/draagvlak",
            "REDIS_URL": "redis://redis:6379/0",
            "MAIL_SERVER": "smtp.school.nl",
            "MAIL_PORT": "587",
        }
    )
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


# -- every variable of the README's configuration table, in every environment -----------------------

README = Path(__file__).resolve().parents[2] / "README.md"
SAMPLES = {
    "SECRET_KEY": ("k" * 40, "SECRET_KEY", "k" * 40),
    "DATABASE_URL": (
        "postgresql+psycopg://u@db.example/draagvlak",
        "SQLALCHEMY_DATABASE_URI",
        "postgresql+psycopg://u@db.example/draagvlak",
    ),
    "REDIS_URL": ("redis://redis.example:6379/2", "REDIS_URL", "redis://redis.example:6379/2"),
    "MAIL_SERVER": ("smtp.school.example", "MAIL_SERVER", "smtp.school.example"),
    "MAIL_PORT": ("2525", "MAIL_PORT", 2525),
    "MAIL_USERNAME": ("mailer", "MAIL_USERNAME", "mailer"),
    "MAIL_PASSWORD": ("geheim-wachtwoord", "MAIL_PASSWORD", "geheim-wachtwoord"),
    "MAIL_USE_TLS": ("true", "MAIL_USE_TLS", True),
    "MAIL_SENDER": ("Draagvlak <dv@school.example>", "MAIL_SENDER", "Draagvlak <dv@school.example>"),
    "PUBLIC_BASE_URL": ("https://draagvlak.school.example", "PUBLIC_BASE_URL", "https://draagvlak.school.example"),
    "PORT": ("5077", "PUBLIC_BASE_URL", "http://127.0.0.1:5077"),
    "DEMO_ALLOWED": ("false", "DEMO_ALLOWED", False),
    "RATELIMIT_ENABLED": ("false", "RATELIMIT_ENABLED", False),
    "PROXY_FIX_X_FOR": ("1", "PROXY_FIX_X_FOR", 1),
    "PROXY_FIX_X_PROTO": ("1", "PROXY_FIX_X_PROTO", 1),
    "PROXY_FIX_X_HOST": ("2", "PROXY_FIX_X_HOST", 2),
    "CELERY_VISIBILITY_TIMEOUT": ("120", "CELERY.broker_transport_options.visibility_timeout", 120.0),
    "RECOMPUTE_DEBOUNCE": ("2.5", "RECOMPUTE_DEBOUNCE", 2.5),
    "MAIL_TIMEOUT": ("7", "MAIL_TIMEOUT", 7.0),
    "MAIL_CLAIM_LEASE": ("90", "MAIL_CLAIM_LEASE", 90.0),
    "MAIL_MAX_ATTEMPTS": ("3", "MAIL_MAX_ATTEMPTS", 3),
    "MAIL_MAX_RUNS": ("4", "MAIL_MAX_RUNS", 4),
    "MAIL_RETRY_BACKOFF": ("10,20", "MAIL_RETRY_BACKOFF", (10.0, 20.0)),
    "MAIL_SERVER_DOWN_RETRY": ("30, 60,", "MAIL_SERVER_DOWN_RETRY", (30.0, 60.0)),
}
# Variables that only take effect together with another one.
TOGETHER_WITH = {"CELERY_VISIBILITY_TIMEOUT": {"REDIS_URL": "redis://redis.example:6379/2"}}


def _read(cls, key: str):
    """A config value; `A.b.c` reads into nested dicts (the Celery settings)."""
    first, *rest = key.split(".")
    value = getattr(cls, first)
    for part in rest:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def readme_variables() -> list[str]:
    """The backticked variable names in the first column of the README's configuration table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names = []
    for line in section.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1]
            names += re.findall(r"`([A-Z][A-Z0-9_]+)`", first)
    return names


def test_the_readme_table_is_what_this_test_covers():
    assert set(readme_variables()) == set(SAMPLES) - {"DRAAGVLAK_ENV"}


@pytest.mark.parametrize("variable", sorted(SAMPLES))
def test_every_documented_variable_is_read_in_development(variable):
    value, key, expected = SAMPLES[variable]
    cls = DevelopmentConfig.from_environ({variable: value, **TOGETHER_WITH.get(variable, {})})
    assert _read(cls, key) == expected
    assert _read(DevelopmentConfig.from_environ({}), key) != expected  # the sample is not the default


@pytest.mark.parametrize("variable", sorted(set(SAMPLES) - {"PORT"}))
def test_every_documented_variable_is_read_in_production(variable):
    value, key, expected = SAMPLES[variable]
    cls = ProductionConfig.from_environ({"SECRET_KEY": "s" * 40, variable: value, **TOGETHER_WITH.get(variable, {})})
    assert _read(cls, key) == expected


def test_development_and_production_read_the_environment_through_one_settings_object():
    from config import Settings

    env = {name: value for name, (value, _key, _expected) in SAMPLES.items()}
    settings = Settings.from_environ(env)
    assert settings.mail_port == 2525 and settings.proxy_fix_x_for == 1 and settings.demo_allowed is False
    # Every field of Settings is a documented variable, and every documented variable a field.
    assert {f.metadata["env"] for f in dataclasses.fields(Settings) if "env" in f.metadata} == set(SAMPLES)


def test_an_empty_mail_server_switches_smtp_off_again():
    cls = DevelopmentConfig.from_environ({"MAIL_SERVER": ""})
    assert cls.MAIL_SERVER is None
    assert DevelopmentConfig.from_environ({"MAIL_SERVER": "  "}).MAIL_SERVER is None


def test_a_bad_number_names_its_variable():
    with pytest.raises(ValueError, match="MAIL_MAX_RUNS"):
        DevelopmentConfig.from_environ({"MAIL_MAX_RUNS": "veel"})
    with pytest.raises(ValueError, match="PROXY_FIX"):
        ProductionConfig.from_environ({"PROXY_FIX_X_FOR": "-1"})


def test_development_reads_redis_url_through_config_for(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://redis.example:6379/2")
    cls = config_for("development")
    assert cls.REDIS_URL == "redis://redis.example:6379/2"
    assert cls.CELERY["broker_url"] == "redis://redis.example:6379/2"


def test_a_bad_mail_port_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="MAIL_PORT"):
        DevelopmentConfig.from_environ({"MAIL_PORT": "smtp"})


def test_make_run_honours_mail_server_and_port_in_development(tmp_path):
    # `make run` starts `flask --app app ...` with the caller's environment and DRAAGVLAK_ENV unset.
    env = {k: v for k, v in os.environ.items() if k not in ("DRAAGVLAK_ENV", "DATABASE_URL", "REDIS_URL")}
    env.update(
        MAIL_SERVER="smtp.school.example",
        MAIL_PORT="2525",
        MAIL_USE_TLS="yes",
        MAIL_SENDER="Draagvlak <dv@school.example>",
        PORT="5077",
        DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite'}",
    )
    code = (
        "from app import create_app; app = create_app();"
        "c = app.config; print(c['MAIL_SERVER'], c['MAIL_PORT'], c['MAIL_USE_TLS'], c['PUBLIC_BASE_URL'],"
        " c['SQLALCHEMY_DATABASE_URI'].endswith('dev.sqlite'), sep='|')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env, cwd=README.parent
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "smtp.school.example|2525|True|http://127.0.0.1:5077|True"


@pytest.mark.parametrize(("timeout", "interval"), [("3600", 10), ("4", 4)])
def test_a_task_whose_worker_died_is_looked_for_every_ten_seconds_at_most(timeout, interval):
    # Kombu's defaults sweep for unacknowledged tasks every 10 s x throttle 10: a killed worker's
    # task would come back up to 100 s after its visibility timeout (tests/faults/test_faults_mail.py).
    cls = ProductionConfig.from_environ(
        {"SECRET_KEY": "s" * 32, "REDIS_URL": "redis://127.0.0.1:6379/0", "CELERY_VISIBILITY_TIMEOUT": timeout}
    )
    options = cls.CELERY["broker_transport_options"]
    assert options["unacked_restore_throttle"] == 1
    assert options["unacked_restore_interval"] == interval
