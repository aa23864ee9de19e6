"""The migrations are the schema: they build it, and the models agree with them."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from inspector.extensions import db
from inspector.models import include_in_migrations


def test_migrations_build_every_table(db_session):
    tables = set(inspect(db_session.connection()).get_table_names())
    assert {
        "units",
        "users",
        "api_tokens",
        "login_attempts",
        "categories",
        "category_groups",
        "zone_layers",
        "zones",
    } <= tables


def test_autogenerate_finds_no_difference_between_models_and_migrations(db_session):
    context = MigrationContext.configure(
        db_session.connection(),
        opts={"include_object": include_in_migrations, "compare_type": True},
    )
    assert compare_metadata(context, db.metadata) == []


def test_postgis_is_installed_by_the_migrations(db_session):
    version = db_session.execute(db.text("SELECT postgis_lib_version()")).scalar()
    assert version.startswith("3.")
