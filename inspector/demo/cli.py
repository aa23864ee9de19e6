"""`inspector demo load`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from inspector.cli import commit, friendly_errors
from inspector.demo.services import load_demo

demo_cli = AppGroup("demo", help="The generated demo city.")


@demo_cli.command("load")
@friendly_errors
def load():
    """Load the demo city (units, zones, taxonomy, accounts); running it again changes nothing."""
    instance = Path(current_app.instance_path)
    created = load_demo(instance)
    commit()
    click.echo(f"demo city loaded; {len(created)} new accounts")
    accounts = instance / "demo_accounts.txt"
    if accounts.exists():
        click.echo(f"demo accounts (user, role, password) from {accounts}:")
        click.echo(accounts.read_text().rstrip())
