"""`inspector apikeys ...`: API keys for Open311 integrations (12345 hotlines, city platforms)."""

import click
from flask.cli import AppGroup

from inspector.cli import commit, friendly_errors
from inspector.open311 import keys

apikeys_cli = AppGroup("apikeys", help="API keys of Open311 integrations.")


@apikeys_cli.command("create")
@click.argument("name")
@friendly_errors
def create_key(name):
    """Create a key (and its service account open311-NAME) for integration NAME; print it once."""
    key, clear = keys.create_api_key(name)
    commit()
    click.echo(clear)
    click.echo(f"service account {key.user.username}; the key is shown only now", err=True)


@apikeys_cli.command("list")
@friendly_errors
def list_keys():
    """List keys: name, prefix, service account, created, last used, state (never the key)."""
    for key in keys.list_api_keys():
        state = "revoked" if key.revoked_at else "active"
        used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
        created = f"{key.created_at:%Y-%m-%d %H:%M}"
        click.echo(f"{key.name}\t{key.prefix}...\t{key.user.username}\t{created}\t{used}\t{state}")


@apikeys_cli.command("revoke")
@click.argument("name_or_prefix")
@friendly_errors
def revoke_key(name_or_prefix):
    """Revoke a key, given by its name or its first 12 characters; disables its account."""
    key = keys.revoke_api_key(name_or_prefix)
    commit()
    click.echo(f"revoked {key.name} ({key.prefix}...)")
