"""What a URL shows, as charts to export: ``/compare?…`` → [ChartView, …].

Each resolver reads the URL's parameters the way its page does and calls the page's own
builders (``pages.compare.compare_data`` and ``create_results``, ``pages.map.map_chart``,
``pages.chain.chain_chart``, ``pages.projects.project_charts``): the picture exported is the
picture the page draws, and the table beside it holds the same figures. Needs an app with
pages (``pages.*`` register themselves on import).
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import plotly.graph_objects as go
from dash import dcc
from sqlalchemy import Engine

from analysis.normalise import MEASURES, NotComparable, check_measure
from components.compare_view import SCREEN
from components.urls import parse_int, parse_rev, split_list
from exports import sentences
from exports.frames import labelled_frame, observation_frame
from exports.images import SIZES
from exports.meta import ChartMeta, ChartView, plain
from figures.format import display_unit, format_quantity
from i18n import norm_lang, pick, t
from settings import Settings
from store import queries
from store.periods import parse_period


class ViewError(ValueError):
    """The URL shows no chart (unknown page, indicator or region, no data): ``message`` says
    so in the URL's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def bureau_name(settings: Settings | None, lang: str) -> str:
    if settings is None:
        return t("app.title", lang)
    name = settings.bureau_name_en if lang == "en" else settings.bureau_name_zh
    return name or settings.bureau_name_zh or t("app.title", lang)


def logo_uri(settings: Settings | None) -> str:
    """The bureau's logo (``BUREAU_LOGO``) as a data: URI; "" when unset or unreadable."""
    path = settings.bureau_logo if settings else None
    if not path:
        return ""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    mime = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def as_of_text(engine: Engine, as_of: int | None, lang: str) -> str:
    """数据截至2024-05-01（修订3）: the date and number of the revision the view shows."""
    number = as_of or queries.latest_revision(engine)
    date = queries.revision_date(engine, number)
    if number is None or date is None:
        return ""
    return t("exports.as_of", lang, date=date.strftime("%Y-%m-%d"), rev=number)


class Context:
    """What every resolver needs: the engine, the URL's language and revision, the branding."""

    def __init__(
        self, engine: Engine, params: dict[str, str], settings: Settings | None = None
    ) -> None:
        self.engine = engine
        self.params = params
        self.settings = settings
        self.lang = norm_lang(params.get("lang"))
        self.as_of = parse_rev(params.get("rev"))
        latest = queries.latest_revision(engine)
        if self.as_of is not None and (latest is None or self.as_of > latest):
            raise ViewError(t("exports.bad_revision", self.lang, rev=self.as_of))
        self.catalogue = queries.indicators(engine)
        self._stamp = as_of_text(engine, self.as_of, self.lang)
        self._bureau = bureau_name(settings, self.lang)
        self._logo = logo_uri(settings)

    def meta(self, figure: go.Figure, **fields: str) -> ChartMeta:
        """The chart's words: its own title and subtitle, then what the resolver adds."""
        title = fields.pop("title", "") or plain(figure.layout.title.text or "")
        subtitle = fields.pop("subtitle", None)
        if subtitle is None:
            subtitle = plain(figure.layout.title.subtitle.text or "")
        return ChartMeta(
            title=title,
            subtitle=subtitle,
            as_of=self._stamp,
            bureau=self._bureau,
            logo=self._logo,
            lang=self.lang,
            **fields,
        )

    def indicator(self, code: str) -> pd.Series:
        if code not in self.catalogue.index:
            raise ViewError(t("common.unknown_indicator", self.lang, indicator=code))
        return self.catalogue.loc[code]

    def region_codes(self, text: str | None, default: list[str]) -> list[str]:
        wanted = split_list(text) if text is not None else default
        found = [queries.resolve_region(self.engine, w) for w in wanted]
        return list(dict.fromkeys(c for c in found if c))


def _walk(component: object) -> Iterator[object]:
    """``component`` and everything in it, but for what only a screen shows (``SCREEN``)."""
    if SCREEN in str(getattr(component, "className", "") or "").split():
        return
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        yield from _walk(child)


def _texts(component: object) -> list[str]:
    return [c for c in _walk(component) if isinstance(c, str)]


def _by_id(components: list[object], wanted: str) -> object | None:
    for root in components:
        for c in _walk(root):
            if getattr(c, "id", None) == wanted:
                return c
    return None


def _note(notes: list[str]) -> str:
    return "\n".join(n for n in dict.fromkeys(notes) if n)


