"""Runs last (by name): no earlier test may have committed rows for real."""

from inspector.auth.models import User
from inspector.extensions import db
from inspector.units.models import Unit


def test_no_test_left_committed_rows_behind(app):
    with app.app_context(), db.engine.connect() as connection:
        # (Browser tests commit on purpose, on the live server's own database.)
        assert connection.execute(db.select(User.username)).all() == []
        assert connection.execute(db.select(Unit.code)).all() == []
