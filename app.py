"""Battery Cluster Dashboard: build the Dash app, register its pages, expose ``server``.

``python app.py`` serves on http://127.0.0.1:8050/ (HOST / PORT to change);
``flask --app app:server data …`` runs the command line (see README).
"""

from __future__ import annotations

import logging
import socket

import dash

from auth import init_auth
from cli import register_commands
from components.shell import create_root_layout, register_clientside, routing_inputs
from exports.web import register_exports
from i18n import t
from serve.background import background_manager, make_celery
from serve.geo import register_geo
from serve.shared_cache import init_shared_cache
from settings import Settings, load_settings
from store import db
from store.db import StartupError
from store.uploads import request_limit
from web_security import init_security


def create_app(settings: Settings | None = None) -> dash.Dash:
    """The Dash app on an initialised database (migrated, and filled on first run)."""
    settings = settings or load_settings()
    db.init(settings)
    celery = make_celery(settings)  # None without REDIS_URL
    app = dash.Dash(
        __name__,
        use_pages=True,
        title=t("app.title", "zh"),
        update_title=None,
        serve_locally=True,
        suppress_callback_exceptions=True,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        background_callback_manager=background_manager(settings, celery),
        routing_callback_inputs=routing_inputs(),  # pages that redraw only their results
    )
    app.server.extensions["celery"] = celery
    app.layout = create_root_layout
    register_clientside(app)
    app.server.config["SETTINGS"] = settings
    app.server.config["MAX_CONTENT_LENGTH"] = request_limit(settings.max_upload_bytes)
    app.server.secret_key = settings.secret_key or None
    init_shared_cache(app.server, settings)
    init_auth(app.server, settings)
    register_commands(app.server)
    register_exports(app.server)  # downloads; Chromium warmed on the first request
    register_geo(app.server)  # map boundaries, read once by the browser
    init_security(app)  # CSP, no framing, nosniff, same-origin referrer on every response
    return app


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # as the server itself does: a port left in TIME_WAIT by a restart is free
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise StartupError("startup.port_in_use", host=host, port=port) from exc


try:
    app = create_app()
except StartupError as error:
    error.exit()
server = app.server
celery_app = server.extensions["celery"]  # ``make worker``: celery -A app:celery_app worker

if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
    settings = server.config["SETTINGS"]
    try:
        _check_port(settings.host, settings.port)
    except StartupError as error:
        error.exit()
    print(t("startup.serving", "zh", host=settings.host, port=settings.port))
    print(t("startup.serving", "en", host=settings.host, port=settings.port))
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