def _period(years: tuple[int, int]) -> str:
    y0, y1 = years
    return f"{y0}—{y1}" if y0 != y1 else str(y0)


# --- /compare --------------------------------------------------------------------------------


def _compare(ctx: Context) -> list[ChartView]:
    from components.compare_view import TABS, create_results
    from pages import compare as page

    p, lang, engine = ctx.params, ctx.lang, ctx.engine
    code = p.get("indicator") or page.DEFAULT_INDICATOR
    region_codes = ctx.region_codes(p.get("regions") or None, page.DEFAULT_REGIONS)
    measure = p.get("measure") if p.get("measure") in MEASURES else "absolute"
    log = p.get("scale") == "log"
    tab = p.get("tab") if p.get("tab") in TABS else "line"
    ind = ctx.indicator(code)
    lo, hi = queries.year_bounds(engine, code, ctx.as_of) or (2010, 2030)
    years = (parse_int(p.get("start")) or lo, parse_int(p.get("end")) or hi)
    try:
        check_measure(measure, ind)
    except NotComparable:
        measure = "absolute"  # as the page: it warns and shows the figures as they are
    df = queries.compare_series(engine, code, region_codes, years[0], years[1], ctx.as_of)
    name = pick(lang, ind["name_zh"], ind["name_en"])
    if df.empty:
        raise ViewError(t("compare.no_data", lang, indicator=name, start=years[0], end=years[1]))
    data = page.compare_data(
        engine, df, ind, measure, region_codes, years, lang, ctx.as_of, log, tab
    )
    wanted = ("line", "bar", "map") if tab == "map" else ("line", "bar")
    try:  # every chart of the view, not only the tab shown
        results = create_results(data, tabs=wanted)  # type: ignore[call-arg]
    except TypeError:  # a create_results that builds every tab anyway
        results = create_results(data)
    source = " ".join(_texts(_by_id(results, "compare-source")))
    notes = _texts(_by_id(results, "compare-notes"))
    series = data.series.assign(indicator_code=code)
    absolute = measure == "absolute"
    unit = None if absolute else (data.unit.factor, data.unit.unit)
    frame = observation_frame(series, ind, lang, unit=unit)
    if not absolute:  # the figure the measure was worked out from, in the indicator's unit
        raw = observation_frame(series, ind, lang, value_column="raw_value")
        frame.insert(6, t("exports.col.raw_value", lang), raw[t("exports.col.value", lang)])
        frame.insert(7, t("exports.col.raw_unit", lang), raw[t("exports.col.unit", lang)])
    history = series[series["entity_code"] == region_codes[0]] if region_codes else series
    first = pick(
        lang, *(history[["name_zh", "name_en"]].iloc[0] if not history.empty else ("", ""))
    )
    sentence = (
        sentences.figure_sentence(
            queries.region_history(engine, region_codes[0], ctx.as_of), ind, first, lang
        )
        if absolute and first
        else ""
    )
    views = []
    shown = data.series.dropna(subset=["value"])
    latest = int(shown["year"].max()) if not shown.empty else years[1]
    for key, period in (("line", _period(years)), ("bar", str(latest)), ("map", str(latest))):
        graph = _by_id(results, f"compare-{key}")
        if not isinstance(graph, dcc.Graph):
            continue
        fig = go.Figure(graph.figure)
        meta = ctx.meta(fig, unit=data.unit.unit, period=period, source=source, note=_note(notes))
        rows = frame if key == "line" else frame[series["year"].to_numpy() == latest]
        if key == "map":  # the map's own figures: every region of its level
            rows = _compare_map_frame(data, ind, lang, frame)
        views.append(ChartView(f"compare-{key}", fig, rows.reset_index(drop=True), meta, sentence))
    views.sort(key=lambda v: v.key != f"compare-{tab}")  # the tab the URL opens comes first
    return views


def _compare_map_frame(
    data: object, ind: pd.Series, lang: str, fallback: pd.DataFrame
) -> pd.DataFrame:
    """The figures of 地区对比's map tab (every region of its level), when the view has one."""
    view = getattr(data, "map_view", None)
    if view is None:
        return fallback
    shown = view.frame[view.frame["value"].notna()].assign(indicator_code=str(ind["code"]))
    unit = getattr(data, "unit", None)
    return observation_frame(shown, ind, lang, unit=(unit.factor, unit.unit) if unit else None)


# --- /map ------------------------------------------------------------------------------------


