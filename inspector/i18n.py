"""Locale choice: Chinese by default, English when the user or browser asks for it."""

import os

from flask import current_app, has_request_context, request


def select_locale() -> str:
    supported = current_app.config["BABEL_SUPPORTED_LOCALES"]
    if not has_request_context():  # the CLI follows the terminal's language
        language = os.environ.get("LANGUAGE") or os.environ.get("LANG") or ""
        return "en" if language.startswith("en") else current_app.config["BABEL_DEFAULT_LOCALE"]
    explicit = request.args.get("lang") or request.headers.get("X-Language")
    if explicit and explicit.split("-")[0] in supported:
        return explicit.split("-")[0]
    chosen = request.cookies.get("lang")
    if chosen in supported:
        return chosen
    return (
        request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )
