"""指标说明: the indicator catalogue with what the store holds of each indicator, and by whom."""

from __future__ import annotations

import unicodedata

import pandas as pd
from sqlalchemy import Engine, case, func, select

from store import queries
from store.models import Observation, Source

USAGE_COLUMNS = [
    "indicator_code",
    "source_key",
    "source_title_zh",
    "source_title_en",
    "figures",
    "region_figures",
    "entities",
    "year_from",
    "year_to",
]
SEARCHED = ["code", "name_zh", "name_en", "description_zh", "description_en", "category"]


def usage(engine: Engine, as_of: int | None = None) -> pd.DataFrame:
    """Live observations per (indicator, source): how many, how many of regions, of how many
    entities, over which years. One row per pair; most figures first within an indicator."""
    o = Observation
    stmt = (
        select(
            o.indicator_code,
            Source.key.label("source_key"),
            Source.title_zh.label("source_title_zh"),
            Source.title_en.label("source_title_en"),
            func.count().label("figures"),
            func.sum(case((o.entity_type == "region", 1), else_=0)).label("region_figures"),
            func.count(func.distinct(o.entity_type + ":" + o.entity_code)).label("entities"),
            func.min(o.year).label("year_from"),
            func.max(o.year).label("year_to"),
        )
        .join(Source, Source.id == o.source_id)
        .where(queries.live(as_of))
        .group_by(o.indicator_code, Source.key, Source.title_zh, Source.title_en)
    )
    with engine.connect() as conn:
        df = pd.DataFrame(conn.execute(stmt).mappings().all())
    if df.empty:
        return pd.DataFrame(columns=USAGE_COLUMNS)
    for column in ("figures", "region_figures", "entities", "year_from", "year_to"):
        df[column] = df[column].fillna(0).astype(int)
    df = df.sort_values(["indicator_code", "figures", "source_key"], ascending=[True, False, True])
    return df[USAGE_COLUMNS].reset_index(drop=True)


def catalogue_frame(indicators: pd.DataFrame, used: pd.DataFrame) -> pd.DataFrame:
    """The catalogue (``queries.indicators``) with, per indicator: ``figures`` (live
    observations), ``region_figures``, ``sources`` (how many), ``source_keys`` and
    ``source_titles_zh/en`` (lists, most figures first) and ``year_from``/``year_to`` (None
    when the store has no figure). Catalogue order is kept."""
    rows = []
    for code, ind in indicators.iterrows():
        mine = used[used["indicator_code"] == code]
        rows.append(
            {
                **ind.to_dict(),
                "figures": int(mine["figures"].sum()),
                "region_figures": int(mine["region_figures"].sum()),
                "sources": len(mine),
                "source_keys": mine["source_key"].tolist(),
                "source_titles_zh": mine["source_title_zh"].tolist(),
                "source_titles_en": mine["source_title_en"].tolist(),
                "source_figures": mine["figures"].tolist(),
                "year_from": int(mine["year_from"].min()) if len(mine) else None,
                "year_to": int(mine["year_to"].max()) if len(mine) else None,
            }
        )
    return pd.DataFrame(rows, index=indicators.index)


def catalogue(engine: Engine, as_of: int | None = None) -> pd.DataFrame:
    return catalogue_frame(queries.indicators(engine), usage(engine, as_of))


def _fold(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).casefold()


def search_catalogue(
    df: pd.DataFrame, q: str | None = None, category: str | None = None
) -> pd.DataFrame:
    """Indicators whose code, names, definition or category hold every word of ``q`` (any
    case, full- or half-width), in ``category`` when given."""
    keep = pd.Series(True, index=df.index)
    if category:
        keep &= df["category"] == category
    for word in _fold(q).split():
        keep &= pd.Series(
            [any(word in _fold(r[c]) for c in SEARCHED) for _, r in df.iterrows()], index=df.index
        )
    return df[keep]
