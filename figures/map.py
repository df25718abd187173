"""A choropleth of one indicator for one year over the regions of a level (pure: no I/O).

The boundaries are the app's own GeoJSON (``data/geo``); plotly's base map (land, coasts,
countries) stays hidden. The South China Sea islands are drawn in an inset at the lower right,
as Chinese atlases do, so that the main map can be large.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from figures.format import chart_label, display_unit, format_number
from figures.theme import FONT_FAMILY, apply_theme, empty_figure
from i18n import pick, t
from store.periods import parse_period

MISSING_COLOR = "#d0d3d8"  # grey: a region without a figure, always explained in a note
BORDER_COLOR = "#ffffff"
INSET_BORDER = "#8a9099"
# light to dark blue, as the other charts' first colour (#1f5fa8): one colour a class
CLASS_COLORS = ["#eef4fb", "#bcd3ec", "#7fa9d8", "#3f78bd", "#123f77"]
CLASSES = len(CLASS_COLORS)  # 分级设色: quintiles, as statistical atlases colour regions
PROJECTED = {"projection", "target"}
MISSING_NAMES = 6  # a note names at most this many regions without a figure, then counts them
# Polygons lying wholly south of this latitude (the islands of the South China Sea) are left to
# the inset; the main map's extent is that of everything else.
MAIN_SOUTH = 18.0
INSET_LON = (106.0, 123.0)
INSET_LAT = (3.0, 23.0)
INSET_DOMAIN = {"x": [0.86, 1.0], "y": [0.0, 0.3]}
PAD = 0.5  # degrees around the main map's extent
HIDDEN_BASE = {  # the base layers of plotly's own map, each off (the frame is the inset's box)
    "showland": False,
    "showocean": False,
    "showlakes": False,
    "showrivers": False,
    "showcountries": False,
    "showsubunits": False,
    "showcoastlines": False,
}
# Albers-like, as Chinese atlases draw the country
PROJECTION = {"type": "conic equal area", "parallels": [25, 47], "rotation": {"lon": 105}}


def _name(row: Mapping, lang: str) -> str:
    zh, en = row.get("name_zh"), row.get("name_en")
    name = pick(lang, zh if isinstance(zh, str) else "", en if isinstance(en, str) else "")
    return name or str(row["entity_code"])


def _hover(row: Mapping, lang: str, unit: str, factor: float) -> str:
    """Name, value with unit and qualifier mark (180+, ~300), period, as written, source."""
    value = f"{chart_label(row['value'], row['qualifier'], factor)} {unit}".strip()
    status = row.get("status")
    if isinstance(status, str) and status != "reported":
        value += f" ({t('status.' + status, lang)})"
    sep = ": " if lang == "en" else "："
    period = parse_period(str(row["period"])).label(lang)
    lines = [f"<b>{row['name']}</b>", value, f"{t('common.period', lang)}{sep}{period}"]
    if isinstance(row.get("value_as_written"), str) and row["value_as_written"]:
        lines.append(f"{t('common.as_written', lang)}{sep}{row['value_as_written']}")
    source = pick(lang, row["source_title_zh"] or "", row["source_title_en"] or "")
    lines.append(f"{t('common.source', lang)}{sep}{source}")
    return "<br>".join(lines)


def missing_note(names: list[str], lang: str) -> str:
    """Why some regions are grey: names them when few, else counts them."""
    if not names:
        return ""
    if len(names) <= MISSING_NAMES:
        joined = (", " if lang == "en" else "、").join(names)
        return t("map.missing_named", lang, count=len(names), regions=joined)
    return t("map.missing_count", lang, count=len(names))


def classify(values: np.ndarray) -> tuple[np.ndarray, list[float], bool]:
    """(class of each value, the classes' bounds, whether each class is a single value).

    Up to ``CLASSES`` distinct values: one class each (bounds = the values). More: quantile
    classes with about as many regions each; class i holds bounds[i] <= v < bounds[i + 1], the
    last one its upper bound too. Figures are often skewed (a few large cities): quantiles
    keep the other regions apart instead of painting them all the palest colour.
    """
    distinct = np.unique(values)
    if len(distinct) <= CLASSES:
        return np.searchsorted(distinct, values), [float(v) for v in distinct], True
    quantiles = np.quantile(values, np.linspace(0, 1, CLASSES + 1))
    # 12 significant digits: 3.0000000000000004 is 3, so a figure of 3 opens the class of 3
    bounds = np.unique([float(f"{q:.12g}") for q in quantiles])
    index = np.searchsorted(bounds[1:-1], values, side="right")
    return index, [float(v) for v in bounds], False


def class_colors(count: int) -> list[str]:
    """``count`` colours spread over the scale (a single class: a strong one, not the palest)."""
    if count == 1:
        return [CLASS_COLORS[3]]
    return [CLASS_COLORS[round(i)] for i in np.linspace(0, CLASSES - 1, count)]


def tick_label(x: float) -> str:
    """A class bound as the legend shows it: 1,234.5 / 0.09 / 0.000056 (never 5.6e-05)."""
    if x != 0 and abs(x) < 0.01:
        return np.format_float_positional(x, precision=2, unique=False, fractional=False)
    return format_number(x)


def _scale(index: np.ndarray, bounds: list[float], single: bool) -> dict:
    """The trace's colour properties: z = class, steps of colour, ticks at the bounds (the
    unit is in the chart's title)."""
    count = len(bounds) if single else len(bounds) - 1
    colors = class_colors(count)
    steps = [[(i + edge) / count, c] for i, c in enumerate(colors) for edge in (0, 1)]
    ticks = list(range(count)) if single else [i - 0.5 for i in range(count + 1)]
    return {
        "zmin": -0.5,
        "zmax": count - 0.5,
        "colorscale": steps,
        "colorbar": {
            # lower left, inside the map's box: the empty corner south-west of Tibet
            "x": 0.0,
            "xanchor": "left",
            "y": 0.02,
            "yanchor": "bottom",
            "len": 22 * count,  # room for a label a class, whatever the height
            "lenmode": "pixels",
            "thickness": 12,
            "tickfont": {"size": 11},
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": [tick_label(b) for b in bounds],
        },
    }


def _polygons(geometry: Mapping) -> Iterator[list]:
    """The rings of each polygon of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]


def _bbox(rings: list) -> tuple[float, float, float, float]:
    lons = [p[0] for p in rings[0]]
    lats = [p[1] for p in rings[0]]
    return min(lons), min(lats), max(lons), max(lats)


def extent(geojson: Mapping) -> tuple[list[float], list[float]]:
    """(lon range, lat range) of the main map: every polygon but the far-south islands."""
    boxes = [
        _bbox(rings)
        for f in geojson["features"]
        for rings in _polygons(f["geometry"])
        if _bbox(rings)[3] >= MAIN_SOUTH
    ]
    if not boxes:
        return [70.0, 140.0], [15.0, 55.0]
    w, s, e, n = (f(b[i] for b in boxes) for i, f in enumerate((min, min, max, max)))
    return [w - PAD, e + PAD], [s - PAD, n + PAD]


def in_inset(geojson: Mapping) -> set[str]:
    """Ids of the features with a polygon inside the inset's box (Hainan, the islands …)."""
    found = set()
    for f in geojson["features"]:
        for rings in _polygons(f["geometry"]):
            w, s, e, n = _bbox(rings)
            if w < INSET_LON[1] and e > INSET_LON[0] and s < INSET_LAT[1] and n > INSET_LAT[0]:
                found.add(str(f["id"]))
                break
    return found


def subset(geojson: Mapping, codes: pd.Series) -> dict:
    """The features of ``codes`` only (a new collection; ``geojson`` is left as it is), so that
    the traces of one map carry each boundary once between them."""
    wanted = set(codes)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": f["id"], "geometry": f["geometry"]}  # no properties
            for f in geojson["features"]
            if str(f.get("id")) in wanted
        ],
    }


