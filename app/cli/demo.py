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
    click.echo(f"Demo-traject: {traject.name} (id {traject.id}), {len(traject.organisations)} scholen")
    click.echo("Logins:")
    for email, password, role in logins:
        click.echo(f"  {email:42} {password:22} {role}")


@demo_cli.command("simulate")
@click.option(
    "--respondents",
    "-n",
    type=click.IntRange(min=1),
    default=470,
    show_default=True,
    help="Medewerkers van de scholen samen (de casus: 470). ICT-teams, Hoofden ICT en besturen "
    "volgen in dezelfde verhouding als in de casus.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Startwaarde van de toevalsgenerator.")
@click.option("--force", is_flag=True, help="Ook in productie simuleren.")
def simulate(respondents: int, seed: int, force: bool) -> None:
    """Vul het demo-traject met gesimuleerde antwoorden op alle vijf de vragenlijsten en herbereken."""
    from sqlalchemy import select

    from app.jobs import enqueue_recompute
    from app.models import Traject
    from app.services import indicators, simulation
    from app.services.demo import DEMO_TRAJECT

    if not current_app.config.get("DEMO_ALLOWED") and not force:
        raise click.ClickException("Demo-gegevens simuleren is in productie uitgeschakeld (gebruik --force).")
    traject = db.session.scalar(select(Traject).where(Traject.name == DEMO_TRAJECT))
    if traject is None:
        traject, _ = load_demo()
        db.session.commit()
    result = simulation.simulate(traject, respondents, seed)
    indicators.mark_stale(traject.id)
    db.session.commit()
    for key, n in result.responses.items():
        click.echo(f"  {key:18} {n:6} antwoorden (vragenlijst {result.questionnaires[key]})")
    job = enqueue_recompute(traject.id)
    click.echo(f"Herberekening: taak {job.id} ({job.state}{', ' + job.message if job.message else ''})")
