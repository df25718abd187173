"""The results of 地区对比: charts, table and ranking of one indicator in one measure.

Built from frames the page has already read (a ``CompareData``): no queries here, so that the
whole view can be built, and tested, from plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from analysis.normalise import MeasureUnit, gaps, substitutions, year_ranges
from components.alerts import create_alert
from components.figures import GRAPH_CONFIG
from components.tables import create_grid
from figures.compare import PROJECTED, bar_chart, line_chart, value_label
from figures.format import format_quantity
from i18n import pick, t
from store.periods import parse_period

TABS = ("line", "bar", "table", "rank")
TOP = 10  # ranking rows shown besides the regions chosen


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
    rankings: list[tuple[str, pd.DataFrame]] = field(default_factory=list)  # (level, ranked)
    rank_year: int | None = None
    tab: str = "line"
    #: sources of the denominators used (population, area, the province's figures): (zh, en)
    extra_sources: list[tuple[str, str]] = field(default_factory=list)


def measure_name(measure: str, lang: str) -> str:
    return t(f"compare.measures.{measure}", lang)


def create_results(data: CompareData) -> list[object]:
    """Notes, then the tabs (trend, one year, table, ranking, map), then the source line."""
    lang, ind = data.lang, data.indicator
    df = data.series.assign(
        name=[pick(lang, z, e) for z, e in zip(data.series["name_zh"], data.series["name_en"])]
    )
    name = pick(lang, ind["name_zh"], ind["name_en"])
    pairs = [*zip(df["source_title_zh"], df["source_title_en"]), *data.extra_sources]
    sources = list(dict.fromkeys(pick(lang, z, e) for z, e in pairs))
    source_line = t("common.source_line", lang, sources="；".join(sources))
    notes = chart_notes(data, df)
    chart_title = t("compare.chart_title", lang, indicator=name, unit=data.unit.unit)
    y0, y1 = data.years
    period = f"{y0}—{y1}" if y0 != y1 else str(y0)
    signed = data.measure == "yoy"
    subtitle = _subtitle(period, data)
    common = {"source_line": source_line, "note": " ".join(notes[:1]), "unit": data.unit}
    line = line_chart(
        df, ind, lang, title=chart_title, subtitle=subtitle, log=data.log, signed=signed, **common
    )
    shown = df.dropna(subset=["value"])
    latest_year = int(shown["year"].max()) if not shown.empty else y1
    latest = shown[shown["year"] == latest_year]
    bar = bar_chart(
        latest,
        ind,
        lang,
        title=chart_title,
        subtitle=_subtitle(str(latest_year), data),
        log=data.log,
        signed=signed,
        **common,
    )
    tabs = [
        dbc.Tab(
            dcc.Graph(id="compare-line", figure=line, config=GRAPH_CONFIG, className="chart"),
            label=t("compare.line", lang),
            tab_id="line",
        ),
        dbc.Tab(
            dcc.Graph(id="compare-bar", figure=bar, config=GRAPH_CONFIG, className="chart"),
            label=t("compare.bar", lang, year=latest_year),
            tab_id="bar",
        ),
        dbc.Tab(create_table(df, data), label=t("compare.table", lang), tab_id="table"),
        dbc.Tab(create_ranking(data), label=t("compare.rank", lang), tab_id="rank"),
    ]
    ids = {tab.tab_id for tab in tabs}
    missing = (
        [
            create_alert(
                t("compare.missing", lang, regions="、".join(data.missing_regions)), color="light"
            )
        ]
        if data.missing_regions
        else []
    )
    return [
        *missing,
        dbc.Tabs(tabs, id="compare-tabs", active_tab=data.tab if data.tab in ids else "line"),
        html.P(source_line, className="small text-muted mt-2", id="compare-source"),
        html.Div([html.P(n, className="small text-muted mb-1") for n in notes], id="compare-notes"),
        html.P(t("compare.share_link", lang), className="small text-muted"),
    ]


def _subtitle(period: str, data: CompareData) -> str:
    if data.measure == "absolute":
        return period
    measure = measure_name(data.measure, data.lang)
    return t("compare.subtitle_measure", data.lang, period=period, measure=measure)


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
            t("compare.gap_item", lang, region=region, years=_years(years, lang))
            for region, years in holes
        ]
        notes.append(t("compare.gaps", lang, regions="；".join(items)))
    if data.measure in {"per_capita", "per_area"}:
        denominator = _denominator_name(data.measure, lang)
        lacking = sorted(set(df.loc[df["denominator"].isna(), "name"]))
        if lacking:
            regions = "、".join(lacking)
            notes.append(
                t("compare.no_denominator", lang, denominator=denominator, regions=regions)
            )
        for used, years in substitutions(df):
            notes.append(
                t(
                    "compare.substituted",
                    lang,
                    denominator=denominator,
                    used=used,
                    years=_years(years, lang),
                )
            )
        notes.append(t("compare.ratio_note", lang))
    if data.measure.startswith("share_"):
        lacking = sorted(set(df.loc[df["denominator"].isna(), "name"]))
        if lacking:
            parent = t(f"compare.parent_{data.measure.removeprefix('share_')}", lang)
            notes.append(t("compare.no_parent", lang, parent=parent, regions="、".join(lacking)))
        notes.append(t("compare.ratio_note", lang))
    if data.measure == "yoy":
        notes.append(t("compare.yoy_note", lang))
    if data.log:
        notes.append(t("compare.log_note", lang))
        if (df["value"].dropna() <= 0).any():
            notes.append(t("compare.log_dropped", lang))
    return notes


def _years(years: list[int], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(year_ranges(years))


def _denominator_name(measure: str, lang: str) -> str:
    key = {"per_capita": "population", "per_area": "area"}[measure]
    return t(f"compare.denominators.{key}", lang)


def create_table(df: pd.DataFrame, data: CompareData) -> object:
    lang, ind = data.lang, data.indicator
    normalised = data.measure != "absolute"
    rows = []
    for _, r in df.iterrows():
        row = {
            "region": r["name"],
            "period": parse_period(r["period"]).label(lang),
            "value": format_quantity(r["raw_value"], r["raw_qualifier"], ind, lang),
            "written": r["value_as_written"],
            "status": t(f"status.{r['status']}", lang),
            "source": pick(lang, r["source_title_zh"], r["source_title_en"]),
        }
        if normalised:
            row["measure"] = (
                value_label(r["value"], r["qualifier"], data.unit, data.measure == "yoy")
                + ("" if data.unit.percent or pd.isna(r["value"]) else f" {data.unit.unit}")
                if pd.notna(r["value"])
                else "—"
            )
        rows.append(row)
    columns = [
        {"field": "region", "headerName": t("common.region", lang), "pinned": "left"},
        {"field": "period", "headerName": t("common.period", lang)},
        {"field": "value", "headerName": t("common.value", lang), "type": "rightAligned"},
    ]
    if normalised:
        columns.append(
            {
                "field": "measure",
                "headerName": measure_name(data.measure, lang),
                "type": "rightAligned",
            }
        )
    columns += [
        {"field": "written", "headerName": t("common.as_written", lang)},
        {"field": "status", "headerName": t("common.status", lang)},
        {"field": "source", "headerName": t("common.source", lang), "flex": 2},
    ]
    return create_grid("compare-table", rows, columns, lang=lang)


def create_ranking(data: CompareData) -> object:
    """Per level of the regions chosen: the top ten and the chosen regions, ranked."""
    lang = data.lang
    if not data.rankings:
        return create_alert(
            t("compare.rank_none", lang, year=data.rank_year or "", level=""), color="light"
        )
    blocks: list[object] = []
    chosen = set(data.region_codes)
    for level, ranked in data.rankings:
        level_name = t(f"compare.levels.{level}", lang)
        title = t(
            "compare.rank_title",
            lang,
            year=data.rank_year,
            level=level_name,
            measure=measure_name(data.measure, lang),
        )
        blocks.append(html.H2(title, className="h6 mt-3"))
        has = ranked[ranked["rank"].notna()]
        if has.empty:
            blocks.append(
                create_alert(
                    t("compare.rank_none", lang, year=data.rank_year, level=level_name),
                    color="light",
                )
            )
            continue
        shown = ranked[(ranked.index < TOP) | ranked["entity_code"].isin(chosen)]
        of = int(has["of"].iloc[0])
        rows = [
            {
                "rank": int(r["rank"]) if pd.notna(r["rank"]) else None,
                "position": t("compare.rank_position", lang, rank=int(r["rank"]), of=of)
                if pd.notna(r["rank"])
                else "—",
                "region": pick(lang, r["name_zh"], r["name_en"]),
                "value": _ranked_value(r, data),
                "chosen": "✓" if r["entity_code"] in chosen else "",
            }
            for _, r in shown.iterrows()
        ]
        columns = [
            {"field": "rank", "headerName": t("compare.col_rank", lang), "maxWidth": 90},
            {"field": "region", "headerName": t("common.region", lang)},
            {
                "field": "value",
                "headerName": measure_name(data.measure, lang),
                "type": "rightAligned",
            },
            {"field": "position", "headerName": t("compare.rank", lang)},
            {"field": "chosen", "headerName": t("compare.col_selected", lang), "maxWidth": 90},
        ]
        blocks.append(create_grid(f"compare-rank-{level}", rows, columns, lang=lang))
        blocks.append(
            html.P(
                t("compare.rank_note", lang, year=data.rank_year, level=level_name, of=of),
                className="small text-muted",
            )
        )
    return html.Div(blocks, id="compare-ranking")


def _ranked_value(r: pd.Series, data: CompareData) -> str:
    if pd.isna(r["value"]):
        return "—"
    if data.measure == "absolute":
        return format_quantity(r["value"], r["qualifier"], data.indicator, data.lang)
    label = value_label(r["value"], r["qualifier"], data.unit, data.measure == "yoy")
    return label if data.unit.percent else f"{label} {data.unit.unit}"
