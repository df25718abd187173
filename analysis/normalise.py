"""Figures made comparable: per 万人, per km², share of the province or nation, 同比.

Pure functions on the tidy frames ``store.queries`` returns: no I/O. A normalised figure keeps
the qualifier it deserves (180余 per 万人 is still a lower bound), and a figure that cannot be
normalised (no population of any year, no figure of the year before) becomes a gap, never a
guess. When a denominator comes from another year (census population of 2020 for 2023), the
year used is kept beside the figure so that the page can say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: measure → what its denominator is (None: no denominator, or the region's own past)
MEASURES: dict[str, str | None] = {
    "absolute": None,
    "per_capita": "resident_population",
    "per_area": "land_area",
    "share_province": "province",
    "share_nation": "nation",
    "yoy": None,
}
PER_CAPITA_UNIT = 10_000  # people: figures per 万人 (per 10 000 people)
NATION = "100000"
#: region code → {year: (value, qualifier, code of the denominator's region)}
DenominatorIndex = dict[str, dict[int, tuple[float, str, str]]]


class NotComparable(ValueError):
    """The measure makes no sense for this indicator; ``reason`` names why (a catalogue key:
    ``not_additive``, ``itself``, ``percent``, ``unknown``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MeasureUnit:
    """How a normalised figure is shown: divide the value by ``factor``, then ``unit``."""

    factor: float
    unit: str
    percent: bool = False


def check_measure(measure: str, indicator: Mapping) -> None:
    """Raise NotComparable when ``measure`` cannot apply to ``indicator``."""
    if measure not in MEASURES:
        raise NotComparable("unknown")
    if measure.startswith("share_") and not _is_true(indicator.get("additive")):
        raise NotComparable("not_additive")
    if measure in {"per_capita", "per_area"} and indicator.get("code") == MEASURES[measure]:
        raise NotComparable("itself")
    if measure != "absolute" and indicator.get("unit") == "percent":
        raise NotComparable("percent")


def measure_unit(measure: str, factor: float, unit: str, labels: Mapping[str, str]) -> MeasureUnit:
    """The display of a measure, from the indicator's display (``factor``, ``unit``).

    ``labels``: the words of the page's language, ``per_capita`` (e.g. "{unit}/万人"),
    ``per_area`` ("{unit}/平方公里"); shares and 同比 are in percent.
    """
    if measure in {"share_province", "share_nation", "yoy"}:
        return MeasureUnit(1.0, "%", percent=True)
    if measure in {"per_capita", "per_area"}:
        return MeasureUnit(factor, labels[measure].format(unit=unit))
    return MeasureUnit(factor, unit)


def nearest_year(years: list[int], year: int) -> int | None:
    """The year of ``years`` closest to ``year``; the earlier one on a tie; None if empty."""
    if not years:
        return None
    return min(years, key=lambda y: (abs(y - year), y > year))


def normalise(
    df: pd.DataFrame,
    measure: str,
    denominators: pd.DataFrame | DenominatorIndex | None = None,
) -> pd.DataFrame:
    """``df`` (one row per entity_code and year: value, qualifier, …) in ``measure``.

    Adds ``raw_value`` and ``raw_qualifier`` (the figure as stored), ``denominator``,
    ``denominator_year`` and ``denominator_code``; ``value`` becomes the normalised figure,
    NaN where it cannot be had.

    ``denominators``: columns entity_code, year, value, qualifier — for ``per_capita`` and
    ``per_area`` the population or area of the same regions; for the shares the figures of
    the province or nation, with ``for_code`` naming the region each one divides (the
    province of a city); unused for ``absolute`` and ``yoy``. Or the same already indexed
    (``denominator_index``): a ranking reads thousands of them.
    """
    out = df.copy()
    out["raw_value"] = out["value"].astype(float)
    out["raw_qualifier"] = out["qualifier"]
    out["denominator"] = np.nan
    out["denominator_year"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["denominator_code"] = None
    if out.empty or measure == "absolute":
        return out
    if measure == "yoy":
        return _year_on_year(out)
    if isinstance(denominators, dict):
        by_region = denominators
    else:
        by_region = _denominator_index(denominators, measure)
    values, years, codes, quals = [], [], [], []
    for code, year in zip(out["entity_code"], out["year"]):
        found = by_region.get(code)
        picked = nearest_year(sorted(found), int(year)) if found else None
        if picked is None:
            values.append(np.nan)
            years.append(pd.NA)
            codes.append(None)
            quals.append("exact")
            continue
        value, qualifier, denominator_code = found[picked]
        values.append(value)
        years.append(picked)
        codes.append(denominator_code)
        quals.append(qualifier)
    out["denominator"] = np.array(values, dtype=float)
    out["denominator_year"] = pd.array(years, dtype="Int64")
    out["denominator_code"] = codes
    scale = PER_CAPITA_UNIT if measure == "per_capita" else 1.0
    if measure.startswith("share_"):
        scale = 100.0  # a share in percent
    denom = out["denominator"].where(out["denominator"] > 0)
    out["value"] = out["raw_value"] / (denom / scale)
    out["qualifier"] = [
        ratio_qualifier(q, dq) for q, dq in zip(out["qualifier"], quals, strict=True)
    ]
    return out


def ratio_qualifier(numerator: str, denominator: str) -> str:
    """The qualifier of a ratio: a lower bound over an exact figure stays a lower bound;
    anything less certain in the denominator makes the ratio approximate."""
    if denominator == "exact":
        return numerator
    return "approx"


def change_qualifier(this: str, before: str) -> str:
    """A change between two figures is exact only when both are."""
    return "exact" if this == before == "exact" else "approx"


def _year_on_year(out: pd.DataFrame) -> pd.DataFrame:
    """Change on the figure of the year before, in percent; NaN without that figure."""
    before = out[["entity_code", "year", "raw_value", "qualifier"]].copy()
    before["year"] = before["year"] + 1
    before = before.rename(columns={"raw_value": "_before", "qualifier": "_before_q"})
    merged = out.merge(before, on=["entity_code", "year"], how="left")
    previous = merged["_before"].where(merged["_before"] != 0)
    merged["value"] = (merged["raw_value"] / previous - 1.0) * 100.0
    merged["denominator"] = merged["_before"]
    merged["denominator_year"] = pd.array(
        [y - 1 if pd.notna(b) else pd.NA for y, b in zip(merged["year"], merged["_before"])],
        dtype="Int64",
    )
    merged["qualifier"] = [
        change_qualifier(q, b) if isinstance(b, str) else q
        for q, b in zip(merged["qualifier"], merged["_before_q"])
    ]
    return merged.drop(columns=["_before", "_before_q"])


def _denominator_index(denominators: pd.DataFrame | None, measure: str) -> DenominatorIndex:
    """``denominator_index`` of a frame of denominators (see ``normalise``)."""
    if denominators is None or denominators.empty:
        return {}
    key = "for_code" if "for_code" in denominators.columns else "entity_code"
    columns = (key, "entity_code", "year", "value", "qualifier")
    return denominator_index(zip(*(denominators[c].tolist() for c in columns)))


def denominator_index(
    entries: Iterable[tuple[object, object, object, object, object]],
) -> DenominatorIndex:
    """(region divided, denominator's region, year, value, qualifier) tuples → region code →
    {year: (value, qualifier, code of the denominator's region)}; missing values left out."""
    index: DenominatorIndex = {}
    for target, code, year, value, qualifier in entries:
        if value is None or value != value:  # None or NaN
            continue
        index.setdefault(str(target), {})[int(year)] = (float(value), str(qualifier), str(code))
    return index


def substitutions(df: pd.DataFrame) -> list[tuple[int, list[int]]]:
    """(denominator year, [figure years]) wherever a denominator came from another year."""
    if "denominator_year" not in df.columns or df.empty:
        return []
    found: dict[int, set[int]] = {}
    for year, used in zip(df["year"].tolist(), df["denominator_year"].tolist()):
        if used is None or used is pd.NA or used != used or int(used) == int(year):
            continue
        found.setdefault(int(used), set()).add(int(year))
    return [(used, sorted(years)) for used, years in sorted(found.items())]


def gaps(df: pd.DataFrame, label: str = "name") -> list[tuple[str, list[int]]]:
    """(``label`` of a region, [years]) for the years without a figure between a region's first
    and last figure: where its line breaks. Plain loops: a comparison has a few dozen rows."""
    years: dict[object, set[int]] = {}
    labels: dict[object, object] = {}
    columns = (df[c].tolist() for c in ("entity_code", "year", "value", label))
    for code, year, value, name in zip(*columns):
        if value is None or value != value:  # None or NaN: no figure
            continue
        years.setdefault(code, set()).add(int(year))
        labels.setdefault(code, name)
    found = []
    for code, have in years.items():
        holes = [y for y in range(min(have), max(have) + 1) if y not in have]
        if holes:
            found.append((str(labels[code]), holes))
    return found


def year_ranges(years: list[int]) -> list[str]:
    """[2016, 2017, 2018, 2021] → ["2016—2018", "2021"]: runs of consecutive years."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return [f"{r[0]}—{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]


def rank(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` (one row per region: value) with ``rank`` (1 = largest; ties share the best
    rank) and ``of`` (how many regions have a figure); regions without a figure get no rank."""
    out = df.copy()
    has = out["value"].notna()
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out.loc[has, "rank"] = out.loc[has, "value"].rank(method="min", ascending=False).astype(int)
    out["of"] = int(has.sum())
    return out.sort_values(["rank", "entity_code"], na_position="last").reset_index(drop=True)


def _is_true(value: object) -> bool:
    return str(value).strip().lower() in {"true", "1", "yes"}
