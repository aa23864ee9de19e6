"""`inspector categories ...`."""

from pathlib import Path

import click
from flask.cli import AppGroup

from inspector.categories import services
from inspector.cli import commit, friendly_errors

categories_cli = AppGroup("categories", help="The problem taxonomy.")


@categories_cli.command("load")
@click.option("--file", "path", type=click.Path(path_type=Path), default=services.TAXONOMY_FILE)
@click.option("--overwrite", is_flag=True, help="Replace admin edits with the file's values.")
@friendly_errors
def load(path, overwrite):
    """Load the taxonomy file (the shipped one by default) into the database."""
    if not path.exists():
        raise click.ClickException(f"no such file: {path}")
    created, updated = services.load_taxonomy(path, overwrite=overwrite)
    commit()
    click.echo(f"categories: {created} created, {updated} updated")


@categories_cli.command("list")
@friendly_errors
def list_categories():
    """List categories with their deadlines and default unit role."""
    for group in services.list_groups():
        for item in group.items:
            deadline = f"{item.deadline_value:g} {item.deadline_unit}"
            click.echo(f"{item.code}\t{item.name_zh}\t{deadline}\t{item.default_role}")
