"""产业链: the nine links of the lithium-battery chain, side by side for several regions."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html

from components.alerts import create_alert, guarded
from components.controls import create_dropdown
from components.export_menu import create_export_menu
from components.figures import COMPACT_GRAPH_CONFIG
from components.shell import create_page
from components.tables import create_grid
from components.urls import parse_rev, search, split_list
from figures.chain import chain_heatmap
from figures.format import format_quantity
from i18n import colon, join_names, norm_lang, pick, t
from store import queries
from store.db import get_engine
from store.periods import parse_period
from store.queries_chain import (
    CHAIN,
    chain,
    chain_years,
    completeness,
    links_without_indicators,
)

PATH = "/chain"
dash.register_page(
    __name__, path=PATH, title="产业链 · 电池产业集群统计看板", name="chain", order=5
)

DEFAULT_REGIONS = ["370400", "320400", "420100", "120000"]
# only the PNG download: the full mode bar covers the title of a phone-width chart


def parse_year(value: str | None) -> int | None:
    """The ``year`` URL parameter: a four-digit year, else None (the latest figures)."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) == 4 else None


@guarded
def layout(
    lang: str = "zh",
    regions: str | None = None,
    year: str | None = None,
    rev: str | None = None,
    **_: str,
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    wanted = split_list(regions) if regions is not None else DEFAULT_REGIONS
    resolved = {w: queries.resolve_region(engine, w) for w in wanted}
    codes = list(dict.fromkeys(c for c in resolved.values() if c))
    unknown = [w for w, c in resolved.items() if c is None]
    up_to = parse_year(year)
    params = {"regions": codes, "year": up_to, "rev": as_of}
    years = chain_years(engine, as_of)
    controls = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("chain.regions", lang), html_for="chain-regions"),
                    create_dropdown(
                        "chain-regions",
                        lang,
                        options=queries.region_options(engine, lang),
                        value=codes,
                        multi=True,
                        placeholder=t("chain.pick_regions", lang),
                    ),
                ],
                md=8,
            ),
            dbc.Col(
                [
                    dbc.Label(t("chain.year", lang), html_for="chain-year"),
                    create_dropdown(
                        "chain-year",
                        lang,
                        options=[
                            {"label": t("chain.latest", lang), "value": ""},
                            *({"label": str(y), "value": str(y)} for y in years),
                        ],
                        value=str(up_to) if up_to else "",
                        clearable=False,
                        searchable=False,
                    ),
                ],
                md=4,
            ),
        ],
        className="mb-3 g-3",
    )
    body: list[object] = [html.P(t("chain.intro", lang), className="text-muted"), controls]
    body += [create_alert(t("common.unknown_region", lang, region=w)) for w in unknown]
    if not codes:
        body.append(create_alert(t("chain.no_regions", lang), color="info"))
    else:
        frame = chain(engine, codes, up_to, as_of)
        body.append(create_export_menu(PATH, params, lang, [("chain", "")]))
        body += _results(frame, queries.indicators(engine), lang, up_to)
    return create_page(lang, PATH, params, t("chain.title", lang), *body)


def chain_chart(
    frame: pd.DataFrame,
    ind: pd.DataFrame,
    lang: str,
    up_to: int | None,
    cell_px: float | None = None,
) -> tuple[go.Figure, str, list[str]]:
    """The chain's heat map, its source line and its notes (the page and exports draw it);
    ``cell_px``: how wide a cell is drawn, when that is known (an exported picture)."""
    shown = frame[frame["state"] != "unknown"]
    sources = list(
        dict.fromkeys(
            pick(lang, z, e) for z, e in zip(shown["source_title_zh"], shown["source_title_en"])
        )
    )
    listed = "；".join(sources) or t("common.none", lang)
    source_line = t("common.source_line", lang, sources=listed)
    notes = [t("chain.legend", lang)]
    if shown["qualifier"].isin(["at_least", "approx"]).any():
        notes.append(t("qualifier.note", lang))
    subtitle = (
        t("chain.subtitle_year", lang, year=up_to) if up_to else t("chain.subtitle_latest", lang)
    )
    figure = chain_heatmap(
        frame,
        ind,
        lang,
        title=t("chain.chart_title", lang),
        subtitle=subtitle,
        source_line=source_line,
        note=" ".join(notes[1:]),
        cell_px=cell_px,
    )
    return figure, source_line, notes


