"""What a headline card adds to its figure: the change on a year earlier, and its history.

Pure functions on the frame ``store.queries.region_history`` returns (a region's reported
figures of every indicator and period).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.normalise import change_qualifier


@dataclass(frozen=True)
class Change:
    """The latest figure against the figure of the year before, in percent."""

    percent: float
    qualifier: str
    year: int
    previous_year: int


def yearly(df: pd.DataFrame) -> pd.DataFrame:
    """One figure per indicator and year: the latest period within the year."""
    if df.empty:
        return df
    df = df.sort_values("sort_key", kind="stable")
    return (
        df.groupby(["indicator_code", "year"], sort=False)
        .tail(1)
        .sort_values(["indicator_code", "year"])
    )


def changes(df: pd.DataFrame) -> dict[str, Change]:
    """indicator code → change of its latest year on the year before (both must exist).

    Only year figures are compared (a 2024-08 figure against 2023 would not be a 同比).
    """
    found: dict[str, Change] = {}
    years = yearly(df[df["period_kind"] == "year"]) if not df.empty else df
    for code, g in years.groupby("indicator_code", sort=False) if not years.empty else []:
        last, before = g.iloc[-1], g[g["year"] == g["year"].iloc[-1] - 1]
        if before.empty or not before["value"].iloc[0]:
            continue
        prev = before.iloc[0]
        found[str(code)] = Change(
            percent=(float(last["value"]) / float(prev["value"]) - 1.0) * 100.0,
            qualifier=change_qualifier(str(last["qualifier"]), str(prev["qualifier"])),
            year=int(last["year"]),
            previous_year=int(prev["year"]),
        )
    return found


def history(df: pd.DataFrame, minimum: int = 3) -> dict[str, pd.DataFrame]:
    """indicator code → its yearly figures (year, value), for those with ``minimum`` years."""
    years = yearly(df)
    if years.empty:
        return {}
    return {
        str(code): g[["year", "value"]].reset_index(drop=True)
        for code, g in years.groupby("indicator_code", sort=False)
        if len(g) >= minimum
    }
