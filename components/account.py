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


def create_account_items(lang: str, path: str, params: dict[str, object]) -> list[dbc.NavItem]:
    """Admin link, user name and role with a sign-out form; or a sign-in link."""
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
    items = []
    if has_role("admin"):
        items.append(
            dbc.NavItem(
                dbc.NavLink(
                    t("admin.nav", lang),
                    href=href(ADMIN_PATH, {"lang": lang}),
                    active=path == ADMIN_PATH,
                    id="nav-admin",
                )
            )
        )
    role = t(f"auth.role.{current_role()}", lang)
    items += [
        dbc.NavItem(
            html.Span(
                [html.I(className="bi bi-person-circle me-1"), name, f" · {role}"],
                className="nav-link text-white",
                id="nav-user",
            )
        ),
        dbc.NavItem(
            html.Form(
                [
                    hidden("csrf_token", csrf_token()),
                    hidden("next", here, "logout-next"),
                    html.Button(
                        [html.I(className="bi bi-box-arrow-right me-1"), t("auth.logout", lang)],
                        type="submit",
                        className="nav-link border-0 bg-transparent",
                        id="nav-logout",
                    ),
                ],
                method="POST",
                action="/auth/logout",
                id="logout-form",
                className="d-flex",
            )
        ),
    ]
    return items
