"""地图: one indicator for one year over every province or prefecture, as a choropleth."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html

from components.alerts import create_alert, guarded
from components.controls import create_dropdown
from components.export_menu import create_export_menu
from components.figures import GRAPH_CONFIG as BASE_GRAPH_CONFIG
from components.shell import create_page
from components.tables import create_grid
from components.urls import href, parse_int, parse_rev, search
from figures.format import display_unit, format_quantity
from figures.map import PROJECTED, choropleth, missing_note
from i18n import norm_lang, pick, t
from serve.geo import boundaries_url
from store import queries
from store.db import get_engine
from store.periods import parse_period
from store.queries_map import (
    LEVELS,
    boundaries,
    default_year,
    indicators_on_map,
    level_codes,
    map_values,
    map_years,
)

PATH = "/map"
COMPARE_PATH = "/compare"
dash.register_page(__name__, path=PATH, title="地图 · 电池产业集群统计看板", name="map", order=2)

DEFAULT_INDICATOR = "resident_population"
DEFAULT_LEVEL = "province"
# the map is about 1.5 times as wide as high; the title and the source lines take ~250 px
MAP_HEIGHT = "clamp(480px, calc(min(100vw, 960px) * 0.68 + 250px), 700px)"
GRAPH_CONFIG = {
    **BASE_GRAPH_CONFIG,
    "scrollZoom": False,  # a page scrolled on a phone must not zoom the map instead
    # plotly.js asks for a base map (topojson) even when all its layers are hidden; by default
    # from cdn.plot.ly. The app serves an empty one itself: the boundaries are our GeoJSON.
    "topojsonURL": "/assets/topojson/",
}


@guarded
def layout(
    lang: str = "zh",
    indicator: str | None = None,
    level: str | None = None,
    year: str | None = None,
    rev: str | None = None,
    **_: str,
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    level = level if level in LEVELS else DEFAULT_LEVEL
    codes = level_codes(level)
    catalogue = queries.indicators(engine)
    code = indicator or DEFAULT_INDICATOR
    known = code in catalogue.index
    years = map_years(engine, code, codes, as_of) if known else map_years(engine, "", [], as_of)
    chosen = parse_int(year) or default_year(years)
    params = {"indicator": code, "level": level, "year": chosen, "rev": as_of}
    available = set(indicators_on_map(engine, codes, as_of)) | ({code} if known else set())
    controls = _controls(lang, catalogue, available, code, level, years, chosen)
    title = t("map.title", lang)

    # the view this layout draws: the controls' callback compares against it
    shown = dcc.Store(id="map-view", data={"indicator": code, "level": level, "year": chosen})

    def page(*children: object) -> html.Div:
        return create_page(lang, PATH, params, title, controls, shown, *children)

    if not known:
        return page(create_alert(t("common.unknown_indicator", lang, indicator=code)))
    ind = catalogue.loc[code]
    name = pick(lang, ind["name_zh"], ind["name_en"])
    noun = t(f"map.level_noun.{level}", lang)
    if years.empty:
        return page(
            create_alert(t("map.no_level_data", lang, level=noun, indicator=name), color="info")
        )
    if chosen not in set(years["year"]):
        listed = (", " if lang == "en" else "、").join(str(y) for y in years["year"])
        return page(
            create_alert(
                t("map.no_year_data", lang, year=chosen, level=noun, indicator=name, years=listed),
                color="info",
            )
        )
    df = map_values(engine, code, chosen, codes, as_of)
    menu = create_export_menu(PATH, params, lang, [("map", "")])
    return page(menu, *_results(df, ind, lang, level, chosen))


def _controls(
    lang: str,
    catalogue: pd.DataFrame,
    available: set[str],
    code: str,
    level: str,
    years: pd.DataFrame,
    chosen: int | None,
) -> dbc.Row:
    indicator_options = [
        {"label": pick(lang, catalogue.loc[c, "name_zh"], catalogue.loc[c, "name_en"]), "value": c}
        for c in catalogue.index
        if c in available
    ]
    year_options = [
        {
            "label": t("map.year_projected", lang, year=y) if projected else str(y),
            "value": int(y),
        }
        for y, projected in zip(years["year"], years["projected"])
    ]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("map.indicator", lang), html_for="map-indicator"),
                    create_dropdown(
                        "map-indicator",
                        lang,
                        options=indicator_options,
                        value=code,
                        clearable=False,
                    ),
                ],
                md=6,
            ),
            dbc.Col(
                [
                    dbc.Label(t("map.level", lang), html_for="map-level"),
                    dbc.RadioItems(
                        id="map-level",
                        options=[
                            {"label": t(f"map.level_name.{lv}", lang), "value": lv} for lv in LEVELS
                        ],
                        value=level,
                        inline=True,
                        className="map-level",
                    ),
                ],
                xs=7,
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label(t("map.year", lang), html_for="map-year"),
                    create_dropdown(
                        "map-year",
                        lang,
                        options=year_options,
                        value=chosen,
                        clearable=False,
                        searchable=False,
                    ),
                ],
                xs=5,
                md=3,
            ),
        ],
        className="mb-3 g-3",
    )


def map_chart(
    df: pd.DataFrame,
    ind: pd.Series,
    lang: str,
    level: str,
    year: int,
    geojson_url: str | None = None,
) -> tuple[go.Figure, str, list[str]]:
    """The choropleth of ``df``, its source line and its notes (the page and exports draw it;
    the page names the boundaries by ``geojson_url``, for the browser to read once)."""
    _, unit = display_unit(ind, lang)
    name = pick(lang, ind["name_zh"], ind["name_en"])
    shown = df[df["value"].notna()]
    sources = list(
        dict.fromkeys(
            pick(lang, z, e) for z, e in zip(shown["source_title_zh"], shown["source_title_en"])
        )
    )
    source_line = "；".join(
        [t("common.source_line", lang, sources="；".join(sources)), t("map.boundary_credit", lang)]
    )
    notes = []
    if (shown["qualifier"] != "exact").any():
        notes.append(t("qualifier.note", lang))
    if shown["status"].isin(PROJECTED).any():
        notes.append(t("map.projection_note", lang))
    figure = choropleth(
        df,
        ind,
        lang,
        boundaries(level),
        title=t("map.chart_title", lang, indicator=name, unit=unit),
        subtitle=t("map.subtitle", lang, year=year, level=t(f"map.level_name.{level}", lang)),
        source_line=source_line,
        note=" ".join(notes),
        geojson_url=geojson_url,
    )
    return figure, source_line, notes


def _results(df: pd.DataFrame, ind: pd.Series, lang: str, level: str, year: int) -> list[object]:
    figure, source_line, notes = map_chart(df, ind, lang, level, year, boundaries_url(level))
    shown = df[df["value"].notna()]
    gaps = df[df["value"].isna()]
    missing = [pick(lang, z, e) for z, e in zip(gaps["name_zh"], gaps["name_en"])]
    page_notes = [missing_note(list(gaps["entity_code"]), missing, lang), *notes]
    return [
        dbc.Tabs(
            [
                dbc.Tab(
                    dcc.Graph(
                        id="map-graph",
                        figure=figure,
                        config=GRAPH_CONFIG,
                        className="chart map-chart",
                        style={"height": MAP_HEIGHT},
                    ),
                    label=t("map.tab_map", lang),
                    tab_id="map",
                ),
                dbc.Tab(_table(shown, ind, lang), label=t("map.tab_table", lang), tab_id="table"),
            ],
            id="map-tabs",
            active_tab="map",
        ),
        html.P(
            source_line.replace("；", "; ") if lang == "en" else source_line,
            className="small text-muted mt-2",
            id="map-source",
        ),
        *[html.P(n, className="small text-muted") for n in page_notes if n],
        html.P(t("map.click_hint", lang), className="small text-muted", id="map-click-hint"),
        html.P(t("map.share_link", lang), className="small text-muted"),
    ]


def _table(shown: pd.DataFrame, ind: pd.Series, lang: str) -> object:
    """The figures behind the map, largest first."""
    ranked = shown.sort_values("value", ascending=False, kind="stable")
    rows = [
        {
            "rank": i,
            "region": pick(lang, r["name_zh"], r["name_en"]),
            "code": r["entity_code"],
            "value": format_quantity(r["value"], r["qualifier"], ind, lang),
            "period": parse_period(r["period"]).label(lang),
            "written": r["value_as_written"] or "",
            "status": t(f"status.{r['status']}", lang),
            "source": pick(lang, r["source_title_zh"], r["source_title_en"]),
        }
        for i, r in enumerate(ranked.to_dict("records"), start=1)
    ]
    columns = [
        {"field": "rank", "headerName": t("map.rank", lang), "maxWidth": 90},
        {"field": "region", "headerName": t("common.region", lang), "pinned": "left"},
        {"field": "value", "headerName": t("common.value", lang), "type": "rightAligned"},
        {"field": "period", "headerName": t("common.period", lang)},
        {"field": "written", "headerName": t("common.as_written", lang)},
        {"field": "status", "headerName": t("common.status", lang)},
        {"field": "source", "headerName": t("common.source", lang), "flex": 2},
    ]
    return create_grid("map-table", rows, columns, page_size=50, lang=lang)


def view_search(
    indicator: str | None,
    level: str | None,
    year: int | None,
    lang: str,
    rev: int | None,
    shown: dict | None,
) -> str | None:
    """The URL query of the view the controls ask for, or None when it is the view ``shown``.

    Another indicator or level has other years, so a change of either drops ``year`` (the page
    then shows that one's latest year that is not a projection). Dash also calls the callback
    when the page's controls first appear: nothing has changed then, and the URL stays as it is.
    """
    shown = shown or {}
    if (indicator, level, year) == (shown.get("indicator"), shown.get("level"), shown.get("year")):
        return None
    if indicator != shown.get("indicator") or level != shown.get("level"):
        year = None
    return search({"lang": lang, "rev": rev, "indicator": indicator, "level": level, "year": year})


def region_href(click: dict | None, indicator: str | None, lang: str, rev: int | None) -> str:
    """The comparison page of the region clicked on the map (its code is the point's
    customdata), or "" when the click carries no region."""
    points = (click or {}).get("points") or []
    data = points[0].get("customdata") if points else None
    code = data[0] if isinstance(data, list | tuple) and data else data
    if not isinstance(code, str) or not code.isdigit():
        return ""
    return href(COMPARE_PATH, {"lang": lang, "rev": rev, "regions": code, "indicator": indicator})


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("map-indicator", "value"),
    Input("map-level", "value"),
    Input("map-year", "value"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    State("map-view", "data"),
    prevent_initial_call=True,
)
def update_view(
    indicator: str, level: str, year: int | None, lang: str, rev: int | None, shown: dict | None
) -> str:
    """Any change of the controls becomes the URL; the page redraws from it."""
    found = view_search(indicator, level, year, lang, rev, shown)
    return dash.no_update if found is None else found


@callback(
    Output("_pages_location", "href", allow_duplicate=True),
    Input("map-graph", "clickData"),
    State("map-indicator", "value"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    prevent_initial_call=True,
)
def open_region(click: dict | None, indicator: str, lang: str, rev: int | None) -> str:
    """A click on a region opens its comparison page, with the map's indicator."""
    return region_href(click, indicator, lang, rev) or dash.no_update
