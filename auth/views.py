"""POST /auth/login and POST /auth/logout: CSRF-checked, rate-limited, audited."""

from __future__ import annotations

import datetime as dt
import math
import time
import unicodedata
from urllib.parse import urlsplit

from flask import Blueprint, Response, redirect, request, session
from flask_login import login_user, logout_user

from auth.audit import audit, recent_failures, record
from auth.csrf import csrf_ok, csrf_token
from auth.roles import current_user_name
from auth.users import authenticate
from components.urls import href
from i18n import norm_lang, t

LOGIN_PAGE = "/login"
MAX_FAILURES = 5
WINDOW = dt.timedelta(minutes=15)
AUTH_AT = "auth_at"  # when the session signed in (epoch seconds): sessions end after a while

bp = Blueprint("auth", __name__, url_prefix="/auth")


def safe_next(target: str | None, default: str = "/") -> str:
    """``target`` if it is a path on this site, else ``default`` (no ``//host``, no URLs)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(c.isspace() or not c.isprintable() for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def _login_url(lang: str, target: str, **params: object) -> str:
    return href(LOGIN_PAGE, {"lang": lang, "next": None if target == "/" else target}, **params)


def bad_csrf() -> Response:
    """400: the form lacks this session's token (a forged post, or a page from an old session)."""
    text = f"{t('auth.csrf_failed', 'zh')}\n{t('auth.csrf_failed', 'en')}\n"
    return Response(text, status=400, mimetype="text/plain")


@bp.post("/login")
def login() -> Response:
    if not csrf_ok():
        return bad_csrf()
    lang = norm_lang(request.form.get("lang"))
    name = unicodedata.normalize("NFC", (request.form.get("name") or "").strip())
    password = request.form.get("password") or ""
    target = safe_next(request.form.get("next"))
    now = dt.datetime.now(dt.UTC)
    failures = recent_failures(name, request.remote_addr or "", WINDOW)
    if len(failures) >= MAX_FAILURES:
        # the count in the window drops below the limit when the 5th latest failure leaves it
        wait = failures[MAX_FAILURES - 1] + WINDOW - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        audit("login_refused", {"reason": "rate_limited", "minutes": minutes}, user=name)
        return redirect(_login_url(lang, target, error="rate_limited", wait=minutes))
    user = authenticate(name, password)
    if user is None:
        record("login_failed", {"reason": "bad_credentials"}, user=name)
        return redirect(_login_url(lang, target, error="bad_credentials"))
    session.clear()  # a fresh session (and CSRF token) for the signed-in user
    login_user(user)
    session.permanent = True
    session[AUTH_AT] = int(time.time())
    csrf_token()
    audit("login", {"role": user.role}, user=user.name)
    return redirect(target)


@bp.post("/logout")
def logout() -> Response:
    if not csrf_ok():
        return bad_csrf()
    name = current_user_name()
    target = safe_next(request.form.get("next"))
    logout_user()
    session.clear()
    if name:
        audit("logout", None, user=name)
    return redirect(target)
