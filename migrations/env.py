"""Alembic environment, run through Flask-Migrate (`inspector db upgrade`)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from geoalchemy2 import alembic_helpers

from inspector.models import include_in_migrations

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging_config"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url",
    target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"),
)


def _configure_args() -> dict:
    return {
        "target_metadata": target_db.metadata,
        "include_object": include_in_migrations,
        # GeoAlchemy2's helpers add its import to revisions and handle spatial indexes.
        "process_revision_directives": alembic_helpers.writer,
        "render_item": alembic_helpers.render_item,
        "compare_type": True,
    }


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **_configure_args()
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, **_configure_args())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