def _map(ctx: Context) -> list[ChartView]:
    from figures.map import missing_note
    from pages import map as page
    from store.queries_map import LEVELS, default_year, level_codes, map_values, map_years

    p, lang, engine = ctx.params, ctx.lang, ctx.engine
    level = p.get("level") if p.get("level") in LEVELS else page.DEFAULT_LEVEL
    code = p.get("indicator") or page.DEFAULT_INDICATOR
    ind = ctx.indicator(code)
    codes = level_codes(level)
    years = map_years(engine, code, codes, ctx.as_of)
    year = parse_int(p.get("year")) or default_year(years)
    name = pick(lang, ind["name_zh"], ind["name_en"])
    if year is None or year not in set(years["year"]):
        noun = t(f"map.level_noun.{level}", lang)
        raise ViewError(t("map.no_level_data", lang, level=noun, indicator=name))
    df = map_values(engine, code, year, codes, ctx.as_of)
    figure, source_line, notes = page.map_chart(df, ind, lang, level, year)
    figure = go.Figure(figure)  # a plotly figure or its dict
    gaps = df[df["value"].isna()]
    missing = missing_note(
        list(gaps["entity_code"]),
        [pick(lang, z, e) for z, e in zip(gaps["name_zh"], gaps["name_en"])],
        lang,
    )
    shown = df[df["value"].notna()].sort_values("value", ascending=False, kind="stable")
    frame = observation_frame(shown.assign(indicator_code=code), ind, lang)
    meta = ctx.meta(
        figure,
        unit=frame[t("exports.col.unit", lang)].iloc[0] if not frame.empty else "",
        period=str(year),
        source=source_line,
        note=_note([*notes, missing]),
    )
    sentence = sentences.top_sentence(frame, lang, what=name)
    return [ChartView("map", figure, frame, meta, sentence)]


# --- /chain ----------------------------------------------------------------------------------


CHAIN_LABELS_PX = 130  # the links' names left of the cells, and the right margin


def _chain(ctx: Context) -> list[ChartView]:
    from pages import chain as page
    from store.queries_chain import chain, completeness

    p, lang = ctx.params, ctx.lang
    codes = ctx.region_codes(p.get("regions"), page.DEFAULT_REGIONS)
    if not codes:
        raise ViewError(t("chain.no_regions", lang))
    up_to = page.parse_year(p.get("year"))
    frame = chain(ctx.engine, codes, up_to, ctx.as_of)
    # the cells as wide as on the narrowest page exported (A4 across)
    cell_px = (SIZES["print"].width - CHAIN_LABELS_PX) / len(codes)
    figure, source_line, notes = page.chain_chart(frame, ctx.catalogue, lang, up_to, cell_px)
    figure = go.Figure(figure)
    known = frame[frame["state"] != "unknown"]
    table = observation_frame(known, ctx.catalogue, lang)
    link = [t(f"chain.link.{k}", lang) for k in known["link"]]
    table.insert(2, t("exports.col.link", lang), link)
    meta = ctx.meta(
        figure,
        unit=t("exports.unit_per_row", lang),
        period=str(up_to) if up_to else t("chain.latest", lang),
        source=source_line,
        note=_note(notes),
    )
    sentence = sentences.chain_sentence(completeness(frame), lang)
    return [ChartView("chain", figure, table, meta, sentence)]


# --- /projects -------------------------------------------------------------------------------


def _projects(ctx: Context) -> list[ChartView]:
    from components.projects import event_chart, event_source_line
    from loaders.template_vocab import SECTORS
    from store.queries_projects import (
        GROUPINGS,
        SIZE_CLASSES,
        event_options,
        event_totals,
        filter_projects,
        projects,
    )
    from store.regions import descendant_prefix

    p, lang, engine = ctx.params, ctx.lang, ctx.engine
    events = event_options(engine)
    event = p.get("event") if not events.empty and p.get("event") in set(events["code"]) else None
    region = queries.resolve_region(engine, p["region"]) if p.get("region") else None
    sector = p.get("sector") if p.get("sector") in set(SECTORS.values()) else None
    size = p.get("size") if p.get("size") in set(SIZE_CLASSES) else None
    by = p.get("by") if p.get("by") in set(GROUPINGS) else "size"
    views = []
    totals = event_totals(engine, ctx.as_of)
    if event:
        totals = totals[totals["event_code"] == event]
    if region:
        totals = totals[totals["region_code"].fillna("").str.startswith(descendant_prefix(region))]
    for code, g in totals.groupby("event_code", sort=False):
        name = pick(lang, g["event_name_zh"].iloc[0], g["event_name_en"].iloc[0])
        chart = event_chart(g, name, lang)
        if chart is None:
            continue
        figure = go.Figure(chart[0])
        rows = g.assign(entity_code="", name_zh=name, name_en=name)
        frame = observation_frame(rows, ctx.catalogue, lang)
        frame[t("exports.col.region", lang)] = name
        frame = frame.rename(columns={t("exports.col.region", lang): t("exports.col.event", lang)})
        frame = frame.drop(columns=[t("exports.col.region_code", lang)])
        sentence = _event_sentence(g, name, ctx.catalogue, lang)
        meta = ctx.meta(
            figure,
            unit=t("projects.count_unit", lang),
            period=parse_period(str(g["period"].iloc[0])).label(lang),
            source=event_source_line(g, lang),
            note=_note(
                [t("qualifier.note", lang) if (g["qualifier"] != "exact").any() else "", *chart[1]]
            ),
        )
        views.append(ChartView(f"projects-classes-{code}", figure, frame, meta, sentence))
    everything = projects(engine, ctx.as_of)
    chosen = (
        filter_projects(everything, event=event, region=region, sector=sector, size=size)
        if not everything.empty
        else everything
    )
    if not chosen.empty:
        views = _project_details(ctx, chosen, by) + views
    if not views:
        raise ViewError(t("projects.no_match", lang))
    return views


