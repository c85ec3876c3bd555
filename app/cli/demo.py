"""`flask demo load`: the case's traject with its five schools, idempotently."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.services.demo import load_demo

demo_cli = AppGroup("demo", help="Demo-traject van de klant-case.")


@demo_cli.command("load")
@click.option("--force", is_flag=True, help="Ook in productie laden.")
def load(force: bool) -> None:
    """Laad het demo-traject (vijf scholen, regisseur, bestuurders) en print de logins."""
    if not current_app.config.get("DEMO_ALLOWED") and not force:
        raise click.ClickException("Demo-gegevens laden is in productie uitgeschakeld (gebruik --force).")
    traject, logins = load_demo()
    db.session.commit()
    click.echo(f"Demo-traject: {traject.name} (id {traject.id}), "
               f"{len(traject.organisations)} scholen")
    click.echo("Logins:")
    for email, password, role in logins:
        click.echo(f"  {email:42} {password:22} {role}")
