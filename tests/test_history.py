"""修订历史: admins roll back from the page; nobody else can, whatever they post."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.authsite import Site, call, login, render, start_site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = start_site(tmp_path_factory.mktemp("history"))
    yield s
    s.stop()


def _state(site: Site) -> tuple[list[tuple], list[tuple]]:
    return (
        site.db("SELECT id, kind FROM revision ORDER BY id"),
        site.db("SELECT id, rev_from, rev_to FROM observation ORDER BY id"),
    )


def test_history_lists_revisions(site: Site) -> None:
    session = site.client()
    login(site, session, "vic")
    page = render(site, session, "/history")
    assert "修订历史" in page and "内置数据" in page and "history-row-1" in page


@pytest.mark.parametrize("who", [None, "vic", "ed"])
def test_only_an_admin_can_roll_back(site: Site, who: str | None) -> None:
    session = site.client()
    if who:
        login(site, session, who)
    before = _state(site)
    latest = before[0][-1][0]
    call(
        site,
        session,
        "history-rollback-confirm",
        {"history-pending.data": 1, "history-base.data": latest, "page-lang.data": "zh"},
    )
    assert _state(site) == before


def test_admin_rolls_back_and_it_is_audited(site: Site) -> None:
    session = site.client()
    login(site, session, "boss")
    latest = site.db("SELECT max(id) FROM revision")[0][0]
    stale = call(
        site,
        session,
        "history-rollback-confirm",
        {
            "history-pending.data": 1,
            "history-base.data": latest - 1 if latest > 1 else 0,
            "page-lang.data": "zh",
        },
    )
    if latest > 1:
        assert "history-stale" in stale.text
    answer = call(
        site,
        session,
        "history-rollback-confirm",
        {"history-pending.data": 1, "history-base.data": latest, "page-lang.data": "zh"},
    )
    assert "history-done" in answer.text, answer.text
    kinds = [k for _, k in site.db("SELECT id, kind FROM revision ORDER BY id")]
    assert kinds[-1] == "rollback"
    assert site.audit("rollback")
