"""The 地图 tab of 地区对比: every region of the chosen regions' map level in the measure.

Built from what the page has read (a ``MapView`` in ``CompareData``): no queries here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd
from dash import dcc

from components.alerts import create_alert
from components.compare_text import chart_title, source_text, substitution_notes, subtitle
from components.figures import GRAPH_CONFIG
from figures.compare import PROJECTED, map_chart, map_grey_note
from figures.plain import Figure, empty
from i18n import t

if TYPE_CHECKING:
    from components.compare_view import CompareData

# as the 地图 page's: plotly.js's base map from the app itself (never a CDN), no scroll zoom
MAP_GRAPH_CONFIG = {**GRAPH_CONFIG, "scrollZoom": False, "topojsonURL": "/assets/topojson/"}
MAP_HEIGHT = "clamp(480px, calc(min(100vw, 960px) * 0.68 + 250px), 700px)"


@dataclass
class MapView:
    """The 地图 tab's figures: every region of a map level in the measure, for one year."""

    level: str  # "city" or "province" (store.queries_map.LEVELS)
    year: int
    frame: pd.DataFrame  # store.queries_compare.map_measure
    geojson: dict  # store.queries_map.boundaries(level): read it, never change it
    moved_from: int | None = None  # the end year asked for, when it had no figure at all
    off_map: list[str] = field(default_factory=list)  # names of chosen regions not drawn
    geojson_url: str | None = None  # the browser reads the boundaries there (serve.geo)


@dataclass
class MapTexts:
    """The words around the map, worked out once per view."""

    source_line: str  # 数据来源：… of the figures and denominators; then the boundaries
    notes: list[str]  # under the tabs
    figure_note: str  # in the map's own footer: marks, projections, denominators' years


def map_texts(data: CompareData) -> MapTexts:
    """What a reader of the map must know: the year shown when the end year had no figure,
    marks, projections, the grey regions, the denominators' years, regions not drawn."""
    view, lang, measure = data.map_view, data.lang, data.measure
    if view is None:
        return MapTexts("", [], "")
    frame = view.frame
    has = frame[frame["raw_value"].notna()]
    used = frame[frame["value"].notna()]
    pairs = [
        *zip(has["source_title_zh"], has["source_title_en"]),
        *zip(used["denominator_source_zh"], used["denominator_source_en"]),
    ]
    source = "；".join([source_text(pairs, lang), t("map.boundary_credit", lang)])
    figure_notes = []
    if (has["raw_qualifier"] != "exact").any():
        figure_notes.append(t("qualifier.note", lang))
    if has["status"].isin(PROJECTED).any():
        figure_notes.append(t("map.projection_note", lang))
    figure_notes += substitution_notes(used, measure, lang)
    level = t(f"map.level_noun.{view.level}", lang)
    notes = []
    if view.moved_from is not None:
        notes.append(
            t("compare.map_year_moved", lang, end=view.moved_from, level=level, year=view.year)
        )
    notes += [*figure_notes, map_grey_note(frame, measure, lang)]
    if measure != "absolute":
        notes.append(t("compare.yoy_note" if measure == "yoy" else "compare.ratio_note", lang))
    if view.off_map:
        regions = ("、" if lang == "zh" else ", ").join(view.off_map)
        notes.append(t("compare.map_off", lang, level=level, regions=regions))
    return MapTexts(source, [n for n in notes if n], " ".join(figure_notes))


def map_figure(data: CompareData, texts: MapTexts | None = None) -> Figure:
    """The 地图 tab's chart: the measure over every region of the level, the chosen ones
    outlined and named; a figure that says why when there is no map."""
    view, lang = data.map_view, data.lang
    if view is None:
        return empty(data.map_message or t("common.none", lang))
    texts = map_texts(data) if texts is None else texts
    level = t(f"map.level_name.{view.level}", lang)
    return map_chart(
        view.frame,
        data.indicator,
        lang,
        view.geojson,
        measure=data.measure,
        unit=data.unit,
        title=chart_title(data),
        subtitle=subtitle(t("map.subtitle", lang, year=view.year, level=level), data),
        source_line=texts.source_line,
        note=texts.figure_note,
        highlight=data.region_codes,
        geojson_url=view.geojson_url,
    )


def create_map(data: CompareData, texts: MapTexts | None = None) -> object:
    """The tab's content: the map, or an alert saying why there is none."""
    if data.map_view is None:
        return create_alert(data.map_message or t("common.none", data.lang), color="info")
    return dcc.Graph(
        id="compare-map",
        figure=map_figure(data, texts),
        config=MAP_GRAPH_CONFIG,
        className="chart map-chart",
        style={"height": MAP_HEIGHT},
    )
