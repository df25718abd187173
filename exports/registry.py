"""The registry of pure renderers: one per format, each ``(subject, **options) -> bytes``.

Chart formats take a ``ChartView`` (png, svg, pdf also a ``size``: slide or print); data formats
take a ``ChartView``; briefing formats take a ``BriefingPack``. Callers (the download route,
the command line, the briefing job) look a format up here and never call a renderer by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from exports import briefing_pdf, images, slides, tables


@dataclass(frozen=True)
class Renderer:
    format: str
    kind: str  # chart | data | briefing
    media_type: str
    extension: str
    render: Callable[..., bytes]


RENDERERS: dict[str, Renderer] = {
    r.format: r
    for r in (
        Renderer("png", "chart", "image/png", "png", partial(images.render_figure, fmt="png")),
        Renderer("svg", "chart", "image/svg+xml", "svg", partial(images.render_figure, fmt="svg")),
        Renderer(
            "pdf", "chart", "application/pdf", "pdf", partial(images.render_figure, fmt="pdf")
        ),
        Renderer(
            "xlsx",
            "data",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            tables.render_chart_xlsx,
        ),
        Renderer("csv", "data", "text/csv; charset=utf-8", "csv", tables.render_chart_csv),
        Renderer(
            "pptx",
            "briefing",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "pptx",
            slides.render_pptx,
        ),
        Renderer(
            "briefing-pdf", "briefing", "application/pdf", "pdf", briefing_pdf.render_briefing_pdf
        ),
    )
}
CHART_FORMATS = tuple(f for f, r in RENDERERS.items() if r.kind in {"chart", "data"})


def renderer(fmt: str) -> Renderer:
    """The renderer of ``fmt``; KeyError for a format nobody registered."""
    return RENDERERS[fmt]
