"""The template's other sheets: wide (regions × years), signed projects, alliance members.
Filled in by issue 3."""

from __future__ import annotations

from collections.abc import Callable

from loaders.reference import Reference
from loaders.result import LoadResult
from loaders.sheet import LoadOptions, Sheet

Detector = Callable[[Sheet], bool]
Parser = Callable[[Sheet, Reference, LoadOptions], LoadResult]

#: (detector, parser) pairs tried in order before the government-style parser
SHEET_PARSERS: list[tuple[Detector, Parser]] = []
