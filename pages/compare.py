"""地区对比: one indicator across regions and years: lines, bars, a table, a ranking, a map."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import NamedTuple
from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, html
from dash.exceptions import PreventUpdate
from sqlalchemy import Engine

from analysis.normalise import MEASURES, NotComparable, check_measure, measure_unit, normalise
from components.alerts import create_alert, create_error_alert, guarded
from components.compare_controls import (
    create_compare_controls,
    create_measure_controls,
    year_marks,
)
from components.compare_view import TABS, CompareData, MapView, create_results, measure_name
from components.export_menu import compare_charts, create_export_menu
from components.shell import ROUTER_STATE, SHOWN_FRAME, already_shown, create_page, same_frame
from components.urls import parse_int, parse_rev, search, split_list
from figures.format import display_unit
from figures.geometry import packed
from i18n import join_names, norm_lang, pick, t
from serve.geo import boundaries_url
from store import queries, queries_compare
from store.cache import per_revision
from store.db import get_engine
from store.queries_map import LEVELS as MAP_LEVELS
from store.queries_map import boundaries, level_codes, map_years
from store.regions import OUTSIDE_STATISTICS

PATH = "/compare"
dash.register_page(
    __name__, path=PATH, title="地区对比 · 电池产业集群统计看板", name="compare", order=1
)

DEFAULT_INDICATOR = "resident_population"
DEFAULT_REGIONS = ["370400", "120000", "320400", "420100"]
LEVELS = ("province", "city", "county")  # ranked among peers; the nation has none
RESULTS = "compare-results"  # under the controls: what ``show_view`` draws again
logger = logging.getLogger(__name__)


class View(NamedTuple):  # (a dataclass cannot be made in a module Dash Pages imports)
    """A URL's view of 地区对比, read and completed with defaults."""

    lang: str
    as_of: int | None
    code: str
    region_codes: list[str]
    measure: str  # as the URL says: checked against the indicator when drawn
    log: bool
    tab: str
    bounds: tuple[int, int]  # the indicator's years with a figure: the slider's ends
    years: tuple[int, int]  # the years chosen
    params: dict[str, object]  # the view's URL parameters, normalised


def read_view(engine: Engine, query: Mapping[str, str | None]) -> View:
    """The view a URL query (``?indicator=…&regions=…``) asks for."""
    lang = norm_lang(query.get("lang"))
    as_of = parse_rev(query.get("rev"))
    code = query.get("indicator") or DEFAULT_INDICATOR
    wanted = split_list(query.get("regions")) or DEFAULT_REGIONS
    region_codes = queries_compare.resolve_regions(engine, wanted)
    measure = query.get("measure") or "absolute"
    measure = measure if measure in MEASURES else "absolute"
    log = query.get("scale") == "log"
    tab = query.get("tab") or "line"
    tab = tab if tab in TABS else "line"
    start, end = query.get("start"), query.get("end")
    params = {
        "indicator": code,
        "regions": region_codes,
        "start": start,
        "end": end,
        "measure": None if measure == "absolute" else measure,
        "scale": "log" if log else None,
        "tab": None if tab == "line" else tab,
        "rev": as_of,
    }
    known = code in queries_compare.catalogue(engine).index
    bounds = (queries.year_bounds(engine, code, as_of) if known else None) or (2010, 2030)
    years = (parse_int(start) or bounds[0], parse_int(end) or bounds[1])
    return View(lang, as_of, code, region_codes, measure, log, tab, bounds, years, params)


@guarded
def layout(
    lang: str = "zh",
    rev: str | None = None,
    frame_: object = None,
    **query: str,
) -> object:
    """The whole page for a URL; ``dash.no_update`` when the page is on screen already and
    only its view changed: ``show_view`` redraws the results then (``frame_``: the frame shown,
    see ``components.shell.already_shown``)."""
    if already_shown(frame_, PATH, norm_lang(lang), parse_rev(rev)):
        return dash.no_update
    engine = get_engine()
    query = {**query, "lang": lang, "rev": rev}
    view = read_view(engine, query)
    controls = _controls(engine, view)
    measure_controls = create_measure_controls(view.lang, view.measure, view.log)
    return create_page(
        view.lang,
        PATH,
        view.params,
        t("compare.title", view.lang),
        controls,
        measure_controls,
        html.Div(_cached_results(engine, query), id=RESULTS),
    )


