"""`flask api-token create EMAIL --name NAME [--expires-days N]`: a personal access token, printed once."""

from __future__ import annotations

import click

from feedback.auth.api_tokens import TokenRefused, create_api_token
from feedback.auth.operations import get_user_by_email
from feedback.db import db

api_token_command = click.Group("api-token", help="Jetons d'accès personnels de l'API (/api/v1/).")


@api_token_command.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Le nom du jeton (par exemple « site web »).")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None, help="Expire après N jours (sinon jamais).")
def create_command(email: str, name: str, expires_days: int | None) -> None:
    """Create a token for the account EMAIL and print it once (only its hash is kept)."""
    user = get_user_by_email(email)
    if user is None or not user.is_active:
        raise click.ClickException(f"Aucun compte actif pour « {email} ».")
    try:
        new = create_api_token(user, name=name, expires_days=expires_days)
    except TokenRefused as error:
        raise click.BadParameter(str(error), param_hint="--name") from None
    db.session.commit()
    click.echo(new.secret)
    expiry = f"jusqu'au {new.row.expires_dt:%d/%m/%Y}" if new.row.expires_dt else "sans expiration"
    click.echo(f"Jeton « {new.row.name} » de {user.email} ({user.role}), {expiry}. Il ne sera plus affiché.", err=True)
