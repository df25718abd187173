"""招商项目: what events announced about their signed projects, and the projects one by one."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, callback, dcc, html

from components.alerts import create_alert, guarded
from components.controls import create_dropdown
from components.export_menu import create_export_menu
from components.projects import GRAPH_CONFIG, create_event_card, money_text
from components.shell import create_page
from components.tables import create_grid
from components.urls import parse_rev, search
from figures.projects import project_bars
from i18n import norm_lang, pick, t
from loaders.template_vocab import SECTORS, SECTORS_EN
from store import queries
from store.db import get_engine
from store.periods import parse_period
from store.queries_projects import (
    GROUPINGS,
    SIZE_CLASSES,
    event_options,
    event_totals,
    filter_projects,
    projects,
    reported_classes,
    sum_with_qualifier,
    summarise,
)
from store.regions import descendant_prefix

PATH = "/projects"
dash.register_page(
    __name__, path=PATH, title="招商项目 · 电池产业集群统计看板", name="projects", order=6
)


def _choice(value: str | None, allowed: set[str]) -> str | None:
    return value if value in allowed else None


@guarded
def layout(
    lang: str = "zh",
    event: str | None = None,
    region: str | None = None,
    sector: str | None = None,
    size: str | None = None,
    by: str | None = None,
    rev: str | None = None,
    **_: str,
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    events = event_options(engine)
    event = _choice(event, set(events["code"]) if not events.empty else set())
    region_code = queries.resolve_region(engine, region) if region else None
    sector = _choice(sector, set(SECTORS.values()))
    size = _choice(size, set(SIZE_CLASSES))
    by = _choice(by, set(GROUPINGS)) or "size"
    params = {
        "event": event,
        "region": region_code,
        "sector": sector,
        "size": size,
        "by": None if by == "size" else by,
        "rev": as_of,
    }
    body: list[object] = [
        html.P(t("projects.intro", lang), className="text-muted"),
        _controls(engine, events, params, by, lang),
    ]
    if region and region_code is None:
        body.append(create_alert(t("common.unknown_region", lang, region=region)))
    ind = queries.indicators(engine)
    totals = event_totals(engine, as_of)
    if event:
        totals = totals[totals["event_code"] == event]
    if region_code:
        prefix = descendant_prefix(region_code)
        totals = totals[totals["region_code"].fillna("").str.startswith(prefix)]
    all_projects = projects(engine, as_of)
    chosen = all_projects
    body.append(html.H2(t("projects.announced", lang), className="h4 mt-3"))
    if totals.empty:
        body.append(create_alert(t("projects.announced_none", lang), color="info"))
    for code, g in totals.groupby("event_code", sort=False):
        body.append(create_event_card(str(code), g, all_projects, ind, lang))
    body.append(html.H2(t("projects.details", lang), className="h4 mt-4"))
    if all_projects.empty:
        body.append(
            create_alert(t("projects.no_projects", lang), color="info", alert_id="projects-none")
        )
    else:
        chosen = filter_projects(
            all_projects, event=event, region=region_code, sector=sector, size=size
        )
        if chosen.empty:
            body.append(
                create_alert(t("projects.no_match", lang), color="info", alert_id="projects-none")
            )
        else:
            body += _details(chosen, ind.loc["signed_investment"], by, lang)
    body.append(html.P(t("compare.share_link", lang), className="small text-muted mt-3"))
    charts = _export_charts(totals, chosen if not all_projects.empty else all_projects, by, lang)
    if charts:
        body.insert(2, create_export_menu(PATH, params, lang, charts))
    return create_page(lang, PATH, params, t("projects.title", lang), *body)


def _export_charts(
    totals: pd.DataFrame, chosen: pd.DataFrame, by: str, lang: str
) -> list[tuple[str, str]]:
    """(key, label) of each chart the page draws, for its export menu."""
    charts = [
        (
            f"projects-classes-{code}",
            pick(lang, g["event_name_zh"].iloc[0], g["event_name_en"].iloc[0]),
        )
        for code, g in totals.groupby("event_code", sort=False)
        if not reported_classes(g).empty
    ]
    if not chosen.empty:
        by_label = t(f"projects.by_title.{by}", lang)
        charts += [
            (f"projects-{m}", t(f"projects.{m}_title", lang, by=by_label))
            for m in ("count", "investment")
        ]
    return charts


def _controls(engine, events: pd.DataFrame, params: dict, by: str, lang: str) -> dbc.Row:  # type: ignore[no-untyped-def]
    def column(label: str, control: object, md: int) -> dbc.Col:
        return dbc.Col([dbc.Label(label, html_for=control.id), control], xs=12, sm=6, md=md)

    event_items = [{"label": t("projects.all_events", lang), "value": ""}] + [
        {"label": pick(lang, e["name_zh"], e["name_en"]), "value": e["code"]}
        for _, e in events.iterrows()
    ]
    sector_items = [{"label": t("projects.all_sectors", lang), "value": ""}] + [
        {"label": zh if lang == "zh" else SECTORS_EN[code], "value": code}
        for zh, code in SECTORS.items()
    ]
    size_items = [{"label": t("projects.all_sizes", lang), "value": ""}] + [
        {"label": t(f"projects.size.{c}", lang), "value": c} for c in SIZE_CLASSES
    ]
    by_items = [{"label": t(f"projects.by.{g}", lang), "value": g} for g in GROUPINGS]

    def dropdown(component_id: str, items: list[dict], value: object, **kw: object) -> object:
        return create_dropdown(
            component_id, lang, options=items, value=value or "", clearable=False, **kw
        )

    return dbc.Row(
        [
            column(
                t("projects.event", lang),
                dropdown("projects-event", event_items, params["event"], searchable=False),
                4,
            ),
            column(
                t("projects.region", lang),
                create_dropdown(
                    "projects-region",
                    lang,
                    options=queries.region_options(engine, lang),
                    value=params["region"],
                    clearable=True,
                    placeholder=t("projects.all_regions", lang),
                ),
                4,
            ),
            column(
                t("projects.sector", lang),
                dropdown("projects-sector", sector_items, params["sector"], searchable=False),
                4,
            ),
            column(
                t("projects.size_filter", lang),
                dropdown("projects-size", size_items, params["size"], searchable=False),
                4,
            ),
            column(
                t("projects.group_by", lang),
                dropdown("projects-by", by_items, by, searchable=False),
                4,
            ),
        ],
        className="mb-3 g-3",
    )


def _period(df: pd.DataFrame, lang: str) -> str:
    dates = df["signed_on"].dropna()
    if dates.empty:
        return t("projects.period_unknown", lang)
    start, end = (parse_period(d.isoformat()).label(lang) for d in (dates.min(), dates.max()))
    text = start if start == end else t("projects.period", lang, start=start, end=end)
    missing = len(df) - len(dates)
    if missing:
        text += ("；" if lang == "zh" else "; ") + t(
            "projects.period_some_unknown", lang, count=missing
        )
    return text


def project_charts(
    df: pd.DataFrame, money: pd.Series, by: str, lang: str
) -> tuple[list[tuple[str, go.Figure]], str, list[str]]:
    """(measure, chart) for the count and the investment of ``df``'s projects grouped ``by``,
    their source line and notes (the page and exports draw them)."""
    unknown = int(df["investment"].isna().sum())
    notes = []
    if unknown:
        notes.append(t("projects.unknown_note", lang, count=unknown))
    if (df["qualifier"] != "exact").any() or unknown:
        notes.append(t("qualifier.note", lang))
    notes.append(t("projects.size_note", lang))
    sources = list(
        dict.fromkeys(
            pick(lang, z, e) or z
            for z, e in zip(df["source_title_zh"], df["source_title_en"])
            if z or e
        )
    )
    source_line = t("common.source_line", lang, sources="；".join(sources) or "—")
    summary = summarise(df, by)
    by_label = t(f"projects.by_title.{by}", lang)
    period = _period(df, lang)
    money_unit = str(money["display_en_unit" if lang == "en" else "display_zh_unit"])
    charts = []
    for measure, unit in (("count", t("projects.count_unit", lang)), ("investment", money_unit)):
        fig = project_bars(
            summary,
            lang,
            by=by,
            measure=measure,
            investment_indicator=money,
            title=t(f"projects.{measure}_title", lang, by=by_label),
            subtitle=t("projects.subtitle", lang, unit=unit, period=period),
            source_line=source_line,
            note=notes[0] if measure == "investment" and unknown else "",
        )
        charts.append((measure, fig))
    return charts, source_line, notes


def _details(df: pd.DataFrame, money: pd.Series, by: str, lang: str) -> list[object]:
    total, qualifier = sum_with_qualifier(df["investment"], df["qualifier"])
    figures, source_line, notes = project_charts(df, money, by, lang)
    charts = [
        dbc.Col(
            dcc.Graph(id=f"projects-{measure}", figure=fig, config=GRAPH_CONFIG, className="chart"),
            lg=6,
        )
        for measure, fig in figures
    ]
    return [
        html.P(
            t(
                "projects.totals",
                lang,
                count=len(df),
                investment=money_text(total, qualifier, money, lang),
            ),
            className="fw-bold",
            id="projects-totals",
        ),
        dbc.Row(charts, className="g-3"),
        html.P(source_line, className="small text-muted mt-2", id="projects-source"),
        *[html.P(n, className="small text-muted mb-1") for n in notes],
        _table(df, money, lang),
    ]


def _table(df: pd.DataFrame, money: pd.Series, lang: str) -> object:
    rows = [
        {
            "name": pick(lang, r["name_zh"], r["name_en"]),
            "region": pick(lang, r["region_name_zh"] or "", r["region_name_en"] or "")
            or t("projects.no_region", lang),
            "event": pick(lang, r["event_name_zh"], r["event_name_en"]) or "—",
            "signed_on": r["signed_on"].isoformat() if r["signed_on"] else "—",
            "investment": money_text(
                None if pd.isna(r["investment"]) else float(r["investment"]),
                r["qualifier"],
                money,
                lang,
            ),
            "size": t(f"projects.size.{r['size_class']}", lang),
            "sector": pick(lang, r["sector_zh"], r["sector_en"]) or t("projects.no_sector", lang),
            "stage": pick(lang, r["stage_zh"], r["stage_en"]),
            "source": pick(lang, r["source_title_zh"], r["source_title_en"]) or "—",
        }
        for _, r in df.iterrows()
    ]
    columns = [
        {"field": "name", "headerName": t("projects.col.name", lang), "minWidth": 180, "flex": 2},
        {"field": "region", "headerName": t("common.region", lang), "minWidth": 110},
        {"field": "event", "headerName": t("projects.col.event", lang), "minWidth": 140},
        {"field": "signed_on", "headerName": t("projects.col.signed_on", lang), "minWidth": 130},
        {
            "field": "investment",
            "headerName": t("projects.col.investment", lang),
            "type": "rightAligned",
            "minWidth": 130,
        },
        {"field": "size", "headerName": t("projects.col.size", lang), "minWidth": 130},
        {"field": "sector", "headerName": t("projects.sector", lang), "minWidth": 130},
        {"field": "stage", "headerName": t("projects.col.stage", lang)},
        {"field": "source", "headerName": t("common.source", lang), "flex": 2},
    ]
    return create_grid("projects-table", rows, columns, page_size=20, lang=lang)


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("projects-event", "value"),
    Input("projects-region", "value"),
    Input("projects-sector", "value"),
    Input("projects-size", "value"),
    Input("projects-by", "value"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    prevent_initial_call=True,
)
def update_view(
    event: str | None,
    region: str | None,
    sector: str | None,
    size: str | None,
    by: str | None,
    lang: str,
    rev: int | None,
) -> str:
    """Any change of the filters becomes the URL; the page redraws from it."""
    return search(
        {
            "lang": lang,
            "rev": rev,
            "event": event or None,
            "region": region or None,
            "sector": sector or None,
            "size": size or None,
            "by": None if by in (None, "", "size") else by,
        }
    )
