"""`flask users create` and `flask users token`, exactly as the API guide describes them."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.models import ROLES, Organisation
from app.services import accounts

users_cli = AppGroup("users", help="Accounts beheren.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--password", required=True)
@click.option(
    "--organisation",
    "organisation_code",
    default=None,
    help="Code van de organisatie (als die in één traject voorkomt).",
)
def create(email: str, name: str, role: str, password: str, organisation_code: str | None) -> None:
    """Maak een account aan."""
    organisation = None
    if organisation_code:
        matches = db.session.scalars(select(Organisation).where(Organisation.code == organisation_code.upper())).all()
        if not matches:
            raise click.ClickException(f"Organisatie {organisation_code} bestaat niet.")
        if len(matches) > 1:
            raise click.ClickException(
                f"Code {organisation_code} komt in meer trajecten voor; koppel de organisatie in de website."
            )
        organisation = matches[0]
    try:
        user = accounts.create_user(email=email, name=name, role=role, password=password, organisation=organisation)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"Account aangemaakt: {user.email} ({user.role})")


@users_cli.command("token")
@click.argument("email")
def token(email: str) -> None:
    """Print een nieuw API-token voor EMAIL (alleen de hash wordt bewaard)."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"Geen account met e-mailadres {email}.")
    secret = accounts.issue_api_token(user)
    db.session.commit()
    click.echo(secret)
