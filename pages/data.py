"""数据管理: download the template, upload a workbook, see its issues and what it would change,
commit it — editors only.

Every callback starts with ``require_role("editor")``: a callback is a POST anyone can craft.
The check runs as a Dash background callback in another process, where there is no request
and no signed-in user: the request that starts it checks the role and hands over a signed
ticket (``auth.tickets``), and the background work does nothing without one. Nothing is
written to the database before the editor commits; the commit is one transaction, refused
(and the preview made again) when someone committed since the preview.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update, set_props
from sqlalchemy.exc import SQLAlchemyError

from auth import PermissionDenied, audit, current_role, current_user_name, has_role, require_role
from auth.tickets import issue_ticket, read_ticket
from components.alerts import create_alert, create_error_alert, guarded
from components.data_result import create_checked, issue_frame, issue_headers
from components.data_view import (
    create_commit_card,
    create_committed,
    create_denied,
    create_expired,
    create_form,
    create_refused,
)
from components.shell import create_page
from components.urls import href
from exports.xlsx import render_xlsx
from i18n import norm_lang, pick, t
from loaders import FileRejected
from settings import DATA_DIR, Settings
from store import queries
from store.db import get_engine, reinit_after_fork
from store.mappings import remember_for
from store.prepared import (
    Prepared,
    discard_prepared,
    load_prepared,
    prepare,
    save_prepared,
)
from store.preview import preview
from store.revisions import StaleBase, commit_rows
from store.uploads import UploadError, clean_name, decode_contents, is_sha256, save_upload

log = logging.getLogger(__name__)

PATH = "/data"
dash.register_page(
    __name__,
    path=PATH,
    title=f"{t('data.title', 'zh')} · {t('app.title', 'zh')}",
    name="data",
    order=5,
)
TICKET = "data-check"
PROGRESS = {"start": 5, "reading": 15, "checking": 45, "preview": 75, "saving": 90, "done": 100}


def _settings() -> Settings:
    return dash.get_app().server.config["SETTINGS"]


def _secret() -> str:
    return str(dash.get_app().server.secret_key or "")


@guarded
def layout(lang: str = "zh", **_: str) -> html.Div:
    lang = norm_lang(lang)
    title = t("data.title", lang)
    if not has_role("editor"):
        error = PermissionDenied("editor", current_role())
        login = href("/login", {"lang": lang, "next": href(PATH, {"lang": lang})})
        denied = create_denied(lang, current_user_name() is not None, error.message(lang), login)
        return create_page(lang, PATH, {}, title, denied)
    engine = get_engine()
    return create_page(
        lang,
        PATH,
        {},
        title,
        *create_form(lang, queries.region_options(engine, lang), _settings().max_upload_bytes),
        html.Div(id="data-result"),
        create_commit_card(lang),
        dcc.Store(id="data-file"),
        dcc.Store(id="data-ticket"),
        dcc.Store(id="data-prepared"),
        dcc.Store(id="data-map-headers", data=[]),
    )


def _lang() -> str:
    return norm_lang(str(ctx.states.get("page-lang.data") or ""))


def _failed(target: str) -> Callable[[Exception], None]:
    """An on_error handler: a refusal or an unexpected error becomes an alert in ``target``."""

    def handler(error: Exception) -> None:
        lang = _lang()
        if isinstance(error, PermissionDenied):
            alert = create_refused(error.message(lang))
        else:
            log.error("data page callback failed", exc_info=error)
            alert = create_error_alert(type(error).__name__, lang)
        set_props(target, {"children": alert})

    return handler


@callback(
    Output("data-template-download", "data"),
    Input("data-template-button", "n_clicks"),
    State("page-lang", "data"),
    prevent_initial_call=True,
    on_error=_failed("data-check-message"),
)
def download_template(_n: int | None, lang: str | None) -> dict[str, object]:
    require_role("editor")
    return dcc.send_file(str(DATA_DIR / "template.xlsx"), t("data.template_file", lang))


@callback(
    Output("data-file", "data"),
    Output("data-check-message", "children", allow_duplicate=True),
    Output("data-commit-message", "children", allow_duplicate=True),
    Output("data-commit", "disabled", allow_duplicate=True),
    Output("data-upload", "contents"),
    Input("data-upload", "contents"),
    State("data-upload", "filename"),
    State("page-lang", "data"),
    prevent_initial_call=True,
    on_error=_failed("data-check-message"),
)
def receive_upload(
    contents: str | None, filename: str | None, lang: str | None
) -> tuple[object, ...]:
    """Keep the uploaded file (by its hash) and ask for a check; nothing else is written."""
    lang = norm_lang(lang)
    try:
        require_role("editor")
    except PermissionDenied as error:
        return no_update, create_refused(error.message(lang)), no_update, True, None
    if not contents:
        raise dash.exceptions.PreventUpdate
    settings = _settings()
    name = clean_name(filename)
    try:
        raw = decode_contents(contents, settings.max_upload_bytes)
        sha256, _ = save_upload(
            settings.instance_dir,
            raw,
            name,
            max_bytes=settings.max_upload_bytes,
            user=current_user_name(),
        )
    except UploadError as error:
        alert = create_alert(t(error.key, lang, **error.params), color="danger")
        return None, alert, None, True, None
    audit("upload", {"file_name": name, "sha256": sha256, "size": len(raw)})
    return {"sha256": sha256, "file_name": name}, None, None, True, None


@callback(
    Output("data-ticket", "data"),
    Output("data-check-message", "children", allow_duplicate=True),
    Output("data-commit-message", "children", allow_duplicate=True),
    Input("data-file", "data"),
    Input("data-check", "n_clicks"),
    State("data-region", "value"),
    State("data-period", "value"),
    State({"type": "data-map", "index": ALL}, "value"),
    State("data-map-headers", "data"),
    State("page-lang", "data"),
    prevent_initial_call=True,
    on_error=_failed("data-check-message"),
)
def request_check(
    upload: dict | None,
    _n: int | None,
    region: str | None,
    period: str | None,
    _mapped: list[str | None],
    headers: list[str] | None,
    lang: str | None,
) -> tuple[object, ...]:
    """Check the role, then hand the background check a signed ticket for this user."""
    lang = norm_lang(lang)
    try:
        require_role("editor")
    except PermissionDenied as error:
        return None, create_refused(error.message(lang)), no_update
    fresh = ctx.triggered_id == "data-file"  # a new file: the old file's mappings do not apply
    if not isinstance(upload, dict) or not is_sha256(upload.get("sha256")):
        if fresh:  # the upload was refused: its message stays
            raise dash.exceptions.PreventUpdate
        return None, create_alert(t("data.no_file", lang), color="info"), no_update
    job = {
        "sha256": upload["sha256"],
        "file_name": clean_name(str(upload.get("file_name") or "")),
        "region": _text(region),
        "period": _text(str(period or "").strip()),
        "map": {} if fresh else _mapping(headers),
    }
    return _ticket(str(current_user_name()), job, lang), None, None


def _ticket(user: str, job: dict[str, object], lang: str) -> str:
    """A ticket for the background check: what to check, with which options, for whom."""
    return issue_ticket(_secret(), TICKET, {**job, "user": user, "lang": lang})


def _mapping(headers: list[str] | None) -> dict[str, str]:
    """Header → indicator code from the mapping editor: dropdown ``index`` i maps headers[i]."""
    headers = [h for h in headers or [] if isinstance(h, str)]
    chosen: dict[str, str] = {}
    for state in ctx.states_list:
        for item in state if isinstance(state, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("id"), dict):
                continue
            index, code = item["id"].get("index"), item.get("value")
            if isinstance(index, int) and 0 <= index < len(headers) and isinstance(code, str):
                chosen[headers[index]] = code
    return {h: c for h, c in chosen.items() if c}


@callback(
    Output("data-result", "children"),
    Output("data-mapping", "children"),
    Output("data-map-headers", "data"),
    Output("data-prepared", "data"),
    Output("data-commit", "disabled"),
    Input("data-ticket", "data"),
    State("page-lang", "data"),
    background=True,
    progress=[Output("data-progress", "value"), Output("data-progress", "label")],
    progress_default=[0, ""],
    running=[
        (Output("data-progress-box", "className"), "mt-3", "d-none"),
        (Output("data-check", "disabled"), True, False),
        (Output("data-upload", "disabled"), True, False),
    ],
    interval=500,
    prevent_initial_call=True,
    on_error=_failed("data-result"),
)
def check_upload(
    set_progress: Callable[[list[object]], None], ticket: str | None, lang: str | None
) -> tuple[object, ...]:
    """In the background: read and check the kept upload, preview it, keep the result."""
    reinit_after_fork()  # a forked process: never use the parent's database connections
    lang = norm_lang(lang)
    if ticket is None:
        raise dash.exceptions.PreventUpdate
    job = read_ticket(_secret(), TICKET, ticket)
    if job is None:  # forged, altered or expired: the role was never checked for it
        alert = create_alert(
            t("data.ticket_invalid", lang), color="danger", alert_id="data-refused"
        )
        return alert, no_update, no_update, None, True
    lang = norm_lang(str(job.get("lang") or lang))

    def step(name: str) -> None:
        set_progress([PROGRESS[name], t(f"data.progress.{name}", lang)])

    step("start")
    settings, engine = _settings(), get_engine()
    given = job.get("map")
    explicit = {str(k): str(v) for k, v in given.items()} if isinstance(given, dict) else {}
    try:
        prepared = prepare(
            engine,
            settings.instance_dir,
            str(job.get("sha256")),
            str(job.get("file_name") or ""),
            region=_text(job.get("region")),
            period=_text(job.get("period")),
            explicit=explicit,
            max_bytes=settings.max_upload_bytes,
            progress=step,
        )
    except FileRejected as error:
        reason = pick(lang, error.reason_zh, error.reason_en)
        alert = create_alert(reason, color="danger", alert_id="data-rejected")
        return alert, [], [], None, True
    except UploadError as error:
        return create_alert(t(error.key, lang, **error.params), color="danger"), [], [], None, True
    log.info("checked upload %s for %s", prepared.sha256[:12], job.get("user"))
    step("preview")
    pv = preview(engine, prepared.result, lang)
    step("saving")
    save_prepared(settings.instance_dir, prepared)
    step("done")
    return create_checked(prepared, pv, lang, queries.indicators(engine))


def _text(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


@callback(
    Output("data-issues-download", "data"),
    Input("data-issues-download-button", "n_clicks"),
    State("data-prepared", "data"),
    State("page-lang", "data"),
    prevent_initial_call=True,
    on_error=_failed("data-commit-message"),
)
def download_issues(_n: int | None, stored: dict | None, lang: str | None) -> object:
    """Every issue of the checked file as .xlsx (formula-like text neutralised)."""
    require_role("editor")
    lang = norm_lang(lang)
    prepared = _load(stored)
    if prepared is None:
        set_props("data-commit-message", {"children": create_expired(lang)})
        return no_update
    frame = issue_frame(prepared.result.issues, lang).rename(columns=issue_headers(lang))
    data = render_xlsx(frame, t("data.issues_sheet", lang))
    return dcc.send_bytes(data, t("data.issues_file", lang, file=prepared.file_name))


def _load(stored: dict | None) -> Prepared | None:
    if not isinstance(stored, dict):
        return None
    return load_prepared(
        _settings().instance_dir, stored.get("sha256"), stored.get("base"), stored.get("key")
    )


@callback(
    Output("data-commit-message", "children"),
    Output("data-commit", "disabled", allow_duplicate=True),
    Output("data-ticket", "data", allow_duplicate=True),
    Input("data-commit", "n_clicks"),
    State("data-prepared", "data"),
    State("page-lang", "data"),
    prevent_initial_call=True,
    on_error=_failed("data-commit-message"),
)
def commit(_n: int | None, stored: dict | None, lang: str | None) -> tuple[object, ...]:
    """Write the previewed upload as one revision — unless someone committed since."""
    lang = norm_lang(lang)
    try:
        require_role("editor")
    except PermissionDenied as error:
        return create_refused(error.message(lang)), no_update, no_update
    prepared = _load(stored)
    if prepared is None:
        return create_expired(lang), True, no_update
    if not prepared.can_commit:
        return create_alert(t("data.fix_errors", lang), color="danger"), True, no_update
    user = current_user_name() or "?"
    engine = get_engine()
    try:
        summary = commit_rows(
            engine,
            prepared.result.rows,
            author=user,
            file_name=prepared.file_name,
            sha256=prepared.sha256,
            base_revision=prepared.base_revision,
            entities=prepared.result,
        )
    except StaleBase as stale:
        text = t("data.stale", lang, latest=stale.latest or 0, base=stale.base or 0)
        alert = create_alert(text, color="warning", alert_id="data-stale")
        again = _ticket(user, prepared.job(), lang)
        return alert, True, again
    except SQLAlchemyError as error:
        log.exception("commit failed")
        return create_error_alert(type(error).__name__, lang), no_update, no_update
    counts = {"added": summary.added, "changed": summary.changed, "unchanged": summary.unchanged}
    detail = {
        "revision": summary.revision,
        "file_name": prepared.file_name,
        "sha256": prepared.sha256,
        "counts": {**counts, **(summary.entities or {})},
    }
    audit("commit", detail)
    if prepared.explicit:
        remember_for(engine, prepared.sheets, prepared.explicit)
    discard_prepared(_settings().instance_dir, prepared)
    sample = stored.get("sample") if isinstance(stored, dict) else None
    sample = sample if isinstance(sample, dict) else None
    return create_committed(lang, summary.revision, counts, sample), True, no_update
