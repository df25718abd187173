"""招商项目: signed projects one by one, and the totals events announced for them.

Two kinds of figure, never mixed: ``projects`` are the single projects the store holds
(uploaded on the template's 签约项目 sheet); ``event_totals`` are what an event announced
(24 projects, over CNY 40 bn, 2 of CNY 5 bn or more …), observations of the event.

Totals keep their qualifier (DESIGN.md): a sum with an ``at_least`` term is ``at_least``; so is
a sum that leaves out projects whose investment is not known (it is a lower bound).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from loaders.template_vocab import SECTORS, SECTORS_EN, STAGES, STAGES_EN
from store import queries
from store.models import Event, Region, SignedProject, Source
from store.regions import descendant_prefix

#: size classes by investment, largest first; the bounds are CNY, the lower bound included
SIZE_BOUNDS = ((5e9, "over_5b"), (3e9, "3b_5b"), (1e9, "1b_3b"), (0.0, "under_1b"))
SIZE_CLASSES = ("over_5b", "3b_5b", "1b_3b", "under_1b", "unknown")
#: the event indicators of data/indicators.csv that count projects of one size class
REPORTED_CLASSES = {
    "signed_projects_over_5b": "over_5b",
    "signed_projects_3b_5b": "3b_5b",
    "signed_projects_1b_3b": "1b_3b",
}
EVENT_INDICATORS = ["signed_projects", "signed_investment", *REPORTED_CLASSES]
UNSTATED = "unstated"  # projects of an event that its announcement puts in no size class
GROUPINGS = ("size", "sector", "region")

_SECTOR_ZH = {code: zh for zh, code in SECTORS.items()}
_STAGE_ZH = {code: zh for zh, code in STAGES.items()}

PROJECT_COLUMNS = [
    "id",
    "name_zh",
    "name_en",
    "region_code",
    "region_name_zh",
    "region_name_en",
    "event_code",
    "event_name_zh",
    "event_name_en",
    "signed_on",
    "investment",
    "qualifier",
    "sector",
    "sector_zh",
    "sector_en",
    "stage",
    "stage_zh",
    "stage_en",
    "source_title_zh",
    "source_title_en",
    "size_class",
]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def size_class(investment: float | None) -> str:
    """``over_5b`` (≥50亿), ``3b_5b`` (30–50亿), ``1b_3b`` (10–30亿), ``under_1b`` (<10亿), or
    ``unknown``. A bound belongs to the class above it: exactly 10亿 is 10–30亿."""
    if _missing(investment):
        return "unknown"
    for bound, name in SIZE_BOUNDS:
        if float(investment) >= bound:  # type: ignore[arg-type]
            return name
    return "under_1b"  # a negative amount: not expected, kept visible in the smallest class


def sum_with_qualifier(
    values: Iterable[float | None], qualifiers: Iterable[str]
) -> tuple[float | None, str]:
    """(sum, qualifier) of investments. ``at_least`` when a term is at least or unknown (the
    sum of the known ones is then a lower bound), else ``approx`` when a term is approximate,
    else ``exact``. ``(None, "exact")`` when no term is known."""
    total, known, qualifier = 0.0, 0, "exact"
    for value, q in zip(values, qualifiers):
        if _missing(value):
            qualifier = "at_least"
            continue
        total += float(value)  # type: ignore[arg-type]
        known += 1
        if q == "at_least":
            qualifier = "at_least"
        elif q == "approx" and qualifier == "exact":
            qualifier = "approx"
    return (total, qualifier) if known else (None, "exact")


def live_projects(as_of: int | None = None) -> ColumnElement[bool]:
    """Projects visible now, or as they stood at revision ``as_of``."""
    return queries.visible(SignedProject, as_of)


def projects(engine: Engine, as_of: int | None = None) -> pd.DataFrame:
    """Every live signed project with its region, event, source, labels and size class."""
    sp = SignedProject
    ev = aliased(Event)
    stmt = (
        select(
            sp.id,
            sp.name_zh,
            sp.name_en,
            sp.region_code,
            Region.name_zh.label("region_name_zh"),
            Region.name_en.label("region_name_en"),
            sp.event_code,
            ev.name_zh.label("event_name_zh"),
            ev.name_en.label("event_name_en"),
            sp.signed_on,
            sp.investment,
            sp.qualifier,
            sp.sector,
            sp.stage,
            Source.title_zh.label("source_title_zh"),
            Source.title_en.label("source_title_en"),
        )
        .join(Region, Region.code == sp.region_code, isouter=True)
        .join(ev, ev.code == sp.event_code, isouter=True)
        .join(Source, Source.id == sp.source_id, isouter=True)
        .where(live_projects(as_of))
        .order_by(sp.signed_on.is_(None), sp.signed_on.desc(), sp.id)
    )
    with engine.connect() as conn:
        df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=PROJECT_COLUMNS)
    df["investment"] = df["investment"].astype(float)
    df["sector_zh"] = [_SECTOR_ZH.get(s, s) for s in df["sector"]]
    df["sector_en"] = [SECTORS_EN.get(s, s) for s in df["sector"]]
    df["stage_zh"] = [_STAGE_ZH.get(s, s) for s in df["stage"]]
    df["stage_en"] = [STAGES_EN.get(s, s) for s in df["stage"]]
    df["size_class"] = [size_class(v) for v in df["investment"]]
    for column in ("source_title_zh", "source_title_en", "event_name_zh", "event_name_en"):
        df[column] = df[column].fillna("")
    return df[PROJECT_COLUMNS]


def filter_projects(
    df: pd.DataFrame,
    *,
    event: str | None = None,
    region: str | None = None,
    sector: str | None = None,
    size: str | None = None,
) -> pd.DataFrame:
    """The projects of an event, inside a region (its counties included), of a sector and of a
    size class; a filter left empty keeps everything."""
    keep = pd.Series(True, index=df.index)
    if event:
        keep &= df["event_code"] == event
    if region:
        prefix = descendant_prefix(region)
        keep &= df["region_code"].fillna("").str.startswith(prefix) & df["region_code"].notna()
    if sector:
        keep &= df["sector"] == sector
    if size:
        keep &= df["size_class"] == size
    return df[keep]


def summarise(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """Count and investment per size class, sector or region, with the total's qualifier.

    Columns: key, label_zh, label_en, count, investment (None when no project of the group has
    a known investment), qualifier, unknown (projects whose investment is not known). Size
    classes keep their order (empty ones included); sectors and regions go by count.
    """
    columns = ["key", "label_zh", "label_en", "count", "investment", "qualifier", "unknown"]
    if by == "size":
        keys, zh, en = "size_class", "size_class", "size_class"
    elif by == "sector":
        keys, zh, en = "sector", "sector_zh", "sector_en"
    elif by == "region":
        keys, zh, en = "region_code", "region_name_zh", "region_name_en"
    else:
        raise ValueError(f"unknown grouping {by!r}")
    rows = []
    for key, g in df.groupby(df[keys].fillna(""), sort=False):
        total, qualifier = sum_with_qualifier(g["investment"], g["qualifier"])
        rows.append(
            {
                "key": key,
                "label_zh": g[zh].fillna("").iloc[0],
                "label_en": g[en].fillna("").iloc[0],
                "count": len(g),
                "investment": total,
                "qualifier": qualifier,
                "unknown": int(g["investment"].isna().sum()),
            }
        )
    out = pd.DataFrame(rows, columns=columns)
    if by == "size":
        present = set(out["key"])
        empty = [
            {"key": c, "label_zh": c, "label_en": c, "count": 0, "investment": None}
            | {"qualifier": "exact", "unknown": 0}
            for c in SIZE_CLASSES
            if c not in present and c != "unknown"
        ]
        out = pd.concat([out, pd.DataFrame(empty, columns=columns)], ignore_index=True)
        order = {c: i for i, c in enumerate(SIZE_CLASSES)}
        return out.sort_values("key", key=lambda s: s.map(order)).reset_index(drop=True)
    return out.sort_values(["count", "key"], ascending=[False, True]).reset_index(drop=True)


def event_totals(engine: Engine, as_of: int | None = None) -> pd.DataFrame:
    """What events announced about their signed projects: one row per (event, indicator).

    Columns: event_code, event_name_zh, event_name_en, event_date, region_code, indicator_code,
    period, value, qualifier, status, value_as_written, source_key, source_title_zh/en.
    """
    obs = queries.observations(
        engine, entity_type="event", indicator_codes=EVENT_INDICATORS, as_of=as_of
    )
    columns = [
        "event_code",
        "event_name_zh",
        "event_name_en",
        "event_date",
        "region_code",
        "indicator_code",
        "period",
        "value",
        "qualifier",
        "status",
        "value_as_written",
        "source_key",
        "source_title_zh",
        "source_title_en",
    ]
    if obs.empty:
        return pd.DataFrame(columns=columns)
    events = queries.events(engine).rename(
        columns={
            "code": "event_code",
            "name_zh": "event_name_zh",
            "name_en": "event_name_en",
            "date": "event_date",
        }
    )
    df = obs.rename(columns={"entity_code": "event_code"}).merge(
        events[["event_code", "event_name_zh", "event_name_en", "event_date", "region_code"]],
        on="event_code",
        how="left",
    )
    return df[columns].reset_index(drop=True)


def reported_classes(totals: pd.DataFrame) -> pd.DataFrame:
    """One event's announced size classes, and the projects it puts in none of them.

    ``totals``: the ``event_totals`` rows of one event. Columns: size_class, count, qualifier,
    status, derived. The ``unstated`` row (all projects minus those in the classes) is added
    only when every one of those figures is exact, and is marked derived; never a guess.
    """
    columns = ["size_class", "count", "qualifier", "status", "derived"]
    rows = []
    for code, cls in REPORTED_CLASSES.items():
        found = totals[totals["indicator_code"] == code]
        if not found.empty:
            r = found.iloc[-1]
            rows.append([cls, float(r["value"]), r["qualifier"], r["status"], False])
    total = totals[totals["indicator_code"] == "signed_projects"]
    if rows and not total.empty:
        t = total.iloc[-1]
        exact = t["qualifier"] == "exact" and all(r[2] == "exact" for r in rows)
        rest = float(t["value"]) - sum(r[1] for r in rows)
        if exact and rest > 0:
            rows.append([UNSTATED, rest, "exact", t["status"], True])
    return pd.DataFrame(rows, columns=columns)


def event_options(engine: Engine) -> pd.DataFrame:
    """Events that have signed projects or announced totals: code, name_zh, name_en, date."""
    events = queries.events(engine)
    if events.empty:
        return events
    with engine.connect() as conn:
        used = set(
            conn.scalars(
                select(SignedProject.event_code).where(SignedProject.event_code.isnot(None))
            )
        )
    totals = set(
        queries.observations(engine, entity_type="event", indicator_codes=EVENT_INDICATORS)[
            "entity_code"
        ]
    )
    return events[events["code"].isin(used | totals)].reset_index(drop=True)
