"""Checks of the hand-curated seed dataset in data/shipped/ against the seed documents.

The seed texts are read from the copies in data/seeds/ (so the tests always run); only if those
are missing do they fall back to ``<repo root>/../shared/seeds``.
"""

from __future__ import annotations

import csv
import math
import re
from functools import cache
from pathlib import Path

import pytest

from loaders.quantities import QUALIFIERS, parse_quantity

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SHIPPED = DATA / "shipped"
SHARED_SEEDS = REPO.parent / "shared" / "seeds"

COLUMNS = {
    "sources_seed.csv": [
        "key", "title_zh", "title_en", "publisher", "date", "url", "document", "licence", "note",
    ],
    "observations_seed.csv": [
        "entity_type", "entity_code", "indicator_code", "period", "value", "unit", "qualifier",
        "value_as_written", "source_key", "sentence", "status", "note",
    ],
    "alliances.csv": [
        "code", "name_zh", "name_en", "kind", "host_region_code", "founded", "description_zh",
        "description_en", "source_key", "sentence",
    ],
    "members.csv": [
        "alliance_code", "name_zh", "name_en", "kind", "role", "title_zh", "title_en", "joined",
        "left", "source_key", "sentence",
    ],
    "events.csv": [
        "code", "name_zh", "name_en", "kind", "region_code", "date", "description_zh",
        "description_en", "source_key", "sentence",
    ],
}  # fmt: skip

PERIOD = re.compile(
    r"\d{4}"
    r"|\d{4}-(0[1-9]|1[0-2])"
    r"|\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
    r"|\d{4}H[12]"
    r"|\d{4}Q[1-4]"
    r"|\d{4}-(0[1-9]|1[0-2])/\d{4}-(0[1-9]|1[0-2])"
)
ISO_DATE = re.compile(r"\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])")
PLAIN_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
REGION_CODES_USED = {"370400", "370000", "120000", "120104", "320400", "420100"}


