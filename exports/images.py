"""Charts as pictures: PNG, SVG and PDF in two sizes, dressed with what a press officer needs.

``dress`` (pure) gives a copy of a page's figure at a fixed size with its title, a subtitle
with unit and period, and a footer of source line, notes, the data's as-of date and the
bureau's name (and logo). The renderers hand it to kaleido (``exports.chrome``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import plotly.graph_objects as go
from PIL import Image

from exports.chrome import render_image
from exports.meta import ChartMeta, ChartView
from exports.pdftext import fix_text_layer
from figures.geometry import names_kept
from figures.theme import FONT_FAMILY, wrap_text
from i18n import t


@dataclass(frozen=True)
class Size:
    """A picture's size: CSS pixels of the layout, and the scale to the pixels of a PNG."""

    key: str
    width: float
    height: float
    scale: float
    dpi: int

    @property
    def pixels(self) -> tuple[int, int]:
        return round(self.width * self.scale), round(self.height * self.scale)


SIZES = {
    # a 16:9 slide: 1920 × 1080 px (13.33 × 7.5 in at 144 dpi); a PDF page of 10 × 5.63 in
    "slide": Size("slide", 960, 540, 2.0, 144),
    # half an A4 page (A5 landscape, 210 × 148.5 mm) at 300 dpi: 2480 × 1754 px
    "print": Size("print", 793.7, 561.3, 300 / 96, 300),
}
DEFAULT_SIZE = "slide"
FOOTER_PX = 11  # font size of the footer lines
LINE_PX = 16
LOGO_PX = 44  # the bureau's logo, in CSS pixels


def is_footer(annotation: go.layout.Annotation) -> bool:
    """The source-line annotation ``figures.theme.apply_theme`` puts under every chart."""
    if annotation.name == "footer":  # one of ours: a figure dressed before
        return True
    return (
        annotation.xref == "paper"
        and annotation.yref == "paper"
        and annotation.x == 0
        and annotation.y == 0
        and annotation.yanchor == "top"
        and (annotation.yshift or 0) < 0
    )


def footer_lines(meta: ChartMeta, columns: int) -> list[str]:
    """Source line (one source a line), notes, then as-of and bureau: wrapped at ``columns``."""
    sources = meta.source.split("；") if meta.source else []
    stamp_parts = [meta.as_of] if meta.as_of else []
    if meta.bureau:
        stamp_parts.append(t("exports.made_by", meta.lang, bureau=meta.bureau))
    stamp = "　".join(stamp_parts)
    lines = []
    for text in (*sources, *meta.note.split("\n"), stamp):
        if text.strip():
            lines += wrap_text(text.strip(), columns)
    return lines


