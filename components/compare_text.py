"""Words the 地区对比 tabs share: measure names, chart titles, subtitles, source lines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from analysis.normalise import substitutions, year_ranges
from i18n import join_names, pick, t

if TYPE_CHECKING:
    import pandas as pd

    from components.compare_view import CompareData


def measure_name(measure: str, lang: str) -> str:
    return t(f"compare.measures.{measure}", lang)


def chart_title(data: CompareData) -> str:
    """电芯年产能（GWh）: the indicator and the unit of the measure shown."""
    ind = data.indicator
    name = pick(data.lang, ind["name_zh"], ind["name_en"])
    return t("compare.chart_title", data.lang, indicator=name, unit=data.unit.unit)


def subtitle(period: str, data: CompareData) -> str:
    """The period, and the measure when the figures are not shown as they are."""
    if data.measure == "absolute":
        return period
    measure = measure_name(data.measure, data.lang)
    return t("compare.subtitle_measure", data.lang, period=period, measure=measure)


def source_text(pairs: Iterable[tuple[object, object]], lang: str) -> str:
    """数据来源：a；b from (title_zh, title_en) pairs, each source once, in order."""
    sources = list(dict.fromkeys(pick(lang, z, e) for z, e in pairs if isinstance(z, str)))
    return t("common.source_line", lang, sources="；".join(sources))


def years_text(years: list[int], lang: str) -> str:
    """2016—2019、2021 (runs of years)."""
    return join_names(year_ranges(years), lang)


def substitution_notes(df: pd.DataFrame, measure: str, lang: str) -> list[str]:
    """常住人口取2020年数据（用于2021—2023年）: each year whose per-capita or per-area figures
    were divided by another year's denominator (``df``: normalised); none for other measures."""
    if measure not in {"per_capita", "per_area"}:
        return []
    denominator = denominator_name(measure, lang)
    return [
        t(
            "compare.substituted",
            lang,
            denominator=denominator,
            used=used,
            years=years_text(years, lang),
        )
        for used, years in substitutions(df)
    ]


def denominator_name(measure: str, lang: str) -> str:
    """常住人口 / 行政区域面积: what ``per_capita`` / ``per_area`` divide by."""
    key = {"per_capita": "population", "per_area": "area"}[measure]
    return t(f"compare.denominators.{key}", lang)
