"""The frame around every page: navbar with language switch, title, footer."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from auth import can_view, has_role
from components.account import create_account_items
from components.urls import href
from i18n import norm_lang, t

NAV = [
    ("/", "nav.overview"),
    ("/compare", "nav.compare"),
    ("/map", "nav.map"),
    ("/chain", "chain.nav"),
    ("/alliances", "nav.alliances"),
    ("/projects", "projects.nav"),
    ("/indicators", "indicators.nav"),
    ("/sources", "nav.sources"),
    ("/history", "nav.history"),
]
EDITOR_NAV = ("/data", "data.nav")  # 数据管理: shown to editors and admins only


def create_navbar(lang: str, path: str, params: dict[str, object]) -> dbc.Navbar:
    other = "en" if lang == "zh" else "zh"
    guest_locked_out = not can_view()  # VIEW_REQUIRES_LOGIN=1 and nobody signed in
    links = [
        dbc.NavItem(
            dbc.NavLink(
                t(key, lang),
                href=href(p, {"lang": lang, "rev": params.get("rev")}),
                active=p == path,
                id=f"nav-{p.strip('/') or 'overview'}",
            )
        )
        for p, key in NAV
        if not guest_locked_out
    ]
    if has_role("editor"):
        p, key = EDITOR_NAV
        links.append(
            dbc.NavItem(
                dbc.NavLink(
                    t(key, lang), href=href(p, {"lang": lang}), active=p == path, id="nav-data"
                )
            )
        )
    switch = dbc.NavItem(
        dbc.NavLink(
            [html.I(className="bi bi-translate me-1"), t("app.switch_lang", lang)],
            href=href(path, params, lang=other),
            id="lang-switch",
            className="lang-switch",
        )
    )
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand(
                    [html.I(className="bi bi-battery-charging me-2"), t("app.title", lang)],
                    href=href("/", {"lang": lang}),
                    external_link=guest_locked_out,  # a page load, which leads to /login
                    className="fw-bold",
                ),
                dbc.NavbarToggler(id="navbar-toggler", n_clicks=0),
                dbc.Collapse(
                    dbc.Nav(
                        [*links, switch, *create_account_items(lang, path, params)],
                        className="ms-auto",
                        navbar=True,
                    ),
                    id="navbar-collapse",
                    is_open=False,
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="mb-3",
        expand="lg",
    )


def create_page(
    lang: str | None, path: str, params: dict[str, object], title: str, *children: object
) -> html.Div:
    """A whole page: navbar, heading, content and footer, in ``lang``."""
    lang = norm_lang(lang)
    params = {**params, "lang": lang}
    return html.Div(
        [
            create_navbar(lang, path, params),
            dbc.Container(
                [
                    html.H1(title, className="h3 mb-3", id="page-title"),
                    _as_of_banner(lang, path, params),
                    *children,
                    html.Hr(className="mt-5"),
                    html.P(t("app.footer", lang), className="text-muted small", id="footer"),
                ],
                fluid="lg",
                className="pb-4",
            ),
            dcc.Store(id="page-lang", data=lang),
            dcc.Store(id="page-rev", data=params.get("rev")),
        ],
        lang="zh-CN" if lang == "zh" else "en",
        className="page-root",
    )


def _as_of_banner(lang: str, path: str, params: dict[str, object]) -> html.Div | None:
    """Say so when the page shows the data as of an earlier revision, with a way back."""
    rev = params.get("rev")
    if not rev:
        return None
    return dbc.Alert(
        [
            html.I(className="bi bi-clock-history me-2"),
            t("app.as_of_revision", lang, rev=rev),
            " ",
            dcc.Link(t("app.back_to_current", lang), href=href(path, params, rev=None)),
        ],
        color="warning",
        id="as-of-banner",
        className="py-2",
    )


def create_root_layout() -> html.Div:
    """The app's layout: the pages container (with the router's location)."""
    import dash

    return html.Div([dash.page_container])


# The phone menu opens and closes in the browser; nothing to ask the server.
_TOGGLE_JS = "function(n, open) { return n ? !open : open; }"


def register_clientside(app) -> None:  # type: ignore[no-untyped-def]
    from dash import Input, Output, State

    app.clientside_callback(
        _TOGGLE_JS,
        Output("navbar-collapse", "is_open"),
        Input("navbar-toggler", "n_clicks"),
        State("navbar-collapse", "is_open"),
        prevent_initial_call=True,
    )


def create_facts(
    facts: list[tuple[str, object]], key_width: int = 4, class_name: str = ""
) -> html.Dl:
    """A definition list of (label, value) pairs, two columns on wide screens."""
    items: list[object] = []
    for label, value in facts:
        items.append(html.Dt(label, className=f"col-sm-{key_width}"))
        items.append(html.Dd(value, className=f"col-sm-{12 - key_width}"))
    return html.Dl(items, className=f"row small {class_name}".strip())
