"""简报包: pick a region (or paste a saved set of views), get a PPTX and a PDF.

The pack is made by a background callback (rendering takes seconds) with a progress bar; the
work itself is ``exports.jobs.make_briefing_files``, and the files are downloaded from
``/export/file/…`` (``exports.web``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, html, set_props

from components.alerts import create_alert, create_error_alert, guarded
from components.controls import create_dropdown
from components.shell import create_page
from components.urls import parse_rev
from exports import chrome
from exports.jobs import BriefingFiles, make_briefing_files
from exports.views import ViewError
from i18n import norm_lang, t
from store import queries
from store.db import get_engine, reinit_after_fork

log = logging.getLogger(__name__)
PATH = "/briefing"
dash.register_page(
    __name__, path=PATH, title="简报包 · 电池产业集群统计看板", name="briefing", order=20
)
MAX_URLS = 12


@guarded
def layout(
    lang: str = "zh", region: str | None = None, rev: str | None = None, **_: str
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    code = queries.resolve_region(engine, region) if region else None
    settings = dash.get_app().server.config.get("SETTINGS")
    code = code or (settings.default_region if settings else "370400")
    params = {"region": code, "rev": as_of}
    body = [
        html.P(t("briefing.intro", lang), className="text-muted"),
        dbc.Row(
            [
                dbc.Col(
                    [
                        dbc.Label(t("briefing.region", lang), html_for="briefing-region"),
                        create_dropdown(
                            "briefing-region",
                            lang,
                            options=queries.region_options(engine, lang),
                            value=code,
                            clearable=True,
                        ),
                    ],
                    md=6,
                ),
                dbc.Col(
                    [
                        dbc.Label(t("briefing.views", lang), html_for="briefing-views"),
                        dbc.Textarea(
                            id="briefing-views",
                            placeholder=t("briefing.views_placeholder", lang),
                            rows=3,
                        ),
                        dbc.FormText(t("briefing.views_help", lang)),
                    ],
                    md=6,
                ),
            ],
            className="g-3 mb-3",
        ),
        dbc.Button(t("briefing.make", lang), id="briefing-make", color="primary"),
        html.Div(
            [
                dbc.Progress(
                    id="briefing-progress", value=0, striped=True, animated=True, className="mb-1"
                ),
                html.Div(id="briefing-progress-label", className="small text-muted"),
            ],
            id="briefing-progress-box",
            className="d-none",
        ),
        html.Div(id="briefing-result", className="mt-3"),
    ]
    return create_page(lang, PATH, params, t("briefing.title", lang), *body)


def parse_views(text: str | None) -> list[str]:
    """The views pasted, one URL a line (at most ``MAX_URLS``); blank lines ignored."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[:MAX_URLS]


def create_downloads(files: BriefingFiles, lang: str) -> html.Div:
    """The two download buttons, the slides' titles and sentences, and what was left out."""
    links = [
        dbc.Button(
            t(f"briefing.download_{'pdf' if fmt == 'briefing-pdf' else fmt}", lang),
            href=f"/export/file/{files.token}/{quote(name)}",
            external_link=True,
            color="success",
            className="me-2 mb-2",
            id=f"briefing-download-{'pdf' if fmt == 'briefing-pdf' else fmt}",
        )
        for fmt, name in files.names.items()
    ]
    slides = html.Ol(
        [html.Li([html.Strong(v.meta.title), html.Br(), v.sentence]) for v in files.pack.views],
        className="small",
        id="briefing-slides",
    )
    skipped = [
        create_alert(t("briefing.skipped", lang, view=s), color="light") for s in files.pack.skipped
    ]
    return html.Div(
        [
            html.P(
                t("briefing.ready", lang, title=files.pack.title, charts=len(files.pack.views)),
                className="fw-bold",
            ),
            html.Div(links),
            slides,
            *skipped,
        ]
    )


def _failed(error: Exception) -> None:
    lang = "zh"
    log.error("briefing callback failed", exc_info=error)
    set_props("briefing-result", {"children": create_error_alert(type(error).__name__, lang)})


@callback(
    Output("briefing-result", "children"),
    Input("briefing-make", "n_clicks"),
    State("briefing-region", "value"),
    State("briefing-views", "value"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    background=True,
    progress=[Output("briefing-progress", "value"), Output("briefing-progress-label", "children")],
    progress_default=[0, ""],
    running=[
        (Output("briefing-progress-box", "className"), "mt-3", "d-none"),
        (Output("briefing-make", "disabled"), True, False),
    ],
    interval=500,
    prevent_initial_call=True,
    on_error=_failed,
)
def make_pack(
    set_progress: Callable[[list[object]], None],
    _n: int | None,
    region: str | None,
    views: str | None,
    lang: str | None,
    rev: int | None,
) -> object:
    """In the background: the region's (or the listed views') pack as PPTX and PDF."""
    reinit_after_fork()  # a forked process: never use the parent's database connections
    lang = norm_lang(lang)
    settings = dash.get_app().server.config["SETTINGS"]
    try:
        files = make_briefing_files(
            get_engine(),
            settings,
            region=region,
            urls=parse_views(views),
            lang=lang,
            as_of=parse_rev(rev),
            step=lambda percent, text: set_progress([percent, text]),
        )
    except ViewError as exc:
        return create_alert(exc.message, color="warning", alert_id="briefing-problem")
    except chrome.ExportUnavailable:
        log.exception("briefing pack: Chromium failed")
        return create_alert(t("exports.chrome_failed", lang), color="danger")
    finally:
        chrome.shutdown()  # this job's own Chromium (a forked process has its own)
    return create_downloads(files, lang)
