"""End-of-life batteries and EV sales by city (Miffyfei) and national storage (DoiEnnoson)."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pandas as pd

from etl.common import Issue, Obs, cell_decimal, round_significant, written
from etl.regions import NATION_CODE, EnglishResolver

EOL_FILE = Path("reference/battery/Miffyfei_EOL_LFP_NCM_battery_by_city.xlsx")
EOL_COLUMNS = ["Year", "Province", "City", "Scenario", "Battery type"]
EOL_WEIGHT, EOL_CAPACITY = "Weight (thousand t)", "Capacity (GWh)"
# The model draws random state-of-health factors: digits beyond these are noise, not precision.
EOL_DIGITS = 6
EOL_SCENARIOS = {"BS", "TP", "ED", "LE"}
# BS is the baseline: the source scripts are "... in BS.py", the other three vary one assumption
# (LE: battery lifetimes ×1.1 from 2024, ED: energy density, TP: technology mix) and BS, ED and
# LE give identical weights up to 2023.
EOL_BASELINE = "BS"
BATTERY_TYPES = ("LFP", "NCM")
PEV_FILE = Path("reference/battery/Miffyfei_2016-2030_PEV_by_city.xlsx")
PEV_COLUMNS = ["City", "Year", "Procince", "PEV_number"]  # sic: "Procince"
# Rows whose PEV_number is a copy of another city's series (its GDP and population columns
# belong to the province in the name: Hainan's directly administered counties and 张家界).
PEV_MISLABELLED = {
    ("Hainan", "Hainan Tibetan Autonomous Prefecture"),
    ("Hunan", "Zhangjiakou City"),
}
FIRST_PROJECTED_YEAR = 2025  # the model is fitted on 2016–2023 sales; EOL in 2025+ uses forecasts
STORAGE_FILE = Path("reference/battery/DoiEnnoson_nea_battery_storage.csv")
STORAGE_COLUMNS = ["period", "period_type", "cumulative_gw", "cumulative_gwh", "source_note"]
KW_PER_GW = Decimal(1_000_000)
T_PER_KT = Decimal(1000)


def _status(year: int) -> str:
    return "projection" if year >= FIRST_PROJECTED_YEAR else "derived"


def _read_sheet(path: Path, columns: list[str]) -> pd.DataFrame:
    frame = pd.read_excel(path, engine="calamine", dtype=object)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: expected columns {missing}, found {list(frame.columns)}")
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, str)).any():
            frame[column] = frame[column].map(lambda v: v.strip() if isinstance(v, str) else v)
    return frame


def _resolve(
    resolver: EnglishResolver, province: str, city: str, file: str, issues: list[Issue]
) -> str | None:
    province_code = resolver.province(province)
    code = resolver.city(province_code, city) if province_code else None
    if code is None:
        issues.append(Issue("unknown-region", file, f"{city} ({province})", "rows skipped"))
    return code


EnglishNames = dict[tuple[str, str], str | None]  # (province, city) as written → region code


def eol_batteries(
    shared: Path, resolver: EnglishResolver, issues: list[Issue]
) -> tuple[list[Obs], EnglishNames]:
    """Baseline end-of-life weight (t) and capacity (GWh), LFP + NCM, by city and year."""
    frame = _read_sheet(shared / EOL_FILE, [*EOL_COLUMNS, EOL_WEIGHT, EOL_CAPACITY])
    scenarios = set(frame["Scenario"])
    if scenarios != EOL_SCENARIOS:
        raise ValueError(f"{EOL_FILE.name}: expected scenarios {EOL_SCENARIOS}, found {scenarios}")
    groups: dict[tuple[str, str, int], dict[str, pd.Series]] = defaultdict(dict)
    for _, row in frame.iterrows():
        if row["Scenario"] == EOL_BASELINE:
            key = (row["Province"], row["City"], int(row["Year"]))
            groups[key][row["Battery type"]] = row
    english: EnglishNames = {}
    out = []
    for (province, city, year), parts in sorted(groups.items()):
        if (province, city) not in english:
            english[(province, city)] = _resolve(resolver, province, city, EOL_FILE.name, issues)
        code = english[(province, city)]
        if code is None:
            continue
        if set(parts) != set(BATTERY_TYPES):
            issues.append(Issue("missing-row", EOL_FILE.name, f"{city} {year}", str(set(parts))))
            continue
        where = f"Year {year}, {province} / {city}, scenario {EOL_BASELINE}, LFP + NCM"
        for column, indicator, factor in (
            (EOL_WEIGHT, "eol_battery_weight", T_PER_KT),
            (EOL_CAPACITY, "eol_battery_capacity", Decimal(1)),
        ):
            cells = [parts[t][column] for t in BATTERY_TYPES]
            total = sum((cell_decimal(c) for c in cells), Decimal(0))
            note = f"scenario {EOL_BASELINE} (baseline), LFP + NCM" + (
                ", thousand t × 1000" if factor != 1 else ""
            )
            out.append(
                Obs(
                    code,
                    indicator,
                    str(year),
                    round_significant(total * factor, EOL_DIGITS),
                    "",  # a sum of two cells: no single cell holds the figure
                    "ref-eol-battery",
                    f"{where}, column {column}",
                    _status(year),
                    f"{note}; rounded to {EOL_DIGITS} significant digits",
                )
            )
    return _dedupe(out, EOL_FILE.name, issues), english


def pev_sales(
    shared: Path, resolver: EnglishResolver, issues: list[Issue]
) -> tuple[list[Obs], EnglishNames]:
    """Plug-in passenger EV sales (vehicles) by city and year, as PEV_number records them."""
    frame = _read_sheet(shared / PEV_FILE, PEV_COLUMNS)
    english: EnglishNames = {}
    out = []
    for _, row in frame.iterrows():
        province, city = row["Procince"], row["City"]
        if (province, city) in PEV_MISLABELLED:
            if (province, city) not in english:
                issues.append(
                    Issue(
                        "mislabelled-row",
                        PEV_FILE.name,
                        f"{city} ({province})",
                        "PEV_number copies another city's series: skipped",
                    )
                )
                english[(province, city)] = None
            continue
        if (province, city) not in english:
            english[(province, city)] = _resolve(resolver, province, city, PEV_FILE.name, issues)
        code = english[(province, city)]
        number = cell_decimal(row["PEV_number"])
        if code is None or number is None:  # PEV_number is empty for 2024–2030
            continue
        year = int(row["Year"])
        out.append(
            Obs(
                code,
                "pev_sales",
                str(year),
                number,
                written(row["PEV_number"]),
                "ref-pev",
                f"Year {year}, {province} / {city}, column PEV_number",
                "reported",
                "yearly plug-in passenger EV sales as recorded in the dataset",
            )
        )
    return _dedupe(out, PEV_FILE.name, issues), english


def storage(shared: Path, issues: list[Issue]) -> list[Obs]:
    """National cumulative grid battery storage: power (kW) and energy (GWh)."""
    path = shared / STORAGE_FILE
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in STORAGE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path.name}: expected columns {missing}, found {list(frame.columns)}")
    out = []
    for row in frame.itertuples(index=False):
        match = re.fullmatch(r"(\d{4})(\d{2})", row.period)
        kind = {"12": "year-end", "06": "H1"}.get(match.group(2)) if match else None
        if kind != row.period_type:
            issues.append(Issue("unknown-period", path.name, f"row {row.period}", row.period_type))
            continue
        period = match.group(1) + ("H1" if kind == "H1" else "")
        status = "derived" if row.source_note.lower().startswith("derived") else "reported"
        for column, indicator, factor in (
            ("cumulative_gw", "storage_installed", KW_PER_GW),
            ("cumulative_gwh", "storage_energy", Decimal(1)),
        ):
            raw = getattr(row, column)
            value = cell_decimal(raw)
            if value is None:
                issues.append(Issue("missing-value", path.name, f"row {row.period}", column))
                continue
            sentence = f"row period {row.period}, column {column}"
            out.append(
                Obs(
                    NATION_CODE,
                    indicator,
                    period,
                    value * factor,
                    raw.strip(),
                    "ref-nea-storage",
                    sentence,
                    status,
                    row.source_note.strip(),
                )
            )
    return out


def _dedupe(rows: list[Obs], file: str, issues: list[Issue]) -> list[Obs]:
    """Keep the first row per (region, indicator, period); two names for one region is an issue."""
    seen: dict[tuple[str, str, str], Obs] = {}
    for obs in rows:
        if obs.key in seen:
            issues.append(Issue("duplicate-row", file, " ".join(obs.key), obs.sentence))
            continue
        seen[obs.key] = obs
    return list(seen.values())
