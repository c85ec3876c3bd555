"""Command-line interface: `flask --app app users ...` and `flask --app app demo ...`."""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.cli.demo import demo_cli
    from app.cli.users import users_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
