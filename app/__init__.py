"""Application factory: create_app builds the Flask app as a list of small named steps."""

from __future__ import annotations

import logging

from flask import Flask

from config import config_for


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    """Build the app. `overrides` wins over the config class (tests pass their database URL)."""
    app = Flask(__name__, instance_relative_config=True)
    config = config_for(config_name)
    config.check()
    app.config.from_object(config)
    if overrides:
        app.config.update(overrides)
    _ensure_instance_dir(app)
    register_proxy_fix(app)
    register_extensions(app)
    register_celery(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def _ensure_instance_dir(app: Flask) -> None:
    import os

    os.makedirs(app.instance_path, exist_ok=True)


def register_proxy_fix(app: Flask) -> None:
    """Behind a TLS proxy, trust exactly the configured number of X-Forwarded-* hops (none by
    default: a client could otherwise pick its own address for rate limits and lockouts)."""
    hops = {name: int(app.config.get(f"PROXY_FIX_X_{name.upper()}", 0) or 0) for name in ("for", "proto", "host")}
    if any(hops.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        fixed = ProxyFix(app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"])
        app.wsgi_app = fixed  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    from app.extensions import babel, csrf, db, limiter, login_manager
    from app.i18n import select_locale
    from app.json_codec import loads

    # A copy: the class attribute is shared by every app this process creates.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"json_deserializer": loads, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    db.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    limiter.init_app(app)

    from app import models  # noqa: F401  (registers the tables)
    from app.auth.loader import load_user

    login_manager.user_loader(load_user)


def register_celery(app: Flask) -> None:
    from app.jobs import celery_init_app

    celery_init_app(app)


def register_blueprints(app: Flask) -> None:
    from werkzeug.routing import IntegerConverter

    class DatabaseIdConverter(IntegerConverter):
        """`<int:...>` in our routes is always a database id: one beyond PostgreSQL's integer
        range cannot exist, so it answers 404 instead of a database error. The limit is in the
        regex, not only in `max`: werkzeug checks the method before the converter, so a POST to a
        path whose GET route exists would answer 405 for an out-of-range id."""

        regex = (
            r"(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}"
            r"|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
        )

        def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's name
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = DatabaseIdConverter
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.distribution import bp as distribution_bp
    from app.main import bp as main_bp
    from app.questionnaires import bp as questionnaires_bp
    from app.respond import bp as respond_bp
    from app.results import bp as results_bp
    from app.stakeholders import bp as stakeholders_bp
    from app.trajects import bp as trajects_bp

    for bp in (
        main_bp,
        auth_bp,
        trajects_bp,
        questionnaires_bp,
        distribution_bp,
        respond_bp,
        results_bp,
        stakeholders_bp,
        api_bp,
    ):
        app.register_blueprint(bp)


def register_errorhandlers(app: Flask) -> None:
    from app.errors import init_app as init_errors

    init_errors(app)


def register_security_headers(app: Flask) -> None:
    from app.security.headers import init_app as init_headers

    init_headers(app)


def register_template_helpers(app: Flask) -> None:
    from app.i18n import init_app as init_i18n

    init_i18n(app)


def register_commands(app: Flask) -> None:
    from app.cli import init_app as init_cli

    init_cli(app)
    logging.getLogger("draagvlak").setLevel(logging.INFO)
