"""Configuration per environment: embedded development default, testing, and production."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


class Config:
    """Settings shared by every environment; subclasses override what differs."""

    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'draagvlak.sqlite'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    # Celery: eager means tasks run in-process, so no Redis is needed for the embedded default.
    CELERY = {
        "broker_url": "memory://",
        "result_backend": None,
        "task_always_eager": True,
        "task_eager_propagates": True,
        "task_ignore_result": True,
        "imports": ("worker.tasks",),
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_connection_retry_on_startup": True,
        # Celery beat (`make beat`): invitations held back until a questionnaire opened go out
        # within the quarter; reminders to non-responders of every open questionnaire once a day.
        "beat_schedule": {
            # Only what already waits in the outbox (a retry): new participants are invited by
            # the regisseur's "Uitnodigingen versturen", never by the clock (nothing sent by surprise).
            "send-pending-invitations": {
                "task": "worker.tasks.mail.send_invitations",
                "schedule": 15 * 60.0,
                "kwargs": {"deliver_only": True},
            },
            "send-reminders-daily": {"task": "worker.tasks.mail.send_reminders", "schedule": crontab(hour=8, minute=0)},
            # Privacy: raw responses of archived trajects past their retention (snapshots stay).
            "privacy-apply-retention": {
                "task": "worker.tasks.privacy.apply_retention",
                "schedule": crontab(hour=3, minute=30),
            },
            # The outbox sweep: stale trajects and recompute jobs the broker lost (docs/worker.md).
            "sweep-stale-trajects": {"task": "worker.tasks.indicators.sweep_stale_trajects", "schedule": 60.0},
            # Every job queued or running longer than its kind's limit is sent again (app.jobs).
            "sweep-jobs": {"task": "worker.tasks.jobs.sweep_jobs", "schedule": 60.0},
        },
    }
    REDIS_URL: str | None = None
    # A queued recompute job older than this many seconds is handed to the broker again: after a
    # broker outage the indicators catch up within about a minute (the sweep runs every minute).
    RECOMPUTE_REQUEUE_AFTER = 60
    # Per kind of job (queued seconds, running seconds without progress) before the job sweep sends
    # it again; app.jobs.JOB_KINDS has the defaults.
    JOB_LIMITS: dict = {}
    # A job that never reached the broker is sent again by the first sweep after this many seconds.
    JOB_NOT_QUEUED_GRACE = 10
    # After a failed publish the broker is left alone for this many seconds (per process), so a
    # Redis that hangs costs one request its timeouts, not every request (app.jobs.publish).
    BROKER_RETRY_AFTER = 10
    # Debounce of the recompute after a submission (app/pending_recompute.py): the first submission
    # sends the run with this countdown and the ones before it starts reading send nothing, so a
    # burst makes one run. 0 sends a run per submission. Eager (no Redis) runs it at once.
    RECOMPUTE_DEBOUNCE = 5.0
    # The pending marker expires after this many seconds, so a lost message cannot silence a
    # traject (the stale flag and the sweep recompute it meanwhile).
    RECOMPUTE_PENDING_TTL = 120
    # Tests only: seconds the recompute task sleeps between stages, so a worker can be killed mid-run.
    RECOMPUTE_TEST_DELAY = float(os.environ.get("RECOMPUTE_TEST_DELAY", "0") or 0)

    RATELIMIT_STORAGE_URI = "memory://"
    # Redis down must never mean 500: the limiter counts in process memory until Redis answers
    # again (it checks back after 1, 2, 4 … 32 s) and swallows any other storage error.
    # `/api/v1/health` says which storage counts ("rate_limits": "redis" | "memory").
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Short socket timeouts, so a Redis that hangs (not only one that refuses) costs a second at most.
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    TOKEN_RATE_LIMIT = "30 per minute"
    SUBMIT_RATE_LIMIT = "60 per minute"  # POST /api/v1/responses, per address
    # Failed sign-ins back off instead of locking (app/services/accounts.authenticate): per account
    # and client address after 5 failures 30 s, doubling up to 15 min; per account over all
    # addresses only after 20 failures, 5 s doubling up to 60 s, so nobody is locked out for long.
    LOCKOUT_AFTER_FAILURES = 5
    LOGIN_BACKOFF_SECONDS = 30
    LOGIN_BACKOFF_MAX_SECONDS = 15 * 60
    LOGIN_ACCOUNT_BACKOFF_AFTER = 20
    LOGIN_ACCOUNT_BACKOFF_SECONDS = 5
    LOGIN_ACCOUNT_BACKOFF_MAX_SECONDS = 60
    PASSWORD_RESET_MAX_AGE = 3600  # seconds a reset link stays valid

    # Mail: without MAIL_SERVER every message lands in the outbox table instead of SMTP.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = False
    MAIL_SENDER = "Draagvlak <noreply@draagvlak.local>"
    MAIL_BATCH_SIZE = 50
    # Delivery (app/services/delivery.py, docs/distribution.md): a claimed message belongs to its
    # worker for MAIL_CLAIM_LEASE seconds; a 4xx answer is retried after these delays, at most
    # MAIL_MAX_ATTEMPTS times; a run that found the server unreachable (or left retries) is sent
    # again after MAIL_SERVER_DOWN_RETRY[run] seconds, at most MAIL_MAX_RUNS times.
    MAIL_TIMEOUT = 30
    MAIL_CLAIM_LEASE = 120
    MAIL_MAX_ATTEMPTS = 5
    MAIL_RETRY_BACKOFF = (60, 300, 900, 1800)
    MAIL_SERVER_DOWN_RETRY = (60, 120, 300, 600, 900)
    MAIL_MAX_RUNS = 8
    # Tests only: seconds the worker waits before each message, so it can be killed mid-batch.
    MAIL_TEST_DELAY = float(os.environ.get("MAIL_TEST_DELAY", "0") or 0)
    OPTOUT_RATE_LIMIT = "20 per minute"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a form left open for a long questionnaire must still submit
    # Flask-WTF's HTTPS Referer check would refuse every form: Referrer-Policy is no-referrer (the
    # respondent's token is in the path), so browsers send no Referer. The token and SameSite do it.
    WTF_CSRF_SSL_STRICT = False
    HSTS = False
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    DEMO_ALLOWED = True
    # Behind a reverse proxy (TLS): how many proxies set X-Forwarded-For / -Proto / -Host. 0 (the
    # default) trusts no header, so rate limits and lockouts key on the connecting address; with
    # PROXY_FIX_X_FOR=1 they key on the client address the one trusted proxy forwarded.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0

    @classmethod
    def check(cls) -> None:
        """Fail fast on settings an environment cannot run without."""


class DevelopmentConfig(Config):
    """The embedded default: SQLite under instance/, eager Celery, mail to the outbox."""

    ENV_NAME = "development"
    # A development key only; production refuses to start without its own SECRET_KEY.
    SECRET_KEY = "dev-only-not-secret"
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE_DIR / 'draagvlak.sqlite'}"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> type[Config]:
        """The development class with every variable of the README's configuration table that is
        set in the environment (so `make run` can use a real SMTP server, PostgreSQL, …)."""
        return Settings.from_environ(environ).apply(cls)


class TestingConfig(Config):
    """Used by pytest; the database URL is set by the test fixtures."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-not-secret"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing for tests only
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    PUBLIC_BASE_URL = "http://localhost"


