"""The look every chart shares: fonts with CJK glyphs, colours, title, source line."""

from __future__ import annotations

import unicodedata

import plotly.graph_objects as go
import plotly.io as pio

FONT_FAMILY = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", '
    '"PingFang SC", sans-serif'
)
FOOTER_WIDTH = 64  # columns of a footer line: what a 390 px phone shows at 11 px
COLORWAY = [
    "#1f5fa8",
    "#d9822b",
    "#2e9e6b",
    "#b3364c",
    "#7a5aa6",
    "#8c6d31",
    "#2b9bbf",
    "#c25c9a",
    "#5c6b73",
    "#a3a32a",
]


def new_figure(data: list | None = None) -> go.Figure:
    """An empty figure that skips plotly's per-property validation while it is built.

    Validation costs four fifths of building a chart (about 10 ms of a comparison view's
    figure); the builders set only properties the tests check by validating every figure they
    make again (``go.Figure(fig.to_dict())``).
    """
    fig = go.Figure(_validate=False)
    for trace in data or []:
        fig.add_trace(trace)
    return fig


def apply_theme(
    fig: go.Figure, *, title: str, subtitle: str, source_line: str, note: str = ""
) -> go.Figure:
    """Title with a subtitle (unit, period), and the source line under the plot."""
    # one source per line, so that a phone-width chart does not cut the line off
    footer_lines = [
        part
        for line in [*source_line.split("；"), *([note] if note else [])]
        for part in wrap_text(line)
    ]
    legend_rows = -(-sum(1 for trace in fig.data if trace.showlegend is not False) // 3)
    fig.update_layout(
        template=pio.templates["plotly_white"],
        colorway=COLORWAY,
        font={"family": FONT_FAMILY, "size": 13},
        title={
            "text": f"<b>{title}</b>",
            "subtitle": {"text": subtitle, "font": {"size": 12, "color": "#555"}},
            "x": 0,
            "xanchor": "left",
            "y": 0.985,
            "yanchor": "top",
        },
        # legend above the plot, source lines below it: they never meet, whatever the width
        margin={
            "l": 60,
            "r": 20,
            "t": 90 + 24 * max(legend_rows, 1),
            "b": 60 + 18 * len(footer_lines),
        },
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        hoverlabel={"font": {"family": FONT_FAMILY}},
    )
    fig.add_annotation(
        text="<br>".join(footer_lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-45,
        showarrow=False,
        xanchor="left",
        yanchor="top",
        align="left",
        font={"size": 11, "color": "#555"},
    )
    return fig


def wrap_text(text: str, width: int = FOOTER_WIDTH) -> list[str]:
    """``text`` cut into lines of about ``width`` columns (a CJK character takes two), at a
    space where there is one: plotly does not wrap annotations, and a phone is narrow."""
    lines: list[str] = []
    line, used, last_space = "", 0, -1
    for ch in text:
        wide = 2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1
        if used + wide > width and line:
            if last_space > 0:
                lines.append(line[:last_space].rstrip())
                line = line[last_space + 1 :]
            else:
                lines.append(line)
                line = ""
            used = sum(2 if unicodedata.east_asian_width(c) in {"W", "F"} else 1 for c in line)
            last_space = -1
        if ch == " ":
            last_space = len(line)
        line += ch
        used += wide
    if line.strip():
        lines.append(line)
    return lines or [""]


def empty_figure(message: str) -> go.Figure:
    """A figure that says why it is empty, instead of a blank plot."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        showarrow=False,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        font={"size": 15, "family": FONT_FAMILY},
    )
    fig.update_layout(
        template="plotly_white",
        xaxis={"visible": False},
        yaxis={"visible": False},
        margin={"l": 20, "r": 20, "t": 20, "b": 20},
    )
    return fig


MUTED = "#6c757d"


def labelled_bars(
    labels: list[str], values: list[float | None], texts: list[str], unknown: str
) -> go.Figure:
    """Horizontal bars, each labelled outside its end; a bar whose value is not known
    (None) is drawn as nothing, with ``unknown`` written where it would start."""
    fig = go.Figure(
        go.Bar(
            x=values,
            y=labels,
            orientation="h",
            marker_color=COLORWAY[0],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    for label, value in zip(labels, values):
        if value is None:
            fig.add_annotation(
                x=0,
                y=label,
                text=unknown,
                showarrow=False,
                xanchor="left",
                font={"color": MUTED, "size": 12},
            )
    return fig
