"""Fill an empty database with the dataset shipped in data/, as revision 1, in one transaction."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from settings import DATA_DIR
from store.db import StartupError
from store.models import (
    Alliance,
    Event,
    Indicator,
    Membership,
    Observation,
    Organisation,
    Region,
    RegionAlias,
    Revision,
    Source,
)
from store.periods import PeriodError, observation_row, parse_period
from store.regions import alias_key

log = logging.getLogger(__name__)

SHIPPED = DATA_DIR / "shipped"
QUALIFIERS = {"exact", "at_least", "approx"}
STATUSES = {"reported", "derived", "projection", "target"}
ENTITY_TYPES = {"region", "alliance", "event"}
INITIAL_REVISION = 1


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a shipped CSV with their line numbers (the header is line 1)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            yield i, {k: (v or "").strip() for k, v in row.items()}


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _float(value: str) -> float | None:
    return float(value) if value else None


class _Invalid(Exception):
    pass


def _check(ok: bool, path: Path, row: int, reason: str) -> None:
    if not ok:
        raise StartupError("startup.shipped_data_invalid", file=path.name, row=row, reason=reason)


def _files(prefix: str) -> list[Path]:
    return sorted(SHIPPED.glob(f"{prefix}*.csv"))


def load_shipped(session: Session) -> int:
    """Insert the whole shipped dataset; returns the number of observations."""
    session.add(
        Revision(
            id=INITIAL_REVISION,
            created_at=dt.datetime.now(dt.UTC),
            author="system",
            kind="initial",
            file_name="data/shipped",
            note="shipped dataset",
        )
    )
    session.flush()

    indicators = {}
    path = DATA_DIR / "indicators.csv"
    for _, r in read_csv(path):
        r["additive"] = r["additive"].lower() == "true"
        r["display_zh_factor"] = float(r["display_zh_factor"])
        r["display_en_factor"] = float(r["display_en_factor"])
        indicators[r["code"]] = r
    session.execute(insert(Indicator), list(indicators.values()))

    sources: dict[str, int] = {}
    for path in _files("sources_"):
        for _, r in read_csv(path):
            sources[r["key"]] = len(sources) + 1
            session.add(Source(id=sources[r["key"]], **{**r, "date": _date(r["date"])}))
    session.flush()

    regions: dict[str, str] = {}
    path = SHIPPED / "regions.csv"
    rows = []
    for _, r in read_csv(path):
        regions[r["code"]] = r["level"]
        rows.append(
            {
                **r,
                "parent_code": r["parent_code"] or None,
                "lat": _float(r["lat"]),
                "lon": _float(r["lon"]),
            }
        )
    # parents first, so the foreign key holds on every database
    order = {"nation": 0, "province": 1, "city": 2, "county": 3}
    session.execute(insert(Region), sorted(rows, key=lambda r: order[r["level"]]))

    path = SHIPPED / "region_aliases.csv"
    aliases = [
        {
            "region_code": r["code"],
            "alias": r["alias"],
            "alias_key": alias_key(r["alias"]),
            "kind": r["kind"],
        }
        for _, r in read_csv(path)
        if r["code"] in regions
    ]
    session.execute(insert(RegionAlias), aliases)

    entities: dict[str, set[str]] = {"region": set(regions), "alliance": set(), "event": set()}
    path = SHIPPED / "alliances.csv"
    for i, r in read_csv(path):
        _check(r["source_key"] in sources, path, i, f"unknown source {r['source_key']}")
        entities["alliance"].add(r["code"])
        session.add(
            Alliance(
                code=r["code"],
                name_zh=r["name_zh"],
                name_en=r["name_en"],
                kind=r["kind"],
                host_region_code=r["host_region_code"] or None,
                founded=_date(r["founded"]),
                description_zh=r["description_zh"],
                description_en=r["description_en"],
                source_id=sources[r["source_key"]],
                sentence=r["sentence"],
            )
        )
    path = SHIPPED / "events.csv"
    for i, r in read_csv(path):
        _check(r["source_key"] in sources, path, i, f"unknown source {r['source_key']}")
        entities["event"].add(r["code"])
        session.add(
            Event(
                code=r["code"],
                name_zh=r["name_zh"],
                name_en=r["name_en"],
                kind=r["kind"],
                region_code=r["region_code"] or None,
                date=_date(r["date"]),
                description_zh=r["description_zh"],
                description_en=r["description_en"],
                source_id=sources[r["source_key"]],
                sentence=r["sentence"],
            )
        )
    session.flush()

    organisations: dict[tuple[str, str], int] = {}
    path = SHIPPED / "members.csv"
    for i, r in read_csv(path):
        _check(r["alliance_code"] in entities["alliance"], path, i, "unknown alliance")
        key = (r["name_zh"], r["kind"])
        if key not in organisations:
            org = Organisation(name_zh=r["name_zh"], name_en=r["name_en"], kind=r["kind"])
            session.add(org)
            session.flush()
            organisations[key] = org.id
        session.add(
            Membership(
                alliance_code=r["alliance_code"],
                organisation_id=organisations[key],
                role=r["role"],
                title_zh=r["title_zh"],
                title_en=r["title_en"],
                joined=_date(r["joined"]),
                left=_date(r["left"]),
                source_id=sources.get(r["source_key"]),
                sentence=r["sentence"],
                rev_from=INITIAL_REVISION,
            )
        )

    observations = []
    seen: set[tuple[str, str, str, str]] = set()
    for path in _files("observations_"):
        for i, r in read_csv(path):
            ind = indicators.get(r["indicator_code"])
            _check(ind is not None, path, i, f"unknown indicator {r['indicator_code']}")
            _check(r["unit"] == ind["unit"], path, i, f"unit {r['unit']} is not {ind['unit']}")
            _check(r["entity_type"] in ENTITY_TYPES, path, i, "unknown entity type")
            _check(
                r["entity_code"] in entities[r["entity_type"]],
                path,
                i,
                f"unknown {r['entity_type']} {r['entity_code']}",
            )
            _check(r["qualifier"] in QUALIFIERS, path, i, f"unknown qualifier {r['qualifier']}")
            _check((r["status"] or "reported") in STATUSES, path, i, "unknown status")
            _check(r["source_key"] in sources, path, i, f"unknown source {r['source_key']}")
            try:
                period = parse_period(r["period"])
                value = float(r["value"])
            except (PeriodError, ValueError) as exc:
                raise StartupError(
                    "startup.shipped_data_invalid", file=path.name, row=i, reason=exc
                ) from exc
            key = (r["entity_type"], r["entity_code"], r["indicator_code"], period.text)
            _check(key not in seen, path, i, f"duplicate figure {key}")
            seen.add(key)
            observations.append(
                observation_row(
                    r,
                    value=value,
                    source_id=sources[r["source_key"]],
                    rev_from=INITIAL_REVISION,
                    sentence=r["sentence"],
                    status=r["status"] or "reported",
                    note=r["note"],
                )
            )
    for start in range(0, len(observations), 5000):
        session.execute(insert(Observation), observations[start : start + 5000])
    revision = session.get(Revision, INITIAL_REVISION)
    revision.added = len(observations)
    return len(observations)


def _sync_sequences(session: Session) -> None:
    """PostgreSQL sequences do not move when ids are given explicitly."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("revision", "source"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def load_shipped_if_empty(engine: Engine) -> bool:
    """Load the shipped dataset unless some revision exists; True if it loaded."""
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Revision)):
            return False
        try:
            count = load_shipped(session)
            _sync_sequences(session)
            session.commit()
        except IntegrityError:
            # another process loaded it first (revision 1 already exists)
            session.rollback()
            return False
        except BaseException:
            session.rollback()
            raise
    log.info("loaded %d shipped observations", count)
    return True
