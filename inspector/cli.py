"""The `inspector` command: a Flask CLI group with one sub-group per feature."""

import functools
import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate.cli import db as db_group
from sqlalchemy.exc import OperationalError

from inspector.errors import ApiError

# Errors that mean "the user can fix this": printed as one line, exit status 1.
_USER_ERRORS: tuple[type[Exception], ...] = (ApiError, ValueError, RuntimeError, OSError)


def one_line(error: Exception) -> str:
    if isinstance(error, ApiError):
        details = "; ".join(f"{field}: {why}" for field, why in error.fields.items())
        return f"{error.message} {details}".strip()
    if isinstance(error, OperationalError):
        return "cannot reach the database: start it with `inspector db up` or check DATABASE_URL"
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def friendly_errors(command):
    """Turn expected failures into `Error: <one line>` and exit status 1, with no traceback."""

    @functools.wraps(command)
    def wrapped(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (*_USER_ERRORS, OperationalError) as error:
            raise click.ClickException(one_line(error)) from None

    return wrapped


def commit():
    from inspector.extensions import db

    db.session.commit()


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=None, default=str))


# -- the embedded database ------------------------------------------------------------------


def _cluster():
    from inspector.embedded_db import Cluster

    return Cluster.for_instance(Path(current_app.instance_path))


@db_group.command("up")
@with_appcontext
@friendly_errors
def db_up():
    """Initialise (first time) and start the embedded PostgreSQL + PostGIS cluster."""
    click.echo(_cluster().up())


@db_group.command("down")
@with_appcontext
@friendly_errors
def db_down():
    """Stop the embedded cluster."""
    click.echo(_cluster().down())


@db_group.command("status")
@with_appcontext
@friendly_errors
def db_status():
    """Say whether the embedded cluster is running, and where."""
    click.echo(_cluster().status())


@db_group.command("url")
@with_appcontext
def db_url():
    """Print the SQLAlchemy URL the app uses (contains the password)."""
    click.echo(current_app.config["SQLALCHEMY_DATABASE_URI"])


def register(app: Flask) -> None:
    from inspector.auth.cli import tokens_cli, users_cli
    from inspector.cases.cli import calendar_cli, cases_cli, media_cli, route_all
    from inspector.categories.cli import categories_cli
    from inspector.demo.cli import demo_cli
    from inspector.open311.cli import apikeys_cli
    from inspector.supervision.cli import supervision_cli
    from inspector.units.cli import units_cli
    from inspector.zones.cli import route, rules_cli, zones_cli

    commands = (
        users_cli,
        tokens_cli,
        units_cli,
        categories_cli,
        demo_cli,
        zones_cli,
        rules_cli,
        route,
        route_all,
        cases_cli,
        calendar_cli,
        media_cli,
        supervision_cli,
        apikeys_cli,
    )
    for command in commands:
        app.cli.add_command(command)


def _create_app():
    from inspector import create_app

    return create_app()


def main() -> None:
    FlaskGroup(create_app=_create_app, help="Inspector (巡查督办) administration.")(
        prog_name="inspector"
    )
