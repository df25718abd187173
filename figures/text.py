"""Chart texts that fit a phone: wrapped subtitles, source lines and cell labels.

Plotly never wraps text, so a long source title runs off a 390-pixel-wide chart. These helpers
break lines at a width counted in half-width units (a Chinese character counts two), then lay
the theme (``figures.theme.apply_theme``) over the wrapped texts with room for every line.
"""

from __future__ import annotations

import re
import unicodedata

import plotly.graph_objects as go

from figures.theme import apply_theme

#: about 390 px of 11-px text: what fits under a chart on a phone
FOOTER_WIDTH = 56
CHAR_EM = 0.55  # a half-width character's width, in ems of its type, about
_TOKENS = re.compile(r"\s+|[^\s]")
_LINE_PX = 16  # height of one line of the 11/12-px subtitle and footer texts


def _wide(char: str) -> bool:
    # ambiguous ones too: “ ” ／ are as wide as a Chinese character in a CJK font
    return unicodedata.east_asian_width(char) in ("W", "F", "A")


def _breakable(char: str) -> bool:
    """A line may break before or after a Chinese character (not a quote mark)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def text_width(text: str) -> int:
    """Width in half-width units: 2 for a wide (CJK, full-width) character, else 1."""
    return sum(2 if _wide(c) else 1 for c in text)


def _words(text: str, split_wide: bool) -> list[str]:
    """Runs of narrow characters stay whole; each wide character is a word of its own."""
    words: list[str] = []
    for token in _TOKENS.findall(text):
        if token.isspace():
            words.append(" ")
        elif split_wide and _breakable(token):
            words.append(token)
        elif words and words[-1] != " " and not (split_wide and _breakable(words[-1][-1])):
            words[-1] += token
        else:
            words.append(token)
    return words


def wrap(text: str, width: int, *, split_wide: bool = True) -> list[str]:
    """Greedy line breaking at spaces and between wide characters; a longer word stays whole.

    ``split_wide=False`` keeps Chinese runs whole too (``21亿平方米`` is one word).
    """
    lines: list[str] = []
    line = ""
    for word in _words(text, split_wide):
        if word == " ":
            if line:
                line += " "
            continue
        if line and text_width(line.rstrip() + word) > width:
            lines.append(line.rstrip())
            line = word
        else:
            line += word
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def pack(text: str, width: int) -> list[str]:
    """Lines of ``text`` broken at its ``；`` / ``; `` first, then wrapped where still too long:
    ``单位：个；2024年8月25日；预测`` never splits 预测 when a break at a semicolon would do."""
    parts = [p for p in re.split(r"(?<=[；;])\s*", text) if p]
    lines: list[str] = []
    for part in parts:
        joined = f"{lines[-1]} {part}" if lines and lines[-1].endswith(";") else None
        if lines and text_width(joined or lines[-1] + part) <= width:
            lines[-1] = joined or lines[-1] + part
        else:
            lines.extend(wrap(part, width))
    return lines or [""]


def apply_fitted_theme(
    fig: go.Figure,
    *,
    title: str,
    subtitle: str,
    source_line: str,
    note: str = "",
    width: int = FOOTER_WIDTH,
    legend_rows: int = 0,
) -> int:
    """``apply_theme`` with the subtitle, each source and the note wrapped.

    The footer (sources, then the note) wraps at ``width``: less than the figure's width when
    it starts right of wide axis labels. Returns the number of footer lines, so that a caller
    can size the figure. The top margin holds the one-line title (keep titles short: plotly
    draws a second title line above the figure), the subtitle and ``legend_rows`` of legend.
    """
    sub_lines = [part for piece in subtitle.split("\n") for part in pack(piece, FOOTER_WIDTH)]
    sources = [part for piece in source_line.split("；") for part in wrap(piece, width)]
    notes = wrap(note, width) if note else []
    # every line as a source line of its own: the theme puts each on a line (and would wrap
    # again at its own, wider, width only a line longer than that)
    apply_theme(
        fig, title=title, subtitle="<br>".join(sub_lines), source_line="；".join(sources + notes)
    )
    footer = fig.layout.annotations[-1].text.count("<br>") + 1
    fig.update_layout(
        margin={
            "t": 48 + _LINE_PX * len(sub_lines) + 26 * legend_rows,
            "b": 60 + _LINE_PX * footer,
        }
    )
    return footer


def left_labels(fig: go.Figure, labels: list[str], font_px: float = 13) -> None:
    """Room on the left for category labels, and the footer moved out to the figure's edge.

    Plotly puts a paper-anchored footer at the plot's left, right of long labels such as
    "Sodium-ion batteries", where a phone has no room left for it; the margin is set from the
    labels' width and the footer shifted back under them.
    """
    widest = max(
        (max(text_width(part) for part in str(label).split("<br>")) for label in labels), default=0
    )
    left = int(widest * font_px / 2) + 14
    fig.update_layout(margin={"l": left})
    fig.update_yaxes(automargin=False)
    fig.layout.annotations[-1].xshift = -(left - 8)
