"""`inspector users ...` and `inspector tokens ...`."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from inspector.auth import services
from inspector.auth.models import ROLES, User
from inspector.cli import commit, friendly_errors
from inspector.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
tokens_cli = AppGroup("tokens", help="Personal access tokens for scripts and other systems.")


@users_cli.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--unit", "unit_code", help="Unit code (required for staff).")
@click.option("--display-name")
@click.option("--password", help="Prompted for when not given.")
@friendly_errors
def create_user(name, role, unit_code, display_name, password):
    """Create a user."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = services.create_user(name, role, password, unit_code, display_name)
    commit()
    click.echo(f"created {user.username} ({user.role})")


@users_cli.command("list")
@friendly_errors
def list_users():
    """List users."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        state = "active" if user.active else "disabled"
        unit = user.unit.code if user.unit else "-"
        click.echo(f"{user.username}\t{user.role}\t{unit}\t{state}")


@users_cli.command("disable")
@click.argument("name")
@friendly_errors
def disable_user(name):
    """Disable a user (they can no longer log in; their records stay)."""
    services.set_user_active(name, False)
    commit()
    click.echo(f"disabled {name}")


@tokens_cli.command("create")
@click.argument("name")
@click.option("--label", default="cli", help="What the token is for.")
@friendly_errors
def create_token(name, label):
    """Create a token for user NAME and print it once."""
    token = services.create_token(services.get_user(name), label)
    commit()
    click.echo(token)


@tokens_cli.command("revoke")
@click.argument("token_or_prefix")
@friendly_errors
def revoke_token(token_or_prefix):
    """Revoke a token, given in full or by its first 12 characters."""
    token = services.revoke_token(token_or_prefix)
    commit()
    click.echo(f"revoked {token.prefix}... of {token.user.username}")
