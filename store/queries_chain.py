"""产业链: the links of the lithium-battery chain, and what the store knows of each, per region.

``CHAIN`` is the one table that says which indicator measures which link. A link is
``measured`` when the store has a figure of one of its ``measures`` (capacity, output: the size
of the link), ``present`` when it has none of those but a figure of one of its ``evidence``
indicators (the link is there, its size is not known), else ``unknown``: the dashboard knows
nothing of that link in that region, which is not the same as the region not having it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from store import queries
from store.models import Observation

ACTUAL = ("reported", "derived")  # projections and targets say nothing of what is there
STATES = ("measured", "present", "unknown")


@dataclass(frozen=True)
class ChainLink:
    key: str
    measures: tuple[str, ...] = ()  # indicators giving the link's size, preferred first
    evidence: tuple[str, ...] = ()  # indicators showing the link is there, without its size


#: The links in chain order, upstream to downstream, with their indicators (data/indicators.csv).
#: 锂资源 and 检测 have no indicator in the catalogue yet, so they show as unknown everywhere.
CHAIN: tuple[ChainLink, ...] = (
    ChainLink("lithium"),
    ChainLink("cathode", ("cathode_capacity",)),
    ChainLink("anode", ("anode_capacity",)),
    ChainLink("electrolyte", ("electrolyte_capacity",)),
    ChainLink("separator", ("separator_capacity",)),
    ChainLink("cell", ("cell_capacity",)),
    ChainLink("testing"),
    ChainLink(
        "application",
        ("nev_output", "storage_installed", "storage_energy", "storage_demo_capacity"),
        ("storage_demo_projects",),
    ),
    ChainLink("recycling", ("recycling_capacity",)),
)
LINK_KEYS = [link.key for link in CHAIN]

FIGURE_COLUMNS = [
    "indicator_code",
    "period",
    "year",
    "value",
    "qualifier",
    "value_as_written",
    "status",
    "source_key",
    "source_title_zh",
    "source_title_en",
]
COLUMNS = ["entity_code", "name_zh", "name_en", "link", "position", "state", *FIGURE_COLUMNS]


def chain_indicator_codes() -> list[str]:
    """Every indicator ``CHAIN`` refers to, each once."""
    return list(dict.fromkeys(c for link in CHAIN for c in (*link.measures, *link.evidence)))


def links_without_indicators() -> list[str]:
    """Links the catalogue cannot measure nor evidence yet: always ``unknown``."""
    return [link.key for link in CHAIN if not link.measures and not link.evidence]


def _latest(figures: pd.DataFrame, codes: tuple[str, ...]) -> pd.Series | None:
    """The latest figure of the first indicator in ``codes`` that has any."""
    for code in codes:
        rows = figures[figures["indicator_code"] == code]
        if not rows.empty:
            return rows.sort_values("sort_key").iloc[-1]
    return None


def chain_frame(obs: pd.DataFrame, region_codes: list[str], names: pd.DataFrame) -> pd.DataFrame:
    """One row per (region, link), regions in the order given and links in chain order.

    ``obs``: observations as ``queries.observations`` returns them (already limited to the
    regions, the years and the revision wanted); only reported or derived figures count.
    ``names``: regions indexed by code with name_zh, name_en. ``state`` is measured, present or
    unknown; the figure columns hold the figure shown for the link (empty when unknown).
    """
    if not obs.empty:
        obs = obs[obs["status"].isin(ACTUAL)]
    rows: list[dict[str, object]] = []
    for code in region_codes:
        mine = obs[obs["entity_code"] == code] if not obs.empty else obs
        name_zh = names.loc[code, "name_zh"] if code in names.index else code
        name_en = names.loc[code, "name_en"] if code in names.index else code
        for position, link in enumerate(CHAIN):
            row: dict[str, object] = dict.fromkeys(FIGURE_COLUMNS)
            row |= {
                "entity_code": code,
                "name_zh": name_zh,
                "name_en": name_en,
                "link": link.key,
                "position": position,
                "state": "unknown",
            }
            for state, codes in (("measured", link.measures), ("present", link.evidence)):
                found = _latest(mine, codes) if not mine.empty else None
                if found is not None:
                    row |= {c: found[c] for c in FIGURE_COLUMNS} | {"state": state}
                    break
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def completeness(frame: pd.DataFrame) -> pd.DataFrame:
    """Per region: links with any figure (measured or present) out of all links.

    Columns entity_code, name_zh, name_en, with_data, measured, total, fraction; regions in the
    order of ``frame``.
    """
    out = []
    for code, g in frame.groupby("entity_code", sort=False):
        with_data = int(g["state"].isin(["measured", "present"]).sum())
        out.append(
            {
                "entity_code": code,
                "name_zh": g["name_zh"].iloc[0],
                "name_en": g["name_en"].iloc[0],
                "with_data": with_data,
                "measured": int((g["state"] == "measured").sum()),
                "total": len(CHAIN),
                "fraction": with_data / len(CHAIN),
            }
        )
    return pd.DataFrame(
        out,
        columns=["entity_code", "name_zh", "name_en", "with_data", "measured", "total", "fraction"],
    )


def chain(
    engine: Engine, region_codes: list[str], year: int | None = None, as_of: int | None = None
) -> pd.DataFrame:
    """``chain_frame`` for regions: each link's latest figure up to ``year`` (all years if None)."""
    obs = queries.observations(
        engine,
        entity_type="region",
        entity_codes=region_codes,
        indicator_codes=chain_indicator_codes(),
        year_to=year,
        as_of=as_of,
    )
    names = queries.regions(engine, region_codes)
    return chain_frame(obs, region_codes, names)


def chain_years(engine: Engine, as_of: int | None = None) -> list[int]:
    """Years with at least one reported or derived figure of a chain indicator, newest first."""
    o = Observation
    stmt = (
        select(o.year)
        .where(
            o.entity_type == "region",
            o.indicator_code.in_(chain_indicator_codes()),
            o.status.in_(ACTUAL),
            queries.live(as_of),
        )
        .distinct()
    )
    with engine.connect() as conn:
        return sorted((int(y) for y in conn.scalars(stmt)), reverse=True)
