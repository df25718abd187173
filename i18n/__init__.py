"""One catalogue for every string a user reads, in Simplified Chinese and English."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
_FOLDER = Path(__file__).parent  # catalogue.toml (the interface) and issues_*.toml (loaders)


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Flattened catalogue: ``{"nav.overview": {"zh": "总览", "en": "Overview"}}``."""
    flat: dict[str, dict[str, str]] = {}

    def walk(node: dict, prefix: str) -> None:
        if set(node) <= set(LANGS) and all(isinstance(v, str) for v in node.values()):
            flat[prefix] = node
            return
        for key, value in node.items():
            walk(value, f"{prefix}.{key}" if prefix else key)

    for path in sorted(_FOLDER.glob("*.toml")):
        with path.open("rb") as fh:
            before = len(flat)
            raw = tomllib.load(fh)
            keys = _count_leaves(raw)
            walk(raw, "")
            if len(flat) - before != keys:
                raise ValueError(f"{path.name} repeats a key of another catalogue file")
    return flat


def _count_leaves(node: dict) -> int:
    if set(node) <= set(LANGS) and all(isinstance(v, str) for v in node.values()):
        return 1
    return sum(_count_leaves(v) for v in node.values())


def norm_lang(lang: str | None) -> str:
    """``en`` or ``zh``; anything else falls back to Chinese."""
    return "en" if (lang or "").lower().startswith("en") else DEFAULT_LANG


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    entry = catalogue().get(key)
    if entry is None:
        raise KeyError(f"no catalogue entry {key!r}")
    text = entry[norm_lang(lang)]
    return text.format(**params) if params else text


def colon(lang: str | None = None) -> str:
    """The colon after a label: 来源： in Chinese, "Source: " in English."""
    return ": " if norm_lang(lang) == "en" else "："


def join_names(names: Iterable[str], lang: str | None = None) -> str:
    """A list of names as the language writes it: 枣庄市、武汉市 / Zaozhuang, Wuhan."""
    return (", " if norm_lang(lang) == "en" else "、").join(names)


def pick(lang: str | None, zh: str, en: str) -> str:
    """Choose between two data fields (``name_zh`` / ``name_en``), falling back to Chinese."""
    return en if norm_lang(lang) == "en" and en else zh
