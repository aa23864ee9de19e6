"""`inspector units ...`."""

import click
from flask.cli import AppGroup

from inspector.cli import commit, friendly_errors
from inspector.units import services
from inspector.units.models import UNIT_KINDS

units_cli = AppGroup("units", help="Manage units (districts, street offices, departments).")


@units_cli.command("list")
@click.option("--kind", type=click.Choice(list(UNIT_KINDS)))
@friendly_errors
def list_units(kind):
    """List units."""
    for unit in services.list_units(kind):
        parent = unit.parent.code if unit.parent else "-"
        click.echo(f"{unit.code}\t{unit.kind}\t{unit.name_zh}\t{parent}")


@units_cli.command("create")
@click.argument("code")
@click.option("--name", required=True, help="Chinese name.")
@click.option("--name-en")
@click.option("--kind", required=True, type=click.Choice(list(UNIT_KINDS)))
@click.option("--parent", "parent_code", help="Code of the parent unit.")
@click.option("--district", "district_code", help="Adcode of the district it serves.")
@friendly_errors
def create_unit(code, name, name_en, kind, parent_code, district_code):
    """Create a unit."""
    unit = services.create_unit(code, name, kind, parent_code, district_code, name_en)
    commit()
    click.echo(f"created {unit.code}")
