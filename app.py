"""WSGI entry point: `gunicorn app:app`."""

from inspector import create_app

app = create_app()
