"""招商项目's card of one event: what it announced about its signed projects, with a chart
of the projects per size class and the notes that chart needs to be read right."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

# only the PNG download: the full mode bar covers the title of a phone-width chart
from components.figures import COMPACT_GRAPH_CONFIG as GRAPH_CONFIG
from components.shell import create_facts
from components.urls import href
from figures.format import format_number, format_quantity
from figures.projects import class_bars
from i18n import colon, pick, t
from store.periods import parse_period
from store.queries_projects import UNSTATED, reported_classes, sum_with_qualifier


def create_event_card(
    code: str, g: pd.DataFrame, all_projects: pd.DataFrame, ind: pd.DataFrame, lang: str
) -> dbc.Card:
    """``g``: the ``event_totals`` rows of event ``code``; ``all_projects``: every project."""
    first = g.iloc[0]
    name = pick(lang, first["event_name_zh"], first["event_name_en"])
    facts = []
    sep = colon(lang)
    for _, r in g[g["indicator_code"].isin(["signed_projects", "signed_investment"])].iterrows():
        i = ind.loc[r["indicator_code"]]
        status = "" if r["status"] == "reported" else _paren(t(f"status.{r['status']}", lang), lang)
        facts.append(
            (
                pick(lang, i["name_zh"], i["name_en"]),
                f"{format_quantity(r['value'], r['qualifier'], i, lang)}{status}"
                + _paren(f"{t('common.as_written', lang)}{sep}{r['value_as_written']}", lang),
            )
        )
    date = first["event_date"]
    when = (
        parse_period(date.isoformat()).label(lang)
        if hasattr(date, "isoformat")
        else t("common.unknown_date", lang)
    )
    facts.insert(0, (t("projects.col.signed_on", lang), when))
    body: list[object] = [create_facts(facts, 4, "projects-facts")]
    notes = []
    if (g["qualifier"] != "exact").any():
        notes.append(t("qualifier.note", lang))
    chart = event_chart(g, name, lang)
    chart_notes = chart[1] if chart else []  # what the chart itself needs to be read right
    if chart:
        body.append(
            dcc.Graph(
                id=f"projects-classes-{code}",
                figure=chart[0],
                config=GRAPH_CONFIG,
                className="chart",
            )
        )
    mine = all_projects[all_projects["event_code"] == code] if not all_projects.empty else None
    if mine is not None and not mine.empty:
        total, qualifier = sum_with_qualifier(mine["investment"], mine["qualifier"])
        body.append(
            html.P(
                t(
                    "projects.details_in_store",
                    lang,
                    count=len(mine),
                    investment=money_text(total, qualifier, ind.loc["signed_investment"], lang),
                ),
                className="small",
            )
        )
    body += [html.P(n, className="small text-muted mb-1") for n in [*notes, *chart_notes]]
    sources = list(
        dict.fromkeys(pick(lang, z, e) for z, e in zip(g["source_title_zh"], g["source_title_en"]))
    )
    source_key = g["source_key"].iloc[0]
    body.append(
        html.P(
            [
                t("common.source", lang),
                sep,
                dcc.Link(
                    "；".join(sources), href=href("/sources", {"lang": lang, "source": source_key})
                ),
            ],
            className="small text-muted mb-0",
        )
    )
    return dbc.Card(
        [dbc.CardHeader(html.H3(name, className="h5 mb-0")), dbc.CardBody(body)],
        className="mb-4",
        id=f"projects-event-{code}",
    )


def _paren(text: str, lang: str) -> str:
    return f"（{text}）" if lang == "zh" else f" ({text})"


def money_text(value: float | None, qualifier: str, indicator: pd.Series, lang: str) -> str:
    if value is None:
        return t("projects.unknown", lang)
    return format_quantity(value, qualifier, indicator, lang)


def event_source_line(g: pd.DataFrame, lang: str) -> str:
    sources = list(
        dict.fromkeys(pick(lang, z, e) for z, e in zip(g["source_title_zh"], g["source_title_en"]))
    )
    return t("common.source_line", lang, sources="；".join(sources))


def event_chart(g: pd.DataFrame, name: str, lang: str) -> tuple[go.Figure, list[str]] | None:
    """The chart of an event's projects per size class and the notes it needs (None when the
    event announced no classes); the page and exports draw it."""
    classes = reported_classes(g)
    if classes.empty:
        return None
    chart_notes: list[str] = []
    if "under_1b" not in set(classes["size_class"]):
        chart_notes.append(t("projects.no_under_1b_note", lang))
    if UNSTATED in set(classes["size_class"]):
        stated = classes[~classes["derived"]]["count"]
        total = g[g["indicator_code"] == "signed_projects"]["value"].iloc[-1]
        chart_notes.append(
            t(
                "projects.unstated_note",
                lang,
                total=format_number(total),
                classes=" − ".join(format_number(v) for v in stated),
                rest=format_number(classes[classes["derived"]]["count"].iloc[0]),
            )
        )
    status = classes["status"].iloc[0]
    period = parse_period(str(g["period"].iloc[0])).label(lang)
    figure = class_bars(
        classes,
        lang,
        title=t("projects.classes_title", lang),
        subtitle=t(
            "projects.classes_subtitle",
            lang,
            event=name,
            period=period,
            status=t(f"status.{status}", lang),
        ),
        source_line=event_source_line(g, lang),
        note=" ".join(chart_notes),
    )
    return figure, chart_notes
