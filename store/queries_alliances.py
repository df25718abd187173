"""联盟 and their members: memberships with sources, organisations, host regions, figures.

An organisation's own figures (a member enterprise's cell capacity) are observations with
``entity_type = "organisation"`` (``ORGANISATION``) whose ``entity_code`` is the organisation's
Chinese name, the name its sources and workbooks use; the shipped dataset has none yet.

Memberships are revisioned like figures (``store.entities``): ``as_of`` gives who was a member
as the data stood at that revision.

Organisations have no region of their own in the data model; ``organisation_region`` reads it
from the name (天津巴莫科技 → 天津市) and says that it did (``region_basis = "name"``).
"""

from __future__ import annotations

import functools

import pandas as pd
from sqlalchemy import Engine, select

from analysis.alliances import infer_region
from store import queries
from store.models import Membership, Organisation, Region, RegionAlias, Source

ORGANISATION = "organisation"  # the entity type of an organisation's own figures
MIN_ALIAS = 2  # one-character short names (京, 鲁) would match far too many firm names

MEMBERSHIP_COLUMNS = [
    "alliance_code",
    "organisation_id",
    "name_zh",
    "name_en",
    "kind",
    "role",
    "title_zh",
    "title_en",
    "joined",
    "left",
    "sentence",
    "source_key",
    "source_title_zh",
    "source_title_en",
]


def _frame(engine: Engine, stmt) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all())


def memberships(
    engine: Engine,
    alliance_codes: list[str] | None = None,
    organisation_ids: list[int] | None = None,
    as_of: int | None = None,
) -> pd.DataFrame:
    """Every membership (experts and supporters included) with its organisation and source, in
    the order they were recorded, now or as the data stood at revision ``as_of``. Columns:
    ``MEMBERSHIP_COLUMNS``."""
    m, o = Membership, Organisation
    stmt = (
        select(
            m.alliance_code,
            m.organisation_id,
            o.name_zh,
            o.name_en,
            o.kind,
            m.role,
            m.title_zh,
            m.title_en,
            m.joined,
            m.left,
            m.sentence,
            Source.key.label("source_key"),
            Source.title_zh.label("source_title_zh"),
            Source.title_en.label("source_title_en"),
        )
        .join(o, o.id == m.organisation_id)
        .join(Source, Source.id == m.source_id, isouter=True)
        .order_by(m.alliance_code, queries.recorded_order())
    )
    stmt = stmt.where(queries.visible(m, as_of))
    if alliance_codes is not None:
        stmt = stmt.where(m.alliance_code.in_(alliance_codes))
    if organisation_ids is not None:
        stmt = stmt.where(m.organisation_id.in_(organisation_ids))
    df = _frame(engine, stmt)
    if df.empty:
        return pd.DataFrame(columns=MEMBERSHIP_COLUMNS)
    for column in ("name_en", "title_zh", "title_en", "sentence", "source_key"):
        df[column] = df[column].fillna("")
    for column in ("source_title_zh", "source_title_en"):
        df[column] = df[column].fillna("")
    return df[MEMBERSHIP_COLUMNS]


def alliances(engine: Engine) -> pd.DataFrame:
    """``store.queries.alliances`` with the host region's labels as a reader wants them:
    a county with its city or province in front (天津市南开区), and the province's name."""
    df = queries.alliances(engine)
    if df.empty:
        return df.assign(host_label_zh=[], host_label_en=[], province_zh=[], province_en=[])
    codes = sorted({c for c in df["host_region_code"].dropna()})
    regions = queries.regions(engine, codes)
    parents = queries.regions(
        engine, sorted({p for p in regions["parent_code"].dropna()}) if not regions.empty else []
    )
    labels_zh, labels_en, prov_zh, prov_en = [], [], [], []
    for code in df["host_region_code"]:
        if not code or code not in regions.index:
            labels_zh.append("")
            labels_en.append("")
            prov_zh.append("")
            prov_en.append("")
            continue
        r = regions.loc[code]
        parent = parents.loc[r["parent_code"]] if r["parent_code"] in parents.index else None
        if r["level"] == "county" and parent is not None:
            labels_zh.append(f"{parent['name_zh']}{r['name_zh']}")
            labels_en.append(f"{r['name_en']}, {parent['name_en']}")
        else:
            labels_zh.append(r["name_zh"])
            labels_en.append(r["name_en"])
        province = r if r["level"] == "province" else _province(engine, r)
        prov_zh.append(province["name_zh"] if province is not None else "")
        prov_en.append(province["name_en"] if province is not None else "")
    return df.assign(
        host_label_zh=labels_zh, host_label_en=labels_en, province_zh=prov_zh, province_en=prov_en
    )


