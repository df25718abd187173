"""用户与审计: users (create, change role, deactivate) and the audit log — administrators only.

The layout checks the role, and so does every callback, first: a callback is a POST anyone
can craft, whatever the page shows.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, html, no_update, set_props

from auth import ROLES, PermissionDenied, audit, current_user_name, has_role, require_role
from auth.audit import recent_events
from auth.users import MIN_PASSWORD, UserError, create_user, list_users, update_user
from components.alerts import create_alert, guarded
from components.shell import create_page
from components.tables import create_grid
from i18n import norm_lang, t

PATH = "/admin"
dash.register_page(
    __name__,
    path=PATH,
    title=f"{t('admin.title', 'zh')} · {t('app.title', 'zh')}",
    name="admin",
    order=91,
)
AUDIT_ROWS = 500
CHANGES = {
    "admin-set-role": "role",
    "admin-deactivate": "deactivate",
    "admin-activate": "activate",
}


def _user_rows(lang: str) -> list[dict[str, object]]:
    return [
        {
            **u,
            "role": t(f"auth.role.{u['role']}", lang) if u["role"] in ROLES else u["role"],
            "active": t("admin.active" if u["active"] else "admin.inactive", lang),
        }
        for u in list_users()
    ]


def _user_options() -> list[dict[str, str]]:
    return [{"label": str(u["name"]), "value": str(u["name"])} for u in list_users()]


def _role_options(lang: str) -> list[dict[str, str]]:
    return [{"label": t(f"auth.role.{r}", lang), "value": r} for r in ROLES]


@guarded
def layout(lang: str = "zh", **_: str) -> html.Div:
    lang = norm_lang(lang)
    title = t("admin.title", lang)
    if not has_role("admin"):
        alert = create_alert(t("admin.not_allowed", lang), color="danger", alert_id="admin-denied")
        return create_page(lang, PATH, {}, title, alert)
    return create_page(
        lang,
        PATH,
        {},
        title,
        html.Div(id="admin-message"),
        html.H2(t("admin.users", lang), className="h5"),
        create_grid("admin-users", _user_rows(lang), _user_columns(lang), lang=lang),
        dbc.Row(
            [
                dbc.Col(_create_form(lang), lg=6, className="mb-3"),
                dbc.Col(_change_form(lang), lg=6, className="mb-3"),
            ],
            className="mt-3",
        ),
        html.H2(t("admin.audit", lang), className="h5 mt-4"),
        html.P(t("admin.audit_intro", lang, count=AUDIT_ROWS), className="small text-muted"),
        create_grid(
            "admin-audit", recent_events(AUDIT_ROWS), _audit_columns(lang), page_size=50, lang=lang
        ),
    )


def _user_columns(lang: str) -> list[dict[str, object]]:
    return [
        {"field": "name", "headerName": t("admin.col.name", lang)},
        {"field": "role", "headerName": t("admin.col.role", lang)},
        {"field": "active", "headerName": t("admin.col.active", lang)},
        {"field": "created_at", "headerName": t("admin.col.created", lang)},
    ]


def _audit_columns(lang: str) -> list[dict[str, object]]:
    filtered = {"floatingFilter": True, "cellDataType": "text", "filter": "agTextColumnFilter"}
    return [
        {"field": "at", "headerName": t("admin.col.at", lang), "minWidth": 170, **filtered},
        {"field": "user", "headerName": t("admin.col.user", lang), **filtered},
        {"field": "action", "headerName": t("admin.col.action", lang), **filtered},
        {
            "field": "detail",
            "headerName": t("admin.col.detail", lang),
            "flex": 3,
            "wrapText": True,
            "autoHeight": True,
            **filtered,
        },
        {"field": "remote_addr", "headerName": t("admin.col.address", lang), **filtered},
    ]


def _create_form(lang: str) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(t("admin.create_title", lang), className="h6"),
                dbc.Label(t("admin.col.name", lang), html_for="admin-new-name"),
                dbc.Input(id="admin-new-name", type="text", maxLength=100, className="mb-2"),
                dbc.Label(t("admin.col.role", lang), html_for="admin-new-role"),
                dbc.Select(
                    id="admin-new-role",
                    options=_role_options(lang),
                    value="viewer",
                    className="mb-2",
                ),
                dbc.Label(t("auth.password", lang), html_for="admin-new-password"),
                dbc.Input(
                    id="admin-new-password",
                    type="password",
                    autoComplete="new-password",
                    className="mb-1",
                ),
                dbc.FormText(t("admin.password_help", lang, min=MIN_PASSWORD)),
                html.Div(
                    dbc.Button(t("admin.create", lang), id="admin-create", color="primary"),
                    className="mt-2",
                ),
            ]
        )
    )


def _change_form(lang: str) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H3(t("admin.change_title", lang), className="h6"),
                dbc.Label(t("admin.user", lang), html_for="admin-user"),
                dbc.Select(id="admin-user", options=_user_options(), className="mb-2"),
                dbc.Label(t("admin.new_role", lang), html_for="admin-user-role"),
                dbc.Select(
                    id="admin-user-role",
                    options=_role_options(lang),
                    value="viewer",
                    className="mb-2",
                ),
                html.Div(
                    [
                        dbc.Button(t("admin.set_role", lang), id="admin-set-role"),
                        dbc.Button(
                            t("admin.deactivate", lang),
                            id="admin-deactivate",
                            color="danger",
                            outline=True,
                        ),
                        dbc.Button(
                            t("admin.activate", lang),
                            id="admin-activate",
                            color="success",
                            outline=True,
                        ),
                    ],
                    className="d-flex gap-2 flex-wrap mt-2",
                ),
            ]
        )
    )


def _denied(error: Exception) -> None:
    """A refused caller sees why; the outputs stay as they were."""
    if not isinstance(error, PermissionDenied):
        raise error
    lang = norm_lang(str(ctx.states.get("page-lang.data") or ""))
    alert = create_alert(error.message(lang), color="danger", alert_id="admin-denied")
    set_props("admin-message", {"children": alert})


@callback(
    Output("admin-message", "children"),
    Output("admin-users", "rowData"),
    Output("admin-audit", "rowData"),
    Output("admin-user", "options"),
    Output("admin-new-name", "value"),
    Output("admin-new-password", "value"),
    Input("admin-create", "n_clicks"),
    Input("admin-set-role", "n_clicks"),
    Input("admin-deactivate", "n_clicks"),
    Input("admin-activate", "n_clicks"),
    State("admin-new-name", "value"),
    State("admin-new-role", "value"),
    State("admin-new-password", "value"),
    State("admin-user", "value"),
    State("admin-user-role", "value"),
    State("page-lang", "data"),
    prevent_initial_call=True,
    on_error=_denied,
)
def change_users(
    _create: int | None,
    _set_role: int | None,
    _deactivate: int | None,
    _activate: int | None,
    new_name: str | None,
    new_role: str | None,
    password: str | None,
    user: str | None,
    user_role: str | None,
    lang: str | None,
) -> tuple[object, ...]:
    """Create or change a user, audit it, and redraw the lists."""
    require_role("admin")
    lang = norm_lang(lang)
    try:
        message = _apply(str(ctx.triggered_id), new_name, new_role, password, user, user_role, lang)
    except UserError as exc:
        alert = create_alert(t(exc.key, lang, **exc.params), color="danger", alert_id="admin-error")
        return alert, no_update, no_update, no_update, no_update, ""
    events = recent_events(AUDIT_ROWS)
    name = "" if ctx.triggered_id == "admin-create" else no_update
    return message, _user_rows(lang), events, _user_options(), name, ""


def _apply(
    trigger: str,
    new_name: str | None,
    new_role: str | None,
    password: str | None,
    user: str | None,
    user_role: str | None,
    lang: str,
) -> dbc.Alert:
    if trigger == "admin-create":
        created = create_user(new_name, new_role, password)
        audit("user_create", created)
        role = t(f"auth.role.{created['role']}", lang)
        text = t("admin.created", lang, name=created["name"], role=role)
        return create_alert(text, color="success", alert_id="admin-done")
    change = CHANGES.get(trigger)
    if change is None:
        raise dash.exceptions.PreventUpdate
    actor = current_user_name()
    if change == "role":
        detail = update_user(user, actor=actor, role=user_role)
    else:
        detail = update_user(user, actor=actor, active=change == "activate")
    if not detail:
        return create_alert(
            t("admin.unchanged", lang, name=user), color="info", alert_id="admin-done"
        )
    audit("user_update", detail)
    return create_alert(t("admin.updated", lang, name=user), color="success", alert_id="admin-done")
