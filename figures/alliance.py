"""Charts of alliances compared: members by type (now and over the years), host regions, and
the sums of their members' figures. Pure: frames in (``analysis.alliances``), figures out.

Alliance names are long (天津市新能源电池人才创新创业联盟, and longer in English), so the bars
carry their names above them, across the whole width, instead of in a left margin that would
leave a phone no room for the bars.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.alliances import kind_order
from figures.format import chart_label, display_unit
from figures.text import apply_fitted_theme, wrap
from figures.theme import COLORWAY, empty_figure, labelled_bars
from i18n import t

KIND_COLOURS = {
    "enterprise": COLORWAY[0],
    "university": COLORWAY[1],
    "institute": COLORWAY[2],
    "government": COLORWAY[3],
    "association": COLORWAY[4],
    "person": COLORWAY[8],
}
BLUE, MUTED = COLORWAY[0], "#6c757d"
NAME_WIDTH = 52  # half-width units of a name above a bar: what a phone shows at 12 px
ROW_PX = 34  # a bar and the line of its name
NAME_PX = 16  # each further line of a wrapped name
BARGAP = 0.55
PANEL_PX = 190  # one alliance's panel of the chart over the years


def _name_lines(name: str) -> list[str]:
    return wrap(name, NAME_WIDTH)


def _row_heights(labels: list[str]) -> list[int]:
    """The height each bar needs: the bar, and its name above it (wrapped at NAME_WIDTH)."""
    return [ROW_PX + NAME_PX * len(_name_lines(n)) for n in labels]


def _names_above(fig: go.Figure, labels: list[str], shown: list[str] | None = None) -> None:
    """Each bar's name (or ``shown``, its text to show) written above it from the left edge;
    no tick labels in a margin. Sizes the figure for the names and lifts the legend."""
    shown = shown or labels
    # categories share the plot evenly: every row as tall as the one with the longest name
    row = max(_row_heights(shown), default=ROW_PX)
    plot = row * len(labels) + 20
    bar = (1 - BARGAP) * row
    for label, text in zip(labels, shown):
        fig.add_annotation(
            x=0,
            xref="paper",
            y=label,
            yref="y",
            text="<br>".join(_name_lines(text)),
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            yshift=int(bar / 2) + 2,
            align="left",
            font={"size": 12, "color": "#222"},
        )
    fig.update_yaxes(showticklabels=False, ticks="", showgrid=False, fixedrange=True)
    margin = fig.layout.margin
    fig.update_layout(
        height=plot + margin.t + margin.b,
        margin={"l": 12, "r": 16},
        bargap=BARGAP,
    )
    fig.update_yaxes(autorange="reversed")  # the first alliance on top
    lift_legend(fig, NAME_PX * len(_name_lines(shown[0])) if shown else 0)


def lift_legend(fig: go.Figure, px: int) -> None:
    """Move the legend ``px`` pixels up, and the plot with its names down as much: the
    theme puts the legend right on the plot's top edge, where a name above the first bar (or
    a panel's title) is drawn too."""
    if px <= 0:
        return
    margin = fig.layout.margin
    plot = fig.layout.height - margin.t - margin.b
    fig.update_layout(
        height=fig.layout.height + px,
        margin={"t": margin.t + px},
        legend={"y": 1 + px / plot},
    )


