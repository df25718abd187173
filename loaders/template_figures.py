"""The 数值 column of a long sheet, read a batch of rows at a time.

A figure is (value in the canonical unit, qualifier, factor, value as written), exactly what
``quantity_parts(cell text + unit text, unit)`` gives, bit for bit: number cells (floats from
calamine) and text cells (``16万吨``, ``超过400亿元``, ``180余``) alike. Here a whole column is
read at once: the unit cell and the words around each number are read once per distinct text,
and the arithmetic is numpy's on exact integers, whose quotient IEEE division rounds correctly
just as ``int / int`` does. A figure this cannot read exactly (1e-05, 四十余, a number too
long for exact float arithmetic) is left to the caller, which reads its row in full.
"""

from __future__ import annotations

from itertools import repeat
from operator import add, itemgetter
from re import Match

import numpy as np

from loaders.quantities import FIGURE_SPLIT, figure_parts
from loaders.sheet import CellValue

#: How a unit cell reads after any plain decimal: qualifier, factor numerator, factor
#: denominator, factor, the unit cell's text, the indicator's unit.
Reading = tuple[str, int, int, float, str, str]
NO_READING = ("exact", 1, 1, 1.0, "", "")  # reading 0: in place of a unit cell that does not read
# Integers below 2**53 are exact floats, and so are their products while below it.
EXACT = 2.0**53
# A decimal's digits recovered from its float as rint(x * 10**k) are exact below this (the
# float is within half an ulp of the decimal, the product within half an ulp of its own).
DIGITS = 2.0**49
LONGEST_NUMBER = 15  # characters of a number written in text; longer ones are read in full


_FLOAT, _TEXT = 1, 2
_KINDS = {float: _FLOAT, str: _TEXT}  # by the exact type of a cell (a bool is neither)


class Figures:
    """Figures of one batch, aligned with its rows; ``ok`` False: left to the caller."""

    def __init__(self, n: int) -> None:
        self.value = np.zeros(n)
        self.factor = np.zeros(n)
        self.qualifier = np.empty(n, dtype=object)
        self.written = np.empty(n, dtype=object)
        self.ok = np.zeros(n, dtype=bool)

    def keep(self, ok: np.ndarray) -> None:
        """Only the rows where ``ok``."""
        self.value, self.factor = self.value[ok], self.factor[ok]
        self.qualifier, self.written = self.qualifier[ok], self.written[ok]
        self.ok = self.ok[ok]

    def put(
        self,
        rows: np.ndarray,
        value: np.ndarray,
        qualifier: np.ndarray,
        factor: np.ndarray,
        written: np.ndarray,
    ) -> None:
        self.value[rows] = value
        self.qualifier[rows] = qualifier
        self.factor[rows] = factor
        self.written[rows] = written
        self.ok[rows] = True


class _Table:
    """Readings as numpy columns, to be picked by reading number."""

    def __init__(self, readings: list[Reading]) -> None:
        qualifier, num, den, factor, unit_text, unit = zip(*readings, strict=True)
        self.qualifier = np.array(qualifier, dtype=object)
        self.num = np.array(num, dtype=float)
        self.den = np.array(den, dtype=float)
        self.factor = np.array(factor, dtype=float)
        self.unit_text = np.array(unit_text, dtype=object)
        self.unit = np.array(unit, dtype=object)


