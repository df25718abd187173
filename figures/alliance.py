"""Charts of alliances and their members."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.theme import apply_theme, empty_figure
from i18n import t

KIND_ORDER = ["enterprise", "university", "institute", "government", "association", "person"]


def members_by_kind(members: pd.DataFrame, lang: str, *, title: str, source_line: str) -> go.Figure:
    """Named members of one alliance counted by kind (enterprise, university …)."""
    if members.empty:
        return empty_figure(t("alliances.none_named", lang))
    counts = members["kind"].value_counts()
    kinds = [k for k in KIND_ORDER if k in counts.index]
    labels = [t(f"alliances.orgkind.{k}", lang) for k in kinds]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=[int(counts[k]) for k in kinds],
            text=[int(counts[k]) for k in kinds],
            textposition="outside",
            marker_color="#1f5fa8",
            cliponaxis=False,
        )
    )
    apply_theme(fig, title=title, subtitle=t("alliances.count_axis", lang), source_line=source_line)
    fig.update_layout(height=340, margin={"b": 90}, showlegend=False)
    fig.update_yaxes(rangemode="tozero", dtick=1 if counts.max() < 12 else None)
    return fig
