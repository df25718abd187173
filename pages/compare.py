"""地区对比: one indicator across regions and years, as lines, bars and a table."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from components.alerts import create_alert, guarded
from components.controls import create_dropdown
from components.shell import create_page
from components.tables import create_grid
from components.urls import parse_rev, search, split_list
from figures.compare import bar_chart, line_chart
from figures.format import display_unit, format_quantity
from i18n import norm_lang, pick, t
from store import queries
from store.db import get_engine
from store.periods import parse_period

PATH = "/compare"
dash.register_page(
    __name__, path=PATH, title="地区对比 · 电池产业集群统计看板", name="compare", order=1
)

DEFAULT_INDICATOR = "resident_population"
DEFAULT_REGIONS = ["370400", "120000", "320400", "420100"]
GRAPH_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@guarded
def layout(
    lang: str = "zh",
    indicator: str | None = None,
    regions: str | None = None,
    start: str | None = None,
    end: str | None = None,
    rev: str | None = None,
    **_: str,
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    catalogue = queries.indicators(engine)
    code = indicator or DEFAULT_INDICATOR
    wanted = split_list(regions) or DEFAULT_REGIONS
    region_codes = [c for c in (queries.resolve_region(engine, r) for r in wanted) if c]
    params = {"indicator": code, "regions": region_codes, "start": start, "end": end, "rev": as_of}
    available = queries.indicators_with_region_data(engine, as_of)
    options = [
        {"label": pick(lang, catalogue.loc[c, "name_zh"], catalogue.loc[c, "name_en"]), "value": c}
        for c in catalogue.index
        if c in available
    ]
    bounds = queries.year_bounds(engine, code, as_of) if code in catalogue.index else None
    lo, hi = bounds or (2010, 2030)
    y0, y1 = _int(start) or lo, _int(end) or hi
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("compare.indicator", lang), html_for="compare-indicator"),
                    create_dropdown(
                        "compare-indicator", lang, options=options, value=code, clearable=False
                    ),
                ],
                md=4,
            ),
            dbc.Col(
                [
                    dbc.Label(t("compare.regions", lang), html_for="compare-regions"),
                    create_dropdown(
                        "compare-regions",
                        lang,
                        options=queries.region_options(engine, lang),
                        value=region_codes,
                        multi=True,
                    ),
                ],
                md=5,
            ),
            dbc.Col(
                [
                    dbc.Label(t("compare.years", lang)),
                    dcc.RangeSlider(
                        id="compare-years",
                        min=lo,
                        max=hi,
                        step=1,
                        value=[y0, y1],
                        marks={lo: str(lo), hi: str(hi)},
                        tooltip={"placement": "bottom", "always_visible": False},
                    ),
                ],
                md=3,
            ),
        ],
        className="mb-3 g-3",
    )
    title = t("compare.title", lang)
    if code not in catalogue.index:
        return create_page(
            lang,
            PATH,
            params,
            title,
            controls,
            create_alert(t("common.unknown_indicator", lang, indicator=code)),
        )
    ind = catalogue.loc[code]
    df = queries.compare_series(engine, code, region_codes, y0, y1, as_of)
    name = pick(lang, ind["name_zh"], ind["name_en"])
    if df.empty:
        return create_page(
            lang,
            PATH,
            params,
            title,
            controls,
            create_alert(
                t("compare.no_data", lang, indicator=name, start=y0, end=y1),
                color="info",
            ),
        )
    return create_page(
        lang, PATH, params, title, controls, *_results(df, ind, region_codes, lang, y0, y1)
    )


def _results(
    df: pd.DataFrame, ind: pd.Series, region_codes: list[str], lang: str, y0: int, y1: int
) -> list[object]:
    df = df.assign(name=[pick(lang, z, e) for z, e in zip(df["name_zh"], df["name_en"])])
    _, unit = display_unit(ind, lang)
    name = pick(lang, ind["name_zh"], ind["name_en"])
    sources = list(
        dict.fromkeys(
            pick(lang, z, e) for z, e in zip(df["source_title_zh"], df["source_title_en"])
        )
    )
    source_line = t("common.source_line", lang, sources="；".join(sources))
    notes = []
    if (df["qualifier"] != "exact").any():
        notes.append(t("qualifier.note", lang))
    if df["status"].isin(["projection", "target"]).any():
        notes.append(t("compare.projection_note", lang))
    chart_title = t("compare.chart_title", lang, indicator=name, unit=unit)
    subtitle = f"{y0}—{y1}" if y0 != y1 else str(y0)
    line = line_chart(
        df,
        ind,
        lang,
        title=chart_title,
        subtitle=subtitle,
        source_line=source_line,
        note=" ".join(notes),
    )
    latest_year = int(df["year"].max())
    latest = df[df["year"] == latest_year]
    bar = bar_chart(
        latest,
        ind,
        lang,
        title=chart_title,
        subtitle=str(latest_year),
        source_line=source_line,
        note=" ".join(notes),
    )
    missing = [c for c in region_codes if c not in set(df["entity_code"])]
    gaps = []
    if missing:
        names = queries.regions(get_engine(), missing)
        gaps.append(
            create_alert(
                t(
                    "compare.missing",
                    lang,
                    regions="、".join(
                        pick(lang, r["name_zh"], r["name_en"]) for _, r in names.iterrows()
                    ),
                ),
                color="light",
            )
        )
    return [
        *gaps,
        dbc.Tabs(
            [
                dbc.Tab(
                    dcc.Graph(
                        id="compare-line", figure=line, config=GRAPH_CONFIG, className="chart"
                    ),
                    label=t("compare.line", lang),
                    tab_id="line",
                ),
                dbc.Tab(
                    dcc.Graph(id="compare-bar", figure=bar, config=GRAPH_CONFIG, className="chart"),
                    label=t("compare.bar", lang, year=latest_year),
                    tab_id="bar",
                ),
                dbc.Tab(_table(df, ind, lang), label=t("compare.table", lang), tab_id="table"),
            ],
            id="compare-tabs",
            active_tab="line",
        ),
        html.P(source_line, className="small text-muted mt-2", id="compare-source"),
        *[html.P(n, className="small text-muted") for n in notes],
        html.P(t("compare.share_link", lang), className="small text-muted"),
    ]


def _table(df: pd.DataFrame, ind: pd.Series, lang: str) -> object:
    rows = [
        {
            "region": r["name"],
            "period": parse_period(r["period"]).label(lang),
            "value": format_quantity(r["value"], r["qualifier"], ind, lang),
            "written": r["value_as_written"],
            "status": t(f"status.{r['status']}", lang),
            "source": pick(lang, r["source_title_zh"], r["source_title_en"]),
        }
        for _, r in df.iterrows()
    ]
    columns = [
        {"field": "region", "headerName": t("common.region", lang), "pinned": "left"},
        {"field": "period", "headerName": t("common.period", lang)},
        {"field": "value", "headerName": t("common.value", lang), "type": "rightAligned"},
        {"field": "written", "headerName": t("common.as_written", lang)},
        {"field": "status", "headerName": t("common.status", lang)},
        {"field": "source", "headerName": t("common.source", lang), "flex": 2},
    ]
    return create_grid("compare-table", rows, columns, lang=lang)


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("compare-indicator", "value"),
    Input("compare-regions", "value"),
    Input("compare-years", "value"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    prevent_initial_call=True,
)
def update_view(
    indicator: str, regions: list[str], years: list[int], lang: str, rev: int | None
) -> str:
    """Any change of the controls becomes the URL; the page redraws from it."""
    start, end = (years or [None, None])[:2]
    if dash.ctx.triggered_id == "compare-indicator":
        start = end = None  # another indicator has other years
    return search(
        {
            "lang": lang,
            "rev": rev,
            "indicator": indicator,
            "regions": regions or [],
            "start": start,
            "end": end,
        }
    )