def composition_bars(
    comp: pd.DataFrame,
    names: Mapping[str, str],
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
) -> go.Figure:
    """Counted members of each alliance by kind, one stacked bar per alliance.

    ``comp``: ``analysis.alliances.composition`` (alliance_code, kind, count); ``names``:
    alliance code → name in the page's language, in the order to show.
    """
    if comp.empty:
        return empty_figure(t("alliances.none_named", lang))
    codes = [c for c in names if c in set(comp["alliance_code"])]
    labels = [names[c] for c in codes]
    fig = go.Figure()
    for kind in kind_order(comp["kind"]):
        counts = comp[comp["kind"] == kind].set_index("alliance_code")["count"]
        values = [int(counts.get(c, 0)) for c in codes]
        fig.add_trace(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                name=t(f"alliances.orgkind.{kind}", lang),
                marker_color=KIND_COLOURS.get(kind, MUTED),
                text=[str(v) if v else "" for v in values],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                hovertemplate="%{y}<br>%{fullData.name}: %{x}<extra></extra>",
            )
        )
    totals = comp.groupby("alliance_code")["count"].sum()
    fig.add_trace(
        go.Scatter(
            x=[int(totals[c]) for c in codes],
            y=labels,
            mode="text",
            text=[f" {int(totals[c])}" for c in codes],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
        )
    )
    legend_rows = -(-len(fig.data[:-1]) // 2)  # a phone puts two or three on a row
    apply_fitted_theme(
        fig,
        title=title,
        subtitle=subtitle,
        source_line=source_line,
        note=note,
        legend_rows=legend_rows,
    )
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    _names_above(fig, labels)
    largest = int(totals.max())
    fig.update_xaxes(
        rangemode="tozero",
        range=[0, largest * 1.12 + 0.5],
        tickformat="d",
        fixedrange=True,
    )
    return fig


def growth_chart(
    over_time: pd.DataFrame,
    reported: pd.DataFrame,
    names: Mapping[str, str],
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
) -> go.Figure:
    """Members of each alliance at the end of each year, stacked by kind, one panel per
    alliance; a diamond marks the member count a source reported (40余家), when there is one.

    ``over_time``: ``analysis.alliances.members_over_time``; ``reported``: observations of
    ``alliance_members`` (entity_code, year, value, qualifier).
    """
    if over_time.empty:
        return empty_figure(t("alliances.growth_none", lang))
    codes = [c for c in names if c in set(over_time["alliance_code"])]
    titles = ["<br>".join(_name_lines(names[c])) for c in codes]
    fig = make_subplots(
        rows=len(codes),
        cols=1,
        shared_xaxes=True,
        subplot_titles=titles,
        vertical_spacing=min(0.5 / max(len(codes), 1), 0.14),
    )
    kinds = kind_order(over_time["kind"])
    years = sorted({int(y) for y in over_time["year"]})
    shown: set[str] = set()  # legend entries already made: one per kind for all panels
    for row, code in enumerate(codes, start=1):
        mine = over_time[over_time["alliance_code"] == code]
        for kind in kinds:
            g = mine[mine["kind"] == kind].set_index("year")
            if g.empty:
                continue
            fig.add_trace(
                go.Bar(
                    x=[str(y) for y in g.index],
                    y=g["present"].tolist(),
                    customdata=g["joined"].tolist(),
                    name=t(f"alliances.orgkind.{kind}", lang),
                    legendgroup=kind,
                    showlegend=kind not in shown,
                    marker_color=KIND_COLOURS.get(kind, MUTED),
                    hovertemplate=(
                        f"%{{x}} · %{{fullData.name}}: %{{y}}"
                        f"<br>{t('alliances.joined_that_year', lang)}: %{{customdata}}"
                        "<extra></extra>"
                    ),
                ),
                row=row,
                col=1,
            )
            shown.add(kind)
        totals = mine.groupby("year")["present"].sum()
        fig.add_trace(
            go.Scatter(
                x=[str(y) for y in totals.index],
                y=totals.tolist(),
                mode="text",
                text=[str(int(v)) for v in totals],
                textposition="top center",
                showlegend=False,
                hoverinfo="skip",
                cliponaxis=False,
            ),
            row=row,
            col=1,
        )
        said = reported[reported["entity_code"] == code] if not reported.empty else reported
        top = float(totals.max())
        if not said.empty:
            fig.add_trace(
                go.Scatter(
                    x=[str(int(y)) for y in said["year"]],
                    y=said["value"].astype(float).tolist(),
                    mode="markers+text",
                    marker={"symbol": "diamond", "size": 11, "color": "#222"},
                    text=[
                        chart_label(float(v), q, 1)
                        for v, q in zip(said["value"], said["qualifier"])
                    ],
                    textposition="middle right",
                    name=t("alliances.reported_count", lang),
                    legendgroup="reported",
                    showlegend="reported" not in shown,
                    hovertemplate=(
                        f"%{{x}} · {t('alliances.reported_count', lang)}: %{{text}}<extra></extra>"
                    ),
                    cliponaxis=False,
                ),
                row=row,
                col=1,
            )
            shown.add("reported")
            top = max(top, float(said["value"].max()))
        upper = top * 1.3 + 1
        fig.update_yaxes(
            range=[0, upper],
            tickformat="d",
            dtick=1 if upper <= 6 else None,  # no 0, 1, 1, 2, 2 on a small panel
            row=row,
            col=1,
        )
    entries = len({d.legendgroup for d in fig.data if d.showlegend})
    apply_fitted_theme(
        fig,
        title=title,
        subtitle=subtitle,
        source_line=source_line,
        note=note,
        legend_rows=-(-entries // 2),  # a phone puts two or three entries on a row
    )
    fig.update_layout(
        barmode="stack",
        height=int(PANEL_PX * len(codes) + fig.layout.margin.t + fig.layout.margin.b),
        margin={"l": 44, "r": 16},
    )
    lift_legend(fig, NAME_PX * len(_name_lines(names[codes[0]])) + 6)
    for annotation in fig.layout.annotations[: len(codes)]:  # the panels' names, left aligned
        annotation.update(x=0, xanchor="left", align="left", font={"size": 12})
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[str(y) for y in years])
    fig.update_yaxes(fixedrange=True)
    fig.update_xaxes(fixedrange=True)
    return fig


def host_bars(
    per_region: pd.DataFrame,
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
) -> go.Figure:
    """How many alliances each region hosts (``analysis.alliances.alliances_per_region``)."""
    if per_region.empty:
        return empty_figure(t("common.none", lang))
    labels = [
        (r["region_label_en"] if lang == "en" else r["region_label_zh"])
        or t("alliances.no_host", lang)
        for _, r in per_region.iterrows()
    ]
    counts = [int(c) for c in per_region["count"]]
    fig = go.Figure(
        go.Bar(
            x=counts,
            y=labels,
            orientation="h",
            marker_color=BLUE,
            text=[str(c) for c in counts],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    apply_fitted_theme(fig, title=title, subtitle=subtitle, source_line=source_line, note=note)
    _names_above(fig, labels)
    fig.update_layout(showlegend=False)
    fig.update_xaxes(
        rangemode="tozero",
        range=[0, max(counts) * 1.2 + 0.3],
        tickformat="d",
        dtick=1 if max(counts) <= 10 else None,
        fixedrange=True,
    )
    return fig


def sum_bars(
    sums: pd.DataFrame,
    names: Mapping[str, str],
    indicator: Mapping,
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
) -> go.Figure:
    """Each alliance's sum of its members' figures (``analysis.alliances.member_sums``), in the
    indicator's display unit, labelled with its qualifier (52+) and how many members it counts
    (3/15); an alliance none of whose members has a figure gets no bar, and says so."""
    known = sums[sums["known"] > 0] if not sums.empty else sums
    if known.empty:
        return empty_figure(t("alliances.sum_none_known", lang))
    factor, _ = display_unit(indicator, lang)
    codes = [c for c in names if c in set(sums["alliance_code"])]
    rows = sums.set_index("alliance_code").loc[codes]
    labels = [names[c] for c in codes]
    x = [None if r["known"] == 0 else float(r["total"]) / factor for _, r in rows.iterrows()]
    text = [
        "" if r["known"] == 0 else chart_label(float(r["total"]), r["qualifier"], factor)
        for _, r in rows.iterrows()
    ]
    shown = [
        t(
            "alliances.sum_label",
            lang,
            name=names[c],
            known=int(r["known"]),
            members=int(r["members"]),
        )
        for c, (_, r) in zip(codes, rows.iterrows())
    ]
    fig = labelled_bars(labels, x, text, t("alliances.sum_unknown", lang))
    apply_fitted_theme(fig, title=title, subtitle=subtitle, source_line=source_line, note=note)
    _names_above(fig, labels, shown)
    fig.update_layout(showlegend=False)
    largest = max((v for v in x if v is not None), default=0.0)
    fig.update_xaxes(
        rangemode="tozero",
        range=[0, largest * 1.25 if largest else 1],
        fixedrange=True,
    )
    return fig
