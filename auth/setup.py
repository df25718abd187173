"""init_auth: secret key, session cookie, Flask-Login, the login routes and the viewing policy."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from pathlib import Path

from flask import (
    Flask,
    Response,
    current_app,
    has_app_context,
    jsonify,
    redirect,
    request,
    session,
)
from flask_login import LoginManager, logout_user

from auth.roles import PermissionDenied, has_role
from auth.users import load_user
from auth.views import AUTH_AT, LOGIN_PAGE, bp, safe_next
from components.urls import href
from i18n import norm_lang, t
from settings import Settings
from store.db import StartupError

SECRET_FILE = "secret_key"
VIEW_FLAG = "AUTH_VIEW_REQUIRES_LOGIN"
CALLBACK_PATH = "/_dash-update-component"
ROUTER_OUTPUT = ".._pages_content.children..._pages_store.data.."  # dash's pages router
# reachable without a login even when viewing needs one: the login page and what it is made of
OPEN_PATHS = {LOGIN_PAGE, "/_dash-layout", "/_dash-dependencies", "/_favicon.ico", "/_reload-hash"}
OPEN_PREFIXES = ("/auth/", "/assets/", "/_dash-component-suites/")


def init_auth(server: Flask, settings: Settings) -> None:
    """Sessions, logins and roles on ``server``; call once, after the store is initialised."""
    server.secret_key = settings.secret_key or instance_secret(settings.instance_dir)
    server.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.session_cookie_secure,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.session_hours),
    )
    server.config[VIEW_FLAG] = settings.view_requires_login
    manager = LoginManager()
    manager.session_protection = "basic"
    manager.user_loader(load_user)
    manager.init_app(server)
    server.register_blueprint(bp)
    server.before_request(_end_old_session)
    if settings.view_requires_login:
        server.before_request(_require_login)
    server.register_error_handler(PermissionDenied, _denied)


def instance_secret(folder: Path) -> str:
    """A random key made once in ``folder/secret_key`` (mode 0600), shared by every worker."""
    path = folder / SECRET_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _create_once(path, secrets.token_hex(32))
        key = path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise StartupError(
            "auth.secret_key_unwritable", folder=folder, reason=exc.strerror or exc
        ) from exc
    if len(key) < 32:
        raise StartupError("auth.secret_key_unwritable", folder=folder, reason=path)
    return key


def _create_once(path: Path, key: str) -> None:
    """Write a complete file under a temporary name, then link it in: the first worker wins."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def can_view() -> bool:
    """Whether the caller may see the pages: always, unless VIEW_REQUIRES_LOGIN=1."""
    required = has_app_context() and bool(current_app.config.get(VIEW_FLAG))
    return not required or has_role("viewer")


def _end_old_session() -> None:
    """A session ends SESSION_HOURS after its login, however busy it has been since."""
    signed_in_at = session.get(AUTH_AT)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if isinstance(signed_in_at, int | float) and time.time() - signed_in_at > lifetime:
        logout_user()
        session.clear()


def _is_open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def _renders_login_page() -> bool:
    """Whether a callback POST is the pages router drawing /login (the only one allowed)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or body.get("output") != ROUTER_OUTPUT:
        return False
    for item in body.get("inputs") or []:
        if isinstance(item, dict) and item.get("id") == "_pages_location":
            if item.get("property") == "pathname":
                return str(item.get("value") or "").rstrip("/") == LOGIN_PAGE
    return False


def _require_login() -> Response | None:
    if _is_open(request.path) or has_role("viewer"):
        return None
    if request.path == CALLBACK_PATH and _renders_login_page():
        return None
    if request.method in {"GET", "HEAD"} and request.path != CALLBACK_PATH:
        target = safe_next(request.full_path.rstrip("?"))
        lang = norm_lang(request.args.get("lang"))
        next_param = None if target == "/" else target
        return redirect(href(LOGIN_PAGE, {"lang": lang, "next": next_param}))
    return _json_error("auth.login_required", 401)


def _json_error(key: str, status: int) -> Response:
    response = jsonify(message_zh=t(key, "zh"), message_en=t(key, "en"))
    response.status_code = status
    return response


def _denied(error: PermissionDenied) -> Response:
    """A PermissionDenied no callback handled: 401 or 403, the message in both languages."""
    response = jsonify(message_zh=error.message_zh, message_en=error.message_en)
    response.status_code = 401 if error.actual == "anonymous" else 403
    return response