def _results(frame: pd.DataFrame, ind: pd.DataFrame, lang: str, up_to: int | None) -> list[object]:
    figure, source_line, notes = chain_chart(frame, ind, lang, up_to)
    missing = links_without_indicators()
    return [
        _completeness_cards(frame, lang),
        dcc.Graph(id="chain-chart", figure=figure, config=COMPACT_GRAPH_CONFIG, className="chart"),
        html.P(source_line, className="small text-muted mt-2", id="chain-source"),
        *[html.P(n, className="small text-muted") for n in notes],
        html.P(
            t("chain.completeness_note", lang, total=len(CHAIN)),
            className="small text-muted",
            id="chain-completeness-note",
        ),
        html.P(
            t(
                "chain.no_indicator_note",
                lang,
                links=("、" if lang == "zh" else ", ").join(
                    t(f"chain.link.{k}", lang) for k in missing
                ),
            ),
            className="small text-muted",
        )
        if missing
        else None,
        _mapping(ind, lang),
        html.H2(t("chain.table", lang), className="h5 mt-4"),
        _table(frame, ind, lang),
        html.P(t("compare.share_link", lang), className="small text-muted mt-2"),
    ]


def _completeness_cards(frame: pd.DataFrame, lang: str) -> dbc.Row:
    cards = [
        dbc.Col(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.Div(pick(lang, r["name_zh"], r["name_en"]), className="small"),
                        html.Div(
                            t(
                                "chain.completeness",
                                lang,
                                with_data=r["with_data"],
                                total=r["total"],
                            ),
                            className="fw-bold fs-5",
                        ),
                        html.Div(
                            t(
                                "chain.completeness_detail",
                                lang,
                                with_data=r["with_data"],
                                measured=r["measured"],
                            ),
                            className="small text-muted",
                        ),
                    ],
                    className="py-2",
                ),
                className="h-100",
                id=f"chain-completeness-{r['entity_code']}",
            ),
            xs=6,
            md=3,
            className="mb-2",
        )
        for _, r in completeness(frame).iterrows()
    ]
    return dbc.Row(cards, className="g-2 mb-2", id="chain-completeness")


def _mapping(ind: pd.DataFrame, lang: str) -> html.Details:
    def names(codes: tuple[str, ...]) -> str:
        found = [c for c in codes if c in ind.index]
        return join_names(
            (pick(lang, ind.loc[c, "name_zh"], ind.loc[c, "name_en"]) for c in found), lang
        )

    items = []
    for link in CHAIN:
        parts = []
        if link.measures:
            parts.append(t("chain.mapping_measures", lang, indicators=names(link.measures)))
        if link.evidence:
            parts.append(t("chain.mapping_evidence", lang, indicators=names(link.evidence)))
        items.append(
            html.Li(
                [
                    html.Strong(t(f"chain.link.{link.key}", lang)),
                    colon(lang),
                    ("；" if lang == "zh" else "; ").join(parts) or t("chain.mapping_none", lang),
                ]
            )
        )
    return html.Details(
        [
            html.Summary(t("chain.mapping_title", lang)),
            html.Ul(items, className="small mb-1"),
            html.P(t("chain.mapping_order", lang), className="small text-muted"),
        ],
        className="mb-3",
        id="chain-mapping",
    )


def _table(frame: pd.DataFrame, ind: pd.DataFrame, lang: str) -> object:
    rows = []
    for _, r in frame.iterrows():
        known = r["state"] != "unknown"
        i = ind.loc[r["indicator_code"]] if known else None
        rows.append(
            {
                "region": pick(lang, r["name_zh"], r["name_en"]),
                "link": t(f"chain.link.{r['link']}", lang),
                "state": t(f"chain.state.{r['state']}", lang),
                "indicator": pick(lang, i["name_zh"], i["name_en"]) if known else "—",
                "value": format_quantity(float(r["value"]), str(r["qualifier"]), i, lang)
                if known
                else "—",
                "period": parse_period(str(r["period"])).label(lang) if known else "—",
                "written": (r["value_as_written"] or "—") if known else "—",
                "source": pick(lang, r["source_title_zh"], r["source_title_en"]) if known else "—",
            }
        )
    columns = [
        {"field": "region", "headerName": t("common.region", lang), "pinned": "left"},
        {"field": "link", "headerName": t("chain.col.link", lang), "minWidth": 120},
        {"field": "state", "headerName": t("chain.col.state", lang), "minWidth": 170},
        {"field": "indicator", "headerName": t("chain.col.indicator", lang), "flex": 2},
        {
            "field": "value",
            "headerName": t("common.value", lang),
            "type": "rightAligned",
            "minWidth": 130,
        },
        {"field": "period", "headerName": t("common.period", lang), "minWidth": 130},
        {"field": "written", "headerName": t("common.as_written", lang)},
        {"field": "source", "headerName": t("common.source", lang), "flex": 2},
    ]
    return create_grid("chain-table", rows, columns, page_size=18, lang=lang)


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("chain-regions", "value"),
    Input("chain-year", "value"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    prevent_initial_call=True,
)
def update_view(regions: list[str] | None, year: str | None, lang: str, rev: int | None) -> str:
    """Any change of the controls becomes the URL; the page redraws from it."""
    return search({"lang": lang, "rev": rev, "regions": regions or [], "year": year or None})