def _province(engine: Engine, region: pd.Series) -> pd.Series | None:
    code = f"{str(region['code'])[:2]}0000"
    found = queries.regions(engine, [code])
    return found.loc[code] if code in found.index else None


def organisations(engine: Engine, name_zh: str, kind: str | None = None) -> pd.DataFrame:
    """Organisations of that Chinese name (and kind, when given): id, name_zh, name_en, kind."""
    o = Organisation
    stmt = select(o.id, o.name_zh, o.name_en, o.kind).where(o.name_zh == name_zh.strip())
    if kind:
        stmt = stmt.where(o.kind == kind)
    df = _frame(engine, stmt.order_by(o.id))
    return df if not df.empty else pd.DataFrame(columns=["id", "name_zh", "name_en", "kind"])


def organisation_figures(
    engine: Engine,
    names: list[str] | None = None,
    indicator_codes: list[str] | None = None,
    as_of: int | None = None,
) -> pd.DataFrame:
    """Organisations' own figures (observations with entity type ``organisation``), with their
    sources, sorted by organisation, indicator and period."""
    return queries.observations(
        engine,
        entity_type=ORGANISATION,
        entity_codes=names,
        indicator_codes=indicator_codes,
        as_of=as_of,
    )


def region_prefixes(engine: Engine) -> dict[str, dict[str, str]]:
    """What ``analysis.alliances.infer_region`` matches a name's start against: parent code
    ("" for the top) → {name → region code}.

    At the top, provinces by name and by short name (天津, 山东) and prefectures by full name
    (枣庄市); under a province, its prefectures by name or short name and its counties by
    name; under a prefecture, its counties by name. A prefecture's short name alone is not
    enough at the top (中山大学 is not in 中山市). Regions never change at run time: built once.
    """
    return _region_prefixes(engine)


@functools.lru_cache(maxsize=4)
def _region_prefixes(engine: Engine) -> dict[str, dict[str, str]]:
    regions = _frame(engine, select(Region.code, Region.name_zh, Region.level, Region.parent_code))
    shorts = _frame(
        engine,
        select(RegionAlias.region_code, RegionAlias.alias).where(RegionAlias.kind == "short"),
    )
    short_names: dict[str, list[str]] = {}
    for code, alias in zip(shorts["region_code"], shorts["alias"]):
        if len(alias) >= MIN_ALIAS:
            short_names.setdefault(code, []).append(alias)
    index: dict[str, dict[str, str]] = {}
    for code, name, level, parent in zip(
        regions["code"], regions["name_zh"], regions["level"], regions["parent_code"]
    ):
        if level == "nation":
            continue
        names = [name]
        if level in ("province", "city"):
            names += short_names.get(code, [])
        under = index.setdefault(parent or "", {}) if level != "province" else None
        if level == "province":
            top = index.setdefault("", {})
            top.update(dict.fromkeys(names, code))
            continue
        under.update(dict.fromkeys(names, code))  # type: ignore[union-attr]
        if level == "city":
            index.setdefault("", {})[name] = code  # the full name only at the top
    return index


def organisation_region(engine: Engine, name_zh: str, kind: str) -> pd.Series | None:
    """The region an organisation's name places it in, with its names and ``region_basis``
    (always ``name``: the data model stores no region for organisations); None for a person
    or a name that begins with no region's name."""
    if kind == "person":
        return None
    code = infer_region(name_zh, region_prefixes(engine))
    if code is None:
        return None
    found = queries.regions(engine, [code])
    if code not in found.index:
        return None
    region = found.loc[code].copy()
    region["region_basis"] = "name"
    return region
