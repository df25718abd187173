"""修订历史: every revision, a view of the data as of each, and (admins) rollback to any."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update, set_props

from auth import PermissionDenied, audit, current_user_name, has_role, require_role
from components.alerts import create_alert, guarded
from components.shell import create_page
from components.urls import href
from i18n import norm_lang, t
from store import queries
from store.db import get_engine
from store.revisions import StaleBase
from store.rollback import NoSuchRevision, rollback_to

PATH = "/history"
dash.register_page(
    __name__, path=PATH, title="修订历史 · 电池产业集群统计看板", name="history", order=4
)


@guarded
def layout(lang: str = "zh", **_: str) -> html.Div:
    lang = norm_lang(lang)
    engine = get_engine()
    return create_page(
        lang,
        PATH,
        {},
        t("history.title", lang),
        html.P(t("history.intro", lang), className="text-muted"),
        html.Div(id="history-message"),
        html.Div(_table(queries.revisions(engine), lang), id="history-table"),
        dcc.Store(id="history-base", data=queries.latest_revision(engine)),
        dcc.Store(id="history-pending"),
        _confirm_modal(lang),
    )


def _table(revs: pd.DataFrame, lang: str) -> dbc.Table:
    admin = has_role("admin")
    latest = int(revs["id"].max()) if not revs.empty else None
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(f"history.col.{c}", lang))
                for c in ("rev", "when", "who", "kind", "file", "counts", "actions")
            ]
        )
    )
    rows = []
    for r in revs.itertuples():
        actions: list[object] = [
            dcc.Link(
                t("history.view", lang),
                href=href("/", {"lang": lang, "rev": r.id}),
                className="me-3",
            )
        ]
        if r.id == latest:
            actions.append(dbc.Badge(t("history.current", lang), color="success"))
        elif admin:
            actions.append(
                dbc.Button(
                    t("history.rollback", lang),
                    size="sm",
                    color="warning",
                    outline=True,
                    id={"type": "history-rollback", "rev": r.id},
                    className=f"history-rollback-{r.id}",
                )
            )
        rows.append(
            html.Tr(
                [
                    html.Td(r.id),
                    html.Td(f"{r.created_at:%Y-%m-%d %H:%M}"),
                    html.Td(r.author),
                    html.Td(t(f"history.kind.{r.kind}", lang)),
                    html.Td(
                        [
                            r.file_name or "—",
                            html.Br(),
                            html.Small(r.file_sha256[:12], className="text-muted"),
                        ]
                        if r.file_sha256
                        else r.file_name or "—"
                    ),
                    html.Td(f"{r.added} / {r.changed} / {r.removed}"),
                    html.Td(actions),
                ],
                id=f"history-row-{r.id}",
            )
        )
    return dbc.Table(
        [head, html.Tbody(rows)],
        striped=True,
        hover=True,
        responsive=True,
        size="sm",
        className="history-table",
    )


def _confirm_modal(lang: str) -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(t("history.confirm_title", lang))),
            dbc.ModalBody(id="history-confirm-body"),
            dbc.ModalFooter(
                [
                    dbc.Button(t("history.cancel", lang), id="history-cancel", color="secondary"),
                    dbc.Button(
                        t("history.confirm", lang), id="history-rollback-confirm", color="warning"
                    ),
                ]
            ),
        ],
        id="history-modal",
        is_open=False,
    )


@callback(
    Output("history-modal", "is_open"),
    Output("history-pending", "data"),
    Output("history-confirm-body", "children"),
    Input({"type": "history-rollback", "rev": ALL}, "n_clicks"),
    Input("history-cancel", "n_clicks"),
    State("page-lang", "data"),
    prevent_initial_call=True,
)
def ask(_clicks: list[int | None], _cancel: int | None, lang: str) -> tuple[object, ...]:
    """A rollback button only asks; nothing changes until the admin confirms."""
    trigger = ctx.triggered_id
    if trigger == "history-cancel" or not any(_clicks or []):
        return False, None, no_update
    target = int(trigger["rev"])
    return True, target, t("history.confirm_body", norm_lang(lang), rev=target)


def _denied(error: Exception) -> None:
    """A caller without the admin role sees why; nothing else changes."""
    if not isinstance(error, PermissionDenied):
        raise error
    lang = norm_lang(str(ctx.states.get("page-lang.data") or ""))
    set_props(
        "history-message",
        {"children": create_alert(error.message(lang), color="danger", alert_id="history-denied")},
    )
    set_props("history-modal", {"is_open": False})


@callback(
    Output("history-message", "children"),
    Output("history-table", "children"),
    Output("history-base", "data"),
    Output("history-modal", "is_open", allow_duplicate=True),
    Input("history-rollback-confirm", "n_clicks"),
    State("history-pending", "data"),
    State("history-base", "data"),
    State("page-lang", "data"),
    prevent_initial_call=True,
    on_error=_denied,
)
def confirm_rollback(
    _n: int | None, target: int | None, base: int | None, lang: str
) -> tuple[object, ...]:
    """Roll back, as the signed-in admin, unless someone committed since the page was opened."""
    require_role("admin")
    lang = norm_lang(lang)
    if target is None:
        raise dash.exceptions.PreventUpdate
    engine = get_engine()
    try:
        done = rollback_to(
            engine, int(target), author=current_user_name() or "admin", base_revision=base
        )
    except StaleBase as exc:
        alert = create_alert(
            t("history.stale", lang, latest=exc.latest), color="warning", alert_id="history-stale"
        )
    except NoSuchRevision as exc:
        alert = create_alert(
            t("history.no_such", lang, rev=exc.revision), color="danger", alert_id="history-error"
        )
    else:
        audit(
            "rollback",
            {
                "revision": done.revision,
                "target": done.target,
                "restored": done.restored,
                "closed": done.closed,
            },
        )
        alert = create_alert(
            t(
                "history.done",
                lang,
                target=done.target,
                rev=done.revision,
                restored=done.restored,
                closed=done.closed,
            ),
            color="success",
            alert_id="history-done",
        )
    latest = queries.latest_revision(engine)
    return alert, _table(queries.revisions(engine), lang), latest, False