def view_results(engine: Engine, view: View) -> list:
    """What the view shows under its controls: notes, the export menu, the tabs."""
    lang, code = view.lang, view.code
    catalogue = queries_compare.catalogue(engine)
    if code not in catalogue.index:
        return [create_alert(t("common.unknown_indicator", lang, indicator=code))]
    ind = catalogue.loc[code]
    name = pick(lang, ind["name_zh"], ind["name_en"])
    alerts, measure = [], view.measure
    try:
        check_measure(measure, ind)
    except NotComparable as exc:
        alerts.append(create_alert(_not_comparable(measure, name, exc, lang), color="warning"))
        measure = "absolute"
    y0, y1 = view.years
    df = queries_compare.series(engine, code, view.region_codes, y0, y1, view.as_of)
    if df.empty:
        message = t("compare.no_data", lang, indicator=name, start=y0, end=y1)
        if view.region_codes and set(view.region_codes) <= OUTSIDE_STATISTICS:
            names = _names(queries.regions(engine, view.region_codes), lang)
            message = t("common.outside_statistics", lang, region=join_names(names.values(), lang))
        return [*alerts, create_alert(message, color="info")]
    data = compare_data(
        engine, df, ind, measure, view.region_codes, view.years, lang, view.as_of, view.log,
        view.tab,
    )  # fmt: skip
    if data.map_view is not None:  # the browser reads the boundaries once, from the app
        data.map_view = replace(data.map_view, geojson_url=boundaries_url(data.map_view.level))
    return [
        *alerts,
        create_export_menu(PATH, view.params, lang, compare_charts(view.tab, lang)),
        *create_results(data),
    ]


def _answer(engine: Engine, query: tuple[tuple[str, str], ...]) -> tuple[list, tuple]:
    """The results and the controls' values for a URL's query (``query_key``)."""
    view = read_view(engine, dict(query))
    return view_results(engine, view), control_values(view)


# Kept until the next revision: a view read again (a shared link opened by many, back and
# forward, the tab chosen before) costs no query. Only answers are kept, never an error.
answer = per_revision(_answer, maxsize=64)


def query_key(query: Mapping[str, str | None]) -> tuple[tuple[str, str], ...]:
    """A URL query as the key of its answer: parameters sorted, empty ones and the default
    language left out, so that ``?lang=zh&indicator=x`` and ``?indicator=x`` are one view."""
    return tuple(
        sorted(
            (k, str(v))
            for k, v in query.items()
            if v not in (None, "") and k != ROUTER_STATE and not (k == "lang" and v == "zh")
        )
    )


def compare_data(
    engine: Engine,
    df: pd.DataFrame,
    ind: pd.Series,
    measure: str,
    region_codes: list[str],
    years: tuple[int, int],
    lang: str,
    as_of: int | None,
    log: bool = False,
    tab: str = "line",
) -> CompareData:
    """Read what the view needs besides the series: denominators and names, and the ranking
    or the map's figures only for their own tab (``tab``)."""
    code = str(ind["code"])
    den = None
    if measure == "yoy":  # the year before the first one shown, for its change
        before = queries_compare.series(
            engine, code, region_codes, years[0] - 1, years[0] - 1, as_of
        )
        series = normalise(pd.concat([before, df], ignore_index=True), "yoy")
        series = series[series["year"] >= years[0]].reset_index(drop=True)
    else:
        den = queries_compare.denominator_rows(engine, measure, code, region_codes, as_of)
        series = normalise(df, measure, queries_compare.index_of(den) if den is not None else None)
    factor, unit = display_unit(ind, lang)
    if measure in {"per_capita", "per_area"} and factor != 1:  # 辆/万人, not 0.012 万辆/万人
        factor, unit = 1.0, t(f"compare.base_units.{ind['unit']}", lang)
    labels = {k: t(f"compare.unit_{k}", lang) for k in ("per_capita", "per_area")}
    shown = series.dropna(subset=["value"])
    rank_year = int(shown["year"].max()) if not shown.empty else years[1]
    rankings = []
    if tab == "rank":  # the other tabs need no peers: read only when shown
        levels = queries_compare.level_of(engine, region_codes)
        rankings = [
            (level, queries_compare.ranking(engine, code, measure, level, rank_year, as_of))
            for level in LEVELS
            if level in levels.values()
        ]
    map_view, map_message = None, ""
    if tab == "map":
        map_view, map_message = _map_view(engine, ind, measure, region_codes, years, lang, as_of)
    have = set(df["entity_code"])
    missing = [c for c in region_codes if c not in have]
    names = _names(queries.regions(engine, missing), lang) if missing else {}
    return CompareData(
        series=series,
        indicator=ind,
        measure=measure,
        unit=measure_unit(measure, factor, unit, labels),
        region_codes=region_codes,
        years=years,
        lang=lang,
        log=log,
        missing_regions=[n for c, n in names.items() if c not in OUTSIDE_STATISTICS],
        outside_regions=[n for c, n in names.items() if c in OUTSIDE_STATISTICS],
        rankings=rankings,
        rank_year=rank_year,
        tab=tab,
        extra_sources=_denominator_sources(series, den),
        map_view=map_view,
        map_message=map_message,
    )


