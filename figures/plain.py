"""Charts as plain dicts: the look of ``figures.theme`` without plotly's object layer.

A ``go.Figure`` validates, copies and walks every property it is given, and Dash turns it back
into a dict to send it; for a view that draws a chart per request that was most of its time.
A dict in plotly's figure schema is what ``dcc.Graph``, ``plotly.io`` (image exports) and
``go.Figure(d)`` all take as it is. ``themed_layout`` is ``figures.theme.apply_theme`` as a
dict: a test holds the two equal, so that both kinds of chart look the same.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pandas as pd
import plotly.io as pio

from figures.theme import COLORWAY, FONT_FAMILY, empty_figure, wrap_text

Figure = dict  # {"data": [trace dicts], "layout": {…}}: plotly's figure schema


@functools.cache
def _template() -> dict:
    """plotly_white as a dict, made once per process and shared by every figure: read it,
    never change it (``go.Figure(d)`` copies it when a caller needs to)."""
    return pio.templates["plotly_white"].to_plotly_json()


def footer_lines(source_line: str, note: str = "") -> list[str]:
    """The lines under a chart: one source a line, then the note, each wrapped for a phone."""
    return [
        part
        for line in [*source_line.split("；"), *([note] if note else [])]
        for part in wrap_text(line)
    ]


def themed_layout(
    *, title: str, subtitle: str, source_line: str, note: str = "", legend_rows: int = 1
) -> dict:
    """What ``apply_theme`` gives a figure's layout; ``legend_rows``: rows of the legend
    above the plot (``apply_theme`` counts three entries a row)."""
    lines = footer_lines(source_line, note)
    return {
        "template": _template(),
        "colorway": COLORWAY,
        "font": {"family": FONT_FAMILY, "size": 13},
        "title": {
            "text": f"<b>{title}</b>",
            "subtitle": {"text": subtitle, "font": {"size": 12, "color": "#555"}},
            "x": 0,
            "xanchor": "left",
            "y": 0.985,
            "yanchor": "top",
        },
        # legend above the plot, source lines below it: they never meet, whatever the width
        "margin": {"l": 60, "r": 20, "t": 90 + 24 * max(legend_rows, 1), "b": 60 + 18 * len(lines)},
        "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "annotations": [
            {
                "text": "<br>".join(lines),
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": 0,
                "yshift": -45,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "font": {"size": 11, "color": "#555"},
            }
        ],
    }


def legend_rows(traces: list[dict]) -> int:
    """Rows of the legend, as ``apply_theme`` counts them (three entries a row)."""
    return -(-sum(1 for trace in traces if trace.get("showlegend") is not False) // 3)


def empty(message: str) -> Figure:
    """A chart that says why it is empty (``figures.theme.empty_figure`` as a dict)."""
    return empty_figure(message).to_dict()


def rows(df: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict]:
    """The rows of a small frame as plain dicts (of ``columns`` only, when given): a column at
    a time, without pandas' work per row."""
    names = list(df.columns if columns is None else columns)
    return [dict(zip(names, values)) for values in zip(*(df[c].tolist() for c in names))]