def _event_sentence(g: pd.DataFrame, name: str, catalogue: pd.DataFrame, lang: str) -> str:
    """2024新能源电池产业发展大会签约项目24个，总投资400余亿元。"""
    said = {}
    for code in ("signed_projects", "signed_investment"):
        rows = g[g["indicator_code"] == code]
        if not rows.empty:
            r = rows.iloc[-1]
            said[code] = format_quantity(r["value"], r["qualifier"], catalogue.loc[code], lang)
    if not said:
        return ""
    parts = [t(f"exports.sentence.{code}", lang, value=v) for code, v in said.items()]
    joined = t("exports.sentence.joiner", lang).join(parts)
    return t("exports.sentence.event", lang, event=name, figures=joined) + t(
        "exports.sentence.end", lang
    )


def _project_details(ctx: Context, chosen: pd.DataFrame, by: str) -> list[ChartView]:
    from pages import projects as page
    from store.queries_projects import sum_with_qualifier, summarise

    lang = ctx.lang
    money = ctx.catalogue.loc["signed_investment"]
    charts, source_line, notes = page.project_charts(chosen, money, by, lang)
    summary = summarise(chosen, by)
    factor, money_unit = display_unit(money, lang)
    records = [
        {
            "group": t(f"projects.size.{r['key']}", lang)
            if by == "size"
            else pick(lang, r["label_zh"] or "", r["label_en"] or "") or "—",
            "count": int(r["count"]),
            "investment": None if pd.isna(r["investment"]) else float(r["investment"]) / factor,
            "unit": money_unit,
            "qualifier": t(f"exports.qualifier.{r['qualifier'] or 'exact'}", lang),
            "unknown": int(r["unknown"]),
        }
        for _, r in summary.iterrows()
    ]
    frame = labelled_frame(records, lang)
    total, qualifier = sum_with_qualifier(chosen["investment"], chosen["qualifier"])
    total_text = page.money_text(total, qualifier, money, lang)
    sentence = t("exports.sentence.projects", lang, count=len(chosen), investment=total_text)
    dates = chosen["signed_on"].dropna()
    labels = [parse_period(d.isoformat()).label(lang) for d in (dates.min(), dates.max())]
    period = "—".join(dict.fromkeys(labels)) if not dates.empty else ""
    views = []
    for measure, fig in charts:
        fig = go.Figure(fig)
        unit = t("projects.count_unit", lang) if measure == "count" else money_unit
        meta = ctx.meta(fig, unit=unit, period=period, source=source_line, note=_note(notes))
        views.append(ChartView(f"projects-{measure}", fig, frame, meta, sentence))
    return views


# --- / (总览): the headline figures as a table, no chart ------------------------------------


