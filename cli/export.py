"""``flask --app app:server export chart|briefing …``: the app's exports from a shell."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from exports import chrome
from exports.briefing import build_pack, region_pack
from exports.registry import RENDERERS, renderer
from exports.views import ViewError, resolve_one
from i18n import norm_lang, t
from store import queries
from store.db import get_engine

export_cli = AppGroup("export", help="Export charts and briefing packs. 导出图表与简报包。")
CHART_FORMATS = [f for f, r in RENDERERS.items() if r.kind in {"chart", "data"}]


def _say(key: str, err: bool = False, **params: object) -> None:
    click.echo(f"{t(key, 'zh', **params)}\n{t(key, 'en', **params)}", err=err)


def _fail(key: str, detail: str = "", **params: object) -> None:
    _say(key, err=True, **params)
    if detail:
        click.echo(detail, err=True)
    sys.exit(1)


@export_cli.command("chart")
@click.option("--url", required=True, help='A page\'s URL, e.g. "/compare?indicator=…".')
@click.option("--format", "fmt", type=click.Choice(CHART_FORMATS), default=None)
@click.option("--size", type=click.Choice(["slide", "print"]), default="slide")
@click.option("--chart", default=None, help="Which chart of the page (e.g. compare-bar).")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def chart_command(url: str, fmt: str | None, size: str, chart: str | None, out: Path) -> None:
    """Exactly what URL shows: its chart as PNG/SVG/PDF, or the data behind it as XLSX/CSV."""
    fmt = fmt or out.suffix.lstrip(".").lower()
    if fmt not in CHART_FORMATS:
        _fail("exports.bad_format", format=fmt)
    settings = current_app.config.get("SETTINGS")
    try:
        view = resolve_one(url, get_engine(), settings, chart)
        r = renderer(fmt)
        if r.kind == "chart" and view.figure is None:
            _fail("exports.no_picture")
        data = r.render(view, size_key=size) if r.kind == "chart" else r.render(view)
    except ViewError as exc:
        _fail("exports.view_failed", detail=exc.message)
    except chrome.ExportUnavailable as exc:
        _fail("exports.chrome_failed", detail=str(exc))
    finally:
        chrome.shutdown()
    out.write_bytes(data)
    _say("exports.cli_done", path=out, title=view.meta.title, bytes=len(data))


@export_cli.command("briefing")
@click.option("--region", default=None, help="Region code or name (枣庄市, 370400).")
@click.option("--url", "urls", multiple=True, help="A saved set of views instead of a region.")
@click.option("--title", default=None)
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]))
@click.option("--as-of", "as_of", type=int, default=None, help="Revision number.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def briefing_command(
    region: str | None,
    urls: tuple[str, ...],
    title: str | None,
    lang: str,
    as_of: int | None,
    out: Path,
) -> None:
    """A briefing pack (title slide, one slide per chart, sources) as .pptx or .pdf."""
    fmt = {".pptx": "pptx", ".pdf": "briefing-pdf"}.get(out.suffix.lower())
    if fmt is None:
        _fail("exports.briefing_suffix")
    engine = get_engine()
    settings = current_app.config.get("SETTINGS")
    lang = norm_lang(lang)
    latest = queries.latest_revision(engine)
    if as_of is not None and (latest is None or not 1 <= as_of <= latest):
        _fail("cli.bad_revision", rev=as_of)
    try:
        if urls:
            pack = build_pack(
                engine,
                list(urls),
                title=title or t("briefing.views_title", lang),
                lang=lang,
                settings=settings,
                as_of=as_of,
            )
        elif region:
            code = queries.resolve_region(engine, region)
            if code is None:
                _fail("common.unknown_region", region=region)
            pack = region_pack(engine, code, lang=lang, settings=settings, as_of=as_of)
            if title:
                pack.title = title
        else:
            _fail("exports.briefing_what")
        for skipped in pack.skipped:
            click.echo(skipped, err=True)
        if not pack.views:
            _fail("briefing.no_charts")
        data = renderer(fmt).render(pack)
    except ViewError as exc:
        _fail("exports.view_failed", detail=exc.message)
    except chrome.ExportUnavailable as exc:
        _fail("exports.chrome_failed", detail=str(exc))
    finally:
        chrome.shutdown()
    out.write_bytes(data)
    _say("exports.briefing_done", path=out, slides=len(pack.views) + 2, bytes=len(data))
