"""What an exported chart is: its figure, the data behind it, and the words around it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from i18n import t


@dataclass(frozen=True)
class ChartMeta:
    """The words a press officer needs on and beside a chart, in the view's language."""

    title: str
    subtitle: str = ""  # what the page's chart says under its title (period, measure …)
    unit: str = ""
    period: str = ""
    source: str = ""  # 数据来源：… (the whole line)
    note: str = ""  # qualifiers, projections, gaps: what the page's chart notes
    as_of: str = ""  # 数据截至2024-05-01（修订3）
    bureau: str = ""
    logo: str = ""  # the bureau's logo as a data: URI (settings BUREAU_LOGO), or ""
    lang: str = "zh"

    def header_lines(self) -> list[tuple[str, str]]:
        """(label, text) rows for the header block of a table export."""
        rows = [
            (t("exports.header.title", self.lang), self.title),
            (t("exports.header.unit", self.lang), self.unit),
            (t("exports.header.period", self.lang), self.period),
            (t("exports.header.source", self.lang), strip_label(self.source)),
            (t("exports.header.note", self.lang), self.note),
            (t("exports.header.as_of", self.lang), self.as_of),
            (t("exports.header.bureau", self.lang), self.bureau),
        ]
        return [(label, text) for label, text in rows if text]

    def subtitle_line(self) -> str:
        """单位：万吨 · 2016—2024 (unit and period, and whatever else the page's subtitle says)."""
        parts = []
        said = t("exports.header.unit", self.lang)  # the page's subtitle names the unit itself
        if self.unit and said not in self.subtitle:
            parts.append(t("exports.unit_label", self.lang, unit=self.unit))
        if self.period and self.period not in self.subtitle:
            parts.append(t("exports.period_label", self.lang, period=self.period))
        if self.subtitle:
            parts.append(self.subtitle)
        return " · ".join(parts)


@dataclass
class ChartView:
    """One chart of a page as its URL shows it: ``key`` names it within the page."""

    key: str
    figure: go.Figure | None  # None: the view is a table only (总览's headline figures)
    frame: pd.DataFrame  # the data behind the chart, columns in the view's language
    meta: ChartMeta
    sentence: str = ""  # its key figures in one sentence, written from the data

    @property
    def slug(self) -> str:
        """A file name stem: the title without characters a file system dislikes."""
        stem = re.sub(r"[\\/:*?\"<>|\s（）()]+", "_", self.meta.title).strip("_")
        return stem[:60] or self.key


def strip_label(source_line: str) -> str:
    """数据来源：A；B → A；B (the header block has its own label)."""
    for lang in ("zh", "en"):
        prefix = t("common.source_line", lang, sources="")
        if source_line.startswith(prefix):
            return source_line[len(prefix) :]
    return source_line


def plain(text: str) -> str:
    """A plotly title without its markup: <b>…</b> and <br> go."""
    return re.sub(r"<br\s*/?>", " ", re.sub(r"</?b>", "", text or "")).strip()