def _overview(ctx: Context) -> list[ChartView]:
    lang, engine = ctx.lang, ctx.engine
    default = ctx.settings.default_region if ctx.settings else "370400"
    code = (
        queries.resolve_region(engine, ctx.params["region"])
        if ctx.params.get("region")
        else default
    )
    if code is None:
        raise ViewError(t("common.unknown_region", lang, region=ctx.params.get("region")))
    region = queries.regions(engine, [code]).iloc[0]
    name = pick(lang, region["name_zh"], region["name_en"])
    figures = queries.latest_per_indicator(queries.region_history(engine, code, ctx.as_of))
    if figures.empty:
        raise ViewError(t("overview.no_figures", lang, region=name))
    rows = figures.assign(name_zh=region["name_zh"], name_en=region["name_en"])
    frame = observation_frame(rows, ctx.catalogue, lang)
    sources = list(dict.fromkeys(frame[t("exports.col.source", lang)]))
    meta = ChartMeta(
        title=t("overview.headline", lang, region=name),
        unit=t("exports.unit_per_row", lang),
        source=t("common.source_line", lang, sources="；".join(sources)),
        note=t("qualifier.note", lang) if (figures["qualifier"] != "exact").any() else "",
        as_of=ctx._stamp,
        bureau=ctx._bureau,
        lang=lang,
    )
    return [ChartView("overview", None, frame, meta, "")]  # type: ignore[arg-type]


# --- pages drawn whole: their layout walked for charts (联盟) ---------------------------------


def _number(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def trace_frame(figure: go.Figure, lang: str) -> pd.DataFrame:
    """What a chart plots, read off its traces: series, category, value, label."""
    records = []
    for trace in figure.data:
        horizontal = getattr(trace, "orientation", None) == "h"
        cats = trace.y if horizontal else trace.x
        values = trace.x if horizontal else trace.y
        if cats is None or values is None:
            continue
        texts = getattr(trace, "text", None)
        labels = list(texts) if isinstance(texts, list | tuple) else [None] * len(values)
        for cat, value, label in zip(cats, values, labels):
            records.append(
                {
                    "series": trace.name or "",
                    "category": str(cat).replace("<br>", " "),
                    "value": _number(value),
                    "label": "" if label is None else str(label),
                }
            )
    return labelled_frame(records, lang)


def _from_layout(ctx: Context, layout: Callable[..., object]) -> list[ChartView]:
    """Every chart the page's layout draws for the URL, with the source line under it."""
    params = {k: v for k, v in ctx.params.items() if k != "lang"}
    page = layout(lang=ctx.lang, **params)
    views = []
    for graph in _walk(page):
        if not isinstance(graph, dcc.Graph) or not graph.id or not graph.figure:
            continue
        figure = go.Figure(graph.figure)
        source = " ".join(_texts(_by_id([page], f"{graph.id}-source")))
        section = _by_id([page], f"{graph.id}-section")
        notes = [n for n in _texts(section) if n and n != source] if section else []
        if not source:  # the chart's own footer: its first line is the source line
            footers = [a.text for a in figure.layout.annotations if a.yshift and a.yshift < 0]
            source = footers[0].split("<br>")[0] if footers else ""
        meta = ctx.meta(figure, source=source, note=_note(notes))
        views.append(ChartView(str(graph.id), figure, trace_frame(figure, ctx.lang), meta))
    if not views:
        raise ViewError(t("exports.no_charts", ctx.lang, path="/alliances"))
    return views


def _alliances(ctx: Context) -> list[ChartView]:
    from pages import alliances as page

    return _from_layout(ctx, page.layout)


RESOLVERS: dict[str, Callable[[Context], list[ChartView]]] = {
    "/alliances": _alliances,
    "/compare": _compare,
    "/map": _map,
    "/chain": _chain,
    "/projects": _projects,
    "/": _overview,
}


def split_url(url: str) -> tuple[str, dict[str, str]]:
    """ "/compare?indicator=x&lang=en" (or a full http://… URL) → ("/compare", {…})."""
    parts = urlsplit(url.strip())
    path = "/" + parts.path.strip("/") if parts.path.strip("/") else "/"
    return path, dict(parse_qsl(parts.query))


def resolve(url: str, engine: Engine, settings: Settings | None = None) -> list[ChartView]:
    """The charts ``url`` shows, the one its tab opens first; ViewError if it shows none."""
    path, params = split_url(url)
    resolver = RESOLVERS.get(path)
    if resolver is None:
        raise ViewError(t("exports.no_charts", norm_lang(params.get("lang")), path=path))
    return resolver(Context(engine, params, settings))


def resolve_one(
    url: str, engine: Engine, settings: Settings | None = None, chart: str | None = None
) -> ChartView:
    """The chart ``chart`` (a key such as ``compare-bar``) of ``url``, or the first one."""
    views = resolve(url, engine, settings)
    if chart:
        for view in views:
            if view.key == chart:
                return view
        lang = norm_lang(split_url(url)[1].get("lang"))
        raise ViewError(t("exports.no_such_chart", lang, chart=chart))
    return views[0]
