"""总览: a region's headline figures, each with unit, qualifier, period and source."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from analysis import headline
from components.alerts import create_alert, guarded
from components.controls import create_dropdown
from components.export_menu import create_export_menu
from components.figures import create_figure_card_body
from components.shell import create_page
from components.urls import href, parse_rev, search
from figures.format import format_number
from figures.sparkline import sparkline
from i18n import colon, norm_lang, pick, t
from store import queries
from store.db import get_engine
from store.regions import OUTSIDE_STATISTICS, descendant_prefix

PATH = "/"
dash.register_page(
    __name__, path=PATH, title="总览 · 电池产业集群统计看板", name="overview", order=0
)

CATEGORY_ORDER = [
    "capacity",
    "enterprises",
    "innovation",
    "investment",
    "energy",
    "output",
    "demographics",
    "geography",
]


def _default_region() -> str:
    from flask import current_app

    settings = current_app.config.get("SETTINGS")
    return settings.default_region if settings else "370400"


@guarded
def layout(
    lang: str = "zh", region: str | None = None, rev: str | None = None, **_: str
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    params = {"region": region, "rev": as_of}
    code = queries.resolve_region(engine, region) if region else _default_region()
    body: list[object] = [
        dbc.Row(
            dbc.Col(
                [
                    dbc.Label(t("overview.pick_region", lang), html_for="overview-region"),
                    create_dropdown(
                        "overview-region",
                        lang,
                        options=queries.region_options(engine, lang),
                        value=code,
                        clearable=False,
                        searchable=True,
                    ),
                ],
                md=6,
            ),
            className="mb-3",
        ),
    ]
    if code is None:
        body.append(create_alert(t("common.unknown_region", lang, region=region)))
        return create_page(lang, PATH, params, t("overview.title", lang), *body)
    reg = queries.regions(engine, [code]).iloc[0]
    name = pick(lang, reg["name_zh"], reg["name_en"])
    past = queries.region_history(engine, code, as_of)
    figures = queries.latest_per_indicator(past)
    changes, histories = headline.changes(past), headline.history(past)
    ind = queries.indicators(engine)
    as_of_date = queries.revision_date(engine, as_of)
    body.append(
        html.H2(
            t("overview.headline", lang, region=name), className="h4 mt-2", id="overview-heading"
        )
    )
    if reg["parent_code"]:
        parent = queries.regions(engine, [reg["parent_code"]]).iloc[0]
        body.append(
            html.P(
                [
                    t("overview.parent", lang),
                    colon(lang),
                    dcc.Link(
                        pick(lang, parent["name_zh"], parent["name_en"]),
                        href=href(PATH, {"lang": lang, "region": parent["code"]}),
                    ),
                ],
                className="text-muted",
            )
        )
    if figures.empty:
        key = "common.outside_statistics" if code in OUTSIDE_STATISTICS else "overview.no_figures"
        body.append(create_alert(t(key, lang, region=name), color="info"))
    else:
        menu_params = {**params, "region": code}
        body.append(create_export_menu(PATH, menu_params, lang, briefing_region=code))
        figures = figures.merge(
            ind[["code", "category"]], left_on="indicator_code", right_on="code"
        )
        for category in CATEGORY_ORDER:
            group = figures[figures["category"] == category]
            if group.empty:
                continue
            body.append(html.H3(t(f"overview.category.{category}", lang), className="h5 mt-4"))
            body.append(
                dbc.Row(
                    [
                        dbc.Col(
                            _figure_card(
                                row,
                                ind.loc[row["indicator_code"]],
                                lang,
                                changes.get(row["indicator_code"]),
                                histories.get(row["indicator_code"]),
                            ),
                            xs=12,
                            sm=6,
                            lg=4,
                            xl=3,
                            className="mb-3",
                        )
                        for _, row in group.iterrows()
                    ]
                )
            )
        body.append(html.P(t("qualifier.note", lang), className="small text-muted mt-2"))
        body.append(html.P(t("overview.change_note", lang), className="small text-muted"))
    if as_of_date is not None:
        body.insert(
            2,
            html.P(
                t("overview.data_as_of", lang, date=as_of_date.strftime("%Y-%m-%d")),
                className="small text-muted",
                id="overview-as-of",
            ),
        )
    body.append(_related(engine, code, lang))
    return create_page(lang, PATH, params, t("overview.title", lang), *body)


def _figure_card(
    row: pd.Series,
    indicator: pd.Series,
    lang: str,
    change: headline.Change | None = None,
    history: pd.DataFrame | None = None,
) -> dbc.Card:
    extra: list[object] = []
    if change is not None:
        sign = "+" if change.percent > 0 else ""
        mark = "~" if change.qualifier != "exact" else ""
        extra.append(
            html.Div(
                t(
                    "overview.change",
                    lang,
                    change=f"{mark}{sign}{format_number(round(change.percent, 1))}%",
                    year=change.previous_year,
                ),
                className="small figure-change "
                + ("text-success" if change.percent >= 0 else "text-danger"),
            )
        )
    if history is not None:
        extra.append(
            dcc.Graph(
                figure=sparkline(history),
                config={"staticPlot": True, "displayModeBar": False},
                className="figure-sparkline",
                style={"height": "44px"},
            )
        )
    return dbc.Card(
        dbc.CardBody([*create_figure_card_body(row, indicator, lang), *extra]),
        className="h-100 figure-card",
        id=f"card-{row['indicator_code']}",
    )


def _related(engine, code: str, lang: str) -> html.Div:  # type: ignore[no-untyped-def]
    prefix = descendant_prefix(code)
    alliances = queries.alliances(engine)
    alliances = alliances[alliances["host_region_code"].fillna("-").str.startswith(prefix)]
    events = queries.events(engine)
    events = events[events["region_code"].fillna("-").str.startswith(prefix)]
    if alliances.empty and events.empty:
        return html.Div()
    items = [
        html.Li(
            dcc.Link(
                pick(lang, a["name_zh"], a["name_en"]),
                href=href("/alliances", {"lang": lang}) + f"#{a['code']}",
            )
        )
        for _, a in alliances.iterrows()
    ]
    items += [
        html.Li(f"{pick(lang, e['name_zh'], e['name_en'])}（{e['date']}）")
        for _, e in events.iterrows()
    ]
    return html.Div(
        [html.H3(t("overview.alliances", lang), className="h5 mt-4"), html.Ul(items)],
        id="overview-related",
    )


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("overview-region", "value"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    prevent_initial_call=True,
)
def choose_region(region: str | None, lang: str, rev: int | None) -> str:
    """Picking a region changes the URL; the page redraws from it."""
    return search({"lang": lang, "region": region, "rev": rev})
