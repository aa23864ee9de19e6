"""`inspector supervision rebuild-rollups`."""

import click
from flask.cli import AppGroup

from inspector.cli import commit, friendly_errors
from inspector.supervision.services import rebuild_rollups

supervision_cli = AppGroup("supervision", help="Supervision rollups and reports.")


@supervision_cli.command("rebuild-rollups")
@friendly_errors
def rebuild():
    """Recompute the map and KPI rollups from the cases (after a bulk load or a repair)."""
    rebuild_rollups()
    commit()
    click.echo("rollups rebuilt")
