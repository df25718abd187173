"""Key-figure sentences for a briefing slide, written from the data.

``2024年，枣庄市电芯年产能32GWh，较上年增长28%。`` — the figure as the chart labels it (with 余 or
约 where the source says so), its period, and the change on the year before when both years
are stored. Pure: frames in, a sentence out.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis import headline
from figures.format import format_number, format_quantity
from i18n import pick, t
from store.periods import parse_period


def change_text(percent: float, qualifier: str, lang: str) -> str:
    """较上年增长28% / 较上年下降5% / 与上年持平 (约 before an approximate change)."""
    rounded = round(percent)
    approx = t("qualifier.approx", lang) if qualifier != "exact" and lang == "zh" else ""
    if rounded == 0:
        return t("exports.sentence.flat", lang)
    key = "exports.sentence.up" if rounded > 0 else "exports.sentence.down"
    return t(key, lang, percent=f"{approx}{format_number(abs(rounded))}")


def figure_sentence(history: pd.DataFrame, indicator: Mapping, region_name: str, lang: str) -> str:
    """The latest figure of one indicator of one region, and its change on the year before.

    ``history``: the region's rows of that indicator as ``store.queries.region_history`` gives
    them (oldest period first). Empty when there is no figure.
    """
    code = str(indicator["code"])
    rows = history[history["indicator_code"] == code]
    if rows.empty:
        return ""
    last = rows.sort_values("sort_key", kind="stable").iloc[-1]
    value = format_quantity(float(last["value"]), str(last["qualifier"]), indicator, lang)
    period = parse_period(str(last["period"])).label(lang)
    name = pick(lang, str(indicator["name_zh"]), str(indicator["name_en"]))
    text = t(
        "exports.sentence.figure",
        lang,
        period=period,
        region=region_name,
        indicator=name,
        value=value,
    )
    change = headline.changes(rows).get(code)
    if change is not None and change.year == int(last["year"]) and last["period_kind"] == "year":
        text += t("exports.sentence.joiner", lang) + change_text(
            change.percent, change.qualifier, lang
        )
    return text + t("exports.sentence.end", lang)


def chain_sentence(completeness: pd.DataFrame, lang: str) -> str:
    """枣庄市：产业链9个环节中7个有数据。 for each region of the chain chart."""
    parts = [
        t(
            "exports.sentence.chain",
            lang,
            region=pick(lang, r["name_zh"], r["name_en"]),
            with_data=int(r["with_data"]),
            total=int(r["total"]),
        )
        for _, r in completeness.iterrows()
    ]
    return t("exports.sentence.separator", lang).join(parts) + t("exports.sentence.end", lang)


def top_sentence(frame: pd.DataFrame, lang: str, *, what: str) -> str:
    """The largest figure of a table export: 2024年，山东省新能源发电装机最多，为X万千瓦。"""
    cols = {k: t(f"exports.col.{k}", lang) for k in ("region", "value", "unit", "period")}
    shown = frame.dropna(subset=[cols["value"]])
    if shown.empty:
        return ""
    top = shown.sort_values(cols["value"], ascending=False, kind="stable").iloc[0]
    space = "" if lang == "zh" else " "
    return t(
        "exports.sentence.top",
        lang,
        period=top[cols["period"]],
        region=top[cols["region"]],
        indicator=what,
        value=f"{format_number(top[cols['value']])}{space}{top[cols['unit']]}",
    ) + t("exports.sentence.end", lang)
