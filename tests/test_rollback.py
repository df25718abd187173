"""Rolling back to a revision restores exactly its figures, as a new revision."""

from __future__ import annotations

import pandas as pd
import pytest

from store import queries
from store.revisions import StaleBase, commit_rows
from store.rollback import NoSuchRevision, rollback_to


def _row(value: float, period: str) -> dict[str, object]:
    return {
        "entity_type": "region",
        "entity_code": "320400",
        "indicator_code": "cell_capacity",
        "period": period,
        "value": value,
        "unit": "GWh",
        "qualifier": "exact",
        "value_as_written": f"{value}GWh",
        "source": "回滚测试",
        "_row": 2,
    }


def _state(engine, as_of: int | None = None) -> dict[tuple[str, str, str, str], float]:
    df = queries.export_frame(engine, as_of=as_of)
    return {
        (r.entity_type, r.entity_code, r.indicator_code, r.period): r.value for r in df.itertuples()
    }


def test_rollback_restores_the_state_of_the_target(engine) -> None:
    base = queries.latest_revision(engine)
    before = _state(engine)
    first = commit_rows(
        engine,
        pd.DataFrame([_row(10, "2040"), _row(11, "2041")]),
        author="t",
        file_name="a.csv",
        sha256="1" * 64,
        base_revision=base,
    )
    second = commit_rows(
        engine,
        pd.DataFrame([_row(12, "2040"), _row(13, "2042")]),
        author="t",
        file_name="b.csv",
        sha256="2" * 64,
    )
    after_second = _state(engine)
    assert after_second[("region", "320400", "cell_capacity", "2040")] == 12

    back = rollback_to(engine, first.revision, author="admin")
    assert back.revision == second.revision + 1
    assert (back.closed, back.restored) == (2, 1)  # 2040=12 and 2042 closed; 2040=10 back
    assert _state(engine) == _state(engine, as_of=first.revision)

    to_start = rollback_to(engine, base, author="admin")
    assert _state(engine) == before
    # every past state is still there
    assert _state(engine, as_of=second.revision) == after_second
    # and a rollback can itself be rolled back
    rollback_to(engine, back.revision, author="admin")
    assert _state(engine) == _state(engine, as_of=first.revision)
    assert to_start.target == base


def test_rollback_refuses_stale_base_and_unknown_revision(engine) -> None:
    latest = queries.latest_revision(engine)
    with pytest.raises(StaleBase):
        rollback_to(engine, 1, author="admin", base_revision=latest - 1)
    with pytest.raises(NoSuchRevision):
        rollback_to(engine, 99999, author="admin")
    assert queries.latest_revision(engine) == latest
