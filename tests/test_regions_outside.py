"""台湾 香港 澳门: province-level regions outside the mainland's statistics, drawn on every map
of China, found by their names, added by migration 0005 to stores loaded before it."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from settings import ROOT
from store import queries
from store.db import make_engine, migrate
from store.queries_map import level_codes, map_values
from store.shipped import load_shipped_if_empty

OUTSIDE = ("710000", "810000", "820000")


def _alembic(engine: Engine, action: str, target: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "store" / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, action)(cfg, target)


def _outside(engine: Engine) -> tuple[list[tuple], int, int]:
    """The three regions, how many aliases they have, how many sources name Taiwan's boundary."""
    with engine.connect() as conn:
        regions = conn.execute(
            text(
                "SELECT code, name_zh, name_en, level, parent_code FROM region "
                "WHERE code IN ('710000', '810000', '820000') ORDER BY code"
            )
        ).all()
        aliases = conn.execute(
            text("SELECT count(*) FROM region_alias WHERE region_code IN ('710000', '810000', "
                 "'820000')")
        ).scalar()  # fmt: skip
        sources = conn.execute(
            text("SELECT count(*) FROM source WHERE key = 'ref-natural-earth'")
        ).scalar()
    return [tuple(r) for r in regions], int(aliases or 0), int(sources or 0)


EXPECTED = [
    ("710000", "台湾省", "Taiwan", "province", "100000"),
    ("810000", "香港特别行政区", "Hong Kong", "province", "100000"),
    ("820000", "澳门特别行政区", "Macao", "province", "100000"),
]


@pytest.mark.parametrize(
    ("text_", "code"),
    [("台湾", "710000"), ("台灣", "710000"), ("臺灣省", "710000"), ("Taiwan", "710000"),
     ("香港", "810000"), ("Hong Kong", "810000"), ("hongkong", "810000"), ("澳門", "820000"),
     ("Macau", "820000"), ("Macao", "820000"), ("澳门特别行政区", "820000")],
)  # fmt: skip
def test_their_names_resolve(engine: Engine, text_: str, code: str) -> None:
    assert queries.resolve_region(engine, text_) == code


def test_maps_draw_them_without_a_figure(engine: Engine) -> None:
    for level in ("province", "city"):
        codes = level_codes(level)
        assert set(OUTSIDE) <= set(codes), level
        df = map_values(engine, "resident_population", 2020, codes).set_index("entity_code")
        assert df.loc[list(OUTSIDE), "value"].isna().all()
        assert df.loc["370000" if level == "province" else "370400", "value"] > 0


def test_migration_adds_them_to_a_store_loaded_before_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        migrate(engine)
        assert load_shipped_if_empty(engine)
        assert _outside(engine) == (EXPECTED, 19, 1)
        # a store as revision 0004 left it: the division tables' 31 provinces only
        _alembic(engine, "downgrade", "0004")
        assert _outside(engine) == ([], 0, 0)
        with engine.connect() as conn:
            provinces = conn.execute(
                text("SELECT count(*) FROM region WHERE level = 'province'")
            ).scalar()
        assert provinces == 31
        migrate(engine)
        assert _outside(engine) == (EXPECTED, 19, 1)
        migrate(engine)  # at head: nothing happens twice
        assert _outside(engine) == (EXPECTED, 19, 1)
    finally:
        engine.dispose()


def test_migration_leaves_an_empty_store_to_the_shipped_dataset(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    try:
        migrate(engine)
        assert _outside(engine) == ([], 0, 0)  # the shipped dataset brings them, once
        assert load_shipped_if_empty(engine)
        assert _outside(engine) == (EXPECTED, 19, 1)
    finally:
        engine.dispose()


def test_the_three_are_the_same_everywhere() -> None:
    """The codes the maps treat apart, the regions the ETL adds and what migration 0005 writes
    into an older store are the rows of the shipped files."""
    import csv
    import importlib

    from store.regions import OUTSIDE_STATISTICS

    shipped = ROOT / "data" / "shipped"
    etl_regions = pytest.importorskip("etl.regions")  # needs the ETL's requirements
    assert set(etl_regions.OUTSIDE_STATISTICS) == OUTSIDE_STATISTICS == set(OUTSIDE)
    migration = importlib.import_module("store.migrations.versions.0005_regions_outside_statistics")
    with (shipped / "regions.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["code"] in OUTSIDE_STATISTICS]
    assert [
        (r["code"], r["name_zh"], r["name_en"], float(r["lat"]), float(r["lon"])) for r in rows
    ] == migration.REGIONS
    assert {r["level"] for r in rows} == {"province"} and {r["parent_code"] for r in rows} == {
        "100000"
    }
    with (shipped / "region_aliases.csv").open(encoding="utf-8") as fh:
        aliases = [
            (r["code"], r["alias"], r["kind"])
            for r in csv.DictReader(fh)
            if r["code"] in OUTSIDE_STATISTICS
        ]
    assert aliases == migration.ALIASES
    with (shipped / "sources_reference.csv").open(encoding="utf-8") as fh:
        source = next(r for r in csv.DictReader(fh) if r["key"] == migration.SOURCE["key"])
    assert {k: source[k] for k in migration.SOURCE} == migration.SOURCE


def test_pages_say_the_statistics_do_not_cover_them(engine: Engine) -> None:
    """地区对比 and 总览 for 香港 or 台湾 say why there is nothing, rather than "no data yet"."""
    from dash import html

    from i18n import t
    from tests.viewkit import pages_app, texts

    pages_app()
    from pages import compare, overview

    alone = texts(
        html.Div(compare.view_results(engine, compare.read_view(engine, {"regions": "810000"})))
    )
    assert "香港特别行政区不在本数据的统计范围内" in alone and "没有“常住人口”数据" not in alone
    both = compare.read_view(engine, {"regions": "370400,710000", "lang": "en"})
    text = texts(html.Div(compare.view_results(engine, both)))
    assert "Taiwan is outside the scope of these statistics" in text
    assert t("compare.missing", "en", regions="Taiwan") not in text  # not called missing
    page = texts(overview.layout(lang="zh", region="820000"))
    assert "澳门特别行政区不在本数据的统计范围内" in page and "暂无产业数据" not in page
