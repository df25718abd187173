"""What the columns and rows of a located table mean: regions, indicators, periods, units.

``read_axes`` decides, from the header levels and a sample of the row labels, which column
gives which dimension of a figure, and what the sheet as a whole gives (its own region, period,
indicator and unit, from the options, title or sheet name). Names are resolved through
:class:`Names`, which caches every lookup (a sheet repeats its labels).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from loaders.layout import Column, Layout
from loaders.names import OWN, PLACEHOLDER, REGION, Names, SheetFacts
from loaders.reference import LEVEL_RANK, Reference
from loaders.result import Issue, column_letter
from loaders.sheet import LoadOptions, Sheet
from loaders.text import (
    COMPARISON,
    INDICATOR_HEADER,
    PERCENT_ONLY,
    REGION_HEADER,
    UNIT_HEADER,
    VALUE_HEADER,
    hint_unit,
    period_of,
    split_unit,
    unit_hint,
)
from store.regions import alias_key

NAMES_LISTED = 12  # names a summary issue lists before "…"
LABEL_SAMPLE = 200  # distinct labels of a column looked at to tell what it holds
MIN_SHARE = 0.5  # share of a column's labels that must resolve to call it a region column
UNIT_SHARE = 0.8  # share of labels that must be units to call it a unit column


@dataclass(frozen=True)
class Unit:
    """A unit written in the sheet, as a parse_quantity hint, with where it was written."""

    hint: str
    canonical: str
    factor: Fraction
    row: int | None
    column: str
    cell: str

    @classmethod
    def make(cls, hint: str, row: int | None, column: str, cell: str) -> Unit:
        canonical, factor = hint_unit(hint)
        return cls(hint, canonical, Fraction(factor).limit_denominator(10**9), row, column, cell)


@dataclass
class Meaning:
    """What a value column's header says."""

    col: Column
    indicator: str | None = None
    period: str | None = None
    region: str | None = None
    own: bool = False
    unit: Unit | None = None
    comparison: bool = False
    percent: bool = False
    mapped: bool = False
    bad_mapping: str = ""
    unknown: str = ""


@dataclass
class RowLabels:
    regions: list[Column] = field(default_factory=list)  # coarse → fine
    code: Column | None = None
    indicator: Column | None = None
    unit: Column | None = None
    period: Column | None = None
    categories: list[Column] = field(default_factory=list)
    filters: dict[int, tuple[str, frozenset[str], str]] = field(default_factory=dict)


@dataclass
class Axes:
    columns: list[Meaning]
    rows: RowLabels
    names: Names
    own: str | None
    period: str | None
    indicator: str | None
    unit: Unit | None
    source: str
    rows_selected: bool  # the mapping names some row labels: others are skipped quietly


def read_axes(
    sheet: Sheet, ref: Reference, options: LoadOptions, layout: Layout, issues: list[Issue]
) -> Axes | None:
    """The meaning of every value column and row label; None (with issues) if nothing reads."""
    names = Names(ref, options)
    facts = SheetFacts(sheet, layout, names, options, issues)
    names.own = facts.own_region()
    rows, samples = _row_labels(sheet, layout, names)  # before: it may turn labels to values
    meanings = [_meaning(col, names) for col in layout.columns if col.role == "value"]
    if not meanings:
        found = listing(f"{c.letter} {c.text}" for c in layout.columns)
        issues.append(Issue.make("no-figure-columns", sheet=sheet.name, found=found or "—"))
        return None
    for m in meanings:
        if m.percent and not (m.indicator and ref.indicators[m.indicator]["unit"] == "percent"):
            m.comparison = True
    across = sum(bool(m.region or m.own) for m in meanings)
    if not (rows.regions or rows.code or rows.indicator) and rows.categories:
        first = rows.categories.pop(0)  # unresolved labels: read as the axis the header lacks
        if across > sum(bool(m.indicator) for m in meanings):
            rows.indicator = first
        else:
            rows.regions = [first]
    rows_selected = rows.indicator is not None and any(
        names.mapped(t)[1] for t in samples.get(rows.indicator.index, [])
    )
    axes = Axes([], rows, names, names.own, None, None, _sheet_unit(layout), "", rows_selected)
    axes.source = layout.source or layout.title
    _Checker(sheet, facts, axes, issues).check(meanings, across)
    return axes if axes.columns else None