class FigureReader:
    """Reads the figures of a sheet's batches; remembers what unit cells (``add_reading``)
    and the words around a number in a text cell mean."""

    def __init__(self) -> None:
        self.readings: list[Reading] = [NO_READING]
        self.table = _Table(self.readings)
        self.words: dict[tuple[str, str, str], int] = {}  # (before, after, unit) → number
        self.word_readings: list[tuple[str, float, float, float, bool]] = []

    def add_reading(self, reading: Reading) -> int:
        """Remember a unit cell's reading; returns its number."""
        self.readings.append(reading)
        return len(self.readings) - 1

    def read(self, values: list[CellValue] | tuple[CellValue, ...], numbers: list[int]) -> Figures:
        """The figures of 数值 cells ``values``, each followed by a unit cell read as reading
        ``numbers[i]`` (0: none, the row is left to the caller)."""
        n = len(values)
        figures = Figures(n)
        if len(self.table.num) != len(self.readings):
            self.table = _Table(self.readings)
        reading = np.array(numbers, dtype=np.intp)
        kind = np.fromiter(map(_KINDS.get, map(type, values), repeat(0)), np.int8, n)
        kind[reading == 0] = 0
        floats = np.flatnonzero(kind == _FLOAT)
        texts = np.flatnonzero(kind == _TEXT)
        if len(floats):
            self._numbers(figures, floats, values, reading[floats])
        if len(texts):
            self._texts(figures, texts, values, reading[texts])
        return figures

    def _numbers(
        self, figures: Figures, at: np.ndarray, values: list[CellValue], reading: np.ndarray
    ) -> None:
        """Number cells: their text is ``str(int(x))`` or ``repr(x)``, as ``cell_text`` gives."""
        t = self.table
        x = np.fromiter(map(values.__getitem__, at.tolist()), float, len(at))
        num, den = t.num[reading], t.den[reading]
        finite = np.isfinite(x)
        whole = finite & (x == np.trunc(x))
        # whole numbers: (int(x) * num) / den, int() making -0.0 a 0
        w = np.flatnonzero(whole & (np.abs(x) < EXACT))
        value, exact = _scaled(x[w] + 0.0, np.zeros(len(w), dtype=int), num[w], den[w])
        w, value = w[exact], value[exact]
        text = np.array(list(map(str, x[w].astype(np.int64).tolist())), dtype=object)
        r = reading[w]
        figures.put(at[w], value, t.qualifier[r], t.factor[r], text + t.unit_text[r])
        # decimals: repr(x) has k decimals; the value is x itself when the factor is 1, else
        # (digits * num) / (10**k * den)
        d = np.flatnonzero(finite & ~whole)
        if not len(d):
            return
        xd = x[d]
        texts = list(map(repr, xd.tolist()))
        if "e" in "".join(texts):  # 1e-05: not a plain decimal
            plain = np.array(["e" not in s for s in texts])
            d, xd, texts = d[plain], xd[plain], [s for s in texts if "e" not in s]
        k = (
            np.fromiter(map(len, texts), int, len(texts))
            - np.fromiter(map(str.index, texts, repeat(".")), int, len(texts))
            - 1
        )
        digits = np.rint(xd * 10.0**k)
        num, den = num[d], den[d]
        one = num == den
        value, exact = _scaled(digits, k, num, den)
        exact = np.flatnonzero(one | (exact & (np.abs(digits) < DIGITS) & (digits / 10.0**k == xd)))
        value = np.where(one, xd, value)[exact]
        r = reading[d][exact]
        written = np.array(texts, dtype=object)[exact] + t.unit_text[r]
        figures.put(at[d][exact], value, t.qualifier[r], t.factor[r], written)

    def _texts(
        self, figures: Figures, at_: np.ndarray, values: list[CellValue], reading: np.ndarray
    ) -> None:
        """Text cells: words before, a plain decimal, words after (``FIGURE_SPLIT``), the words
        read once per distinct pair and unit (``figure_parts``)."""
        t = self.table
        at = at_.tolist()
        text = list(map(str.strip, map(values.__getitem__, at)))  # type: ignore[arg-type]
        unit_text = t.unit_text[reading].tolist()
        matches = list(map(FIGURE_SPLIT.fullmatch, map(add, text, unit_text)))
        if None in matches:
            keep = [i for i, m in enumerate(matches) if m is not None]
            at, text, unit_text = _pick(keep, at), _pick(keep, text), _pick(keep, unit_text)
            matches, reading = _pick(keep, matches), reading[keep]
        if not at:
            return
        parts = list(map(Match.groups, matches))
        number = list(map(itemgetter(1), parts))
        keys = list(
            zip(map(itemgetter(0), parts), map(itemgetter(2), parts), t.unit[reading].tolist())
        )
        words = self.words
        for key in set(keys).difference(words):
            words[key] = len(self.word_readings)
            self.word_readings.append(_word_reading(*key))
        found = np.array(list(map(words.__getitem__, keys)), dtype=np.intp)
        qualifier, num, den, factor, ok = (np.array(c) for c in zip(*self.word_readings))
        split = list(map(str.partition, number, repeat(".")))
        decimals = list(map(itemgetter(2), split))
        long = np.fromiter(map(len, number), int, len(at)) > LONGEST_NUMBER
        digits = np.fromiter(
            map(int, map(add, map(itemgetter(0), split), decimals)), float, len(at)
        )  # (a long number becomes an inexact float: its row is left out below)
        k = np.fromiter(map(len, decimals), int, len(at))
        value, exact = _scaled(digits, k, num[found], den[found])
        exact = np.flatnonzero(ok[found] & ~long & exact)
        value = value[exact]
        found = found[exact]
        written = (np.array(text, dtype=object) + np.array(unit_text, dtype=object))[exact]
        qualifier = qualifier.astype(object)
        figures.put(np.array(at)[exact], value, qualifier[found], factor[found], written)


def _scaled(
    digits: np.ndarray, k: np.ndarray, num: np.ndarray, den: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(digits / 10**k) * (num / den) for whole ``digits``, ``num`` and ``den`` given as floats,
    and where it is the float nearest the exact value, as ``int / int`` gives it: the fraction
    is reduced to N / M, and one correctly rounded operation makes the value — D * N when M is
    1, D / M when N is 1, else (D * N) / M while D * N is exact."""
    fits = (np.abs(digits) < EXACT) & (num < EXACT) & (den < EXACT) & (10.0**k * den < 2.0**62)
    numerator = np.where(fits, num, 1).astype(np.int64)
    power = 10 ** np.where(fits, k, 0).astype(np.int64)
    denominator = power * np.where(fits, den, 1).astype(np.int64)
    common = np.gcd(numerator, denominator)
    n, m = (numerator // common).astype(float), (denominator // common).astype(float)
    value = np.where(m == 1, digits * n, np.where(n == 1, digits / m, digits * n / m))
    exact = fits & (m < EXACT) & ((m == 1) | (n == 1) | (np.abs(digits) * n < EXACT))
    return value, exact


def _word_reading(before: str, after: str, unit: str) -> tuple[str, float, float, float, bool]:
    """What ``before + N + after`` makes of a number N: qualifier, factor numerator and
    denominator, factor, and whether it reads at all (in the indicator's own unit)."""
    parts = figure_parts(before, after, unit)
    if parts is None or parts[4] != unit or parts[1] >= EXACT or parts[2] >= EXACT:
        return ("", 1.0, 1.0, 1.0, False)
    qualifier, num, den, factor, _, _ = parts
    return (qualifier, float(num), float(den), factor, True)


def _pick(at: list[int], items: list) -> list:  # type: ignore[type-arg]
    return list(map(items.__getitem__, at))
