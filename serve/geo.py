"""The map boundaries (``data/geo``) served by the app itself, for the browser to read once.

A map drawn in the browser names its boundaries by URL (plotly.js reads a choropleth's
``geojson`` from a URL and keeps it for the page's life) instead of carrying several hundred
kilobytes of them in every answer. The URL holds a digest of the file: the browser may keep
it for a year, and a new boundary file is a new URL. Exports, drawn without this server, keep
the boundaries in the figure.
"""

from __future__ import annotations

import functools
import hashlib

from flask import Flask, Response, abort, request

from store.queries_map import GEO_DIR, LEVELS

PREFIX = "/geo/"
YEAR = 365 * 24 * 3600


@functools.lru_cache(maxsize=len(LEVELS))
def _file(level: str) -> tuple[bytes, str]:
    """The level's boundary file and its digest (read once per process)."""
    body = (GEO_DIR / LEVELS[level]).read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:16]


def boundaries_url(level: str) -> str:
    """Where the browser reads ``level``'s boundaries: ``/geo/city.geojson?v=…``."""
    if level not in LEVELS:
        raise ValueError(f"unknown map level {level!r}: expected one of {sorted(LEVELS)}")
    return f"{PREFIX}{level}.geojson?v={_file(level)[1]}"


def register_geo(server: Flask) -> None:
    """``GET /geo/<level>.geojson``: the boundaries, cacheable for a year when asked for by
    the digest they have now (any other digest: not cached, so a stale link heals)."""

    @server.get(f"{PREFIX}<level>.geojson")
    def geo_boundaries(level: str) -> Response:
        if level not in LEVELS:
            abort(404)
        body, digest = _file(level)
        response = Response(body, mimetype="application/geo+json")
        response.set_etag(digest)
        if request.args.get("v") == digest:
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)
