"""Charts of one indicator across regions and years."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from analysis.normalise import MeasureUnit
from figures.format import chart_label, display_unit, format_number
from figures.theme import COLORWAY, apply_theme, empty_figure, new_figure
from i18n import pick, t

PROJECTED = {"projection", "target"}


def _unit(indicator: Mapping, lang: str, unit: MeasureUnit | None) -> MeasureUnit:
    if unit is not None:
        return unit
    factor, label = display_unit(indicator, lang)
    return MeasureUnit(factor, label)


def value_label(value: float, qualifier: str, unit: MeasureUnit, signed: bool = False) -> str:
    """The label on a point or bar: 180+, ~300, 12.5%, +28% (``signed``: a change)."""
    if value != value:  # NaN: no figure
        return ""
    if not unit.percent:
        return chart_label(value, qualifier, unit.factor)
    number = format_number(round(value, 1))
    sign = "+" if signed and value > 0 else ""
    mark = {"at_least": "+", "approx": "~"}.get(qualifier, "")
    return f"{'~' if mark == '~' else ''}{sign}{number}%{'+' if mark == '+' else ''}"


def with_gaps(g: pd.DataFrame) -> pd.DataFrame:
    """One region's rows over every year from its first to its last: a missing year becomes a
    row without a value, which breaks the line instead of bridging it."""
    years = range(int(g["year"].min()), int(g["year"].max()) + 1)
    full = g.set_index("year").reindex(years)
    full.index.name = "year"
    return full.reset_index()


def _hover(row: pd.Series, lang: str) -> str:
    source = pick(lang, row["source_title_zh"], row["source_title_en"])
    written = (
        f"<br>{t('common.as_written', lang)}：{row['value_as_written']}"
        if row.get("value_as_written")
        else ""
    )
    status = "" if row["status"] == "reported" else f" ({t('status.' + row['status'], lang)})"
    return f"{row['name']} {row['period']}{status}{written}<br>{t('common.source', lang)}：{source}"


def point_labels(part: pd.DataFrame, unit: MeasureUnit, signed: bool, *, every: bool) -> list[str]:
    """Labels of a line's points: all of them, or only the last one with a figure."""
    labels = [value_label(v, q, unit, signed) for v, q in zip(part["value"], part["qualifier"])]
    if every:
        return labels
    last = max((i for i, v in enumerate(part["value"]) if v == v), default=None)
    return [label if i == last else "" for i, label in enumerate(labels)]


def line_chart(
    df: pd.DataFrame,
    indicator: Mapping,
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
    unit: MeasureUnit | None = None,
    log: bool = False,
    signed: bool = False,
) -> go.Figure:
    """One line per region over years; projections dashed; lower bounds marked “+”.

    ``df`` has one row per (entity_code, year) with columns name, value, qualifier, status,
    period, value_as_written, source_title_zh/en. A year without a figure breaks the line
    (never bridged). ``unit``: how values are shown (default: the indicator's display unit);
    ``log``: a logarithmic value axis; ``signed``: labels carry + for a rise (同比).
    """
    df = df.dropna(subset=["value"])
    if df.empty:
        return empty_figure(t("common.none", lang))
    shown = _unit(indicator, lang, unit)
    # one short line: a label on every point; otherwise only each line's last figure is
    # labelled (the rest are in the hover and the table), so that labels never pile up
    every = df["entity_code"].nunique() == 1 and len(df) < 8
    fig = new_figure()
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
            part = with_gaps(part)
            fig.add_trace(
                go.Scatter(
                    x=part["year"],
                    y=part["value"] / shown.factor,
                    name=name,
                    legendgroup=code,
                    showlegend=show,
                    connectgaps=False,
                    mode="lines+markers+text",
                    line={"color": color, "dash": dash},
                    marker={"color": color, "size": 7},
                    text=point_labels(part, shown, signed, every=every),
                    textposition="top center",
                    cliponaxis=False,
                    hovertext=[
                        _hover(r, lang) if r["value"] == r["value"] else ""
                        for _, r in part.iterrows()
                    ],
                    hovertemplate="%{y:,.4~f} " + shown.unit + "<br>%{hovertext}<extra></extra>",
                )
            )
    apply_theme(fig, title=title, subtitle=subtitle, source_line=source_line, note=note)
    fig.update_xaxes(dtick=1 if df["year"].nunique() <= 15 else None, tickformat="d")
    if log:
        fig.update_yaxes(title_text=f"{shown.unit}（log）", type="log")
    else:
        fig.update_yaxes(title_text=shown.unit, rangemode="normal" if signed else "tozero")
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
    unit: MeasureUnit | None = None,
    log: bool = False,
    signed: bool = False,
) -> go.Figure:
    """One bar per region (its figure for one year), largest first, labels on the bars."""
    df = df.dropna(subset=["value"])
    if df.empty:
        return empty_figure(t("common.none", lang))
    shown = _unit(indicator, lang, unit)
    df = df.sort_values("value", ascending=True)
    colors = ["#9bb7d9" if s in PROJECTED else "#1f5fa8" for s in df["status"]]
    fig = new_figure(
        [
            go.Bar(
                x=df["value"] / shown.factor,
                y=df["name"],
                orientation="h",
                marker_color=colors,
                text=[
                    value_label(v, q, shown, signed) for v, q in zip(df["value"], df["qualifier"])
                ],
                textposition="auto",
                cliponaxis=False,
                hovertext=[_hover(r, lang) for _, r in df.iterrows()],
                hovertemplate="%{x:,.4~f} " + shown.unit + "<br>%{hovertext}<extra></extra>",
            )
        ]
    )
    apply_theme(fig, title=title, subtitle=subtitle, source_line=source_line, note=note)
    if log:
        fig.update_xaxes(title_text=f"{shown.unit}（log）", type="log")
    else:
        fig.update_xaxes(title_text=shown.unit, rangemode="normal" if signed else "tozero")
    fig.update_layout(height=max(320, 140 + 36 * len(df)), showlegend=False)
    return fig