def _map_view(
    engine: Engine,
    ind: pd.Series,
    measure: str,
    region_codes: list[str],
    years: tuple[int, int],
    lang: str,
    as_of: int | None,
) -> tuple[MapView | None, str]:
    """The 地图 tab's figures: every region of the chosen regions' map level in the end year
    (or the latest year of the range with a figure, said so); else why there is no map."""
    code = str(ind["code"])
    level = queries_compare.map_level(engine, region_codes)
    y0, y1 = years
    frame = queries_compare.map_measure(engine, code, measure, level, y1, as_of)
    year, moved = y1, None
    if frame["raw_value"].isna().all():
        have = map_years(engine, code, level_codes(level), as_of)
        inside = have[(have["year"] >= y0) & (have["year"] <= y1)]
        noun = t(f"map.level_noun.{level}", lang)
        name = pick(lang, ind["name_zh"], ind["name_en"])
        if have.empty:
            return None, t("map.no_level_data", lang, level=noun, indicator=name)
        if inside.empty:
            listed = ("、" if lang == "zh" else ", ").join(str(y) for y in have["year"])
            return None, t(
                "compare.map_no_year",
                lang,
                start=y0,
                end=y1,
                indicator=name,
                level=noun,
                years=listed,
            )
        year, moved = int(inside["year"].max()), y1
        frame = queries_compare.map_measure(engine, code, measure, level, year, as_of)
    drawn = set(level_codes(level))
    off = [c for c in region_codes if c not in drawn]
    names = queries.regions(engine, off) if off else pd.DataFrame()
    off_names = [pick(lang, r["name_zh"], r["name_en"]) for r in names.to_dict("records")]
    return MapView(level, year, frame, packed_boundaries(level), moved, off_names), ""


@functools.lru_cache(maxsize=len(MAP_LEVELS))
def packed_boundaries(level: str) -> dict:
    """The level's boundaries with array rings: sent as JSON several times faster (read it,
    never change it; the 地图 page's are the same)."""
    return packed(boundaries(level))


def _names(regions: pd.DataFrame, lang: str) -> dict[str, str]:
    """Code → name in ``lang`` of ``store.queries.regions``' rows."""
    if regions.empty:
        return {}
    columns = (regions[c] for c in ("code", "name_zh", "name_en"))
    return {c: pick(lang, z, e) for c, z, e in zip(*columns)}


def _denominator_sources(series: pd.DataFrame, den: list[tuple] | None) -> list[tuple[str, str]]:
    """Sources of the denominators the series was divided by (only those used); ``den``:
    ``store.queries_compare.denominator_rows``."""
    if not den:
        return []
    used = {
        (str(c), int(y))
        for c, y in zip(series["denominator_code"], series["denominator_year"])
        if c is not None and pd.notna(y)
    }
    return [(row[5], row[6]) for row in den if (str(row[0]), int(row[1])) in used]


def _not_comparable(measure: str, indicator: str, exc: NotComparable, lang: str) -> str:
    return t(
        "compare.not_comparable",
        lang,
        measure=measure_name(measure, lang),
        indicator=indicator,
        reason=t(f"compare.reasons.{exc.reason}", lang),
    )


def _controls(engine: Engine, view: View) -> dbc.Row:
    catalogue = queries_compare.catalogue(engine)
    available = set(queries.indicators_with_region_data(engine, view.as_of))
    names = zip(catalogue.index, catalogue["name_zh"], catalogue["name_en"])
    lang = view.lang
    options = [{"label": pick(lang, z, e), "value": c} for c, z, e in names if c in available]
    regions = queries.region_options(engine, lang)
    return create_compare_controls(
        lang, options, view.code, regions, view.region_codes, view.bounds, view.years
    )


CONTROLS = (
    ("compare-indicator", "value"),
    ("compare-regions", "value"),
    ("compare-years", "min"),
    ("compare-years", "max"),
    ("compare-years", "marks"),
    ("compare-years", "value"),
    ("compare-measure", "value"),
    ("compare-log", "value"),
)


def control_values(view: View) -> tuple:
    """What the controls say for ``view``, in the order of ``CONTROLS``."""
    (lo, hi), (y0, y1) = view.bounds, view.years
    return (
        view.code,
        view.region_codes,
        lo,
        hi,
        year_marks(lo, hi),
        [y0, y1],
        view.measure,
        view.log,
    )


