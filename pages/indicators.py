"""指标说明: the indicator catalogue, searchable, with what the dashboard holds of each."""

from __future__ import annotations

import re

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from components.alerts import create_alert, guarded
from components.controls import create_dropdown
from components.shell import create_facts, create_page
from components.tables import create_grid
from components.urls import href, parse_rev, search
from figures.format import format_number
from i18n import catalogue as strings
from i18n import colon, norm_lang, pick, t
from store.db import get_engine
from store.queries_indicators import catalogue, search_catalogue

PATH = "/indicators"
dash.register_page(
    __name__, path=PATH, title="指标说明 · 电池产业集群统计看板", name="indicators", order=7
)
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def md_escape(text: str) -> str:
    """Text shown literally by the grid's markdown cells (a name is never markup)."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def unit_label(unit: str, lang: str) -> str:
    key = f"indicators.unit.{unit}"
    return t(key, lang) if key in strings() else unit


@guarded
def layout(
    lang: str = "zh",
    q: str | None = None,
    category: str | None = None,
    code: str | None = None,
    rev: str | None = None,
    **_: str,
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    df = catalogue(get_engine(), as_of)
    categories = list(dict.fromkeys(df["category"]))
    category = category if category in categories else None
    q = (q or "").strip()[:100] or None
    params = {"q": q, "category": category, "code": code, "rev": as_of}
    shown = search_catalogue(df, q, category)
    body: list[object] = [
        html.P(t("indicators.intro", lang), className="text-muted"),
        _controls(categories, q, category, lang),
    ]
    if code and code not in df.index:
        body.append(create_alert(t("indicators.unknown_code", lang, code=code)))
    elif code:
        body.append(_detail(df.loc[code], params, lang))
    body.append(
        html.P(
            t(
                "indicators.summary",
                lang,
                shown=len(shown),
                total=len(df),
                with_data=int((shown["figures"] > 0).sum()),
            ),
            id="indicators-summary",
            className="small",
        )
    )
    if shown.empty:
        body.append(create_alert(t("indicators.none_found", lang, q=q or ""), color="info"))
    else:
        body.append(_table(shown, params, lang))
    body += [
        html.P(t("indicators.additive_note", lang), className="small text-muted mt-2"),
        html.P(t("indicators.units_note", lang), className="small text-muted"),
        html.P(t("compare.share_link", lang), className="small text-muted"),
    ]
    return create_page(lang, PATH, params, t("indicators.title", lang), *body)


def _controls(categories: list[str], q: str | None, category: str | None, lang: str) -> dbc.Row:
    options = [{"label": t("indicators.all_categories", lang), "value": ""}] + [
        {"label": t(f"overview.category.{c}", lang), "value": c} for c in categories
    ]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("indicators.search", lang), html_for="indicators-q"),
                    dbc.Input(
                        id="indicators-q",
                        type="search",
                        value=q or "",
                        debounce=True,
                        placeholder=t("indicators.search_placeholder", lang),
                        maxLength=100,
                    ),
                ],
                md=8,
            ),
            dbc.Col(
                [
                    dbc.Label(t("indicators.category", lang), html_for="indicators-category"),
                    create_dropdown(
                        "indicators-category",
                        lang,
                        options=options,
                        value=category or "",
                        clearable=False,
                        searchable=False,
                    ),
                ],
                md=4,
            ),
        ],
        className="mb-3 g-3",
    )


def _compare_href(code: str, lang: str, rev: int | None) -> str:
    return href("/compare", {"lang": lang, "indicator": code, "rev": rev})


def _years(r: pd.Series, lang: str) -> str:
    if r["year_from"] is None or pd.isna(r["year_from"]):
        return ""
    start, end = int(r["year_from"]), int(r["year_to"])
    if start == end:
        return t("indicators.detail.year", lang, year=start)
    return t("indicators.detail.years", lang, start=start, end=end)


def _detail(r: pd.Series, params: dict, lang: str) -> dbc.Card:
    sep = colon(lang)
    facts = [
        (t("indicators.col.code", lang), html.Code(r["code"])),
        (t("indicators.detail.names", lang), f"{r['name_zh']} / {r['name_en']}"),
        (t("indicators.category", lang), t(f"overview.category.{r['category']}", lang)),
        (
            t("indicators.detail.definition", lang),
            pick(lang, r["description_zh"], r["description_en"]),
        ),
        (
            t("indicators.detail.definition_other", lang),
            r["description_en"] if lang == "zh" else r["description_zh"],
        ),
        (t("indicators.col.unit", lang), unit_label(r["unit"], lang)),
        (
            t("indicators.detail.display", lang),
            t(
                "indicators.detail.display_value",
                lang,
                zh=r["display_zh_unit"],
                zh_factor=format_number(float(r["display_zh_factor"])),
                en=r["display_en_unit"],
                en_factor=format_number(float(r["display_en_factor"])),
            ),
        ),
        (
            t("indicators.col.additive", lang),
            t(f"indicators.additive.{'yes' if r['additive'] else 'no'}", lang),
        ),
        (
            t("indicators.detail.figures", lang),
            t(
                "indicators.detail.figures_value",
                lang,
                figures=r["figures"],
                region_figures=r["region_figures"],
                years=_years(r, lang),
            )
            if r["figures"]
            else t("indicators.detail.no_figures", lang),
        ),
    ]
    sources = [
        html.Li(
            [
                dcc.Link(
                    pick(lang, zh, en),
                    href=href("/sources", {"lang": lang, "source": key, "rev": params["rev"]}),
                ),
                f"{sep}{t('indicators.detail.source_count', lang, count=n)}",
            ]
        )
        for key, zh, en, n in zip(
            r["source_keys"], r["source_titles_zh"], r["source_titles_en"], r["source_figures"]
        )
    ]
    links: list[object] = []
    if r["region_figures"]:
        links.append(
            dcc.Link(
                t("indicators.detail.compare", lang),
                href=_compare_href(r["code"], lang, params["rev"]),
                className="btn btn-primary btn-sm me-2",
                id="indicators-compare-link",
            )
        )
    links.append(
        dcc.Link(
            t("indicators.detail.close", lang),
            href=href(PATH, params, code=None),
            className="btn btn-outline-secondary btn-sm",
        )
    )
    return dbc.Card(
        [
            dbc.CardHeader(html.H2(pick(lang, r["name_zh"], r["name_en"]), className="h5 mb-0")),
            dbc.CardBody(
                [
                    create_facts(facts, 3, "indicator-facts"),
                    html.H3(t("indicators.detail.sources", lang), className="h6")
                    if sources
                    else None,
                    html.Ul(sources, className="small") if sources else None,
                    html.Div(links),
                ]
            ),
        ],
        className="mb-3",
        id="indicators-detail",
    )


def _table(df: pd.DataFrame, params: dict, lang: str) -> object:
    rows = []
    for code, r in df.iterrows():
        detail = href(PATH, params, lang=lang, code=code)
        compare = (
            f"[{md_escape(t('indicators.compare_link', lang))}]"
            f"({_compare_href(str(code), lang, params['rev'])})"
            if r["region_figures"]
            else t("indicators.no_region_figures", lang)
        )
        titles = [pick(lang, z, e) for z, e in zip(r["source_titles_zh"], r["source_titles_en"])]
        rows.append(
            {
                "name": f"[{md_escape(pick(lang, r['name_zh'], r['name_en']))}]({detail})",
                "code": code,
                "category": t(f"overview.category.{r['category']}", lang),
                "definition": pick(lang, r["description_zh"], r["description_en"]),
                "unit": unit_label(r["unit"], lang),
                "display": f"{r['display_zh_unit']} / {r['display_en_unit']}",
                "additive": t(f"indicators.additive.{'yes' if r['additive'] else 'no'}", lang),
                "figures": int(r["figures"]),
                "sources": "；".join(titles) if titles else "—",
                "compare": compare,
            }
        )
    markdown = {"cellRenderer": "markdown"}  # links open in the same tab (the default)
    columns = [
        {
            "field": "name",
            "headerName": t("indicators.col.name", lang),
            "pinned": "left",
            "minWidth": 150,
            **markdown,
        },
        {
            "field": "compare",
            "headerName": t("indicators.col.compare", lang),
            "minWidth": 110,
            **markdown,
        },
        {"field": "code", "headerName": t("indicators.col.code", lang), "minWidth": 170},
        {"field": "category", "headerName": t("indicators.category", lang), "minWidth": 110},
        {
            "field": "definition",
            "headerName": t("indicators.detail.definition", lang),
            "minWidth": 240,
            "flex": 2,
            "wrapText": True,
            "autoHeight": True,
        },
        {"field": "unit", "headerName": t("indicators.col.unit", lang), "minWidth": 140},
        {"field": "display", "headerName": t("indicators.col.display", lang), "minWidth": 150},
        {"field": "additive", "headerName": t("indicators.col.additive", lang), "minWidth": 100},
        {
            "field": "figures",
            "headerName": t("indicators.col.figures", lang),
            "type": "rightAligned",
            "minWidth": 100,
        },
        {"field": "sources", "headerName": t("indicators.col.sources", lang), "minWidth": 200},
    ]
    return create_grid("indicators-table", rows, columns, page_size=50, lang=lang)


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("indicators-q", "value"),
    Input("indicators-category", "value"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    prevent_initial_call=True,
)
def update_view(q: str | None, category: str | None, lang: str, rev: int | None) -> str:
    """A search or a category becomes the URL (the open detail closes); the page redraws."""
    return search(
        {"lang": lang, "rev": rev, "q": (q or "").strip() or None, "category": category or None}
    )
