"""`flask db …`: Flask-Migrate bound on first use, so a web worker never loads alembic, mako or pygments."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")


class MigrationCommands(click.Group):
    """Stands in for Flask-Migrate's `db` group until a command asks for it.

    Importing flask_migrate imports alembic with every dialect's DDL module, mako and pygments:
    about 10 MB of RSS in each gunicorn worker that never migrates (issue 18). On first look-up
    this binds the real extension (which replaces this group on `app.cli`) and hands the
    command line to the real group.
    """

    def __init__(self, app: Flask) -> None:
        super().__init__(name="db", help="Database migrations (Flask-Migrate / Alembic).")
        self._app = app

    def _real(self) -> click.Group:
        from flask_migrate import Migrate

        from app.extensions import db

        if "migrate" not in self._app.extensions:
            Migrate().init_app(self._app, db, render_as_batch=True, directory=MIGRATIONS)
        return self._app.cli.commands["db"]  # type: ignore[return-value]

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        # The real group parses its own options (-d, -x) and runs its callback: its context, not ours.
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._real().get_command(ctx, cmd_name)


def init_app(app: Flask) -> None:
    app.cli.add_command(MigrationCommands(app))