@callback(
    Output(RESULTS, "children"),
    *(Output(c, p, allow_duplicate=True) for c, p in CONTROLS),
    Input("_pages_location", "search"),
    State("_pages_location", "pathname"),
    State(SHOWN_FRAME, "data"),
    *(State(c, p) for c, p in CONTROLS),
    prevent_initial_call=True,
)
def show_view(search_text: str | None, pathname: str | None, shown: object, *current: object):  # type: ignore[no-untyped-def]
    """The results for the URL, when only the view changed on the page shown (the router
    draws the whole page otherwise); the controls follow the URL (back and forward), each
    left as it is when it says so already (no callback set off for nothing)."""
    query = _query(search_text)
    lang, as_of = norm_lang(query.get("lang")), parse_rev(query.get("rev"))
    if pathname != PATH or not same_frame(shown, PATH, lang, as_of):
        raise PreventUpdate
    try:
        results, wanted = answer(get_engine(), query_key(query))
    except Exception as exc:  # the results say what went wrong; the controls stay
        logger.exception("compare: drawing the view failed")
        alert = create_error_alert(f"{type(exc).__name__}: {str(exc)[:200]}", lang)
        return alert, *(dash.no_update for _ in CONTROLS)
    controls = [
        dash.no_update if _same(new, old) else new for new, old in zip(wanted, current, strict=True)
    ]
    return results, *controls


@guarded
def _cached_results(engine: Engine, query: Mapping[str, str | None]) -> list:
    return answer(engine, query_key(query))[0]


def _same(new: object, old: object) -> bool:
    """Control values alike once through JSON (slider marks' keys become strings)."""
    if isinstance(new, dict) and isinstance(old, dict):
        return {str(k): v for k, v in new.items()} == {str(k): v for k, v in old.items()}
    return new == old


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("compare-indicator", "value"),
    Input("compare-regions", "value"),
    Input("compare-years", "value"),
    Input("compare-measure", "value"),
    Input("compare-log", "value"),
    State("compare-years", "min"),
    State("compare-years", "max"),
    State("_pages_location", "search"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    prevent_initial_call=True,
)
def update_view(
    indicator: str,
    regions: list[str],
    years: list[int],
    measure: str,
    log: bool,
    lo: int | None,
    hi: int | None,
    current: str | None,
    lang: str,
    rev: int | None,
) -> str:
    """Any change of the controls becomes the URL; the page redraws from it.

    Dash also calls this when the page's controls first appear: then the controls still say
    what the URL says, and nothing must change (a shared link keeps its years, and no extra
    history entry is made).
    """
    shown = _query(current)
    start, end = (years or [None, None])[:2]
    if indicator != shown.get("indicator", DEFAULT_INDICATOR):
        start = end = None  # another indicator has other years
    new = {
        "lang": lang,
        "rev": rev,
        "indicator": indicator,
        "regions": regions or [],
        "start": None if start == lo else start,  # the whole range needs no parameter
        "end": None if end == hi else end,
        "measure": None if measure == "absolute" else measure,
        "scale": "log" if log else None,
        "tab": shown.get("tab"),
    }
    if _query(search(new)) == {k: v for k, v in shown.items() if k != "lang" or v != "zh"}:
        raise PreventUpdate
    return search(new)


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("compare-tabs", "active_tab"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def remember_tab(tab: str | None, current: str | None) -> str:
    """The tab shown is part of the view: in the URL, so that a shared link opens it."""
    params: dict[str, object] = dict(_query(current))
    params["tab"] = None if tab in (None, "line") else tab
    if params.get("tab") == _query(current).get("tab"):
        raise PreventUpdate
    return search(params)


def _query(search_text: str | None) -> dict[str, str]:
    return dict(parse_qsl((search_text or "").lstrip("?")))


def toggle_region(current: str | None, regions: list[str] | None, click: dict | None) -> str | None:
    """The URL query once the region clicked on the map (its code is the point's customdata)
    joins the comparison, or leaves it when it was chosen already (the last one stays); None
    when the click carries no region. ``regions``: the codes chosen now."""
    points = (click or {}).get("points") or []
    data = points[0].get("customdata") if points else None
    code = data[0] if isinstance(data, list | tuple) and data else data
    if not isinstance(code, str) or not code.isdigit():
        return None
    chosen = list(regions or [])
    if code in chosen:
        if len(chosen) == 1:
            return None
        chosen.remove(code)
    else:
        chosen.append(code)
    params: dict[str, object] = dict(_query(current))
    params["regions"] = chosen
    return search(params)


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("compare-map", "clickData"),
    State("compare-regions", "value"),
    State("_pages_location", "search"),
    prevent_initial_call=True,
)
def click_region(click: dict | None, regions: list[str] | None, current: str | None) -> str:
    """A click on the map adds the region to the comparison, or takes a chosen one out."""
    found = toggle_region(current, regions, click)
    if found is None:
        raise PreventUpdate
    return found
