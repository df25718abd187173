"""Memberships are revisioned like figures: an upload's change closes the old row, "as of
revision N" shows who was a member then, and a rollback undoes the change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from loaders.result import LoadResult
from settings import ROOT
from store import queries, queries_alliances
from store.db import make_engine, migrate
from store.revisions import commit_rows
from store.rollback import rollback_to
from store.shipped import load_shipped_if_empty

ALLIANCE = "tianjin-new-energy-battery-talent-alliance"


def _store(tmp_path: Path, name: str) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    migrate(engine)
    assert load_shipped_if_empty(engine)
    return engine


def _left(engine: Engine, as_of: int | None = None) -> object:
    members = queries_alliances.memberships(engine, [ALLIANCE], as_of=as_of)
    assert members["name_zh"].is_unique  # one live row per member, whatever the revision
    return members.set_index("name_zh").loc["南开大学", "left"]


def test_a_membership_change_is_kept_apart_and_rolled_back(tmp_path: Path) -> None:
    engine = _store(tmp_path, "members.sqlite3")
    try:
        base = queries.latest_revision(engine)
        every = len(queries_alliances.memberships(engine))
        member = {
            "alliance_code": ALLIANCE, "name_zh": "南开大学", "name_en": "Nankai University",
            "kind": "university", "role": "founder", "joined": "2021-05-21",
            "left": "2025-06-30", "source": "成员变动测试", "_row": 3,
        }  # fmt: skip
        row = {
            "entity_type": "region", "entity_code": "320400", "indicator_code": "cell_capacity",
            "period": "2041", "value": 1.0, "unit": "GWh", "qualifier": "exact",
            "value_as_written": "1GWh", "source": "成员变动测试", "_row": 2,
        }  # fmt: skip
        done = commit_rows(
            engine,
            pd.DataFrame([row]),
            author="t",
            file_name="members.xlsx",
            sha256="3" * 64,
            base_revision=base,
            entities=LoadResult(members=[member]),
        )
        assert done.entities is not None and done.entities["memberships_changed"] == 1
        assert _left(engine) == dt.date(2025, 6, 30)
        assert pd.isna(_left(engine, as_of=base))  # as it stood: no leaving date yet
        assert len(queries_alliances.memberships(engine)) == every  # changed, not added
        # and it keeps its place in the alliance's list
        now = queries_alliances.memberships(engine, [ALLIANCE])["name_zh"].tolist()
        assert (
            now == queries_alliances.memberships(engine, [ALLIANCE], as_of=base)["name_zh"].tolist()
        )
        assert (
            now.index("南开大学") == 0
            and queries.members(engine, ALLIANCE)["name_zh"].tolist() == now
        )

        back = rollback_to(engine, base, author="admin")
        assert pd.isna(_left(engine))  # the rollback undoes the membership change too
        assert _left(engine, as_of=done.revision) == dt.date(2025, 6, 30)  # history stays
        assert len(queries_alliances.memberships(engine, as_of=back.revision)) == every
        members = queries.members(engine, ALLIANCE)
        assert members["name_zh"].is_unique and "南开大学" in set(members["name_zh"])
    finally:
        engine.dispose()


def test_migration_dates_existing_memberships_from_the_first_revision(tmp_path: Path) -> None:
    engine = _store(tmp_path, "old.sqlite3")
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "store" / "migrations"))
    try:
        with engine.begin() as conn:  # a store as revision 0005 left it: no revisions
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0005")
        with engine.connect() as conn:
            columns = {r[1] for r in conn.execute(text("PRAGMA table_info(membership)"))}
        assert "rev_from" not in columns
        migrate(engine)
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT min(rev_from), max(rev_from), count(rev_to), count(*) FROM membership")
            ).one()
        assert tuple(found)[:3] == (1, 1, 0) and found[3] > 20
        assert len(queries_alliances.memberships(engine, as_of=1)) == found[3]
    finally:
        engine.dispose()
