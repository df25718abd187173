"""Charts of signed projects: what an event announced by size class, and projects by group."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.format import chart_label, format_number
from figures.text import apply_fitted_theme, left_labels
from figures.theme import empty_figure, labelled_bars
from i18n import pick, t

BLUE, PALE = "#1f5fa8", "#9bb7d9"


def group_label(by: str, row: pd.Series, lang: str) -> str:
    """A bar's name: a size class, a sector or a region; saying so when it is not known."""
    key = row["key"]
    if by == "size":
        return t(f"projects.size.{key}", lang)
    if not key:
        return t(f"projects.no_{by}", lang)
    return pick(lang, row["label_zh"], row["label_en"])


def class_bars(
    classes: pd.DataFrame,
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
) -> go.Figure:
    """An event's announced projects per size class; the derived remainder pale and hatched.

    ``classes``: ``store.queries_projects.reported_classes`` (size_class, count, qualifier,
    derived).
    """
    if classes.empty:
        return empty_figure(t("common.none", lang))
    df = classes.iloc[::-1]  # plotly draws the first bar at the bottom
    fig = go.Figure(
        go.Bar(
            x=df["count"],
            y=[t(f"projects.size.{c}", lang) for c in df["size_class"]],
            orientation="h",
            text=[chart_label(v, q, 1) for v, q in zip(df["count"], df["qualifier"])],
            textposition="outside",
            cliponaxis=False,
            marker={
                "color": [PALE if d else BLUE for d in df["derived"]],
                "pattern": {"shape": ["/" if d else "" for d in df["derived"]]},
            },
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    footer = apply_fitted_theme(
        fig, title=title, subtitle=subtitle, source_line=source_line, note=note
    )
    left_labels(fig, list(fig.data[0].y))
    fig.update_layout(height=150 + 40 * len(df) + 16 * footer, showlegend=False)
    fig.update_xaxes(
        rangemode="tozero",
        title_text=t("projects.count_axis", lang),
        tickformat="d",
        range=[0, float(df["count"].max()) * 1.2],
    )
    return fig


def project_bars(
    summary: pd.DataFrame,
    lang: str,
    *,
    by: str,
    measure: str,
    investment_indicator: pd.Series,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
) -> go.Figure:
    """Horizontal bars of ``summary`` (``store.queries_projects.summarise``): the number of
    projects (``measure="count"``) or their investment (``"investment"``) per group.

    An investment total that is a lower bound is labelled ``+``; a group whose investment is
    not known at all gets no bar, and says so.
    """
    if summary.empty:
        return empty_figure(t("common.none", lang))
    df = summary.iloc[::-1]  # plotly draws the first bar at the bottom
    labels = [group_label(by, r, lang) for _, r in df.iterrows()]
    if measure == "count":
        x = df["count"].astype(float).tolist()
        text = [format_number(v) for v in x]
        axis = t("projects.count_axis", lang)
    else:
        factor = float(
            investment_indicator["display_en_factor" if lang == "en" else "display_zh_factor"]
        )
        axis = str(investment_indicator["display_en_unit" if lang == "en" else "display_zh_unit"])
        x = [None if pd.isna(v) else float(v) / factor for v in df["investment"]]
        text = [
            "" if pd.isna(v) else chart_label(float(v), q, factor)
            for v, q in zip(df["investment"], df["qualifier"])
        ]
    fig = labelled_bars(labels, x, text, t("projects.unknown", lang))
    footer = apply_fitted_theme(
        fig, title=title, subtitle=subtitle, source_line=source_line, note=note
    )
    left_labels(fig, list(fig.data[0].y))
    fig.update_layout(height=max(300, 150 + 40 * len(df)) + 16 * footer, showlegend=False)
    fig.update_xaxes(rangemode="tozero", title_text=axis)
    largest = max((v for v in x if v is not None), default=0)
    if largest:
        fig.update_xaxes(range=[0, largest * 1.25])  # room for the label outside the bar
    if measure == "count":
        fig.update_xaxes(tickformat="d", dtick=1 if largest <= 10 else None)
    return fig