def _traces(
    shown: pd.DataFrame,
    missing: pd.DataFrame,
    geojson: Mapping,
    *,
    geo: str,
    border: str,
    scale: dict,
    values: pd.Series,  # the class of each region shown
    hovers: pd.Series,
    no_figure: str,
) -> list[go.Choropleth]:
    """A grey trace for the regions without a figure, a coloured one for the others."""
    common = {
        "featureidkey": "id",
        "marker": {"line": {"color": border, "width": 0.5}},
        "hovertemplate": "%{hovertext}<extra></extra>",
        "showlegend": False,
        "geo": geo,
    }
    traces = []
    if not missing.empty:
        traces.append(
            go.Choropleth(
                geojson=subset(geojson, missing["entity_code"]),
                locations=missing["entity_code"],
                z=np.zeros(len(missing)),
                customdata=missing[["entity_code"]].to_numpy(),
                colorscale=[[0, MISSING_COLOR], [1, MISSING_COLOR]],
                showscale=False,
                hovertext=[f"<b>{n}</b><br>{no_figure}" for n in missing["name"]],
                name=no_figure,
                **common,
            )
        )
    if not shown.empty:
        traces.append(
            go.Choropleth(
                geojson=subset(geojson, shown["entity_code"]),
                locations=shown["entity_code"],
                z=values[shown.index].to_numpy(),
                customdata=shown[["entity_code"]].to_numpy(),
                hovertext=hovers[shown.index].tolist(),
                **scale,
                **common,
            )
        )
    return traces


