"""Charts of one indicator across regions and years."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from figures.format import chart_label, display_unit
from figures.theme import COLORWAY, apply_theme, empty_figure
from i18n import pick, t

PROJECTED = {"projection", "target"}


def _hover(row: pd.Series, lang: str) -> str:
    source = pick(lang, row["source_title_zh"], row["source_title_en"])
    written = (
        f"<br>{t('common.as_written', lang)}：{row['value_as_written']}"
        if row.get("value_as_written")
        else ""
    )
    status = "" if row["status"] == "reported" else f" ({t('status.' + row['status'], lang)})"
    return f"{row['name']} {row['period']}{status}{written}<br>{t('common.source', lang)}：{source}"


def line_chart(
    df: pd.DataFrame,
    indicator: Mapping,
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
) -> go.Figure:
    """One line per region over years; projections dashed; lower bounds marked “+”.

    ``df`` has one row per (entity_code, year) with columns name, value, qualifier, status,
    period, value_as_written, source_title_zh/en.
    """
    if df.empty:
        return empty_figure(t("common.none", lang))
    factor, unit = display_unit(indicator, lang)
    fig = go.Figure()
    for i, (code, g) in enumerate(df.groupby("entity_code", sort=False)):
        g = g.sort_values("year")
        color = COLORWAY[i % len(COLORWAY)]
        name = g["name"].iloc[0]
        actual = g[~g["status"].isin(PROJECTED)]
        projected = g[g["status"].isin(PROJECTED)]
        if not projected.empty and not actual.empty:
            projected = pd.concat([actual.tail(1), projected])
        for part, dash, show in ((actual, "solid", True), (projected, "dash", actual.empty)):
            if part.empty:
                continue
            fig.add_trace(
                go.Scatter(
                    x=part["year"],
                    y=part["value"] / factor,
                    name=name,
                    legendgroup=code,
                    showlegend=show,
                    mode="lines+markers+text" if len(part) < 8 else "lines+markers",
                    line={"color": color, "dash": dash},
                    marker={"color": color, "size": 7},
                    text=[
                        chart_label(v, q, factor) for v, q in zip(part["value"], part["qualifier"])
                    ]
                    if len(part) < 8
                    else None,
                    textposition="top center",
                    hovertext=[_hover(r, lang) for _, r in part.iterrows()],
                    hovertemplate="%{y:,.4~f} " + unit + "<br>%{hovertext}<extra></extra>",
                )
            )
    apply_theme(fig, title=title, subtitle=subtitle, source_line=source_line, note=note)
    fig.update_xaxes(dtick=1 if df["year"].nunique() <= 15 else None, tickformat="d")
    fig.update_yaxes(title_text=unit, rangemode="tozero")
    return fig


def bar_chart(
    df: pd.DataFrame,
    indicator: Mapping,
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
) -> go.Figure:
    """One bar per region (its figure for one year), largest first, labels on the bars."""
    if df.empty:
        return empty_figure(t("common.none", lang))
    factor, unit = display_unit(indicator, lang)
    df = df.sort_values("value", ascending=True)
    colors = ["#9bb7d9" if s in PROJECTED else "#1f5fa8" for s in df["status"]]
    fig = go.Figure(
        go.Bar(
            x=df["value"] / factor,
            y=df["name"],
            orientation="h",
            marker_color=colors,
            text=[chart_label(v, q, factor) for v, q in zip(df["value"], df["qualifier"])],
            textposition="auto",
            cliponaxis=False,
            hovertext=[_hover(r, lang) for _, r in df.iterrows()],
            hovertemplate="%{x:,.4~f} " + unit + "<br>%{hovertext}<extra></extra>",
        )
    )
    apply_theme(fig, title=title, subtitle=subtitle, source_line=source_line, note=note)
    fig.update_xaxes(title_text=unit, rangemode="tozero")
    fig.update_layout(height=max(320, 140 + 36 * len(df)), showlegend=False)
    return fig
