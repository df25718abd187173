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
TITLE_WIDTH = 40  # the bold 17-px title
_TOKENS = re.compile(r"\s+|[^\s]")
_LINE_PX = 16  # height of one line of the 11/12-px subtitle and footer texts


def text_width(text: str) -> int:
    """Width in half-width units: 2 for a wide (CJK, full-width) character, else 1."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _words(text: str, split_wide: bool) -> list[str]:
    """Runs of narrow characters stay whole; each wide character is a word of its own."""
    words: list[str] = []
    for token in _TOKENS.findall(text):
        if token.isspace():
            words.append(" ")
        elif split_wide and _wide(token):
            words.append(token)
        elif words and words[-1] != " " and not (split_wide and _wide(words[-1][-1])):
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
    """``apply_theme`` with the title, the subtitle, each source and the note wrapped.

    The footer (sources, note) wraps at ``width``: less than the figure's width when it starts
    right of wide axis labels. Returns the number of footer lines, so that a caller can size
    the figure. The top margin holds the title, the subtitle and ``legend_rows`` of legend.
    """
    title_lines = wrap(title, TITLE_WIDTH)
    sub_lines = [part for piece in subtitle.split("\n") for part in wrap(piece, FOOTER_WIDTH)]
    sources = [part for piece in source_line.split("；") for part in wrap(piece, width)]
    notes = wrap(note, width) if note else []
    apply_theme(
        fig,
        title="<br>".join(title_lines),
        subtitle="<br>".join(sub_lines),
        source_line="；".join(sources),
        note="<br>".join(notes),
    )
    footer = len(sources) + len(notes)
    fig.update_layout(
        margin={
            "t": 26 + 22 * len(title_lines) + _LINE_PX * len(sub_lines) + 26 * legend_rows,
            "b": 60 + _LINE_PX * footer,
        }
    )
    return footer
