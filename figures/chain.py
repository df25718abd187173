"""The battery chain as a heat-table: links down, regions across, each cell what is known."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.format import format_quantity
from figures.text import CHAR_EM, apply_fitted_theme, left_labels, text_width, wrap
from figures.theme import empty_figure
from i18n import colon, pick, t
from store.periods import parse_period

STATE_LEVEL = {"unknown": 0, "present": 1, "measured": 2}
# grey for unknown, pale blue for "there, size unknown", the theme's blue for a known size
COLORSCALE = [[0.0, "#eceff3"], [0.5, "#b9d3ef"], [1.0, "#1f5fa8"]]
MUTED = "#6c757d"
CELL_WIDTH = 10  # half-width units: a cell of a four-region table on a phone
CELL_FONT = 12
MIN_FONT = 8
LINE_PX = 15


def _small(text: str, px: int = 10) -> str:
    return f"<span style='font-size:{px}px'>{text}</span>"


def fitted(values: list[str], cell_px: float) -> tuple[int, int]:
    """(type size, half-width characters a line holds) for cells ``cell_px`` wide that show
    ``values``: the largest type up to 12 px that writes each on one line, down to 8 px and
    wrapped below that. An exported picture has a fixed height: a figure wrapped for a
    phone's narrow cells would spill out of its row there."""
    longest = max((text_width(v) for v in values), default=0) + 2
    font = max(MIN_FONT, min(CELL_FONT, int(cell_px / (longest * CHAR_EM))))
    return font, max(CELL_WIDTH, int(cell_px / (font * CHAR_EM)) - 2)


def cell_value(row: pd.Series, indicators: pd.DataFrame, lang: str) -> str:
    """A cell's figure with unit and qualifier; "" for an unknown or unsized link."""
    if row["state"] != "measured":
        return ""
    ind = indicators.loc[row["indicator_code"]]
    return format_quantity(float(row["value"]), str(row["qualifier"]), ind, lang)


def cell_text(
    row: pd.Series, indicators: pd.DataFrame, lang: str, width: int = CELL_WIDTH, font: int = 12
) -> str:
    """What a cell says: the figure with unit and qualifier (wrapped at ``width`` half-width
    characters), and its period under it, in smaller type (``font``: the cell's)."""
    state = row["state"]
    if state == "unknown":
        return f"<span style='color:{MUTED}'>{t('chain.cell.unknown', lang)}</span>"
    small = font - 2
    period = parse_period(str(row["period"])).label(lang)
    if state == "present":
        unsized = _small(t("chain.cell.size_unknown", lang), small)
        return f"{t('chain.cell.present', lang)}<br>{unsized}"
    lines = wrap(cell_value(row, indicators, lang), width, split_wide=False)
    return "<br>".join([*lines, _small(period, small)])


def cell_hover(row: pd.Series, indicators: pd.DataFrame, lang: str) -> str:
    head = (
        f"<b>{pick(lang, row['name_zh'], row['name_en'])} · "
        f"{t('chain.link.' + row['link'], lang)}</b>"
    )
    if row["state"] == "unknown":
        return f"{head}<br>{t('chain.hover.unknown', lang)}"
    ind = indicators.loc[row["indicator_code"]]
    sep = colon(lang)
    lines = [
        head,
        t(f"chain.state.{row['state']}", lang),
        f"{pick(lang, ind['name_zh'], ind['name_en'])}{sep}"
        f"{format_quantity(float(row['value']), str(row['qualifier']), ind, lang)}",
        f"{t('common.period', lang)}{sep}{parse_period(str(row['period'])).label(lang)}",
    ]
    if row.get("value_as_written"):
        lines.append(f"{t('common.as_written', lang)}{sep}{row['value_as_written']}")
    source = pick(lang, row["source_title_zh"], row["source_title_en"])
    lines.append(f"{t('common.source', lang)}{sep}{source}")
    return "<br>".join(lines)


def chain_heatmap(
    frame: pd.DataFrame,
    indicators: pd.DataFrame,
    lang: str,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
    cell_px: float | None = None,
) -> go.Figure:
    """Links of the chain down the side, regions across; under each region its completeness.

    ``frame``: one row per (region, link) as ``store.queries_chain.chain_frame`` returns it.
    ``indicators``: the catalogue indexed by code (display units). Unknown links are grey and
    say so; nothing is filled in. ``cell_px``: how wide a cell is drawn, when that is known
    (an exported picture): its type is fitted to it (``fitted``).
    """
    if frame.empty:
        return empty_figure(t("common.none", lang))
    links = frame.drop_duplicates("link").sort_values("position")["link"].tolist()
    regions = list(dict.fromkeys(frame["entity_code"]))
    by_key = {(r["link"], r["entity_code"]): r for _, r in frame.iterrows()}
    font, width = CELL_FONT, CELL_WIDTH
    if cell_px:
        values = [cell_value(r, indicators, lang) for r in by_key.values()]
        font, width = fitted(values, cell_px)
    z, text, hover = [], [], []
    for link in links:
        cells = [by_key[(link, code)] for code in regions]
        z.append([STATE_LEVEL[c["state"]] for c in cells])
        text.append([cell_text(c, indicators, lang, width, font) for c in cells])
        hover.append([cell_hover(c, indicators, lang) for c in cells])
    x_labels = []
    for code in regions:
        g = frame[frame["entity_code"] == code]
        known = int((g["state"] != "unknown").sum())
        name = pick(lang, g["name_zh"].iloc[0], g["name_en"].iloc[0])
        x_labels.append(f"{name}<br>{known}/{len(g)}")
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=x_labels,
            y=[t(f"chain.link.{link}", lang) for link in links],
            zmin=0,
            zmax=2,
            colorscale=COLORSCALE,
            showscale=False,
            xgap=3,
            ygap=3,
            text=text,
            texttemplate="%{text}",
            textfont={"size": font},
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    apply_fitted_theme(fig, title=title, subtitle=subtitle, source_line=source_line, note=note)
    left_labels(fig, list(fig.data[0].y))
    lines = max(cell.count("<br>") + 1 for row in text for cell in row)
    row_height = max(44, LINE_PX * lines + 14)
    margin = fig.layout.margin
    fig.update_layout(
        height=row_height * len(links) + margin.t + margin.b,
        margin={"r": 10},
        showlegend=False,
    )
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="", fixedrange=True)
    fig.update_xaxes(
        showgrid=False, side="bottom", ticks="", fixedrange=True, tickangle=0, tickfont_size=11
    )
    return fig
