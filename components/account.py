"""The navbar's account corner: who is signed in, with a sign-out button, or a sign-in link."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from auth import csrf_token, current_role, current_user_name, has_role
from components.urls import href
from i18n import t

LOGIN_PATH = "/login"
ADMIN_PATH = "/admin"


def hidden(name: str, value: str, input_id: str | None = None) -> dbc.Input:
    return dbc.Input(
        type="hidden", name=name, value=value, **({"id": input_id} if input_id else {})
    )


def create_account_items(
    lang: str, path: str, params: dict[str, object]
) -> list[dbc.NavItem | dbc.DropdownMenu]:
    """The user's menu (their role, the admin link, a sign-out form); or a sign-in link."""
    here = href(path, params)
    name = current_user_name()
    if name is None:
        if path == LOGIN_PATH:
            return []
        login = href(LOGIN_PATH, {"lang": lang, "next": None if here == "/" else here})
        return [
            dbc.NavItem(
                dbc.NavLink(
                    [html.I(className="bi bi-box-arrow-in-right me-1"), t("auth.login_link", lang)],
                    href=login,
                    external_link=True,
                    id="nav-login",
                )
            )
        ]
    # one menu under a person icon: the navbar stays one line on a 1280 px screen
    role = t("auth.menu_role", lang, role=t(f"auth.role.{current_role()}", lang))
    menu: list[object] = [
        dbc.DropdownMenuItem(
            html.Div([html.Strong(name), html.Br(), role], id="nav-role"), header=True
        )
    ]
    if has_role("admin"):
        menu.append(
            dbc.DropdownMenuItem(
                t("admin.nav", lang),
                href=href(ADMIN_PATH, {"lang": lang}),
                active=path == ADMIN_PATH,
                id="nav-admin",
            )
        )
    menu += [
        dbc.DropdownMenuItem(divider=True),
        html.Form(
            [
                hidden("csrf_token", csrf_token()),
                hidden("next", here, "logout-next"),
                html.Button(
                    [html.I(className="bi bi-box-arrow-right me-1"), t("auth.logout", lang)],
                    type="submit",
                    className="dropdown-item",
                    id="nav-logout",
                ),
            ],
            method="POST",
            action="/auth/logout",
            id="logout-form",
        ),
    ]
    return [
        dbc.DropdownMenu(
            menu,
            # the name in the menu: a long one would push the links to a second line
            # (in the folded menu of a phone there is room for it)
            label=[
                html.I(className="bi bi-person-circle", title=name, **{"aria-label": name}),
                html.Span(name, className="d-xl-none ms-1"),
            ],
            id="nav-user",
            nav=True,
            in_navbar=True,
            align_end=True,
            toggle_class_name="text-white",
        )
    ]
