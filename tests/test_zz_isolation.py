"""Runs last (by name): no earlier test may have committed rows for real."""

from inspector.auth.models import User
from inspector.extensions import db
from inspector.units.models import Unit


def test_no_test_left_committed_rows_behind(app):
    with app.app_context(), db.engine.connect() as connection:
        # Browser tests commit their users on purpose (prefixed "live-"), nothing else may.
        users = connection.execute(db.select(User.username)).scalars()
        units = connection.execute(db.select(Unit.code)).scalars()
        assert [name for name in users if not name.startswith("live-")] == []
        assert [code for code in units if not code.startswith("LIVE-")] == []
