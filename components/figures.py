"""A figure as a card: number with unit and qualifier, period, original wording, source."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from components.urls import href
from figures.format import format_quantity
from i18n import colon, pick, t
from store.periods import parse_period

#: what every chart's toolbar offers: no plotly logo, no lasso/box selection
GRAPH_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}
#: a toolbar with only the PNG download: it never covers a title on a phone
COMPACT_GRAPH_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtons": [["toImage"]],
}


def create_figure_card_body(row: pd.Series, indicator: pd.Series, lang: str) -> list[object]:
    status = row.get("status", "reported")
    badge = (
        []
        if status == "reported"
        else [html.Span(t(f"status.{status}", lang), className="badge text-bg-secondary ms-2")]
    )
    source = pick(lang, row["source_title_zh"], row["source_title_en"])
    return [
        html.Div(
            [pick(lang, indicator["name_zh"], indicator["name_en"]), *badge],
            className="small text-muted figure-name",
        ),
        html.Div(
            format_quantity(row["value"], row["qualifier"], indicator, lang),
            className="fs-3 fw-bold figure-value",
        ),
        html.Div(parse_period(row["period"]).label(lang), className="small figure-period"),
        html.Div(
            [t("common.as_written", lang), colon(lang), row["value_as_written"]],
            className="small text-muted figure-written",
        )
        if row.get("value_as_written")
        else None,
        html.Div(
            [
                t("common.source", lang),
                colon(lang),
                dcc.Link(
                    source, href=href("/sources", {"lang": lang, "source": row["source_key"]})
                ),
            ],
            className="small figure-source text-truncate",
            title=source,
        ),
    ]
