"""A choropleth of one indicator for one year over the regions of a level (pure: no I/O).

The boundaries are the app's own GeoJSON (``data/geo``); plotly's base map (land, coasts,
countries) stays hidden. The South China Sea islands are drawn in an inset at the lower right,
as Chinese atlases do, so that the main map can be large.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.normalise import MeasureUnit
from figures.format import chart_label, display_unit, format_number
from figures.geometry import (
    INSET_LAT,
    INSET_LON,
    extent,
    in_inset,
    label_point,
    label_positions,
    subset,
)
from figures.plain import empty, legend_rows, rows, themed_layout
from figures.theme import FONT_FAMILY
from i18n import colon, join_names, pick, t
from store.periods import parse_period
from store.regions import OUTSIDE_STATISTICS

MISSING_COLOR = "#d0d3d8"  # grey: a region without a figure, always explained in a note
BORDER_COLOR = "#ffffff"
INSET_BORDER = "#8a9099"
HIGHLIGHT_COLOR = "#d9822b"  # the outline of a region chosen (地区对比), the charts' second colour
# light to dark blue, as the other charts' first colour (#1f5fa8): one colour a class
CLASS_COLORS = ["#eef4fb", "#bcd3ec", "#7fa9d8", "#3f78bd", "#123f77"]
CLASSES = len(CLASS_COLORS)  # 分级设色: quintiles, as statistical atlases colour regions
# below zero (a fall: 同比 −12%), light to dark orange away from zero: a diverging scale, so
# that a fall never shares the pale blue of a small rise
NEGATIVE_COLORS = ["#fde4cf", "#f6b07e", "#e0722f", "#a8420f"]
PROJECTED = {"projection", "target"}
MISSING_NAMES = 6  # a note names at most this many regions without a figure, then counts them
INSET_DOMAIN = {"x": [0.86, 1.0], "y": [0.0, 0.3]}
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
NAMES = ["name_zh", "name_en"]
DEFAULT_HOVER = [  # what ``_hover`` reads of a row
    "name", "value", "qualifier", "status", "period", "value_as_written",
    "source_title_zh", "source_title_en",
]  # fmt: skip


def _name(row: Mapping, lang: str) -> str:
    zh, en = row.get("name_zh"), row.get("name_en")
    name = pick(lang, zh if isinstance(zh, str) else "", en if isinstance(en, str) else "")
    return name or str(row["entity_code"])


def _hover(row: Mapping, lang: str, unit: str, factor: float) -> str:
    """Name, value with unit and qualifier mark (180+, ~300), period, as written, source."""
    return region_hover(row, lang, f"{chart_label(row['value'], row['qualifier'], factor)} {unit}")


def region_hover(row: Mapping, lang: str, value: str, extra: Sequence[str] = ()) -> str:
    """A region's hover: its name, ``value`` as given (and the figure's status when it is not
    reported), the ``extra`` lines, then period, wording as written and source."""
    value = value.strip()
    status = row.get("status")
    if isinstance(status, str) and status != "reported":
        value += f" ({t('status.' + status, lang)})"
    sep = colon(lang)
    period = period_label(str(row["period"]), lang)
    lines = [f"<b>{row['name']}</b>", value, *extra, f"{t('common.period', lang)}{sep}{period}"]
    if isinstance(row.get("value_as_written"), str) and row["value_as_written"]:
        lines.append(f"{t('common.as_written', lang)}{sep}{row['value_as_written']}")
    source = pick(lang, row["source_title_zh"] or "", row["source_title_en"] or "")
    lines.append(f"{t('common.source', lang)}{sep}{source}")
    return "<br>".join(lines)


@functools.lru_cache(maxsize=1024)
def period_label(period: str, lang: str) -> str:
    """2024年8月 / Aug 2024: a map repeats a few periods hundreds of times."""
    return parse_period(period).label(lang)


def missing_note(codes: Sequence[str], names: Sequence[str], lang: str) -> str:
    """Why the grey regions (``codes``, their ``names``) are grey: without a figure (named
    when few, else counted), or outside the statistics (台湾 香港 澳门, said apart)."""
    outside = [n for c, n in zip(codes, names, strict=True) if c in OUTSIDE_STATISTICS]
    missing = [n for c, n in zip(codes, names, strict=True) if c not in OUTSIDE_STATISTICS]
    notes = [outside_note(outside, lang)] if outside else []
    if len(missing) > MISSING_NAMES:
        notes.insert(0, t("map.missing_count", lang, count=len(missing)))
    elif missing:
        joined = join_names(missing, lang)
        notes.insert(0, t("map.missing_named", lang, count=len(missing), regions=joined))
    return sentences(notes, lang)


def sentences(parts: Sequence[str], lang: str) -> str:
    """Sentences run together: no space after a Chinese full stop, one after an English one."""
    return ("" if lang == "zh" else " ").join(p for p in parts if p)


def grey_hover(code: str, name: str, lang: str) -> str:
    """The hover of a grey region: no figure this year, or outside the statistics."""
    why = t("map.outside_hover" if code in OUTSIDE_STATISTICS else "map.no_figure", lang)
    return f"<b>{name}</b><br>{why}"


def outside_note(names: Sequence[str], lang: str) -> str:
    """台湾 香港 澳门 (``names``) are grey because the statistics do not cover them."""
    return t("map.outside_note", lang, regions=join_names(names, lang)) if names else ""


def classify(values: np.ndarray) -> tuple[np.ndarray, list[float], bool]:
    """(class of each value, the classes' bounds, whether each class is a single value).

    Up to ``CLASSES`` distinct values: one class each (bounds = the values). More: quantile
    classes with about as many regions each; class i holds bounds[i] <= v < bounds[i + 1], the
    last one its upper bound too. Figures are often skewed (a few large cities): quantiles
    keep the other regions apart instead of painting them all the palest colour. Values on
    both sides of zero (同比) are classed on each side apart, 0 a bound between them, so that
    no class holds both a fall and a rise.
    """
    distinct = np.unique(values)
    if len(distinct) <= CLASSES:
        return np.searchsorted(distinct, values), [float(v) for v in distinct], True
    below = values[values < 0]
    if 0 < len(below) < len(values):
        share = round(CLASSES * len(below) / len(values))
        low = min(max(share, 1), CLASSES - 1, len(NEGATIVE_COLORS))
        bounds = [
            *_quantiles(below, low)[:-1],
            0.0,
            *_quantiles(values[values >= 0], CLASSES - low)[1:],
        ]
        bounds = sorted(set(bounds))
    else:
        bounds = _quantiles(values, CLASSES)
    edges = np.array(bounds)
    index = np.searchsorted(edges[1:-1], values, side="right")
    return index, [float(v) for v in edges], False


def _quantiles(values: np.ndarray, classes: int) -> list[float]:
    """The bounds of ``classes`` quantile classes of ``values`` (fewer when values repeat);
    12 significant digits: 3.0000000000000004 is 3, so a figure of 3 opens the class of 3."""
    quantiles = np.quantile(values, np.linspace(0, 1, classes + 1))
    return sorted({float(f"{q:.12g}") for q in quantiles})


def class_colors(count: int, below: int = 0) -> list[str]:
    """``count`` colours spread over the scale (a single class: a strong one, not the palest);
    the first ``below`` classes lie below zero: orange, darkest for the lowest."""
    falls = _spread(NEGATIVE_COLORS, below, strong=2)[::-1]
    return falls + _spread(CLASS_COLORS, count - below, strong=3)


def _spread(palette: list[str], count: int, *, strong: int) -> list[str]:
    """``count`` colours of ``palette`` (light to dark), spread over it; one: ``strong``."""
    if count <= 1:
        return [palette[strong]] * count
    return [palette[round(i)] for i in np.linspace(0, len(palette) - 1, count)]


def classes_below_zero(bounds: list[float], single: bool) -> int:
    """How many classes hold values below zero (each class lies on one side of zero)."""
    if single:
        return sum(1 for b in bounds if b < 0)
    return sum(1 for upper in bounds[1:] if upper <= 0)


def tick_label(x: float) -> str:
    """A class bound as the legend shows it: 1,234.5 / 0.09 / 0.000056 (never 5.6e-05)."""
    if x != 0 and abs(x) < 0.01:
        return np.format_float_positional(x, precision=2, unique=False, fractional=False)
    return format_number(x)


def _scale(index: np.ndarray, bounds: list[float], single: bool) -> dict:
    """The trace's colour properties: z = class, steps of colour, ticks at the bounds (the
    unit is in the chart's title)."""
    count = len(bounds) if single else len(bounds) - 1
    colors = class_colors(count, classes_below_zero(bounds, single))
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


def _traces(
    shown: pd.DataFrame,
    missing: pd.DataFrame,
    geojson: Mapping,
    *,
    geo: str,
    border: str,
    scale: dict,
    values: pd.Series,  # the class of each region shown
    hovers: pd.Series,  # the hover of each region, shown or grey
    no_figure: str,
    geojson_url: str | None = None,
) -> list[dict]:
    """A grey trace for the regions without a figure, a coloured one for the others."""
    common = {
        "type": "choropleth",
        "featureidkey": "id",
        "marker": {"line": {"color": border, "width": 0.5}},
        "hovertemplate": "%{hovertext}<extra></extra>",
        "showlegend": False,
        "geo": geo,
    }
    traces = []
    if not missing.empty:
        traces.append(
            {
                "geojson": geojson_url or subset(geojson, missing["entity_code"]),
                "locations": missing["entity_code"].tolist(),
                "z": [0] * len(missing),
                "customdata": [[c] for c in missing["entity_code"]],
                "colorscale": [[0, MISSING_COLOR], [1, MISSING_COLOR]],
                "showscale": False,
                "hovertext": hovers[missing.index].tolist(),
                "name": no_figure,
                **common,
            }
        )
    if not shown.empty:
        traces.append(
            {
                "geojson": geojson_url or subset(geojson, shown["entity_code"]),
                "locations": shown["entity_code"].tolist(),
                "z": values[shown.index].tolist(),
                "customdata": [[c] for c in shown["entity_code"]],
                "hovertext": hovers[shown.index].tolist(),
                **scale,
                **common,
            }
        )
    return traces


def _highlights(
    chosen: pd.DataFrame,
    geojson: Mapping,
    hovers: pd.Series,
    *,
    geo: str,
    labels: bool,
    geojson_url: str | None = None,
) -> list[dict]:
    """Outlines (and names) of the regions ``chosen``, drawn over the colours; their hover is
    the region's own, and a click on them carries the region's code as every trace's does."""
    if chosen.empty:
        return []
    traces = [
        {
            "type": "choropleth",
            "geojson": geojson_url or subset(geojson, chosen["entity_code"]),
            "featureidkey": "id",
            "locations": chosen["entity_code"].tolist(),
            "z": [0] * len(chosen),
            "customdata": [[c] for c in chosen["entity_code"]],
            "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
            "showscale": False,
            "marker": {"line": {"color": HIGHLIGHT_COLOR, "width": 2.5}},
            "hovertext": hovers[chosen.index].tolist(),
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
            "geo": geo,
        }
    ]
    if labels:
        features = {str(f["id"]): f for f in geojson["features"]}
        points = [label_point(features[c]) for c in chosen["entity_code"]]
        names = chosen["name"].tolist()
        traces.append(
            {
                "type": "scattergeo",
                "lon": [p[0] for p in points],
                "lat": [p[1] for p in points],
                "text": names,
                "mode": "text",
                "textposition": label_positions(points, names),  # neighbours: not on each other
                "textfont": {"size": 12, "color": "#222222", "shadow": "auto"},
                "hoverinfo": "skip",
                "showlegend": False,
                "geo": geo,
            }
        )
    return traces


def choropleth_figure(
    df: pd.DataFrame,
    indicator: Mapping,
    lang: str,
    geojson: Mapping,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
    unit: MeasureUnit | None = None,
    highlight: Collection[str] = (),
    grey_note: str | None = None,
    geojson_url: str | None = None,
) -> dict:
    """``choropleth`` as a plain figure dict (``figures.plain``), with three more options:

    ``unit``: how values are shown and classed (default: the indicator's display unit);
    ``highlight``: codes of regions to outline and name; ``grey_note``: what the footer says of
    the grey regions (default: ``missing_note``); ``geojson_url``: where the browser reads
    ``geojson`` (``serve.geo``), named by every trace instead of carrying its boundaries (a
    figure for the page; exports carry them). An optional ``hover`` column of ``df`` gives
    each region's hover text (default: name, figure, period, as written, source).
    """
    df = df.reset_index(drop=True)
    if "name" not in df.columns:  # the name in ``lang``, given or from name_zh / name_en
        df = df.assign(name=[_name(r, lang) for r in rows(df, ["entity_code", *NAMES])])
    # only what is drawn: the frame is cut several ways below, each cut copies every column
    drawn = ["entity_code", "name", "value", *(["hover"] if "hover" in df else DEFAULT_HOVER)]
    df = df[list(dict.fromkeys(drawn))]
    shown = df[df["value"].notna()]
    if shown.empty:
        return empty(t("common.none", lang))
    if unit is None:
        factor, label = display_unit(indicator, lang)
        unit = MeasureUnit(factor, label)
    missing = df[df["value"].isna()]
    index, bounds, single = classify(shown["value"].to_numpy(dtype=float) / unit.factor)
    classes = pd.Series(index, index=shown.index)
    no_figure = t("map.no_figure", lang)
    if "hover" in df.columns:
        hovers = df["hover"]
    else:
        hovers = pd.Series(
            [
                _hover(r, lang, unit.unit, unit.factor)
                if r["value"] == r["value"]
                else grey_hover(code, r["name"], lang)
                for code, r in zip(df["entity_code"], rows(df, DEFAULT_HOVER), strict=True)
            ],
            index=df.index,
        )
    scale = {**_scale(index, bounds, single), "name": t("common.value", lang)}
    main = _traces(
        shown,
        missing,
        geojson,
        geo="geo",
        border=BORDER_COLOR,
        scale=scale,
        values=classes,
        hovers=hovers,
        no_figure=no_figure,
        geojson_url=geojson_url,
    )
    inset = in_inset(geojson)
    in_box = df["entity_code"].isin(inset)
    small = _traces(
        shown[in_box[shown.index]],
        missing[in_box[missing.index]],
        geojson,
        geo="geo2",
        border=INSET_BORDER,  # the islands are too small to see without an outline
        scale={**{k: v for k, v in scale.items() if k != "colorbar"}, "showscale": False},
        values=classes,
        hovers=hovers,
        no_figure=no_figure,
        geojson_url=geojson_url,
    )
    chosen = df[df["entity_code"].isin(set(highlight))]
    traces = [
        *main,
        *_highlights(chosen, geojson, hovers, geo="geo", labels=True, geojson_url=geojson_url),
        *small,
        *_highlights(
            chosen[in_box[chosen.index]],
            geojson,
            hovers,
            geo="geo2",
            labels=False,
            geojson_url=geojson_url,
        ),
    ]
    quantiles = "" if single else t("map.classes_note", lang, count=len(bounds) - 1)
    if classes_below_zero(bounds, single):
        quantiles = " ".join(q for q in (quantiles, t("map.diverging_note", lang)) if q)
    grey = (
        missing_note(list(missing["entity_code"]), list(missing["name"]), lang)
        if grey_note is None
        else grey_note
    )
    notes = [quantiles, grey, note]
    layout = themed_layout(
        title=title,
        subtitle=subtitle,
        source_line=source_line,
        note=" ".join(n for n in notes if n),
        legend_rows=legend_rows(traces),
    )
    lon, lat = extent(geojson)
    # plotly.js's fitbounds="locations" fits the whole world with GeoJSON choropleths here, so
    # the extent is computed from the boundaries and given as the axes' ranges instead
    layout["geo"] = {
        "domain": {"x": [0, 1], "y": [0, 1]},
        "projection": PROJECTION,
        "lonaxis": {"range": lon},
        "lataxis": {"range": lat},
        "showframe": False,
        "bgcolor": "rgba(0,0,0,0)",
        **HIDDEN_BASE,
    }
    layout["geo2"] = {
        "domain": INSET_DOMAIN,
        "projection": {"type": "mercator"},
        "lonaxis": {"range": list(INSET_LON)},
        "lataxis": {"range": list(INSET_LAT)},
        "showframe": True,
        "framecolor": "#999999",
        "framewidth": 1,
        "bgcolor": "#ffffff",
        **HIDDEN_BASE,
    }
    # the title below the row of the mode bar (always shown on a phone), not under it
    layout["title"].update({"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 30}})
    layout["margin"].update({"l": 10, "r": 10, "t": 108})
    layout["hoverlabel"] = {"font": {"family": FONT_FAMILY}, "align": "left"}
    layout["dragmode"] = False
    return {"data": traces, "layout": layout}


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
    geojson_url: str | None = None,
) -> go.Figure:
    """Regions coloured by their figure; regions without one grey, with a note saying so.

    ``df`` has one row per feature of ``geojson`` to draw (``entity_code`` = feature id) with
    columns name_zh, name_en, value (NaN: no figure), qualifier, status, period,
    value_as_written, source_title_zh/en (``store.queries_map.map_values``). Values are shown in
    the indicator's display unit; ``customdata`` carries the region code for a click.
    """
    return go.Figure(
        choropleth_figure(
            df,
            indicator,
            lang,
            geojson,
            title=title,
            subtitle=subtitle,
            source_line=source_line,
            note=note,
            geojson_url=geojson_url,
        )
    )
