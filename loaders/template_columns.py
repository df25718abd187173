"""A long sheet read a batch of rows at a time, column by column: ``_LongReader``'s fast path.

Each column of a batch is looked up at once in the reader's memories of distinct cells (a
workbook repeats its regions, indicators, periods and units thousands of times), the 数值
column is read by ``FigureReader``, and the rows whose cells all read become TidyColumns: the
tidy rows ``_row`` would give, without a dict each. Any other row — a cell that does not
resolve, a figure read the long way, a repeated key — is read by ``_row`` in its place, which
reports its issues, so the rows and issues come in the order of the sheet.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import Any

import numpy as np

from loaders.reference import Reference
from loaders.result import LoadResult, RowPart, TidyColumns
from loaders.sheet import CellValue, Sheet
from loaders.template_figures import FigureReader

BAD = "?"  # a qualifier cell that does not read
RowGetter = Callable[[list[CellValue]], tuple[CellValue, ...]]


class ColumnReading:
    """The batch reading of ``_LongReader``, which provides the memories and ``_learn_*``
    (each remembers a cell that resolves, by the cell as it came) and ``_row``."""

    sheet: Sheet
    ref: Reference
    result: LoadResult
    value_letter: str
    cell_regions: dict[CellValue, tuple[str, str, str]]
    cell_indicators: dict[CellValue, tuple[str, str, str, str, dict[CellValue, int]]]
    cell_periods: dict[CellValue, str]
    cell_qualifiers: dict[CellValue, str]
    cell_sources: dict[CellValue, str]
    region_names: dict[str, tuple[str, str]]
    indicator_names: dict[str, tuple[str, str, str]]
    figures: FigureReader
    seen: dict[tuple[str, str, str], int]
    outbox: list[RowPart]
    # batches handed on before their repeat check (None: no more, the rest goes in order)
    pending: list[tuple[_Run, list[tuple[str, str, str]], TidyColumns]] | None = None
    _get: RowGetter
    _learn_region: Callable[[CellValue], object]
    _learn_indicator: Callable[[CellValue], object]
    _learn_period: Callable[[CellValue], object]
    _learn_qualifier: Callable[[CellValue], object]
    _learn_source: Callable[[CellValue], object]
    _learn_unit: Callable[[CellValue, str, dict[CellValue, int]], int | None]
    _row: Callable[[list[CellValue], int], None]

    def _columns(self, start: int, stop: int, at: list[int], get: RowGetter) -> bool:
        """Read rows ``start:stop``; False when they do not fit in columns (short rows)."""
        rows = self.sheet.cells[start:stop]
        if min(map(len, rows)) <= max(at):
            return False
        n = len(rows)
        if len(rows[0]) > 2 * len(at):  # many other columns: take the seven first
            rows_of_seven: Sequence[Sequence[CellValue]] = list(map(get, rows))
            at = list(range(len(at)))
        else:
            rows_of_seven = rows
        columns = list(zip(*rows_of_seven, strict=True))
        region_col, ind_col, period_col, value_col, unit_col, qual_col, source_col = (
            columns[i] for i in at
        )
        regions = self._mapped(region_col, self.cell_regions, self._learn_region)
        inds = self._mapped(ind_col, self.cell_indicators, self._learn_indicator)
        periods = self._mapped(period_col, self.cell_periods, self._learn_period)
        words = self._mapped(qual_col, self.cell_qualifiers, self._learn_qualifier)
        sources = self._mapped(source_col, self.cell_sources, self._learn_source)
        bad: set[int] = set()
        for found in (regions, inds, periods, words, sources):
            if None in found:
                bad.update(compress(range(n), map(is_, found, repeat(None))))
        if BAD in words:
            bad.update(i for i, w in enumerate(words) if w == BAD)
        good: list[int] | range = range(n)
        if bad:
            good = [i for i in good if i not in bad]
            pick = _picker(good)
            regions, inds, periods = pick(regions), pick(inds), pick(periods)
            words, sources = pick(words), pick(sources)
            value_col, unit_col = pick(value_col), pick(unit_col)
        readings = self._readings(inds, unit_col)
        figures = self.figures.read(value_col, readings)
        ok = figures.ok
        if not ok.all():
            keep = np.flatnonzero(ok).tolist()
            bad.update(good[i] for i in np.flatnonzero(~ok).tolist())
            good = [good[i] for i in keep]
            pick = _picker(keep)
            regions, inds, periods = pick(regions), pick(inds), pick(periods)
            words, sources = pick(words), pick(sources)
            figures.keep(ok)
        codes = list(map(itemgetter(0), regions))
        qualifiers = figures.qualifier.tolist()
        if words.count("") != len(words):  # a 限定 cell's word wins
            qualifiers = [w or q for w, q in zip(words, qualifiers, strict=True)]
        run = _Run(
            codes,
            list(map(itemgetter(0), inds)),
            periods,
            figures.value.tolist(),
            qualifiers,
            figures.written.tolist(),
            sources,
            [start + 1 + i for i in good] if bad else list(range(start + 1, stop + 1)),
            figures.factor.tolist(),
        )
        if not bad and self.pending is not None:
            self._hold(run)
            return True
        self.settle()  # batches held back come first
        self.pending = None
        self._emit(run, sorted(bad), rows, get, start)
        return True

    def _hold(self, run: _Run) -> None:
        """Hand a batch on now, check its repeats in ``settle``."""
        keys = list(zip(run.entity_code, run.indicator_code, run.period))
        part = run.columns(self, 0, len(run.row), keys)
        self.outbox.append(part)
        self.pending.append((run, keys, part))  # type: ignore[union-attr]

    def settle(self) -> None:
        """The repeat check of the batches held back, in order: the result gets their rows,
        and a repeat is read by ``_row`` (which reports it) in its place."""
        held, self.pending = self.pending or [], [] if self.pending is not None else None
        for run, keys, part in held:
            numbers = run.row
            firsts = list(map(self.seen.setdefault, keys, numbers))  # the first row of each key
            if firsts == numbers:
                self.result.add_columns(part)
                continue
            begin = 0
            for i in compress(range(len(numbers)), map(int.__ne__, firsts, numbers)):
                self.result.add_columns(run.columns(self, begin, i, keys[begin:i]))
                self._row(list(self._get(self.sheet.cells[numbers[i] - 1])), numbers[i])
                begin = i + 1
            self.result.add_columns(run.columns(self, begin, len(numbers), keys[begin:]))

    def _mapped(
        self,
        cells: Sequence[CellValue],
        known: dict[CellValue, Any],
        learn: Callable[[CellValue], object],
    ) -> list[Any]:
        """What each cell means (None where it does not resolve), learning new cells."""
        found = list(map(known.get, cells))
        if None in found:
            for cell in set(compress(cells, map(is_, found, repeat(None)))):
                learn(cell)
            found = list(map(known.get, cells))
        return found

    def _readings(self, inds: list[Any], unit_cells: Sequence[CellValue]) -> list[int]:
        """The reading number of each unit cell for its indicator's unit (0: none)."""
        readings = list(map(dict.get, map(itemgetter(4), inds), unit_cells))
        if None in readings:
            for i in compress(range(len(readings)), map(is_, readings, repeat(None))):
                ind, cell = inds[i], unit_cells[i]
                readings[i] = ind[4].get(cell) or self._learn_unit(cell, ind[1], ind[4]) or 0
        return readings  # type: ignore[return-value]

    def _emit(
        self, run: _Run, bad: list[int], rows: list[list[CellValue]], get: RowGetter, start: int
    ) -> None:
        """The rows read, in order: runs of columns, and each bad row read by ``_row``."""
        at = 0
        for b in bad:
            number = start + 1 + b
            end = bisect_left(run.row, number, at)
            self._add_columns(run, at, end, get)
            self._row(list(get(rows[b])), number)
            at = end
        self._add_columns(run, at, len(run.row), get)

    def _add_columns(self, run: _Run, at: int, end: int, get: RowGetter) -> None:
        """Rows ``at:end`` of ``run``; one whose key came before is read by ``_row`` instead
        (which reports the repeat), in its place."""
        if at >= end:
            return
        keys = list(zip(run.entity_code[at:end], run.indicator_code[at:end], run.period[at:end]))
        numbers = run.row[at:end]
        firsts = list(map(self.seen.setdefault, keys, numbers))  # the first row of each key
        if firsts == numbers:
            self._add_part(run.columns(self, at, end, keys))
            return
        begin = at
        for i in compress(range(at, end), map(int.__ne__, firsts, numbers)):
            self._add_part(run.columns(self, begin, i, keys[begin - at : i - at]))
            self._row(list(get(self.sheet.cells[run.row[i] - 1])), run.row[i])
            begin = i + 1
        self._add_part(run.columns(self, begin, end, keys[begin - at :]))

    def _add_part(self, part: TidyColumns) -> None:
        if len(part):
            self.result.add_columns(part)
            self.outbox.append(part)


def _picker(indices: list[int]) -> Callable[[Sequence[Any]], list[Any]]:
    """A function that picks the items at ``indices`` of a sequence."""
    return lambda items: list(map(items.__getitem__, indices))


@dataclass
class _Run:
    """The rows of a batch that read fast, as columns; ``row``: their spreadsheet rows."""

    entity_code: list[str]
    indicator_code: list[str]
    period: list[str]
    value: list[float]
    qualifier: list[str]
    value_as_written: list[str]
    source: list[str]
    row: list[int]
    factor: list[float]

    def columns(
        self, reader: ColumnReading, at: int, stop: int, keys: list[tuple[str, str, str]]
    ) -> TidyColumns:
        whole = at == 0 and stop == len(self.row)
        cols = (
            self.entity_code, self.indicator_code, self.period, self.value, self.qualifier,
            self.value_as_written, self.source, self.row, self.factor,
        )  # fmt: skip
        return TidyColumns(
            reader.sheet.name,
            reader.value_letter,
            *(c if whole else c[at:stop] for c in cols),
            regions=reader.region_names,
            indicators=reader.indicator_names,
            keys=keys,
        )
