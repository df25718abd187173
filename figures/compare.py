"""Charts of one indicator across regions and years, as plain figure dicts (``figures.plain``).

The frames here are small (a few regions × a few years): rows are read once as records and the
traces built from plain lists, which costs a fraction of pandas' per-group operations.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from analysis.normalise import MeasureUnit
from figures.format import chart_label, display_unit, format_number, format_quantity
from figures.map import (
    choropleth_figure,
    grey_hover,
    missing_note,
    outside_note,
    region_hover,
    sentences,
)
from figures.plain import Figure, empty, legend_rows, rows, themed_layout
from figures.theme import COLORWAY
from i18n import colon, pick, t
from store.regions import OUTSIDE_STATISTICS

PROJECTED = {"projection", "target"}
HOVER = [  # what a region's hover on the map tab says
    "name", "raw_value", "raw_qualifier", "value", "qualifier", "denominator_year", "status",
    "period", "value_as_written", "source_title_zh", "source_title_en",
]  # fmt: skip


def _unit(indicator: Mapping, lang: str, unit: MeasureUnit | None) -> MeasureUnit:
    if unit is not None:
        return unit
    factor, label = display_unit(indicator, lang)
    return MeasureUnit(factor, label)


def has_value(value: object) -> bool:
    """A figure is there: not None, NA or NaN."""
    return value is not None and value is not pd.NA and value == value


def value_label(value: float, qualifier: str, unit: MeasureUnit, signed: bool = False) -> str:
    """The label on a point or bar: 180+, ~300, 12.5%, +28% (``signed``: a change)."""
    if value != value:  # NaN: no figure
        return ""
    if not unit.percent:
        return chart_label(value, qualifier, unit.factor)
    number = format_number(round(value, 1))
    sign = "+" if signed and value > 0 else ""
    mark = {"at_least": "+", "approx": "~"}.get(qualifier, "")
    return f"{'~' if mark == '~' else ''}{sign}{number}%{'+' if mark == '+' else ''}"


def with_gaps(rows: list[dict]) -> list[dict]:
    """One region's records over every year from its first to its last: a missing year
    becomes a record with ``value`` None, which breaks the line instead of bridging it."""
    by_year = {int(r["year"]): r for r in rows}
    first, last = min(by_year), max(by_year)
    return [by_year.get(y, {"year": y, "value": None}) for y in range(first, last + 1)]


def _hover(row: Mapping, lang: str) -> str:
    source = pick(lang, row["source_title_zh"], row["source_title_en"])
    written = (
        f"<br>{t('common.as_written', lang)}{colon(lang)}{row['value_as_written']}"
        if row.get("value_as_written")
        else ""
    )
    status = "" if row["status"] == "reported" else f" ({t('status.' + row['status'], lang)})"
    source_label = t("common.source", lang) + colon(lang)
    return f"{row['name']} {row['period']}{status}{written}<br>{source_label}{source}"


def point_labels(part: Mapping, unit: MeasureUnit, signed: bool, *, every: bool) -> list[str]:
    """Labels of a line's points (``part``: columns value and qualifier): all of them, or only
    the last one with a figure."""
    labels = [
        value_label(v, q, unit, signed) if has_value(v) else ""
        for v, q in zip(part["value"], part["qualifier"])
    ]
    if every:
        return labels
    last = max((i for i, v in enumerate(part["value"]) if has_value(v)), default=None)
    return [label if i == last else "" for i, label in enumerate(labels)]


def _records(df: pd.DataFrame) -> list[dict]:
    """The rows with a figure, as plain dicts."""
    return [r for r in rows(df) if has_value(r["value"])]


def line_chart(
    df: pd.DataFrame,
    indicator: Mapping,
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
    unit: MeasureUnit | None = None,
    log: bool = False,
    signed: bool = False,
) -> Figure:
    """One line per region over years; projections dashed; lower bounds marked “+”.

    ``df`` has one row per (entity_code, year) with columns name, value, qualifier, status,
    period, value_as_written, source_title_zh/en. A year without a figure breaks the line
    (never bridged). ``unit``: how values are shown (default: the indicator's display unit);
    ``log``: a logarithmic value axis; ``signed``: labels carry + for a rise (同比).
    """
    rows = _records(df)
    if not rows:
        return empty(t("common.none", lang))
    shown = _unit(indicator, lang, unit)
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["entity_code"], []).append(r)
    # one short line: a label on every point; otherwise only each line's last figure is
    # labelled (the rest are in the hover and the table), so that labels never pile up
    every = len(groups) == 1 and len(rows) < 8
    traces = []
    for i, (code, group) in enumerate(groups.items()):
        group.sort(key=lambda r: r["year"])
        color = COLORWAY[i % len(COLORWAY)]
        actual = [r for r in group if r["status"] not in PROJECTED]
        projected = [r for r in group if r["status"] in PROJECTED]
        if projected and actual:
            projected = [actual[-1], *projected]
        for part, dash, show in ((actual, "solid", True), (projected, "dash", not actual)):
            if part:
                style = {"color": color, "dash": dash, "showlegend": show}
                points = with_gaps(part)
                traces.append(
                    _line(code, group[0]["name"], points, style, shown, lang, signed, every)
                )
    layout = themed_layout(
        title=title,
        subtitle=subtitle,
        source_line=source_line,
        note=note,
        legend_rows=legend_rows(traces),
    )
    years = {r["year"] for r in rows}
    layout["xaxis"] = {"tickformat": "d", **({"dtick": 1} if len(years) <= 15 else {})}
    if log:
        layout["yaxis"] = {"title": {"text": f"{shown.unit}（log）"}, "type": "log"}
    else:
        layout["yaxis"] = {
            "title": {"text": shown.unit},
            "rangemode": "normal" if signed else "tozero",
        }
    return {"data": traces, "layout": layout}


def _line(
    code: str,
    name: str,
    points: list[dict],
    style: dict,
    unit: MeasureUnit,
    lang: str,
    signed: bool,
    every: bool,
) -> dict:
    """One line's trace; ``points``: its records over every year, ``value`` None where there
    is no figure; ``style``: color, dash, showlegend."""
    values = [r["value"] for r in points]
    labels = {"value": values, "qualifier": [r.get("qualifier") for r in points]}
    return {
        "type": "scatter",
        "x": [r["year"] for r in points],
        "y": [v / unit.factor if has_value(v) else None for v in values],
        "name": name,
        "legendgroup": code,
        "showlegend": style["showlegend"],
        "connectgaps": False,
        "mode": "lines+markers+text",
        "line": {"color": style["color"], "dash": style["dash"]},
        "marker": {"color": style["color"], "size": 7},
        "text": point_labels(labels, unit, signed, every=every),
        "textposition": "top center",
        "cliponaxis": False,
        "hovertext": [_hover(r, lang) if has_value(r["value"]) else "" for r in points],
        "hovertemplate": "%{y:,.4~f} " + unit.unit + "<br>%{hovertext}<extra></extra>",
    }


def bar_chart(
    df: pd.DataFrame,
    indicator: Mapping,
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
    unit: MeasureUnit | None = None,
    log: bool = False,
    signed: bool = False,
) -> Figure:
    """One bar per region (its figure for one year), largest first, labels on the bars."""
    rows = _records(df)
    if not rows:
        return empty(t("common.none", lang))
    shown = _unit(indicator, lang, unit)
    rows.sort(key=lambda r: r["value"])  # plotly draws the first bar at the bottom
    trace = {
        "type": "bar",
        "x": [r["value"] / shown.factor for r in rows],
        "y": [r["name"] for r in rows],
        "orientation": "h",
        "marker": {"color": ["#9bb7d9" if r["status"] in PROJECTED else "#1f5fa8" for r in rows]},
        "text": [value_label(r["value"], r["qualifier"], shown, signed) for r in rows],
        "textposition": "auto",
        "cliponaxis": False,
        "hovertext": [_hover(r, lang) for r in rows],
        "hovertemplate": "%{x:,.4~f} " + shown.unit + "<br>%{hovertext}<extra></extra>",
    }
    layout = themed_layout(
        title=title,
        subtitle=subtitle,
        source_line=source_line,
        note=note,
        legend_rows=legend_rows([trace]),
    )
    if log:
        layout["xaxis"] = {"title": {"text": f"{shown.unit}（log）"}, "type": "log"}
    else:
        layout["xaxis"] = {
            "title": {"text": shown.unit},
            "rangemode": "normal" if signed else "tozero",
        }
    layout["height"] = max(320, 140 + 36 * len(rows))
    layout["showlegend"] = False
    return {"data": [trace], "layout": layout}


def map_grey_note(df: pd.DataFrame, measure: str, lang: str) -> str:
    """What the grey regions of the map tab are: without a figure for the year (named when
    few), and, for a measure, those whose figure has nothing to be divided by."""
    grey = df[df["value"].isna()]
    lacking = int(grey["raw_value"].notna().sum())
    if not lacking:
        return missing_note(list(grey["entity_code"]), _map_names(grey, lang), lang)
    outside = grey[grey["entity_code"].isin(OUTSIDE_STATISTICS) & grey["raw_value"].isna()]
    note = t(
        "compare.map_grey",
        lang,
        none=len(grey) - lacking - len(outside),
        lacking=lacking,
        reason=t(f"compare.map_lacking.{measure}", lang),
    )
    return sentences([note, outside_note(_map_names(outside, lang), lang)], lang)


def _map_names(df: pd.DataFrame, lang: str) -> list[str]:
    """Each region's name in ``lang`` (its code when the region table has none)."""
    first, second = ("name_en", "name_zh") if lang == "en" else ("name_zh", "name_en")
    return [
        a if isinstance(a, str) and a else b if isinstance(b, str) and b else str(c)
        for c, a, b in zip(df["entity_code"], df[first], df[second])
    ]


def map_hovers(
    df: pd.DataFrame, indicator: Mapping, lang: str, measure: str, unit: MeasureUnit
) -> list[str]:
    """Each region's hover in a measure: the measure, the figure it comes from and the year
    of its denominator; or why it is grey. ``df``: ``map_chart``'s frame, with ``name``."""
    indicator = dict(indicator)  # a catalogue row (a Series) is slow to read row by row
    sep = colon(lang)
    raw_word = t("compare.raw_value", lang) + sep
    cannot = t("compare.map_cannot", lang, reason=t(f"compare.map_lacking.{measure}", lang))
    denominator = ""
    if measure in {"per_capita", "per_area"}:
        key = {"per_capita": "population", "per_area": "area"}[measure]
        denominator = t(f"compare.denominators.{key}", lang)
    hovers = []
    for code, row in zip(df["entity_code"], rows(df, HOVER), strict=True):
        name = f"<b>{row['name']}</b>"
        if not has_value(row["raw_value"]):
            hovers.append(grey_hover(code, row["name"], lang))
            continue
        raw = raw_word + format_quantity(row["raw_value"], row["raw_qualifier"], indicator, lang)
        if not has_value(row["value"]):
            hovers.append(f"{name}<br>{raw}<br>{cannot}")
            continue
        label = value_label(row["value"], row["qualifier"], unit, signed=measure == "yoy")
        extra = [raw]
        if denominator and has_value(row["denominator_year"]):
            year = int(row["denominator_year"])
            extra.append(t("compare.map_denominator", lang, denominator=denominator, year=year))
        hovers.append(
            region_hover(row, lang, label if unit.percent else f"{label} {unit.unit}", extra)
        )
    return hovers


def map_chart(
    df: pd.DataFrame,
    indicator: Mapping,
    lang: str,
    geojson: Mapping,
    *,
    measure: str,
    unit: MeasureUnit,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
    highlight: Collection[str] = (),
    geojson_url: str | None = None,
) -> Figure:
    """The 地图 tab: every region of a map level coloured by its figure in ``measure``, the
    regions chosen outlined and named (``figures.map.choropleth_figure``).

    ``df``: ``store.queries_compare.map_measure``'s frame (value: the measure, raw_value: the
    figure). A region without a figure, or whose figure cannot be worked out (no population,
    no province figure, no year before), is grey and counted in the footer, never shown as 0.
    """
    df = df.reset_index(drop=True).assign(name=_map_names(df, lang))
    if measure != "absolute":
        df["hover"] = map_hovers(df, indicator, lang, measure, unit)
    return choropleth_figure(
        df,
        indicator,
        lang,
        geojson,
        title=title,
        subtitle=subtitle,
        source_line=source_line,
        note=note,
        unit=unit,
        highlight=highlight,
        grey_note=map_grey_note(df, measure, lang),
        geojson_url=geojson_url,
    )
