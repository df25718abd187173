"""A card's sparkline: the shape of a figure over the years, nothing else."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.theme import COLORWAY, new_figure


def sparkline(history: pd.DataFrame, color: str = COLORWAY[0]) -> go.Figure:
    """A thin line of ``history`` (year, value) with its last point marked; no axes."""
    fig = new_figure(
        [
            go.Scatter(
                x=history["year"],
                y=history["value"],
                mode="lines",
                line={"color": color, "width": 2},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=history["year"].iloc[-1:],
                y=history["value"].iloc[-1:],
                mode="markers",
                marker={"color": color, "size": 6},
                hoverinfo="skip",
            ),
        ]
    )
    fig.update_layout(
        height=44,
        margin={"l": 2, "r": 6, "t": 4, "b": 4},
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis={"visible": False, "fixedrange": True},
        yaxis={"visible": False, "fixedrange": True},
    )
    return fig
