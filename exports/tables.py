"""The data behind a chart: XLSX with a header block, CSV in UTF-8 with a BOM.

Both neutralise text that a spreadsheet would run as a formula (= + - @).
"""

from __future__ import annotations

from exports.csv import render_csv
from exports.meta import ChartView
from exports.xlsx import render_xlsx
from i18n import t


def render_chart_xlsx(view: ChartView) -> bytes:
    """Title, unit, period, source, notes, as-of and bureau above the chart's rows."""
    return render_xlsx(view.frame, t("exports.sheet", view.meta.lang), view.meta.header_lines())


def render_chart_csv(view: ChartView) -> bytes:
    """The chart's rows only (one header row), so that the file reads as a table anywhere."""
    return render_csv(view.frame)
