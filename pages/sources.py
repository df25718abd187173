"""数据来源: every source, and for the chosen one every figure it supports with its sentence."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.alerts import guarded
from components.shell import create_facts, create_page
from components.tables import create_grid
from components.urls import href, parse_rev
from figures.format import format_quantity
from i18n import norm_lang, pick, t
from store import queries
from store.db import get_engine
from store.periods import parse_period

PATH = "/sources"
dash.register_page(
    __name__, path=PATH, title="数据来源 · 电池产业集群统计看板", name="sources", order=3
)
MAX_ROWS = 500


@guarded
def layout(
    lang: str = "zh", source: str | None = None, rev: str | None = None, **_: str
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    sources = queries.sources(engine, as_of)
    chosen = source if source in set(sources["key"]) else sources["key"].iloc[0]
    items = [
        dbc.ListGroupItem(
            [
                html.Div(
                    [
                        html.Strong(pick(lang, s["title_zh"], s["title_en"])),
                        dbc.Badge(
                            t("sources.figures", lang, count=int(s["figures"])),
                            color="secondary",
                            className="ms-2",
                        ),
                    ]
                ),
                html.Div(
                    " · ".join(x for x in [s["publisher"], str(s["date"] or "")] if x),
                    className="small text-muted",
                ),
            ],
            href=href(PATH, {"lang": lang, "source": s["key"]}),
            active=s["key"] == chosen,
            id=f"source-{s['key']}",
            action=True,
        )
        for _, s in sources.iterrows()
    ]
    selected = sources[sources["key"] == chosen].iloc[0]
    return create_page(
        lang,
        PATH,
        {"source": chosen, "rev": as_of},
        t("sources.title", lang),
        html.P(t("sources.intro", lang)),
        dbc.Row(
            [
                dbc.Col(dbc.ListGroup(items), lg=4, className="mb-3"),
                dbc.Col(_detail(engine, selected, lang, as_of), lg=8),
            ]
        ),
    )


def _detail(engine, s: pd.Series, lang: str, as_of: int | None) -> html.Div:  # type: ignore[no-untyped-def]
    facts = [
        (t("sources.publisher", lang), s["publisher"] or "—"),
        (t("sources.date", lang), str(s["date"]) if s["date"] else t("common.unknown_date", lang)),
        (t("sources.licence", lang), s["licence"] or "—"),
    ]
    link = (
        [html.A(t("sources.link", lang), href=s["url"], target="_blank", rel="noopener noreferrer")]
        if s["url"]
        else []
    )
    return html.Div(
        [
            html.H2(pick(lang, s["title_zh"], s["title_en"]), className="h5", id="source-title"),
            create_facts(facts, 3),
            html.P(s["note"], className="small text-muted") if s["note"] else None,
            *link,
            _figures(engine, s, lang, as_of),
        ],
        id="source-detail",
    )


def _figures(engine, s: pd.Series, lang: str, as_of: int | None) -> html.Div:  # type: ignore[no-untyped-def]
    obs = queries.observations(engine, source_key=s["key"], as_of=as_of)
    if obs.empty:
        return html.P(t("common.none", lang), className="text-muted")
    more = max(0, len(obs) - MAX_ROWS)
    obs = obs.head(MAX_ROWS).merge(
        queries.entity_names(engine), on=["entity_type", "entity_code"], how="left"
    )
    ind = queries.indicators(engine)
    rows = [
        {
            "entity": pick(lang, r["entity_name_zh"], r["entity_name_en"]),
            "indicator": pick(
                lang,
                ind.loc[r["indicator_code"], "name_zh"],
                ind.loc[r["indicator_code"], "name_en"],
            ),
            "period": parse_period(r["period"]).label(lang),
            "value": format_quantity(
                r["value"], r["qualifier"], ind.loc[r["indicator_code"]], lang
            ),
            "written": r["value_as_written"],
            "sentence": r["sentence"],
        }
        for _, r in obs.iterrows()
    ]
    columns = [
        {"field": "entity", "headerName": t("sources.entity", lang)},
        {"field": "indicator", "headerName": t("common.indicator", lang)},
        {"field": "period", "headerName": t("common.period", lang)},
        {"field": "value", "headerName": t("common.value", lang)},
        {"field": "written", "headerName": t("common.as_written", lang)},
        {
            "field": "sentence",
            "headerName": t("sources.sentence", lang),
            "flex": 3,
            "wrapText": True,
            "autoHeight": True,
        },
    ]
    return html.Div(
        [
            create_grid("source-figures", rows, columns, page_size=20, lang=lang),
            html.P(t("sources.more", lang, count=more), className="small text-muted")
            if more
            else None,
        ]
    )
