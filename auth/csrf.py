"""A CSRF token per session for the app's own HTML forms (login, logout).

Dash callbacks need none: they are JSON POSTs (a cross-site page cannot send those without a
CORS preflight the server never grants) and the session cookie is SameSite=Lax.
"""

from __future__ import annotations

import hmac
import secrets

from flask import has_request_context, request, session

SESSION_KEY = "csrf_token"
FIELD = "csrf_token"


def csrf_token() -> str:
    """This session's token, created on first use ("" outside a request)."""
    if not has_request_context():
        return ""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def csrf_ok() -> bool:
    """Whether the posted form carries this session's token."""
    expected = session.get(SESSION_KEY)
    given = request.form.get(FIELD, "")
    if not isinstance(expected, str) or not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())
