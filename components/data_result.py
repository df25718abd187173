"""The 数据管理 page's check result: summary notes, the issues table, the preview, the mapping
editor — built from a prepared upload and its preview. No data access."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.alerts import create_alert
from components.data_view import create_mapping_editor
from components.tables import create_grid
from i18n import pick, t
from loaders.result import Issue
from store.periods import PeriodError, parse_period
from store.prepared import Prepared
from store.preview import STATUSES, Preview

ISSUE_ROWS = 5000  # rows shown in the issues table (the download has them all)
PREVIEW_ROWS = 2000  # figures shown in the preview table, changes first
PAGE_SIZE = 20
BADGE_COLORS = {"added": "success", "changed": "warning", "unchanged": "secondary"}
STATUS_ORDER = {"changed": 0, "added": 1, "unchanged": 2}
ISSUE_FIELDS = ("severity", "code", "sheet", "row", "column", "cell", "message", "suggestions")


def create_checked(
    prepared: Prepared, pv: Preview, lang: str, indicators: pd.DataFrame
) -> tuple[list[object], list[object], list[str], dict[str, object], bool]:
    """(result children, mapping editor, its headers, the data-prepared store, commit disabled).

    ``indicators``: the catalogue (``store.queries.indicators``), for the mapping dropdowns.
    """
    result = prepared.result
    headers = list(
        dict.fromkeys(
            [i.cell for i in result.issues if i.code == "unknown-indicator" and i.cell]
            + list(prepared.explicit)
        )
    )
    options = [
        {"label": f"{pick(lang, r['name_zh'], r['name_en'])} ({code})", "value": str(code)}
        for code, r in indicators.iterrows()
    ]
    editor = create_mapping_editor(lang, headers, options, prepared.explicit)
    extra = len(result.projects) + len(result.members)
    ready = prepared.can_commit and bool(pv.changes or extra)
    summary = t(
        "data.checked",
        lang,
        file=prepared.file_name,
        rows=len(result.rows),
        errors=len(result.errors),
        warnings=len(result.warnings),
        revision=prepared.base_revision or 0,
    )
    notes = [
        create_alert(summary, color="success" if ready else "warning", alert_id="data-checked")
    ]
    if result.errors:
        notes.append(
            create_alert(t("data.fix_errors", lang), color="danger", alert_id="data-errors")
        )
    elif not ready:
        notes.append(create_alert(t("data.nothing_to_commit", lang), color="info"))
    if extra:
        notes.append(
            create_alert(
                t(
                    "data.entities",
                    lang,
                    projects=len(result.projects),
                    members=len(result.members),
                ),
                color="light",
            )
        )
    store = {
        "sha256": prepared.sha256,
        "base": prepared.base_revision,
        "key": prepared.key,
        "file_name": prepared.file_name,
        "sample": sample(pv),
    }
    children = [*notes, create_issues(result.issues, lang), create_preview(pv, lang)]
    return children, editor, headers, store, not ready


def sample(pv: Preview) -> dict[str, str] | None:
    """A region figure the commit changes (else adds), for the link after the commit."""
    frame = pv.frame[pv.frame["entity_type"] == "region"]
    for status in ("changed", "added"):
        rows = frame[frame["status"] == status]
        if not rows.empty:
            first = rows.iloc[0]
            return {"indicator": str(first["indicator_code"]), "region": str(first["entity_code"])}
    return None


def issue_frame(issues: list[Issue], lang: str) -> pd.DataFrame:
    """Issues as rows of ``ISSUE_FIELDS`` in ``lang`` (the table and its download)."""
    return pd.DataFrame(
        [
            {
                "severity": t(f"data.severity.{i.severity}", lang),
                "code": i.code,
                "sheet": i.sheet,
                "row": i.row,
                "column": i.column,
                "cell": i.cell,
                "message": pick(lang, i.message_zh, i.message_en),
                "suggestions": "、".join(i.suggestions),
            }
            for i in issues
        ],
        columns=list(ISSUE_FIELDS),
    )


def issue_headers(lang: str) -> dict[str, str]:
    return {f: t(f"data.issue_col.{f}", lang) for f in ISSUE_FIELDS}


def create_issues(issues: list[Issue], lang: str) -> html.Div:
    """The issues table (sortable, filterable) with its download button."""
    title = html.H2(t("data.issues_title", lang, count=len(issues)), className="h6")
    if not issues:
        return html.Div(
            [title, html.P(t("data.no_issues", lang), className="text-success small")],
            id="data-issues",
        )
    frame = issue_frame(issues[:ISSUE_ROWS], lang)
    names = issue_headers(lang)
    columns = [
        {
            "field": f,
            "headerName": names[f],
            **(
                {"flex": 3, "minWidth": 240, "wrapText": True, "autoHeight": True}
                if f == "message"
                else {}
            ),
        }
        for f in ISSUE_FIELDS
    ]
    note = (
        [html.P(t("data.rows_cut", lang, shown=ISSUE_ROWS, total=len(issues)), className="small")]
        if len(issues) > ISSUE_ROWS
        else []
    )
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return html.Div(
        [
            title,
            dbc.Button(
                [
                    html.I(className="bi bi-file-earmark-excel me-1"),
                    t("data.issues_download", lang),
                ],
                id="data-issues-download-button",
                size="sm",
                color="secondary",
                outline=True,
            ),
            dcc.Download(id="data-issues-download"),
            *note,
            create_grid("data-issues-grid", rows, columns, page_size=PAGE_SIZE, lang=lang),
        ],
        id="data-issues",
        className="mb-4",
    )


def create_preview(pv: Preview, lang: str) -> html.Div:
    """Counts as badges, the changes per region and indicator, then each figure."""
    badges = [
        dbc.Badge(
            t(f"data.count.{s}", lang, count=pv.counts.get(s, 0)),
            color=BADGE_COLORS.get(s, "danger" if pv.counts.get(s) else "light"),
            text_color=None if s in BADGE_COLORS or pv.counts.get(s) else "dark",
            className="me-2 mb-1 fs-6 border",
            id=f"data-count-{s}",
        )
        for s in STATUSES
    ]
    frame = pv.frame.assign(order=pv.frame["status"].map(STATUS_ORDER)).sort_values(
        "order", kind="stable"
    )
    shown = frame.head(PREVIEW_ROWS)
    rows = [
        {
            "status": t(f"data.status.{r['status']}", lang),
            "region": r["region"],
            "indicator": r["indicator"],
            "period": _period_label(r["period"], lang),
            "old": r["old_display"],
            "new": r["new_display"],
            "old_qualifier": _qualifier(r["old_qualifier"], lang),
            "new_qualifier": _qualifier(r["new_qualifier"], lang),
        }
        for r in shown.to_dict("records")
    ]
    note = (
        [html.P(t("data.rows_cut", lang, shown=PREVIEW_ROWS, total=len(frame)), className="small")]
        if len(frame) > PREVIEW_ROWS
        else []
    )
    return html.Div(
        [
            html.H2(t("data.preview_title", lang), className="h6"),
            html.Div(badges, id="data-counts", className="mb-2"),
            html.P(t("data.never_deletes", lang), className="small text-muted"),
            html.H3(t("data.summary_title", lang), className="h6 mt-3"),
            create_grid(
                "data-summary-grid",
                _summary_rows(pv),
                _summary_columns(lang),
                page_size=PAGE_SIZE,
                lang=lang,
            ),
            html.H3(t("data.figures_title", lang), className="h6 mt-3"),
            *note,
            create_grid(
                "data-preview-grid", rows, _preview_columns(lang), page_size=PAGE_SIZE, lang=lang
            ),
        ],
        id="data-preview",
        className="mb-4",
    )


def _summary_rows(pv: Preview) -> list[dict[str, object]]:
    return [
        {k: (int(v) if k in STATUSES else v) for k, v in r.items()}
        for r in pv.summary.head(PREVIEW_ROWS).to_dict("records")
    ]


def _summary_columns(lang: str) -> list[dict[str, object]]:
    return [
        {"field": "region", "headerName": t("common.region", lang)},
        {"field": "indicator", "headerName": t("common.indicator", lang), "minWidth": 140},
        *[
            {"field": s, "headerName": t(f"data.status.{s}", lang), "type": "rightAligned"}
            for s in STATUSES
        ],
    ]


def _preview_columns(lang: str) -> list[dict[str, object]]:
    return [
        {"field": "status", "headerName": t("common.status", lang)},
        {"field": "region", "headerName": t("common.region", lang)},
        {"field": "indicator", "headerName": t("common.indicator", lang), "minWidth": 140},
        {"field": "period", "headerName": t("common.period", lang)},
        {"field": "old", "headerName": t("data.old_value", lang), "type": "rightAligned"},
        {"field": "new", "headerName": t("data.new_value", lang), "type": "rightAligned"},
        {"field": "old_qualifier", "headerName": t("data.old_qualifier", lang)},
        {"field": "new_qualifier", "headerName": t("data.new_qualifier", lang)},
    ]


def _period_label(text: str, lang: str) -> str:
    try:
        return parse_period(text).label(lang)
    except PeriodError:
        return text


def _qualifier(code: str, lang: str) -> str:
    return t(f"data.qualifier.{code}", lang) if code in ("exact", "at_least", "approx") else code
