"""A briefing pack as PowerPoint (python-pptx): title slide, one slide per chart, sources.

Each chart slide has the chart's title, its key-figure sentence, the chart as a 16:9 picture
(rendered by kaleido, with its own title, source line and as-of date), and the source line and
notes in the speaker notes.
"""

from __future__ import annotations

import io

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from exports.briefing import BriefingPack, Progress
from exports.images import render_figure
from i18n import t

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)  # 16:9
FONT = "Microsoft YaHei"  # what a bureau's Windows PCs have; others fall back to their CJK font
BLUE = RGBColor(0x1F, 0x5F, 0xA8)
GREY = RGBColor(0x55, 0x55, 0x55)
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5


def _font(run, size: int | None = None, bold: bool = False, color: RGBColor | None = None) -> None:  # type: ignore[no-untyped-def]
    """Latin and East Asian typeface both set: python-pptx's ``font.name`` sets Latin only."""
    font = run.font
    font.name = FONT
    if size:
        font.size = Pt(size)
    font.bold = bold
    if color is not None:
        font.color.rgb = color
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        found = rpr.find(qn(tag))
        if found is None:
            found = etree.SubElement(rpr, qn(tag))
        found.set("typeface", FONT)


def _set_text(shape, lines: list[str], size: int, *, bold: bool = False, color=None) -> None:  # type: ignore[no-untyped-def]
    frame = shape.text_frame
    frame.word_wrap = True
    frame.clear()
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        _font(run, size, bold, color)


def _text_box(slide, left, top, width, height, lines: list[str], size: int, **kw) -> object:  # type: ignore[no-untyped-def]
    box = slide.shapes.add_textbox(left, top, width, height)
    _set_text(box, lines, size, **kw)
    return box


def render_pptx(pack: BriefingPack, progress: Progress | None = None) -> bytes:
    """The pack as a .pptx file (bytes)."""
    lang = pack.lang
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    first = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    # every placeholder is placed whole: one given only a left and a width is put at the top
    # of the slide with no height, the title half off the slide under the subtitle
    title, sub = first.shapes.title, first.placeholders[1]
    title.left, title.top = Inches(0.75), Inches(2.0)
    title.width, title.height = SLIDE_W - Inches(1.5), Inches(1.5)
    sub.left, sub.top = Inches(0.75), Inches(3.7)
    sub.width, sub.height = SLIDE_W - Inches(1.5), Inches(2.4)
    _set_text(title, [pack.title], 36, bold=True, color=BLUE)
    _set_text(sub, pack.cover, 18, color=GREY)
    margin = Inches(0.5)
    for i, view in enumerate(pack.views):
        slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
        title = slide.shapes.title
        title.left, title.top = margin, Inches(0.25)
        title.width, title.height = SLIDE_W - 2 * margin, Inches(0.8)
        _set_text(title, [view.meta.title], 26, bold=True)
        if view.sentence:
            _text_box(
                slide,
                margin,
                Inches(1.05),
                SLIDE_W - 2 * margin,
                Inches(0.6),
                [view.sentence],
                18,
                bold=True,
                color=BLUE,
            )
        png = render_figure(view, "png", "slide")
        top = Inches(1.7)
        height = SLIDE_H - top - Inches(0.2)
        width = Emu(int(height * 16 / 9))
        slide.shapes.add_picture(
            io.BytesIO(png), Emu(int((SLIDE_W - width) / 2)), top, width, height
        )
        notes = [view.meta.source, *view.meta.note.split("\n"), view.meta.as_of]
        slide.notes_slide.notes_text_frame.text = "\n".join(n for n in notes if n)
        if progress:
            progress(i + 1, len(pack.views))
    last = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    last.shapes.title.left, last.shapes.title.top = margin, Inches(0.25)
    last.shapes.title.width, last.shapes.title.height = SLIDE_W - 2 * margin, Inches(0.8)
    _set_text(last.shapes.title, [t("briefing.sources_title", lang)], 26, bold=True)
    lines = [f"· {s}" for s in pack.sources]
    lines += ["", *pack.notes, pack.as_of, t("briefing.made_by", lang, bureau=pack.bureau)]
    _text_box(last, margin, Inches(1.2), SLIDE_W - 2 * margin, SLIDE_H - Inches(1.6), lines, 14)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
