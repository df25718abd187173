"""Taiwan, Hong Kong and Macao as province-level regions: maps of China draw them, names resolve

A store loaded before this revision has the 31 provinces of the division tables only. New
stores get the three from data/shipped/regions.csv (etl.regions.OUTSIDE_STATISTICS); this adds
them, with their aliases and the source of Taiwan's boundary (the 数据来源 page lists it), to a
store that has its regions already, and does nothing to an empty one (the shipped dataset is
loaded after the migrations).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from store.regions import alias_key

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

NATION = "100000"
# as in data/shipped/regions.csv: code, name_zh, name_en, lat, lon (level province)
REGIONS = [
    ("710000", "台湾省", "Taiwan", 23.7527, 120.9498),
    ("810000", "香港特别行政区", "Hong Kong", 22.3773, 114.1327),
    ("820000", "澳门特别行政区", "Macao", 22.1628, 113.5617),
]
# as in data/shipped/region_aliases.csv
ALIASES = [
    ("710000", "710000", "code"),
    ("710000", "台湾", "short"),
    ("710000", "台灣", "traditional"),
    ("710000", "台灣省", "traditional"),
    ("710000", "臺灣", "traditional"),
    ("710000", "臺灣省", "traditional"),
    ("710000", "Taiwan", "pinyin"),
    ("810000", "810000", "code"),
    ("810000", "香港", "short"),
    ("810000", "香港特別行政區", "traditional"),
    ("810000", "Xianggang", "pinyin"),
    ("810000", "Hong Kong", "english"),
    ("820000", "820000", "code"),
    ("820000", "澳门", "short"),
    ("820000", "澳門", "traditional"),
    ("820000", "澳門特別行政區", "traditional"),
    ("820000", "Aomen", "pinyin"),
    ("820000", "Macao", "english"),
    ("820000", "Macau", "english"),
]

# as in data/shipped/sources_reference.csv
SOURCE = {
    "key": "ref-natural-earth",
    "title_zh": "台湾省边界（Natural Earth 1:1000万比例尺数据）",
    "title_en": "Boundary of Taiwan (Natural Earth, 1:10m scale)",
    "publisher": "Natural Earth; as TopoJSON in the world-atlas npm package (Michael Bostock)",
    "url": "https://www.naturalearthdata.com/",
    "document": "countries-10m.json (Natural Earth 4.1.0)",
    "licence": "public domain",
    "note": "world-atlas npm package version 2.0.2 (ISC licence); drawn on the maps only, as the "
    "census boundaries have no Taiwan; simplified like them; kept as "
    "data/geo/source/natural-earth-10m-taiwan.geojson",
}

source = sa.table("source", *(sa.column(name, sa.Text) for name in SOURCE))
region = sa.table(
    "region",
    sa.column("code", sa.String),
    sa.column("name_zh", sa.String),
    sa.column("name_en", sa.String),
    sa.column("level", sa.String),
    sa.column("parent_code", sa.String),
    sa.column("lat", sa.Float),
    sa.column("lon", sa.Float),
)
region_alias = sa.table(
    "region_alias",
    sa.column("region_code", sa.String),
    sa.column("alias", sa.String),
    sa.column("alias_key", sa.String),
    sa.column("kind", sa.String),
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.select(region.c.code).where(region.c.code == NATION)).first() is None:
        return  # an empty store: the shipped dataset brings them
    have = set(conn.execute(sa.select(region.c.code)).scalars())
    rows = [
        {"code": c, "name_zh": z, "name_en": e, "level": "province", "parent_code": NATION,
         "lat": lat, "lon": lon}
        for c, z, e, lat, lon in REGIONS
        if c not in have
    ]  # fmt: skip
    if rows:
        op.bulk_insert(region, rows)
    codes = [r[0] for r in REGIONS]
    stmt = sa.select(region_alias.c.region_code, region_alias.c.alias).where(
        region_alias.c.region_code.in_(codes)
    )
    known = {(c, a) for c, a in conn.execute(stmt)}
    aliases = [
        {"region_code": c, "alias": a, "alias_key": alias_key(a), "kind": k}
        for c, a, k in ALIASES
        if (c, a) not in known
    ]
    if aliases:
        op.bulk_insert(region_alias, aliases)
    if conn.execute(sa.select(source.c.key).where(source.c.key == SOURCE["key"])).first() is None:
        op.bulk_insert(source, [SOURCE])


def downgrade() -> None:
    """The three go again, unless figures were stored for them since; the source too, unless a
    figure cites it."""
    conn = op.get_bind()
    cited = conn.execute(
        sa.text(
            "SELECT 1 FROM observation o JOIN source s ON s.id = o.source_id WHERE s.key = :k"
        ),
        {"k": SOURCE["key"]},
    ).first()
    if cited is None:
        conn.execute(source.delete().where(source.c.key == SOURCE["key"]))
    for code, *_ in REGIONS:
        used = conn.execute(
            sa.text("SELECT 1 FROM observation WHERE entity_type = 'region' AND entity_code = :c"),
            {"c": code},
        ).first()
        if used is None:
            conn.execute(region_alias.delete().where(region_alias.c.region_code == code))
            conn.execute(region.delete().where(region.c.code == code))
