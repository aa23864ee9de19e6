"""`inspector cases ...`, `inspector calendar ...`, `inspector route-all`, `inspector media gc`."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from inspector.cases import clock, workflow
from inspector.cases.models import Case, CasePhoto
from inspector.cases.services import record_event, utcnow
from inspector.cli import commit, friendly_errors
from inspector.extensions import db
from inspector.reports.services import apply_routing
from inspector.storage import store_from_config
from inspector.zones.routing import route_many

cases_cli = AppGroup("cases", help="Case housekeeping.")
calendar_cli = AppGroup("calendar", help="The working calendar (holidays, make-up workdays).")
media_cli = AppGroup("media", help="Stored photos.")


@cases_cli.command("tick")
@friendly_errors
def tick():
    """Mark cases whose deadline passed as overdue (once each); safe to run from cron."""
    marked = workflow.mark_overdue()
    commit()
    click.echo(f"{marked} cases turned overdue")


@calendar_cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@friendly_errors
def import_calendar(path):
    """Import a year's holidays and make-up workdays (TOML, see calendar_2026.toml)."""
    if not path.is_file():
        raise click.ClickException(f"no such file: {path}")
    count = clock.import_calendar(path)
    commit()
    click.echo(f"calendar: {count} days imported")


@click.command("route-all")
@click.option(
    "--unrouted",
    "only_unrouted",
    is_flag=True,
    required=True,
    help="Re-route the cases waiting in unrouted (the only mode for now).",
)
@friendly_errors
def route_all(only_unrouted):
    """Re-run routing for unrouted cases after boundaries or rules changed."""
    from geoalchemy2.shape import to_shape

    cases = list(
        db.session.scalars(
            select(Case).where(Case.state == "unrouted").with_for_update(skip_locked=True)
        )
    )
    if not cases:
        click.echo("no unrouted cases")
        return
    points = [to_shape(case.location) for case in cases]
    outcomes = route_many(
        [p.x for p in points],
        [p.y for p in points],
        [case.category_code for case in cases],
        [case.accuracy_m for case in cases],
        [case.location_context for case in cases],
    )
    now, routed = utcnow(), 0
    for case, outcome in zip(cases, outcomes, strict=True):
        record_event(
            case,
            "rerouted",
            None,
            case.state,
            case.state,
            outcome.reason,
            {"status": outcome.status, "generation": outcome.generation},
        )
        if outcome.status == "routed":
            case.routing_status, case.routing_reason = outcome.status, outcome.reason
            case.routing_rule_id = outcome.rule.id if outcome.rule else None
            case.routing_zone_ids = [zone.id for zone in outcome.zones]
            case.boundary_distance_m = outcome.boundary_distance_m
            case.routing_generation = outcome.generation
            apply_routing(case, outcome, None, now)
            routed += 1
    commit()
    click.echo(f"{routed} of {len(cases)} unrouted cases routed")


@media_cli.command("gc")
@click.option(
    "--grace-hours",
    type=float,
    default=1.0,
    show_default=True,
    help="Keep unreferenced files younger than this (uploads in flight).",
)
@friendly_errors
def media_gc(grace_hours):
    """Delete stored files that no photo row references (left by a crash mid-upload)."""
    store = store_from_config(current_app.config)
    referenced = set()
    for row in db.session.execute(
        select(CasePhoto.original_key, CasePhoto.display_key, CasePhoto.thumb_key)
    ):
        referenced.update(row)
    cutoff = datetime.now(UTC) - timedelta(hours=grace_hours)
    removed = 0
    for key in list(store.iter_keys()):
        if key in referenced:
            continue
        path = store.path_for(key)
        if path is not None and datetime.fromtimestamp(path.stat().st_mtime, UTC) > cutoff:
            continue
        store.delete(key)
        removed += 1
    click.echo(f"removed {removed} unreferenced files")