def choropleth(
    df: pd.DataFrame,
    indicator: Mapping,
    lang: str,
    geojson: dict,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
) -> go.Figure:
    """Regions coloured by their figure; regions without one grey, with a note saying so.

    ``df`` has one row per feature of ``geojson`` to draw (``entity_code`` = feature id) with
    columns name_zh, name_en, value (NaN: no figure), qualifier, status, period,
    value_as_written, source_title_zh/en (``store.queries_map.map_values``). Values are shown in
    the indicator's display unit; ``customdata`` carries the region code for a click.
    """
    df = df.reset_index(drop=True)
    df = df.assign(name=[_name(r, lang) for r in df.to_dict("records")])
    shown = df[df["value"].notna()]
    if shown.empty:
        return empty_figure(t("common.none", lang))
    factor, unit = display_unit(indicator, lang)
    missing = df[df["value"].isna()]
    index, bounds, single = classify(shown["value"].to_numpy(dtype=float) / factor)
    classes = pd.Series(index, index=shown.index)
    hovers = pd.Series(
        [_hover(r, lang, unit, factor) for r in shown.to_dict("records")], index=shown.index
    )
    scale = {**_scale(index, bounds, single), "name": t("common.value", lang)}
    colorbar = scale.pop("colorbar")
    no_figure = t("map.no_figure", lang)
    fig = go.Figure()
    for trace in _traces(
        shown,
        missing,
        geojson,
        geo="geo",
        border=BORDER_COLOR,
        scale={**scale, "colorbar": colorbar},
        values=classes,
        hovers=hovers,
        no_figure=no_figure,
    ):
        fig.add_trace(trace)
    inset = in_inset(geojson)
    for trace in _traces(
        shown[shown["entity_code"].isin(inset)],
        missing[missing["entity_code"].isin(inset)],
        geojson,
        geo="geo2",
        border=INSET_BORDER,  # the islands are too small to see without an outline
        scale={**scale, "showscale": False},
        values=classes,
        hovers=hovers,
        no_figure=no_figure,
    ):
        fig.add_trace(trace)
    quantiles = "" if single else t("map.classes_note", lang, count=len(bounds) - 1)
    notes = [quantiles, missing_note(list(missing["name"]), lang), note]
    apply_theme(
        fig,
        title=title,
        subtitle=subtitle,
        source_line=source_line,
        note=" ".join(n for n in notes if n),
    )
    lon, lat = extent(geojson)
    # plotly.js's fitbounds="locations" fits the whole world with GeoJSON choropleths here, so
    # the extent is computed from the boundaries and given as the axes' ranges instead
    fig.update_geos(
        domain={"x": [0, 1], "y": [0, 1]},
        projection=PROJECTION,
        lonaxis_range=lon,
        lataxis_range=lat,
        showframe=False,
        bgcolor="rgba(0,0,0,0)",
        **HIDDEN_BASE,
    )
    fig.update_layout(
        geo2={
            "domain": INSET_DOMAIN,
            "projection": {"type": "mercator"},
            "lonaxis": {"range": list(INSET_LON)},
            "lataxis": {"range": list(INSET_LAT)},
            "showframe": True,
            "framecolor": "#999999",
            "framewidth": 1,
            "bgcolor": "#ffffff",
            **HIDDEN_BASE,
        },
        # the title below the row of the mode bar (always shown on a phone), not under it
        title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 30}},
        margin={"l": 10, "r": 10, "t": 108},
        hoverlabel={"font": {"family": FONT_FAMILY}, "align": "left"},
        dragmode=False,
    )
    return fig
