"""The results of 地区对比: charts, table, ranking and map of one indicator in one measure.

Built from frames the page has already read (a ``CompareData``): no queries here, so that the
whole view can be built, and tested, from plain data. Only the tab shown is built: the others
are built when chosen (the tab is in the URL, and the page is drawn again from it).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from analysis.normalise import MeasureUnit, gaps
from components.alerts import create_alert
from components.compare_map import MapView, create_map, map_texts
from components.compare_tables import create_ranking, create_table
from components.compare_text import (
    chart_title,
    denominator_name,
    measure_name,
    source_text,
    substitution_notes,
    subtitle,
    years_text,
)
from components.figures import GRAPH_CONFIG
from figures.compare import PROJECTED, bar_chart, line_chart
from figures.plain import Figure
from i18n import join_names, pick, t

__all__ = ["TABS", "CompareData", "MapView", "create_results", "measure_name"]

TABS = ("line", "bar", "table", "rank", "map")

#: the class of what only a screen shows (how to click, what hovering shows): exports skip it
SCREEN = "screen-only"


@dataclass
class CompareData:
    """Everything the view shows, read and normalised by the page."""

    series: pd.DataFrame  # normalised: value, raw_value, qualifier, denominator_year, name…
    indicator: pd.Series
    measure: str
    unit: MeasureUnit
    region_codes: list[str]
    years: tuple[int, int]
    lang: str
    log: bool = False
    missing_regions: list[str] = field(default_factory=list)  # names: no figure at all
    #: names of regions chosen that the statistics do not cover (台湾 香港 澳门), without figures
    outside_regions: list[str] = field(default_factory=list)
    rankings: list[tuple[str, pd.DataFrame]] = field(default_factory=list)  # (level, ranked)
    rank_year: int | None = None
    tab: str = "line"
    #: sources of the denominators used (population, area, the province's figures): (zh, en)
    extra_sources: list[tuple[str, str]] = field(default_factory=list)
    map_view: MapView | None = None  # read for the 地图 tab only
    map_message: str = ""  # why there is no map (no figure of the level in the years chosen)


def named(data: CompareData) -> pd.DataFrame:
    """The series with ``name`` in the page's language."""
    series = data.series
    return series.assign(
        name=[pick(data.lang, z, e) for z, e in zip(series["name_zh"], series["name_en"])]
    )


def latest_year(data: CompareData, df: pd.DataFrame) -> int:
    """The last year with a figure in the measure: the year of the bar chart."""
    years = df.loc[df["value"].notna(), "year"]
    return int(years.max()) if not years.empty else data.years[1]


def source_line(data: CompareData, df: pd.DataFrame) -> str:
    """数据来源：… of the series and of the denominators it was divided by."""
    pairs = [*zip(df["source_title_zh"], df["source_title_en"]), *data.extra_sources]
    return source_text(pairs, data.lang)


def line_figure(
    data: CompareData, df: pd.DataFrame | None = None, notes: list[str] | None = None
) -> Figure:
    """The 趋势 tab's chart (``df``: ``named(data)``, ``notes``: ``chart_notes``, when the
    caller has them already)."""
    df = named(data) if df is None else df
    notes = chart_notes(data, df) if notes is None else notes
    y0, y1 = data.years
    return line_chart(
        df,
        data.indicator,
        data.lang,
        title=chart_title(data),
        subtitle=subtitle(f"{y0}—{y1}" if y0 != y1 else str(y0), data),
        source_line=source_line(data, df),
        note=" ".join(notes[:1]),
        unit=data.unit,
        log=data.log,
        signed=data.measure == "yoy",
    )


def bar_figure(
    data: CompareData, df: pd.DataFrame | None = None, notes: list[str] | None = None
) -> Figure:
    """The 对比 tab's chart: each region's figure of the last year with one."""
    df = named(data) if df is None else df
    notes = chart_notes(data, df) if notes is None else notes
    year = latest_year(data, df)
    return bar_chart(
        df[df["year"] == year],
        data.indicator,
        data.lang,
        title=chart_title(data),
        subtitle=subtitle(str(year), data),
        source_line=source_line(data, df),
        note=" ".join(notes[:1]),
        unit=data.unit,
        log=data.log,
        signed=data.measure == "yoy",
    )


