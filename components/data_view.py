"""The 数据管理 page's pieces: the forms, the mapping editor, the commit card, messages."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.alerts import create_alert
from components.controls import create_dropdown, dropdown_labels
from components.urls import href
from i18n import t
from store.uploads import megabytes


def create_denied(lang: str, signed_in: bool, message: str, login_href: str) -> dbc.Alert:
    """Why the page is closed to the caller, with a way to sign in (as an editor)."""
    link = t("data.login_as_editor" if signed_in else "data.login_link", lang)
    return dbc.Alert(
        [
            html.Div(message),
            html.Div(t("data.editors_only", lang), className="mt-1"),
            html.A(link, href=login_href, className="alert-link", id="data-login-link"),
        ],
        color="warning",
        id="data-denied",
        className="my-3",
    )


def create_refused(message: str) -> dbc.Alert:
    """A callback refused for the caller's role: nothing was done."""
    return create_alert(message, color="danger", alert_id="data-refused")


def create_expired(lang: str) -> dbc.Alert:
    return create_alert(t("data.result_expired", lang), color="warning", alert_id="data-expired")


def create_form(lang: str, regions: list[dict[str, str]], max_bytes: int) -> list[object]:
    """Intro, template download, upload with its options, the mapping editor, progress."""
    limit = megabytes(max_bytes)
    return [
        create_alert(t("data.intro", lang), color="info", alert_id="data-intro"),
        dbc.Card(
            dbc.CardBody(
                [
                    html.H2(t("data.step_template", lang), className="h6"),
                    html.P(t("data.template_help", lang), className="small text-muted mb-2"),
                    dbc.Button(
                        [html.I(className="bi bi-download me-1"), t("data.template_button", lang)],
                        id="data-template-button",
                        color="secondary",
                        outline=True,
                    ),
                    dcc.Download(id="data-template-download"),
                ]
            ),
            className="mb-3",
        ),
        dbc.Card(
            dbc.CardBody(
                [
                    html.H2(t("data.step_upload", lang), className="h6"),
                    _options(lang, regions),
                    dcc.Upload(
                        html.Div(
                            [
                                html.I(className="bi bi-cloud-arrow-up fs-3 d-block"),
                                t("data.upload_prompt", lang, limit=limit),
                            ]
                        ),
                        id="data-upload",
                        # no ``accept``: the browser would drop any other file without a word;
                        # the server reads every file by its content and says what it is
                        max_size=max_bytes,
                        multiple=False,
                        className="data-upload",
                        className_active="data-upload-active",
                        className_reject="data-upload-reject",
                    ),
                    html.Div(
                        t("data.too_big_browser", lang, limit=limit),
                        id="data-too-big",
                        className="alert alert-danger my-2 d-none",
                        role="alert",
                        **{"data-max-bytes": str(max_bytes)},
                    ),
                    html.Div(id="data-check-message"),
                    html.Div(id="data-mapping", children=create_mapping_editor(lang, [], [], {})),
                    html.Div(
                        dbc.Button(
                            [html.I(className="bi bi-arrow-repeat me-1"), t("data.check", lang)],
                            id="data-check",
                            color="primary",
                            outline=True,
                            disabled=True,
                        ),
                        className="mt-2",
                    ),
                    html.Div(
                        dbc.Progress(
                            id="data-progress",
                            value=0,
                            striped=True,
                            animated=True,
                            style={"height": "1.5rem"},
                        ),
                        id="data-progress-box",
                        className="d-none",
                    ),
                ]
            ),
            className="mb-3",
        ),
    ]


def _options(lang: str, regions: list[dict[str, str]]) -> dbc.Row:
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("data.default_region", lang), html_for="data-region"),
                    create_dropdown(
                        "data-region",
                        lang,
                        options=regions,
                        placeholder=t("data.default_region_placeholder", lang),
                    ),
                ],
                md=6,
            ),
            dbc.Col(
                [
                    dbc.Label(t("data.default_period", lang), html_for="data-period"),
                    dbc.Input(
                        id="data-period",
                        type="text",
                        maxLength=32,
                        placeholder=t("data.default_period_placeholder", lang),
                    ),
                ],
                md=6,
            ),
            dbc.Col(dbc.FormText(t("data.options_help", lang)), width=12),
        ],
        className="g-2 mb-3",
    )


def create_mapping_editor(
    lang: str,
    headers: list[str],
    indicators: list[dict[str, str]],
    mapping: dict[str, str],
) -> list[object]:
    """One indicator dropdown per header the check did not know (headers shown as text)."""
    if not headers:
        return []
    rows = [
        dbc.Row(
            [
                dbc.Col(html.Span(header, className="data-header-text"), md=5),
                dbc.Col(
                    dcc.Dropdown(
                        id={"type": "data-map", "index": i},
                        options=indicators,
                        value=mapping.get(header),
                        placeholder=t("data.map_placeholder", lang),
                        labels=dropdown_labels(lang),
                    ),
                    md=7,
                ),
            ],
            className="g-2 mb-2 align-items-center",
        )
        for i, header in enumerate(headers)
    ]
    return [
        html.H3(t("data.map_title", lang), className="h6 mt-3"),
        html.P(t("data.map_help", lang), className="small text-muted"),
        *rows,
    ]


def create_commit_card(lang: str) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.H2(t("data.step_commit", lang), className="h6"),
                html.P(t("data.commit_help", lang), className="small text-muted"),
                dbc.Button(
                    [html.I(className="bi bi-check2-circle me-1"), t("data.commit", lang)],
                    id="data-commit",
                    color="success",
                    disabled=True,
                ),
                html.Div(id="data-commit-message"),
            ]
        ),
        className="mb-3",
    )


def create_committed(
    lang: str, revision: int, counts: dict[str, int], sample: dict[str, str] | None
) -> dbc.Alert:
    """The success message: revision, counts, and a link to a changed figure."""
    children: list[object] = [t("data.committed", lang, revision=revision, **counts)]
    if sample and sample.get("indicator") and sample.get("region"):
        link = href(
            "/compare",
            {"lang": lang, "indicator": sample["indicator"], "regions": sample["region"]},
        )
        children += [" ", dcc.Link(t("data.see_figure", lang), href=link, id="data-see-figure")]
    return dbc.Alert(children, color="success", id="data-committed", className="my-3")