def dress(figure: go.Figure, meta: ChartMeta, size: Size, headline: str = "") -> go.Figure:
    """A copy of ``figure`` at ``size`` with title, subtitle, footer, as-of, bureau and logo.

    ``headline``: a key-figure sentence shown under the subtitle (a briefing's PDF page).
    """
    fig = go.Figure(figure)  # a copy (of a figure or of its dict)
    old = [a for a in fig.layout.annotations if is_footer(a)]
    xshift = old[0].xshift or 0 if old else 0
    fig.layout.annotations = [a for a in fig.layout.annotations if not is_footer(a)]
    margin = fig.layout.margin
    left = margin.l if margin.l is not None else 60
    columns = int((size.width - 30) / (FOOTER_PX / 2))
    lines = footer_lines(meta, columns)
    # under the tick labels, and under the x axis's title when it has one
    axis_title = fig.layout.xaxis.title.text if fig.layout.xaxis else None
    shift = 45 + (24 if axis_title else 0)
    plot = (  # the plotting area's width and height, a line of footer to spare
        size.width - left - (margin.r if margin.r is not None else 20),
        size.height - max(margin.t or 0, 90) - (shift + 15 + LINE_PX * (len(lines) + 1)),
    )
    if leave_out_covering_names(fig, plot):
        note = "\n".join(n for n in (meta.note, t("exports.map_names_left_out", meta.lang)) if n)
        meta = replace(meta, note=note)
        lines = footer_lines(meta, columns)
    fig.add_annotation(
        name="footer",
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-shift,
        xshift=xshift if xshift else -(left - 12),
        showarrow=False,
        xanchor="left",
        yanchor="top",
        align="left",
        font={"size": FOOTER_PX, "color": "#444", "family": FONT_FAMILY},
    )
    top = max(margin.t or 0, 90)
    subtitle = meta.subtitle_line()
    if headline:
        head = wrap_text(headline, int((size.width - 30) / 7.5))
        subtitle += "".join(f"<br><span style='color:#1f5fa8'><b>{h}</b></span>" for h in head)
        top += 22 * len(head)
    fig.update_layout(
        width=size.width,
        height=size.height,
        autosize=False,
        font={"family": FONT_FAMILY},
        title={
            "text": f"<b>{meta.title}</b>",
            "subtitle": {"text": subtitle},
            "x": 0,
            "xanchor": "left",
            "xref": "container",
            "pad": {"l": 12},
        },
        margin={"t": top, "b": shift + 15 + LINE_PX * len(lines), "l": left},
        paper_bgcolor="white",
    )
    if meta.logo:  # in the figure's top right corner, beside the title
        right = fig.layout.margin.r if fig.layout.margin.r is not None else 20
        bottom = fig.layout.margin.b
        plot_w = size.width - left - right
        plot_h = size.height - top - bottom
        fig.add_layout_image(
            source=meta.logo,
            xref="paper",
            yref="paper",
            x=1 + (right - 8) / plot_w,
            y=1 + (top - 8) / plot_h,
            xanchor="right",
            yanchor="top",
            sizex=LOGO_PX / plot_w,
            sizey=LOGO_PX / plot_h,
            layer="above",
        )
    return fig


def leave_out_covering_names(fig: go.Figure, plot: tuple[float, float]) -> bool:
    """The names on a map (a text-only scattergeo) that would cover a name kept already,
    left out: the page hides them in the browser, a picture has no hover to name them.
    ``plot``: the width and height the map is drawn in, in pixels. True when any was."""
    dropped = False
    for trace in fig.data:
        if trace.type != "scattergeo" or trace.mode != "text" or not trace.text:
            continue
        geo = fig.layout[trace.geo or "geo"]
        lon, lat = geo.lonaxis.range, geo.lataxis.range
        if not lon or not lat:
            continue
        names = [str(n) for n in trace.text]
        positions = trace.textposition
        if not isinstance(positions, list | tuple):
            positions = [positions or "top center"] * len(names)
        points = list(zip(trace.lon, trace.lat))
        font = trace.textfont.size or 12
        projection = geo.projection  # the map's own (figures.map.PROJECTION)
        parallels = tuple(projection.parallels or (25, 47))
        centre = projection.rotation.lon if projection.rotation.lon is not None else 105
        kept = names_kept(points, names, list(positions), (lon, lat), plot, font, parallels, centre)
        if not all(kept):
            trace.text = [n if k else "" for n, k in zip(names, kept)]
            dropped = True
    return dropped


def _with_dpi(png: bytes, dpi: int) -> bytes:
    """The PNG with its resolution recorded, so that it prints at the size it was made for."""
    image = Image.open(io.BytesIO(png))
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=False)
    return out.getvalue()


def render_figure(view: ChartView, fmt: str, size_key: str = DEFAULT_SIZE) -> bytes:
    """``view``'s chart, dressed, as ``fmt`` (png, svg or pdf) bytes."""
    size = SIZES.get(size_key) or SIZES[DEFAULT_SIZE]
    fig = dress(view.figure, view.meta, size)
    data = render_image(fig.to_dict(), fmt, size.width, size.height, size.scale)
    if fmt == "pdf":
        return fix_text_layer(data)
    return _with_dpi(data, size.dpi) if fmt == "png" else data