class _Checker:
    """Keeps the value columns whose figures get a region, an indicator and a period; says
    once why each other column is left out."""

    def __init__(self, sheet: Sheet, facts: SheetFacts, axes: Axes, issues: list[Issue]) -> None:
        self.sheet, self.facts, self.axes, self.issues = sheet, facts, axes, issues
        self.ref = axes.names.ref

    def issue(self, code: str, m: Meaning | None = None, **params: object) -> None:
        where = {"row": m.col.header_row, "column": m.col.letter} if m else {}
        self.issues.append(Issue.make(code, sheet=self.sheet.name, **where, **params))

    def check(self, meanings: list[Meaning], across: int) -> None:
        axes, rows, ref = self.axes, self.axes.rows, self.ref
        by_row = {
            "region": bool(rows.regions or rows.code),
            "indicator": rows.indicator is not None,
            "period": rows.period is not None,
        }
        axis = "region" if (by_row["indicator"] and not by_row["region"]) else "indicator"
        if not by_row["indicator"] and not by_row["region"]:
            axis = "region" if across > sum(bool(m.indicator) for m in meanings) else "indicator"
        headed = any(m.col.levels for m in meanings if not m.comparison)
        comparisons, unknown, missing = [], [], {}
        for m in meanings:
            if m.comparison:
                comparisons.append(m)
                continue
            if m.bad_mapping:  # the mapping names no indicator
                close = ref.close_indicators(m.bad_mapping)
                self.issue("unknown-indicator", m, cell=m.bad_mapping, suggestions=close)
                continue
            needs = {
                "indicator": not m.indicator and not by_row["indicator"],
                "region": not (m.region or m.own) and not by_row["region"],
                "period": not m.period and not by_row["period"],
            }
            if m.unknown and needs[axis]:
                unknown.append(m)
                continue
            if not m.col.levels and headed and any(needs.values()):
                self.issue("blank-header", m)
                continue
            if needs["indicator"] and axes.indicator is None:
                axes.indicator = self.facts.indicator()
            if needs["period"] and axes.period is None and "period" not in missing:
                axes.period, found = self.facts.period()
                if axes.period is None:
                    missing["period"] = found
            given = {"indicator": axes.indicator, "region": axes.own, "period": axes.period}
            lacking = [dim for dim, value in given.items() if needs[dim] and value is None]
            for dim in lacking:
                missing.setdefault(dim, [m.col.text] if m.col.text else [])
            if lacking:
                continue
            if m.own and axes.own is None:
                self.issue("own-region-unknown", m, cell=m.col.text)
                continue
            expected = ref.indicators[m.indicator]["unit"] if m.indicator else None
            if m.unit and expected and expected != m.unit.canonical:
                self.issue(
                    "unit-mismatch", m, cell=m.unit.cell, unit=m.unit.hint, expected=expected
                )
                continue
            axes.columns.append(m)
        self._summaries(comparisons, unknown, any(m.mapped for m in meanings), axis)
        self._missing(missing)

    def _summaries(
        self, comparisons: list[Meaning], unknown: list[Meaning], selected: bool, axis: str
    ) -> None:
        if comparisons:
            names = listing(f"{m.col.letter} {m.col.text}" for m in comparisons)
            self.issue("comparison-skipped", comparisons[0], severity="info", names=names)
        if unknown and selected:  # the mapping chose the columns: the others are not wanted
            names = listing(f"{m.col.letter} {m.col.text}" for m in unknown)
            self.issue(
                "columns-skipped", unknown[0], severity="info", count=len(unknown), names=names
            )
            return
        code = "unknown-region" if axis == "region" else "unknown-indicator"
        close = self.ref.close_regions if axis == "region" else self.ref.close_indicators
        for m in unknown:
            self.issue(code, m, cell=m.unknown, suggestions=close(split_unit(m.unknown)[0]))

    def _missing(self, missing: dict[str, list[str]]) -> None:
        if "indicator" in missing:
            titles = [t for _, _, t in self.facts.layout.titles]
            self.issue("no-indicator", found=listing([*titles, *missing["indicator"]]) or "—")
        if "region" in missing:
            self.issue("no-region")
        if "period" in missing:
            found = "、".join(missing["period"])
            self.issue(
                "ambiguous-period",
                found=f"，标题中有 {found}" if found else "",
                found_en=f"; the title names {found}" if found else "",
            )


