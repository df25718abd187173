"""Downloads over HTTP: a chart of any page's URL, and the files a briefing job has made.

``GET /export/chart?url=/compare%3F…&format=png&size=slide[&chart=compare-bar]`` answers with
the file (``Content-Disposition: attachment``), made by the registry's renderer for that
format. Errors answer with a short page in Chinese and English, never a traceback.
"""

from __future__ import annotations

import html
import logging
import re
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Flask, Response, current_app, request, send_file

from exports import chrome
from exports.registry import RENDERERS, renderer
from exports.views import ViewError, resolve_one
from i18n import t
from store.db import get_engine

log = logging.getLogger(__name__)
blueprint = Blueprint("exports", __name__)
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def download_name(stem: str, extension: str) -> str:
    return f"{stem}.{extension}"


def _attachment(data: bytes, media_type: str, filename: str) -> Response:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename) or f"export.{filename.rsplit('.')[-1]}"
    return Response(
        data,
        mimetype=media_type.split(";")[0],
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(filename)}",
            "Cache-Control": "no-store",
        },
    )


def error_page(
    key: str, status: int, detail: str = "", back: str = "/", **params: object
) -> Response:
    """Both languages, the reason, a way back: what a failed download shows. ``back``: the
    page the export was asked from (a path of this app; anything else goes home). A plain link:
    the Content-Security-Policy runs no ``javascript:`` URL."""
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    lines = [f"<p>{html.escape(t(key, lang, **params))}</p>" for lang in ("zh", "en")]
    if detail:
        lines.append(f"<p>{html.escape(detail)}</p>")
    body = (
        "<!doctype html><html lang='zh-CN'><meta charset='utf-8'>"
        f"<title>{html.escape(t('exports.failed_title', 'zh'))}</title>"
        f"<body style='font-family:sans-serif;margin:2em'>{''.join(lines)}"
        f"<p><a href='{html.escape(back, quote=True)}'>← 返回 / Back</a></p></body></html>"
    )
    return Response(body, status=status, mimetype="text/html")


@blueprint.get("/export/chart")
def export_chart() -> Response:
    url = request.args.get("url", "")
    fmt = request.args.get("format", "png")
    size = request.args.get("size", "slide")
    if fmt not in RENDERERS or RENDERERS[fmt].kind not in {"chart", "data"}:
        return error_page("exports.bad_format", 400, back=url, format=fmt)
    settings = current_app.config.get("SETTINGS")
    try:
        view = resolve_one(url, get_engine(), settings, request.args.get("chart") or None)
        r = renderer(fmt)
        if r.kind == "chart" and view.figure is None:
            return error_page("exports.no_picture", 400, back=url)
        data = r.render(view, size_key=size) if r.kind == "chart" else r.render(view)
    except ViewError as exc:
        return error_page("exports.view_failed", 404, detail=exc.message, back=url)
    except chrome.ExportUnavailable:
        log.exception("chart export failed")
        return error_page("exports.chrome_failed", 503, back=url)
    suffix = f"-{size}" if r.kind == "chart" else ""
    return _attachment(data, r.media_type, download_name(view.slug + suffix, r.extension))


def files_folder() -> Path:
    """Where briefing jobs leave their files (under the instance folder: every worker sees it)."""
    settings = current_app.config["SETTINGS"]
    return Path(settings.instance_dir) / "exports"


@blueprint.get("/export/file/<token>/<name>")
def export_file(token: str, name: str) -> Response:
    """A file a briefing job wrote: ``instance/exports/<token>/<name>``."""
    folder = files_folder() / token
    path = folder / name
    if not TOKEN.match(token) or "/" in name or name.startswith(".") or not path.is_file():
        return error_page("exports.file_gone", 404)
    media = {
        "pptx": RENDERERS["pptx"].media_type,
        "pdf": "application/pdf",
    }.get(path.suffix.lstrip("."), "application/octet-stream")
    response = send_file(path, mimetype=media, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    return response


def register_exports(server: Flask) -> None:
    """The download routes; Chromium started in the background on the first request, so
    that the first export does not wait for it (``EXPORT_WARM=0`` leaves it to that export)."""
    server.register_blueprint(blueprint)
    settings = server.config.get("SETTINGS")
    if settings is None or not settings.warm_exports:
        return
    state = {"warmed": False}

    def warm_once() -> None:
        if not state["warmed"]:
            state["warmed"] = True
            chrome.warm_in_background()

    server.before_request(warm_once)
