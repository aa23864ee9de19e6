"""Inspector (巡查督办): patrol reports, routing to the responsible unit, and supervision."""

from pathlib import Path

from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Build the app; tests pass their own `config` on top of the environment's."""
    app = Flask(__name__, instance_path=str(_instance_path()), static_folder=None)
    load_configuration(app, config)
    init_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_security(app)
    register_cli(app)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client address and scheme from them
    (login throttling per IP and Secure cookies depend on it)."""
    count = app.config["TRUSTED_PROXIES"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def _instance_path() -> Path:
    import os

    return Path(os.environ.get("INSPECTOR_INSTANCE") or Path(__file__).parent.parent / "instance")


def load_configuration(app: Flask, config: dict | None) -> None:
    from inspector.config import load_config

    app.config.update(load_config(Path(app.instance_path)))
    app.config.update(config or {})


def init_extensions(app: Flask) -> None:
    from inspector import i18n
    from inspector.auth import services as auth_services
    from inspector.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    auth_services.init_login_manager(login_manager)


def register_blueprints(app: Flask) -> None:
    from inspector import frontend, system
    from inspector.auth.routes import bp as auth_bp
    from inspector.cases.routes import bp as cases_bp
    from inspector.categories.routes import bp as categories_bp
    from inspector.open311.routes import bp as open311_bp
    from inspector.reports.routes import bp as reports_bp
    from inspector.supervision.routes import bp as supervision_bp
    from inspector.units.routes import bp as units_bp
    from inspector.zones.routes import bp as zones_bp

    blueprints = (
        system.bp,
        auth_bp,
        units_bp,
        categories_bp,
        zones_bp,
        reports_bp,
        supervision_bp,
        cases_bp,
        open311_bp,
        frontend.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    from inspector import errors

    errors.register(app)


def register_security(app: Flask) -> None:
    from inspector import security

    security.register(app)


def register_cli(app: Flask) -> None:
    from inspector import cli

    cli.register(app)
