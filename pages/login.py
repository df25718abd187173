"""登录: a plain HTML form posted to /auth/login (CSRF token and the page to return to)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import html

from auth import csrf_token, current_role, current_user_name
from auth.views import WINDOW, safe_next
from components.account import hidden
from components.alerts import create_alert
from components.shell import create_page
from i18n import norm_lang, t

PATH = "/login"
dash.register_page(
    __name__,
    path=PATH,
    title=f"{t('auth.login_title', 'zh')} · {t('app.title', 'zh')}",
    name="login",
    order=90,
)
# the ?error= keys /auth/login sends back; the text comes from the catalogue, never the URL
ERRORS = {"bad_credentials": "auth.bad_credentials", "rate_limited": "auth.rate_limited"}


def _wait_minutes(value: str | None) -> int:
    longest = int(WINDOW.total_seconds() // 60)
    try:
        return min(max(int(value or longest), 1), longest)
    except ValueError:
        return longest


def layout(
    lang: str = "zh", error: str | None = None, wait: str | None = None, **params: str
) -> html.Div:
    lang = norm_lang(lang)
    target = safe_next(params.get("next"))
    notes = []
    if error in ERRORS:
        notes.append(
            create_alert(
                t(ERRORS[error], lang, minutes=_wait_minutes(wait)),
                color="danger",
                alert_id="login-error",
            )
        )
    name = current_user_name()
    if name:
        role = t(f"auth.role.{current_role()}", lang)
        notes.append(
            create_alert(
                t("auth.already_signed_in", lang, name=name, role=role),
                color="info",
                alert_id="login-current",
            )
        )
    form = html.Form(
        [
            hidden("csrf_token", csrf_token()),
            hidden("next", target),
            hidden("lang", lang),
            dbc.Label(t("auth.name", lang), html_for="login-name"),
            dbc.Input(
                id="login-name",
                name="name",
                type="text",
                autoComplete="username",
                autoFocus=True,
                required=True,
                maxLength=100,
                className="mb-3",
            ),
            dbc.Label(t("auth.password", lang), html_for="login-password"),
            dbc.Input(
                id="login-password",
                name="password",
                type="password",
                autoComplete="current-password",
                required=True,
                className="mb-3",
            ),
            dbc.Button(t("auth.submit", lang), type="submit", color="primary", id="login-submit"),
        ],
        method="POST",
        action="/auth/login",
        id="login-form",
    )
    return create_page(
        lang,
        PATH,
        {"next": None if target == "/" else target},
        t("auth.login_title", lang),
        dbc.Row(
            dbc.Col(
                [html.P(t("auth.login_intro", lang), className="text-muted"), *notes, form],
                md=6,
                lg=4,
            )
        ),
    )