def listing(items) -> str:
    """At most NAMES_LISTED items joined with 、, then …"""
    items = [i for i in items if i]
    more = "…" if len(items) > NAMES_LISTED else ""
    return "、".join(items[:NAMES_LISTED]) + more


def _sheet_unit(layout: Layout) -> Unit | None:
    if layout.unit is None:
        return None
    hint, r, c, text = layout.unit
    return Unit.make(hint, r + 1, column_letter(c), text)


def _row_labels(
    sheet: Sheet, layout: Layout, names: Names
) -> tuple[RowLabels, dict[int, list[str]]]:
    rows = RowLabels()
    samples: dict[int, list[str]] = {}
    ranked: list[tuple[float, int, Column]] = []
    for col in layout.columns:
        key = alias_key(col.text)
        if key in names.filters:
            rows.filters[col.index] = names.filters[key]
        if col.role == "label" and key not in names.filters and names.indicator(col.text)[0]:
            col.role = "value"  # words under an indicator's name are figures written badly
        if col.role == "code" and rows.code is None:
            rows.code = col
        elif col.role == "period" and rows.period is None:
            rows.period = col
        elif col.role == "label":
            samples[col.index] = _labels(sheet, layout, col)
            role, fineness = _label_role(samples[col.index], col, names)
            if role == "region":
                ranked.append((fineness, col.index, col))
            elif role == "indicator" and rows.indicator is None:
                rows.indicator = col
            elif role == "unit" and rows.unit is None:
                rows.unit = col
            else:
                rows.categories.append(col)
    rows.regions = [col for _, _, col in sorted(ranked, key=lambda t: (t[0], t[1]))]
    return rows, samples


def _labels(sheet: Sheet, layout: Layout, col: Column) -> list[str]:
    """Up to LABEL_SAMPLE distinct labels of a column, in order."""
    seen: dict[str, None] = {}
    for r in layout.body:
        text = layout.label(sheet, r, col.index)
        if text:
            seen[text] = None
            if len(seen) >= LABEL_SAMPLE:
                break
    return list(seen)


def _label_role(texts: list[str], col: Column, names: Names) -> tuple[str, float]:
    if not texts:
        return "category", 0.0
    head = col.text
    if UNIT_HEADER.match(head) or sum(bool(unit_hint(t)) for t in texts) >= UNIT_SHARE * len(texts):
        return "unit", 0.0
    levels = []
    for t in texts:
        status, code = names.region(t)
        if status == REGION and code:
            levels.append(LEVEL_RANK.get(names.ref.regions[code]["level"], 9))
        elif status in (OWN, PLACEHOLDER):
            levels.append(0)
    region_share = len(levels) / len(texts)
    fineness = sum(levels) / len(levels) if levels else 9.0
    indicator_share = sum(names.indicator(t)[0] is not None for t in texts) / len(texts)
    if region_share >= MIN_SHARE and region_share >= indicator_share:
        return "region", fineness
    if indicator_share >= MIN_SHARE:
        return "indicator", 0.0
    if REGION_HEADER.search(head):
        return "region", fineness
    if INDICATOR_HEADER.search(head):
        return "indicator", 0.0
    return "category", 0.0


def _meaning(col: Column, names: Names) -> Meaning:
    m = Meaning(col)
    for text in (col.text, *(t for _, t in col.levels)):
        code, mapped = names.mapped(text)
        if mapped:  # the mapping wins over anything the header says
            m.indicator, m.mapped = code, True
            m.bad_mapping = "" if code else names.mapping[alias_key(text)]
            break
    for row, text in col.levels:
        if COMPARISON.search(text) and not m.mapped:
            m.comparison = True
            continue
        if VALUE_HEADER.match(text):
            continue
        if PERCENT_ONLY.match(text):
            m.percent = True
            continue
        if p := period_of(text):
            m.period = p
            continue
        base, hint = split_unit(text)
        if hint:
            m.unit = Unit.make(hint, row + 1, col.letter, text)
        if not base or m.mapped:
            continue
        code = names.indicator(base)[0]
        if code:
            m.indicator = code
            continue
        status, region = names.region(base)
        if status == REGION:
            m.region = region
        elif status == OWN:
            m.own = True
        elif status != PLACEHOLDER:
            m.unknown = text
    return m
