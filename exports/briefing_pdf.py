"""A briefing pack as one PDF: each page drawn by kaleido (Chromium), joined with pikepdf (qpdf).

Chromium embeds the fonts it used (Noto CJK from fonts-noto-cjk), and keeps the text as text:
a reader can search and copy the titles, sentences and source lines.
"""

from __future__ import annotations

import io

import pikepdf
import plotly.graph_objects as go

from exports.briefing import BriefingPack, Progress
from exports.chrome import render_image
from exports.images import SIZES, dress
from exports.pdftext import fix_document
from figures.theme import FONT_FAMILY, wrap_text
from i18n import t

PAGE = SIZES["slide"]
TEXT_COLUMNS = 110  # a 960 px page at 14 px


def _text_page(lines: list[tuple[str, int, str]]) -> go.Figure:
    """A page of text only: (text, font size, colour) from the top, left aligned."""
    fig = go.Figure()
    y = 0.92
    for text, size, color in lines:
        fig.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=0,
            y=y,
            xanchor="left",
            yanchor="top",
            showarrow=False,
            align="left",
            font={"size": size, "color": color, "family": FONT_FAMILY},
        )
        y -= (size * 1.6 * (text.count("<br>") + 1)) / PAGE.height
    fig.update_layout(
        width=PAGE.width,
        height=PAGE.height,
        xaxis={"visible": False},
        yaxis={"visible": False},
        margin={"l": 60, "r": 60, "t": 40, "b": 40},
        paper_bgcolor="white",
        plot_bgcolor="white",
        font={"family": FONT_FAMILY},
    )
    return fig


def title_page(pack: BriefingPack) -> go.Figure:
    subtitle, *rest = pack.cover
    return _text_page(
        [
            ("", 40, "#000"),
            (f"<b>{pack.title}</b>", 34, "#1f5fa8"),
            (subtitle, 18, "#333"),
            *((line, 14, "#555") for line in rest),
        ]
    )


def sources_page(pack: BriefingPack) -> go.Figure:
    lang = pack.lang
    lines = [(f"<b>{t('briefing.sources_title', lang)}</b>", 26, "#000")]
    for source in pack.sources:
        lines.append(("<br>".join(wrap_text(f"· {source}", TEXT_COLUMNS)), 13, "#333"))
    for note in pack.notes:
        lines.append(("<br>".join(wrap_text(note, TEXT_COLUMNS)), 12, "#555"))
    lines.append((pack.as_of, 12, "#555"))
    lines.append((t("briefing.made_by", lang, bureau=pack.bureau), 12, "#555"))
    return _text_page(lines)


def _pdf(fig: go.Figure) -> bytes:
    return render_image(fig.to_dict(), "pdf", PAGE.width, PAGE.height, 1)


def render_briefing_pdf(pack: BriefingPack, progress: Progress | None = None) -> bytes:
    """Title page, one page per chart (its key-figure sentence under its subtitle), sources."""
    pages = [_pdf(title_page(pack))]
    for i, view in enumerate(pack.views):
        pages.append(_pdf(dress(view.figure, view.meta, PAGE, headline=view.sentence)))
        if progress:
            progress(i + 1, len(pack.views))
    pages.append(_pdf(sources_page(pack)))
    merged = pikepdf.Pdf.new()
    sources = [pikepdf.open(io.BytesIO(page)) for page in pages]
    try:
        for source in sources:
            merged.pages.extend(source.pages)
        merged.docinfo["/Title"] = pack.title
        merged.docinfo["/Author"] = pack.bureau
        fix_document(merged)
        out = io.BytesIO()
        merged.save(out)
    finally:
        for source in sources:
            source.close()
    return out.getvalue()