def read(name: str) -> list[dict[str, str]]:
    with open(SHIPPED / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def seeds_dir() -> Path:
    copies = DATA / "seeds"
    if any(copies.glob("*.txt")):
        return copies
    if any(SHARED_SEEDS.glob("*.txt")):
        return SHARED_SEEDS
    pytest.skip("no seed documents: neither data/seeds/ nor ../shared/seeds/ has any")


@cache
def seed_text(key: str) -> str:
    """The seed document ``key`` after OpenCC Traditional -> Simplified conversion."""
    opencc = pytest.importorskip("opencc")
    raw = (seeds_dir() / f"{key}.txt").read_text(encoding="utf-8")
    return opencc.OpenCC("t2s").convert(raw)


@cache
def indicator_units() -> dict[str, str]:
    with open(DATA / "indicators.csv", encoding="utf-8", newline="") as f:
        return {row["code"]: row["unit"] for row in csv.DictReader(f)}


def row_id(row: dict[str, str]) -> str:
    return f"{row['entity_code']}:{row['indicator_code']}:{row['period']}"


OBSERVATIONS = read("observations_seed.csv")


# --- files and columns -------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_columns_exactly_as_documented(name: str) -> None:
    raw = (SHIPPED / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r\n" not in raw
    with open(SHIPPED / name, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == COLUMNS[name]
    rows = read(name)
    assert rows
    for row in rows:
        assert None not in row and None not in row.values(), f"ragged row in {name}: {row}"


def test_seed_copies_match_shared() -> None:
    copies = sorted((DATA / "seeds").glob("*.txt"))
    assert [p.name for p in copies] == [f"{s['key']}.txt" for s in read("sources_seed.csv")]
    if not SHARED_SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    for path in copies:
        assert path.read_bytes() == (SHARED_SEEDS / path.name).read_bytes(), path.name


# --- observations ------------------------------------------------------------------------


@pytest.mark.parametrize("row", OBSERVATIONS, ids=row_id)
def test_observation_quotes_its_seed(row: dict[str, str]) -> None:
    assert row["sentence"] in seed_text(row["source_key"])
    assert row["value_as_written"] in row["sentence"]


@pytest.mark.parametrize("row", OBSERVATIONS, ids=row_id)
def test_observation_value_reads_back(row: dict[str, str]) -> None:
    unit = indicator_units()[row["indicator_code"]]
    assert row["unit"] == unit
    assert PLAIN_DECIMAL.fullmatch(row["value"]), "value must be a plain decimal"
    if row["status"] == "derived":
        # A count derived from the text (e.g. one named 5A area): the note must say how.
        assert row["note"]
        return
    q = parse_quantity(row["value_as_written"], unit_hint=unit)
    assert math.isclose(q.value, float(row["value"]), rel_tol=1e-9)
    assert q.unit == row["unit"]
    assert q.qualifier == row["qualifier"]


@pytest.mark.parametrize("row", OBSERVATIONS, ids=row_id)
def test_observation_vocabulary(row: dict[str, str]) -> None:
    assert row["entity_type"] in {"region", "alliance", "event"}
    assert PERIOD.fullmatch(row["period"]), row["period"]
    assert row["qualifier"] in QUALIFIERS
    assert row["status"] in {"reported", "derived", "projection", "target"}


def test_no_duplicate_observations() -> None:
    keys = [
        (r["entity_type"], r["entity_code"], r["indicator_code"], r["period"]) for r in OBSERVATIONS
    ]
    duplicates = {k for k in keys if keys.count(k) > 1}
    assert not duplicates


def test_entity_codes_exist() -> None:
    alliances = {a["code"] for a in read("alliances.csv")}
    events = {e["code"] for e in read("events.csv")}
    for row in OBSERVATIONS:
        if row["entity_type"] == "alliance":
            assert row["entity_code"] in alliances, row_id(row)
        elif row["entity_type"] == "event":
            assert row["entity_code"] in events, row_id(row)
        else:
            assert re.fullmatch(r"\d{6}", row["entity_code"]), row_id(row)


def test_region_codes_are_known() -> None:
    used = {r["entity_code"] for r in OBSERVATIONS if r["entity_type"] == "region"}
    used |= {a["host_region_code"] for a in read("alliances.csv")}
    used |= {e["region_code"] for e in read("events.csv")}
    assert used <= REGION_CODES_USED
    regions = SHIPPED / "regions.csv"
    if not regions.exists():
        pytest.skip("regions.csv is made by etl/reference.py and is not there yet")
    with open(regions, encoding="utf-8", newline="") as f:
        known = {row["code"] for row in csv.DictReader(f)}
    assert used <= known


def test_source_keys_exist() -> None:
    sources = {s["key"] for s in read("sources_seed.csv")}
    for name in ("observations_seed.csv", "alliances.csv", "members.csv", "events.csv"):
        for row in read(name):
            assert row["source_key"] in sources, (name, row)


# --- sources, alliances, members, events --------------------------------------------------


def test_sources() -> None:
    for s in read("sources_seed.csv"):
        assert s["document"] == f"{s['key']}.txt"
        assert (DATA / "seeds" / s["document"]).exists()
        assert s["title_zh"] and s["title_en"] and s["licence"]
        assert s["date"] == "" or ISO_DATE.fullmatch(s["date"])
        if not s["date"]:
            assert s["note"], "an empty date must be explained"


@pytest.mark.parametrize("name", ["alliances.csv", "members.csv", "events.csv"])
def test_sentences_quote_their_seed(name: str) -> None:
    for row in read(name):
        assert row["sentence"] in seed_text(row["source_key"]), row


def test_alliances() -> None:
    for a in read("alliances.csv"):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a["code"])
        assert a["kind"] in {"alliance", "consortium", "community", "cluster"}
        assert a["founded"] == "" or ISO_DATE.fullmatch(a["founded"])
        assert a["name_zh"] and a["name_en"]


def test_members() -> None:
    alliances = {a["code"] for a in read("alliances.csv")}
    seen = set()
    for m in read("members.csv"):
        assert m["alliance_code"] in alliances, m
        assert m["kind"] in {
            "enterprise", "university", "institute", "government", "association", "person",
        }  # fmt: skip
        assert m["role"] in {"founder", "member", "expert", "lead", "supporter"}
        for field in ("joined", "left"):
            assert m[field] == "" or ISO_DATE.fullmatch(m[field])
        key = (m["alliance_code"], m["name_zh"])
        assert key not in seen, f"one row per organisation: {key}"
        seen.add(key)


def test_events() -> None:
    for e in read("events.csv"):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", e["code"])
        assert e["kind"] in {"conference", "meeting", "forum"}
        assert ISO_DATE.fullmatch(e["date"])


# --- spot checks of the key figures --------------------------------------------------------


def find(entity_code: str, indicator: str, period: str | None = None) -> dict[str, str]:
    rows = [
        r
        for r in OBSERVATIONS
        if r["entity_code"] == entity_code
        and r["indicator_code"] == indicator
        and (period is None or r["period"] == period)
    ]
    assert len(rows) == 1, (entity_code, indicator, period, rows)
    return rows[0]


@pytest.mark.parametrize(
    ("entity", "indicator", "period", "value", "qualifier", "written"),
    [
        ("370400", "cathode_capacity", "2024-08", 160000, "exact", "16万吨"),
        ("370400", "separator_capacity", "2024-08", 2.1e9, "exact", "21亿平米"),
        ("370400", "recycling_capacity", "2024-08", 9000, "exact", "0.9万吨"),
        ("370400", "innovation_platforms", "2024-08", 180, "at_least", "180余个"),
        ("370400", "provincial_platforms", "2024-08", 45, "exact", "45个"),
        ("370400", "registered_population", "2024-08", 4.22e6, "exact", "422万"),
        ("370400", "wetland_area", "2024-08", 160, "exact", "24万亩"),
        ("370000", "new_energy_installed", "2024H1", 1e8, "at_least", "突破1亿千瓦"),
        ("370000", "new_energy_installed", "2024-07", 1.02e8, "exact", "1.02亿千瓦"),
        ("370000", "storage_installed", "2024-08", 5.538e6, "exact", "553.8万千瓦"),
        ("320400", "nev_output", "2023-01/2023-05", 216600, "exact", "21.66万辆"),
        (
            "2024-new-energy-battery-conference",
            "signed_investment",
            "2024-08-25",
            4e10,
            "at_least",
            "超过400亿元",
        ),
        (
            "tianjin-new-energy-battery-talent-alliance",
            "alliance_members",
            None,
            40,
            "at_least",
            "40 余家",
        ),
    ],
)
def test_key_figures(
    entity: str,
    indicator: str,
    period: str | None,
    value: float,
    qualifier: str,
    written: str,
) -> None:
    row = find(entity, indicator, period)
    assert math.isclose(float(row["value"]), value, rel_tol=1e-12)
    assert row["qualifier"] == qualifier
    assert row["value_as_written"] == written


def test_storage_revenue_is_a_target() -> None:
    row = find("370000", "storage_industry_revenue", "2025")
    assert row["status"] == "target"
    assert float(row["value"]) == 2.5e11


def test_conference_buckets_add_up_within_total() -> None:
    conf = "2024-new-energy-battery-conference"
    buckets = [
        find(conf, code)["value"]
        for code in ("signed_projects_over_5b", "signed_projects_3b_5b", "signed_projects_1b_3b")
    ]
    assert [int(b) for b in buckets] == [2, 3, 13]
    assert sum(int(b) for b in buckets) <= int(find(conf, "signed_projects")["value"]) == 24
