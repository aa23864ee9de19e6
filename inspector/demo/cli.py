"""`inspector demo load`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from inspector.cli import commit, friendly_errors
from inspector.demo.samples import load_sample_cases
from inspector.demo.services import load_demo

demo_cli = AppGroup("demo", help="The generated demo city.")


@demo_cli.command("load")
@click.option(
    "--cases",
    "case_count",
    type=int,
    default=36,
    show_default=True,
    help="Sample cases to make when the city has none (0: none).",
)
@friendly_errors
def load(case_count):
    """Load the demo city (units, zones, taxonomy, accounts, sample cases); safe to re-run."""
    instance = Path(current_app.instance_path)
    created = load_demo(instance)
    commit()
    made = load_sample_cases(case_count) if case_count > 0 else 0
    commit()
    click.echo(f"demo city loaded; {len(created)} new accounts, {made} sample cases")
    accounts = instance / "demo_accounts.txt"
    if accounts.exists():
        click.echo(f"demo accounts (user, role, password) from {accounts}:")
        click.echo(accounts.read_text().rstrip())
