"""The store on SQLite and (in CI) PostgreSQL: shipped load, queries, revisions."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from store import queries
from store.models import Observation, Revision
from store.revisions import StaleBase, commit_rows, reference
from store.shipped import load_shipped_if_empty

ROOT = Path(__file__).resolve().parents[1]


def _shipped_count() -> int:
    total = 0
    for path in (ROOT / "data" / "shipped").glob("observations_*.csv"):
        with path.open(encoding="utf-8") as fh:
            total += sum(1 for _ in csv.DictReader(fh))
    return total


def test_shipped_dataset_loaded_once_as_revision_1(engine) -> None:
    with engine.connect() as conn:
        assert conn.scalar(select(func.min(Revision.id))) == 1
        count = conn.scalar(
            select(func.count()).select_from(Observation).where(Observation.rev_from == 1)
        )
    assert count == _shipped_count()
    assert load_shipped_if_empty(engine) is False


def test_zaozhuang_headline_has_seed_figures(engine) -> None:
    df = queries.headline(engine, "370400").set_index("indicator_code")
    cathode = df.loc["cathode_capacity"]
    assert cathode["value"] == 160000 and cathode["qualifier"] == "exact"
    assert cathode["value_as_written"] == "16万吨"
    assert cathode["source_key"] == "003_308c4ca4e02d20c0"
    assert df.loc["innovation_platforms", "qualifier"] == "at_least"
    assert df.loc["cell_capacity", "value"] == 32
    assert df.loc["separator_capacity", "value"] == 2.1e9


@pytest.mark.parametrize(
    "text", ["枣庄", "枣庄市", "棗莊市", "Zaozhuang", "zaozhuang", "370400", " 枣 庄 市 "]
)
def test_region_resolution(engine, text: str) -> None:
    assert queries.resolve_region(engine, text) == "370400"


def test_unknown_region_is_none(engine) -> None:
    assert queries.resolve_region(engine, "不存在市") is None
    assert queries.resolve_region(engine, "") is None


def test_compare_series_real_census_data(engine) -> None:
    df = queries.compare_series(engine, "resident_population", ["370400", "120000"], 2010, 2020)
    assert list(dict.fromkeys(df["entity_code"])) == ["370400", "120000"]
    zz = df[df["entity_code"] == "370400"].set_index("year")["value"]
    assert zz.loc[2020] == pytest.approx(3855601, rel=0.01)
    assert set(zz.index) == {2010, 2020}


def test_export_frame_columns_and_sum(engine) -> None:
    df = queries.export_frame(engine, as_of=1)  # the shipped state, whatever came since
    assert list(df.columns) == queries.EXPORT_COLUMNS
    assert len(df) == _shipped_count()
    assert df["entity_name_zh"].notna().all() and df["indicator_name_en"].notna().all()
    assert df["source"].str.len().min() > 0


def test_sources_count_figures(engine) -> None:
    df = queries.sources(engine, as_of=1).set_index("key")
    assert df.loc["003_308c4ca4e02d20c0", "figures"] >= 20
    assert int(df["figures"].sum()) == _shipped_count()


def test_alliances_and_members(engine) -> None:
    alliances = queries.alliances(engine).set_index("code")
    assert len(alliances) >= 3
    members = queries.members(engine)
    assert (members["role"] == "expert").sum() >= 5
    assert "南开大学" in set(members["name_zh"])


def _row(value: float, qualifier: str = "exact", period: str = "2031") -> dict[str, object]:
    return {
        "entity_type": "region",
        "entity_code": "370400",
        "indicator_code": "cell_capacity",
        "period": period,
        "value": value,
        "unit": "GWh",
        "qualifier": qualifier,
        "value_as_written": f"{value}GWh",
        "source": "测试来源",
        "_row": 2,
    }


def test_commit_add_change_and_as_of(engine) -> None:
    base = queries.latest_revision(engine)
    first = commit_rows(
        engine,
        pd.DataFrame([_row(40)]),
        author="test",
        file_name="a.csv",
        sha256="a" * 64,
        base_revision=base,
    )
    assert (first.added, first.changed, first.unchanged) == (1, 0, 0)
    same = commit_rows(
        engine, pd.DataFrame([_row(40)]), author="test", file_name="a.csv", sha256="a" * 64
    )
    assert (same.added, same.changed, same.unchanged) == (0, 0, 1)
    second = commit_rows(
        engine,
        pd.DataFrame([_row(45, "at_least")]),
        author="test",
        file_name="b.csv",
        sha256="b" * 64,
    )
    assert second.changed == 1

    def value(as_of: int | None) -> float:
        df = queries.observations(
            engine, entity_codes=["370400"], indicator_codes=["cell_capacity"], as_of=as_of
        )
        return float(df[df["period"] == "2031"]["value"].iloc[0])

    assert value(first.revision) == 40
    assert value(None) == 45
    assert queries.observations(
        engine, entity_codes=["370400"], indicator_codes=["cell_capacity"], as_of=base
    )["period"].tolist() == ["2024-08"]


def test_stale_base_is_refused_and_writes_nothing(engine) -> None:
    base = queries.latest_revision(engine)
    commit_rows(
        engine,
        pd.DataFrame([_row(50, period="2032")]),
        author="one",
        file_name="c.csv",
        sha256="c" * 64,
        base_revision=base,
    )
    before = len(queries.export_frame(engine))
    with pytest.raises(StaleBase):
        commit_rows(
            engine,
            pd.DataFrame([_row(60, period="2033")]),
            author="two",
            file_name="d.csv",
            sha256="d" * 64,
            base_revision=base,
        )
    assert len(queries.export_frame(engine)) == before


def test_reference_lookups(engine) -> None:
    ref = reference(engine)
    assert ref.region("棗莊") == "370400"
    assert ref.indicator("正极材料年产能") == "cathode_capacity"
    assert ref.indicator("cathode_capacity") == "cathode_capacity"
    assert "枣庄市" in ref.close_regions("枣庄巿")
