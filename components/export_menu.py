"""The export menu every chart page shows: each chart as PNG (slide or print), SVG or PDF,
the data behind it as XLSX or CSV, and (with a region) its briefing pack.

Each item is a plain link to ``/export/chart?url=…`` (``exports.web``): the server renders
what the page's URL shows and answers with a file, so no callback is involved.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.urls import href
from i18n import norm_lang, t

PICTURES = (
    ("png", "slide"),
    ("png", "print"),
    ("svg", "slide"),
    ("pdf", "slide"),
    ("pdf", "print"),
)
DATA = ("xlsx", "csv")


def export_href(view_url: str, fmt: str, size: str | None = None, chart: str | None = None) -> str:
    """The download link of one chart of the page at ``view_url``."""
    query = {"url": view_url, "format": fmt}
    if size:
        query["size"] = size
    if chart:
        query["chart"] = chart
    return f"/export/chart?{urlencode(query)}"


def _item(label: str, link: str, item_id: str) -> dbc.DropdownMenuItem:
    return dbc.DropdownMenuItem(label, href=link, external_link=True, id=item_id)


def charts_in(components: list[object]) -> list[tuple[str, str]]:
    """(id, title) of every chart in ``components``: a page's menu offers each of them."""
    found = []
    stack = list(components)
    while stack:
        c = stack.pop(0)
        if isinstance(c, dcc.Graph) and c.id and c.figure:
            figure = c.figure if isinstance(c.figure, dict) else c.figure.to_plotly_json()
            title = ((figure.get("layout") or {}).get("title") or {}).get("text") or ""
            found.append((str(c.id), re.sub(r"<[^>]+>", "", str(title))))
        children = getattr(c, "children", None)
        if children is not None:
            stack[:0] = children if isinstance(children, list | tuple) else [children]
    return found


def compare_charts(tab: str, lang: str | None) -> list[tuple[str, str]]:
    """地区对比's charts (the tab shown first): trend, one year, and the map on its tab."""
    charts = [
        ("compare-line", t("compare.line", lang)),
        ("compare-bar", t("exports.menu.bar", lang)),
    ]
    if tab == "map":
        charts.append(("compare-map", t("compare.tab_map", lang)))
    return sorted(charts, key=lambda c: c[0] != f"compare-{tab}")


def create_export_menu(
    path: str,
    params: dict[str, object],
    lang: str | None,
    charts: list[tuple[str, str]] | None = None,
    *,
    briefing_region: str | None = None,
    menu_id: str = "export-menu",
) -> html.Div:
    """The menu of the page at ``path`` with ``params``; ``charts``: (key, label) of each chart
    (one chart needs no label); none: the data only (总览's table of figures)."""
    lang = norm_lang(lang)
    view_url = href(path, {**params, "lang": lang})
    items: list[object] = []
    for key, label in charts or []:
        if label and len(charts or []) > 1:
            items.append(dbc.DropdownMenuItem(label, header=True))
        for fmt, size in PICTURES:
            items.append(
                _item(
                    t(f"exports.menu.{fmt}_{size}", lang),
                    export_href(view_url, fmt, size, key),
                    f"{menu_id}-{key}-{fmt}-{size}",
                )
            )
        for fmt in DATA:
            items.append(
                _item(
                    t(f"exports.menu.{fmt}", lang),
                    export_href(view_url, fmt, chart=key),
                    f"{menu_id}-{key}-{fmt}",
                )
            )
        items.append(dbc.DropdownMenuItem(divider=True))
    if not charts:
        for fmt in DATA:
            items.append(
                _item(
                    t(f"exports.menu.{fmt}", lang), export_href(view_url, fmt), f"{menu_id}-{fmt}"
                )
            )
    if briefing_region:
        items.append(
            dbc.DropdownMenuItem(
                t("exports.menu.briefing", lang),
                href=href("/briefing", {"lang": lang, "region": briefing_region}),
                id=f"{menu_id}-briefing",
            )
        )
    while items and getattr(items[-1], "divider", False):
        items.pop()
    return html.Div(
        dbc.DropdownMenu(
            items,
            label=t("exports.menu.button", lang),
            id=menu_id,
            size="sm",
            color="secondary",
            align_end=True,
            className="export-menu",
        ),
        className="d-flex justify-content-end mb-2",
    )