class ProductionConfig(Config):
    """Reads everything from the environment and refuses to start without a SECRET_KEY."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "Strict"
    HSTS = True
    DEMO_ALLOWED = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> type[Config]:
        """Production reads the same Settings as development; what is unset keeps the defaults
        above (no SECRET_KEY: `check` refuses to start)."""
        return Settings.from_environ(environ).apply(cls)

    @classmethod
    def check(cls) -> None:
        if not cls.SECRET_KEY:
            raise RuntimeError(
                "SECRET_KEY ontbreekt: zet de omgevingsvariabele SECRET_KEY voordat Draagvlak in productie start."
            )
        if cls.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
            warnings.warn(
                "PRODUCTIE DRAAIT OP SQLITE: zet DATABASE_URL naar PostgreSQL; SQLite is alleen "
                "voor de ingebouwde ontwikkelstand.",
                RuntimeWarning,
                stacklevel=2,
            )
        if not cls.REDIS_URL:
            warnings.warn(
                "REDIS_URL ontbreekt: taken draaien dan in het webproces en de rate limits zijn per proces.",
                RuntimeWarning,
                stacklevel=2,
            )


def _flag(value: str) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on", "ja")


def _port(value: str) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise ValueError(f"MAIL_PORT moet een poortnummer zijn (1–65535), niet {value!r}.")
    return port


def _seconds_or_zero(value: str) -> float:
    try:
        seconds = float(str(value).strip())
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 300:
        raise ValueError(f"RECOMPUTE_DEBOUNCE: seconden (0–300), niet {value!r}.")
    return seconds


def _hops(value: str) -> int:
    try:
        hops = int(str(value).strip())
    except ValueError:
        hops = -1
    if not 0 <= hops <= 5:
        raise ValueError(f"PROXY_FIX_*: een aantal proxies (0–5), niet {value!r}.")
    return hops


def _seconds(value: str) -> tuple[float, ...]:
    return tuple(float(x) for x in value.split(",") if x.strip())


def _text_or_none(value: str) -> str | None:
    return value.strip() or None


def _var(env: str, parse: Callable[[str], Any] = str, *, key: str | None = None, empty_clears: bool = False) -> Any:
    """A settings field read from environment variable `env` into Flask config `key` (default:
    the same name). An empty value counts as unset, unless `empty_clears` (it then sets None)."""
    return field(default=None, metadata={"env": env, "key": key or env, "parse": parse, "empty_clears": empty_clears})


@dataclass(frozen=True)
class Settings:
    """Every variable of the README's configuration table, read the same way in development and
    production (testing ignores the environment). None means "not set": the environment's class
    default stays. A bad value fails at start with a message naming the variable."""

    secret_key: str | None = _var("SECRET_KEY")
    database_url: str | None = _var("DATABASE_URL", key="SQLALCHEMY_DATABASE_URI")
    redis_url: str | None = _var("REDIS_URL")
    mail_server: str | None = _var("MAIL_SERVER", _text_or_none, empty_clears=True)
    mail_port: int | None = _var("MAIL_PORT", _port)
    mail_username: str | None = _var("MAIL_USERNAME", _text_or_none, empty_clears=True)
    mail_password: str | None = _var("MAIL_PASSWORD", empty_clears=True)
    mail_use_tls: bool | None = _var("MAIL_USE_TLS", _flag)
    mail_sender: str | None = _var("MAIL_SENDER")
    public_base_url: str | None = _var("PUBLIC_BASE_URL")
    port: int | None = _var("PORT", int)
    demo_allowed: bool | None = _var("DEMO_ALLOWED", _flag)
    ratelimit_enabled: bool | None = _var("RATELIMIT_ENABLED", _flag)
    proxy_fix_x_for: int | None = _var("PROXY_FIX_X_FOR", _hops)
    proxy_fix_x_proto: int | None = _var("PROXY_FIX_X_PROTO", _hops)
    proxy_fix_x_host: int | None = _var("PROXY_FIX_X_HOST", _hops)
    celery_visibility_timeout: float | None = _var("CELERY_VISIBILITY_TIMEOUT", float)
    recompute_debounce: float | None = _var("RECOMPUTE_DEBOUNCE", _seconds_or_zero)
    mail_timeout: float | None = _var("MAIL_TIMEOUT", float)
    mail_claim_lease: float | None = _var("MAIL_CLAIM_LEASE", float)
    mail_max_attempts: int | None = _var("MAIL_MAX_ATTEMPTS", int)
    mail_max_runs: int | None = _var("MAIL_MAX_RUNS", int)
    mail_retry_backoff: tuple[float, ...] | None = _var("MAIL_RETRY_BACKOFF", _seconds)
    mail_server_down_retry: tuple[float, ...] | None = _var("MAIL_SERVER_DOWN_RETRY", _seconds)
    # Variables that were present (even empty), so "MAIL_SERVER=" can switch SMTP off again.
    present: frozenset[str] = frozenset()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        present = set()
        for f in fields(cls):
            name = f.metadata.get("env")
            if name is None or name not in env:
                continue
            raw = env[name]
            if not raw.strip():
                if f.metadata["empty_clears"]:
                    present.add(f.name)
                continue
            try:
                values[f.name] = f.metadata["parse"](raw)
            except ValueError as exc:
                raise ValueError(str(exc) if name in str(exc) else f"{name}: ongeldige waarde {raw!r}.") from None
            present.add(f.name)
        return cls(**values, present=frozenset(present))

    def config(self, env_name: str) -> dict[str, Any]:
        """The Flask config keys these settings change, for environment `env_name`."""
        attrs: dict[str, Any] = {}
        for f in fields(self):
            if "env" in f.metadata and f.name in self.present and f.metadata["key"] != "PORT":
                attrs[f.metadata["key"]] = getattr(self, f.name)
        attrs.pop("CELERY_VISIBILITY_TIMEOUT", None)  # part of the broker options below
        if self.port is not None and self.public_base_url is None and env_name == "development":
            attrs["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{self.port}"
        if self.redis_url:
            attrs["CELERY"] = dict(
                Config.CELERY,
                broker_url=self.redis_url,
                result_backend=None,
                task_always_eager=False,
                task_eager_propagates=False,
                **_broker_options(self.celery_visibility_timeout),
            )
            attrs["RATELIMIT_STORAGE_URI"] = self.redis_url
        return attrs

    def apply(self, cls: type[Config]) -> type[Config]:
        """A subclass of `cls` with these settings applied."""
        return type(cls.__name__, (cls,), self.config(cls.ENV_NAME))


def _broker_options(visibility_timeout: float | None = None) -> dict:
    """Settings of a real Redis broker, the same in development and production.

    `CELERY_VISIBILITY_TIMEOUT` (seconds, default 3600): Redis redelivers an unacknowledged task
    (its worker was killed) after this long. Short socket timeouts and few publish retries keep a
    request that enqueues fast when Redis is down: the job stays `queued` and the sweep re-sends it.
    Kombu looks for such tasks only every `unacked_restore_interval` × `unacked_restore_throttle`
    seconds (10 × 10 by default), so a task whose worker died comes back up to 100 s after its
    timeout; with the throttle at 1 a worker looks every 10 s (or every timeout, when shorter).
    """
    timeout = visibility_timeout or 3600.0
    transport = {
        "visibility_timeout": timeout,
        "unacked_restore_interval": max(1, min(10, int(timeout))),
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 3,
    }
    return {
        "broker_transport_options": transport,
        "broker_connection_timeout": 2,
        "task_publish_retry_policy": {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2},
    }


def config_for(name: str | None = None) -> type[Config]:
    """Return the Config class for an environment name (default from DRAAGVLAK_ENV)."""
    name = name or os.environ.get("DRAAGVLAK_ENV", "development")
    if name == "production":
        return ProductionConfig.from_environ()
    if name == "testing":
        return TestingConfig
    if name == "development":
        return DevelopmentConfig.from_environ()
    raise ValueError(f"Onbekende omgeving: {name!r} (kies development, testing of production)")
