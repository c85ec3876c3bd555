"""Command-line interface: `flask --app app users ...`, `demo ...` and `db ...` (migrations)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.cli.demo import demo_cli
    from app.cli.migrations import init_app as init_migrations
    from app.cli.users import users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    init_migrations(app)