def create_results(data: CompareData, tabs: Collection[str] | None = None) -> list[object]:
    """Notes, then the tabs (trend, one year, table, ranking, map), then the source line.

    Only the content of ``tabs`` is built (default: the tab shown, ``data.tab``); the other
    tabs say they are loading until chosen.
    """
    lang = data.lang
    df = named(data)
    active = data.tab if data.tab in TABS else "line"
    on_map = active == "map" and data.map_view is not None
    texts = map_texts(data) if on_map else None
    notes = texts.notes if texts else chart_notes(data, df)
    builders = {
        "line": lambda: _graph("compare-line", line_figure(data, df, notes)),
        "bar": lambda: _graph("compare-bar", bar_figure(data, df, notes)),
        "table": lambda: create_table(df, data),
        "rank": lambda: create_ranking(data),
        "map": lambda: create_map(data, texts),
    }
    labels = {
        "line": t("compare.line", lang),
        "bar": t("compare.bar", lang, year=latest_year(data, df)),
        "table": t("compare.table", lang),
        "rank": t("compare.rank", lang),
        "map": t("compare.tab_map", lang),
    }
    built = {active} if tabs is None else set(tabs)
    missing = (
        [
            create_alert(
                t("compare.missing", lang, regions=join_names(data.missing_regions, lang)),
                color="light",
            )
        ]
        if data.missing_regions
        else []
    )
    if data.outside_regions:
        region = join_names(data.outside_regions, lang)
        outside = t("common.outside_statistics", lang, region=region)
        missing.append(create_alert(outside, color="light"))
    return [
        *missing,
        dbc.Tabs(
            [
                dbc.Tab(
                    builders[key]() if key in built else _loading(lang),
                    label=labels[key],
                    tab_id=key,
                )
                for key in TABS
            ],
            id="compare-tabs",
            active_tab=active,
        ),
        html.P(
            _sentence(texts.source_line if texts else source_line(data, df), lang),
            className="small text-muted mt-2",
            id="compare-source",
        ),
        html.Div(
            [
                *(html.P(n, className="small text-muted mb-1") for n in notes),
                *([_click_hint(lang), _names_hidden_note(lang)] if on_map else []),
            ],
            id="compare-notes",
        ),
        html.P(t("compare.share_link", lang), className="small text-muted"),
    ]


def _click_hint(lang: str) -> html.P:
    """What a click on the map does: for the screen, never written under an exported image."""
    return html.P(t("compare.map_click_hint", lang), className=f"small text-muted mb-1 {SCREEN}")


def _names_hidden_note(lang: str) -> html.P:
    """Shown by the browser (assets/40_map_labels.js) once it hides a name on the map that
    would cover another: the chosen region is still outlined, and its hover names it."""
    return html.P(
        t("compare.map_names_hidden", lang),
        className=f"small text-muted mb-1 map-names-hidden d-none {SCREEN}",
        **{"data-map": "compare-map"},
    )


def _sentence(source_line: str, lang: str) -> str:
    """The source line as a sentence: charts break it into lines at “；”, English text reads
    “; ” between its parts."""
    return source_line.replace("；", "; ") if lang == "en" else source_line


def _graph(graph_id: str, figure: Figure) -> dcc.Graph:
    return dcc.Graph(id=graph_id, figure=figure, config=GRAPH_CONFIG, className="chart")


def _loading(lang: str) -> html.Div:
    """What a tab not built yet holds for the moment it takes to draw it."""
    return html.Div(
        [dbc.Spinner(size="sm", spinner_class_name="me-2"), t("compare.tab_loading", lang)],
        className="text-muted small my-3",
    )


def chart_notes(data: CompareData, df: pd.DataFrame) -> list[str]:
    """What a reader must know to read the chart right: marks, gaps, denominators, scale."""
    lang, notes = data.lang, []
    if (df["qualifier"].dropna() != "exact").any():
        notes.append(t("qualifier.note", lang))
    if df["status"].isin(PROJECTED).any():
        notes.append(t("compare.projection_note", lang))
    holes = gaps(df)
    if holes:
        items = [
            t("compare.gap_item", lang, region=region, years=years_text(years, lang))
            for region, years in holes
        ]
        notes.append(t("compare.gaps", lang, regions="；".join(items)))
    if data.measure in {"per_capita", "per_area"}:
        denominator = denominator_name(data.measure, lang)
        lacking = sorted(set(df.loc[df["denominator"].isna(), "name"]))
        if lacking:
            regions = join_names(lacking, lang)
            notes.append(
                t("compare.no_denominator", lang, denominator=denominator, regions=regions)
            )
        notes += substitution_notes(df, data.measure, lang)
        notes.append(t("compare.ratio_note", lang))
    if data.measure.startswith("share_"):
        lacking = sorted(set(df.loc[df["denominator"].isna(), "name"]))
        if lacking:
            parent = t(f"compare.parent_{data.measure.removeprefix('share_')}", lang)
            notes.append(
                t("compare.no_parent", lang, parent=parent, regions=join_names(lacking, lang))
            )
        notes.append(t("compare.ratio_note", lang))
    if data.measure == "yoy":
        notes.append(t("compare.yoy_note", lang))
    if data.log:
        notes.append(t("compare.log_note", lang))
        if (df["value"].dropna() <= 0).any():
            notes.append(t("compare.log_dropped", lang))
    return notes
