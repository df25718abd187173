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
    ("/briefing", "briefing.nav"),  # press officers: the pack before a press conference
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
        expand="xl",  # below 1200 px the links fold into the menu button
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
            dcc.Store(id="page-frame", data=frame(path, lang, params.get("rev"))),
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
            dcc.Link(
                t("app.back_to_current", lang),
                href=href(path, params, rev=None),
                id="as-of-current",
            ),
        ],
        color="warning",
        id="as-of-banner",
        className="py-2",
    )


def create_root_layout() -> html.Div:
    """The app's layout: the pages container (with the router's location), and what the
    router knows of the page shown (``SHOWN_FRAME``)."""
    import dash

    return html.Div([dash.page_container, dcc.Store(id=SHOWN_FRAME)])


# --- pages that redraw their own results ------------------------------------------------------
#
# Dash's router draws the whole page again whenever the URL's query changes: navbar, controls,
# their option lists and the results. A page whose controls stay as they are (地区对比) draws
# only its results instead, in its own callback; the router is told which page is on screen,
# in which language and as of which revision (the page's ``page-frame``, copied to the root's
# ``shown-frame`` in the browser), and such a page's layout answers ``no_update`` when only
# its view changed (``already_shown``).

SHOWN_FRAME = "shown-frame"
ROUTER_STATE = "frame_"  # the keyword the router hands every layout: the frame shown
_LOCATION = "_pages_location"


def frame(path: str, lang: str, rev: object) -> dict[str, object]:
    """What must stay the same for a page to keep its frame: path, language, revision."""
    return {"path": path, "lang": norm_lang(lang), "rev": rev}


def routing_inputs() -> dict[str, object]:
    """``dash.Dash(routing_callback_inputs=…)``: the frame shown, to every layout."""
    from dash import State

    return {ROUTER_STATE: State(SHOWN_FRAME, "data")}


def same_frame(shown: object, path: str, lang: str, rev: object) -> bool:
    """True when ``shown`` (the ``shown-frame``) is the frame of ``path`` in ``lang`` as of
    ``rev``."""
    return isinstance(shown, dict) and shown == frame(path, lang, rev)


def already_shown(shown: object, path: str, lang: str, rev: object) -> bool:
    """True when the router asks ``path``'s layout again only because its query changed,
    with the page on screen in the same language as of the same revision: the page's own
    callback redraws its results, and the layout answers ``dash.no_update``.

    False outside the router (tests, exports) and whenever the path itself changed (a page
    arrived at from another, or the app's first load)."""
    import dash
    from dash.exceptions import MissingCallbackContextException

    if not same_frame(shown, path, lang, rev):
        return False
    try:
        triggered = dash.ctx.triggered_prop_ids
    except MissingCallbackContextException:
        return False
    return f"{_LOCATION}.pathname" not in triggered


# The phone menu opens and closes in the browser; nothing to ask the server.
_TOGGLE_JS = "function(n, open) { return n ? !open : open; }"
_COPY_JS = "function(data) { return data; }"
# Links that carry the page's view follow the URL when a page changes it without drawing the
# navbar again: the language switch (keeping its language), the sign-in link's and sign-out
# form's way back, the as-of banner's way to the current data (without ``rev``).
_VIEW_LINK_JS = {
    "lang": """function(search, current) {
        if (!current) { return window.dash_clientside.no_update; }
        const lang = new URL(current, window.location.href).searchParams.get("lang");
        const params = new URLSearchParams(search || "");
        params.delete("lang");
        if (lang) { params.set("lang", lang); }
        const query = params.toString();
        return window.location.pathname + (query ? "?" + query : "");
    }""",
    "login": """function(search, current) {
        if (!current) { return window.dash_clientside.no_update; }
        const target = new URL(current, window.location.href);
        const here = window.location.pathname + (search || "");
        if (here === "/") { target.searchParams.delete("next"); }
        else { target.searchParams.set("next", here); }
        return target.pathname + "?" + target.searchParams.toString();
    }""",
    "here": """function(search) {
        return window.location.pathname + (search || "");
    }""",
    "current": """function(search) {
        const params = new URLSearchParams(search || "");
        params.delete("rev");
        const query = params.toString();
        return window.location.pathname + (query ? "?" + query : "");
    }""",
}


def register_clientside(app) -> None:  # type: ignore[no-untyped-def]
    from dash import Input, Output, State

    app.clientside_callback(
        _TOGGLE_JS,
        Output("navbar-collapse", "is_open"),
        Input("navbar-toggler", "n_clicks"),
        State("navbar-collapse", "is_open"),
        prevent_initial_call=True,
    )
    app.clientside_callback(_COPY_JS, Output(SHOWN_FRAME, "data"), Input("page-frame", "data"))
    search = Input(_LOCATION, "search")
    links = [
        ("lang", "lang-switch", "href", True),
        ("login", "nav-login", "href", True),
        ("here", "logout-next", "value", False),
        ("current", "as-of-current", "href", False),
    ]
    for js, component, prop, with_current in links:
        current = [State(component, prop)] if with_current else []
        app.clientside_callback(
            _VIEW_LINK_JS[js],
            Output(component, prop),
            search,
            *current,
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
