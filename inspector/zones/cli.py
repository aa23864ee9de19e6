"""`inspector zones ...`, `inspector rules ...` and `inspector route`."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from inspector import geo
from inspector.cli import commit, echo_json, friendly_errors
from inspector.units.models import UNIT_KINDS
from inspector.zones import rules as rules_service
from inspector.zones import services
from inspector.zones.importer import read_boundary_file
from inspector.zones.routing import route_point

zones_cli = AppGroup("zones", help="Boundary layers and zones.")
rules_cli = AppGroup("rules", help="Routing rules (category, layer/zone, context -> unit or role).")


@zones_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--layer", required=True, help="Layer code, e.g. district, devzone, street.")
@click.option("--crs", required=True, help=f"Coordinate system: {geo.ACCEPTED_CRS_HELP}.")
@click.option("--code-field", help="Property holding each zone's code (default: code/adcode/id).")
@click.option("--name-field", help="Property holding each zone's name (default: name).")
@click.option(
    "--owner-role",
    type=click.Choice(list(UNIT_KINDS)),
    help="Unit kind that owns zones of this layer (e.g. district_government).",
)
@click.option("--precedence", type=int, help="Higher wins over the layers below it.")
@friendly_errors
def import_zones(path, layer, crs, code_field, name_field, owner_role, precedence):
    """Import a GeoJSON file (or zipped Shapefile) as a new version of a layer."""
    if not path.is_file():
        raise click.ClickException(f"no such file: {path}")
    features = read_boundary_file(path, crs, code_field, name_field)
    zone_layer = services.ensure_layer(layer, precedence, owner_role)
    result = services.import_zones(zone_layer, features, geo.parse_crs(crs))
    commit()
    click.echo(result.summary())


@zones_cli.command("list")
@friendly_errors
def list_zones():
    """List layers and their current zones."""
    for layer in services.list_layers():
        zones = services.current_zones(layer)
        click.echo(
            f"{layer.code}\tprecedence {layer.precedence}\tversion "
            f"{layer.current_version}\t{len(zones)} zones"
        )
        for zone in zones:
            owner = zone.owner_unit.code if zone.owner_unit else "-"
            click.echo(f"  {zone.code}\t{zone.name}\t{owner}")


@rules_cli.command("list")
@friendly_errors
def list_rules():
    """List rules, best first."""
    for rule in rules_service.list_rules():
        echo_json(rule.to_dict())


@rules_cli.command("add")
@click.option("--category", required=True, help='A code ("03-03"), a group ("02-*") or "*".')
@click.option("--unit", "unit_code", help="Target unit code.")
@click.option("--role", type=click.Choice(list(UNIT_KINDS)), help="Target unit role.")
@click.option("--layer", help="Only inside zones of this layer.")
@click.option("--zone", help="Only inside this zone (code).")
@click.option("--context", help="Only for this location context (e.g. wet_market).")
@click.option("--priority", type=int, default=0, show_default=True)
@click.option("--description")
@friendly_errors
def add_rule(category, unit_code, role, layer, zone, context, priority, description):
    """Add a rule."""
    rule = rules_service.add_rule(
        category, unit_code, role, layer, zone, context, priority, description
    )
    commit()
    click.echo(f"added rule {rule.id}")


@rules_cli.command("remove")
@click.argument("rule_id", type=int)
@friendly_errors
def remove_rule(rule_id):
    """Remove a rule by id."""
    rules_service.remove_rule(rule_id)
    commit()
    click.echo(f"removed rule {rule_id}")


@rules_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path), required=False)
@click.option("--replace", is_flag=True, help="Remove every existing rule first.")
@friendly_errors
def import_rules(path, replace):
    """Import rules from a TOML file (default: the shipped rules)."""
    path = path or rules_service.DEFAULT_RULES_FILE
    if not path.is_file():
        raise click.ClickException(f"no such file: {path}")
    count = rules_service.import_rules(path, replace=replace)
    commit()
    click.echo(f"imported {count} rules")


@click.command("route")
@click.argument("lon", type=float)
@click.argument("lat", type=float)
@click.option("--crs", default="wgs84", show_default=True, help=geo.ACCEPTED_CRS_HELP)
@click.option("--category", help="Category code, e.g. 03-03.")
@click.option("--accuracy", type=float, help="Location accuracy in metres.")
@click.option("--context", help="Location context, e.g. wet_market.")
@friendly_errors
def route(lon, lat, crs, category, accuracy, context):
    """Route a point and print the outcome as one JSON object."""
    outcome = route_point(lon, lat, crs, category, accuracy, context)
    click.echo(json.dumps(outcome.to_dict(), ensure_ascii=False))
