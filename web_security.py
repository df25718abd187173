"""Security headers on every response of the Flask server: a Content-Security-Policy that
allows the app's own origin only, no framing, no content-type sniffing, a same-origin referrer.

The policy is the least the pages were seen to need in headless Chromium (every page of the
navbar, /admin, /login and /briefing, a chart's "download as PNG" clicked; tests/test_security.py
fails on any violation):

- ``script-src 'self'`` plus the sha256 of each inline script Dash writes into its index page
  (the renderer's start and the clientside callbacks: ``Dash.csp_hashes``); no other inline
  script, no ``eval``, no ``javascript:`` URL;
- ``style-src 'self' 'unsafe-inline'``: plotly.js, the Dash renderer and dcc insert ``<style>``
  elements while they draw (about 20 on a chart page), each with other content; styles run no
  code;
- ``img-src 'self' data: blob:``: the grid's icons and Bootstrap's form arrows are ``data:``
  SVGs; plotly's "download as PNG" draws the chart through a ``blob:`` image;
- ``font-src 'self'`` (the icon font is served from assets/), ``connect-src 'self'``
  (callbacks, maps' boundaries), ``object-src 'none'``, ``base-uri 'self'``, ``form-action
  'self'`` (the sign-in form), ``frame-ancestors 'none'`` (with X-Frame-Options for older
  browsers).

The session cookie's flags (HttpOnly, SameSite=Lax, Secure with SESSION_COOKIE_SECURE=1) are
set by ``auth.setup.init_auth``; behind HTTPS (SESSION_COOKIE_SECURE=1) responses also carry
Strict-Transport-Security.
"""

from __future__ import annotations

import threading

import dash
from flask import Response

STATIC_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],  # + the inline scripts' hashes
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def content_security_policy(script_hashes: list[str]) -> str:
    """The policy's text, with ``script_hashes`` (``'sha256-…'``) allowed as inline scripts."""
    policy = {**STATIC_POLICY, "script-src": [*STATIC_POLICY["script-src"], *script_hashes]}
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


def init_security(app: dash.Dash) -> None:
    """Add the headers to every response of ``app.server`` (pages, assets, callbacks,
    downloads, errors); a response that sets one of them itself keeps its own."""
    server = app.server
    lock = threading.Lock()

    def policy() -> str:
        # Dash gathers clientside callbacks' scripts until its first request is served:
        # hash what it has now (cheap), so that a script added late is never left out
        with lock:
            return content_security_policy(sorted(set(app.csp_hashes())))

    @server.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy())
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        settings = server.config.get("SETTINGS")
        if getattr(settings, "session_cookie_secure", False):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response
