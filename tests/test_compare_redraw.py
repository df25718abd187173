"""地区对比 redraws only its results when only the view changes; maps name their boundaries by
URL; ratios can be given their denominators already indexed.

Figures read the shipped dataset as of revision 1 (other tests commit to the same store).
"""

from __future__ import annotations

import dash
import pandas as pd
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate
from flask import Flask

from analysis.normalise import denominator_index, normalise
from components.shell import already_shown, frame, same_frame
from serve.geo import boundaries_url, register_geo
from store import queries_compare
from tests.viewkit import by_id, texts, walk

VIEW = "?indicator=pev_sales&regions=370400%2C320400&measure=per_capita&rev=1"
SHOWN = {"path": "/compare", "lang": "zh", "rev": 1}


@pytest.fixture(scope="module")
def compare_page(engine):  # type: ignore[no-untyped-def]
    from tests.viewkit import pages_app

    pages_app()
    import pages.compare

    return pages.compare


def _triggered(*prop_ids: str):  # type: ignore[no-untyped-def]
    """A callback context in which ``prop_ids`` changed, as Dash sets it for a callback."""
    return context_value.set(
        AttributeDict(triggered_inputs=[{"prop_id": p, "value": None} for p in prop_ids])
    )


# --- the frame: which page is on screen, in which language, as of which revision ------------


def test_same_frame_needs_path_language_and_revision() -> None:
    assert frame("/compare", "zh", 1) == SHOWN
    assert same_frame(SHOWN, "/compare", "zh", 1)
    assert not same_frame(SHOWN, "/compare", "en", 1)  # the language switch: a new page
    assert not same_frame(SHOWN, "/compare", "zh", None)  # back to the current data
    assert not same_frame(SHOWN, "/map", "zh", 1)
    assert not same_frame(None, "/compare", "zh", 1)  # the app's first load


def test_already_shown_only_when_the_query_alone_changed() -> None:
    token = _triggered("_pages_location.search")
    try:
        assert already_shown(SHOWN, "/compare", "zh", 1)
        assert not already_shown(SHOWN, "/compare", "en", 1)
    finally:
        context_value.reset(token)
    token = _triggered("_pages_location.pathname", "_pages_location.search")
    try:  # arrived at from another page (or back from one): the whole page
        assert not already_shown(SHOWN, "/compare", "zh", 1)
    finally:
        context_value.reset(token)
    # outside a callback (tests, exports) there is nothing on screen
    assert not already_shown(SHOWN, "/compare", "zh", 1)


def test_layout_answers_no_update_for_the_page_on_screen(compare_page) -> None:  # type: ignore[no-untyped-def]
    query = {"indicator": "pev_sales", "regions": "370400", "rev": "1"}
    token = _triggered("_pages_location.search")
    try:
        assert compare_page.layout(lang="zh", frame_=SHOWN, **query) is dash.no_update
        page = compare_page.layout(lang="en", frame_=SHOWN, **query)  # another language
    finally:
        context_value.reset(token)
    assert "compare-indicator" in {getattr(c, "id", None) for c in walk(page)}
    assert "Compare regions" in texts(page)


# --- the results' own callback ----------------------------------------------------------------


def _current(compare_page, search: str) -> tuple:  # type: ignore[no-untyped-def]
    """The controls as they show ``search``'s view."""
    from urllib.parse import parse_qsl

    from store.db import get_engine

    view = compare_page.read_view(get_engine(), dict(parse_qsl(search.lstrip("?"))))
    return compare_page.control_values(view)


def test_show_view_draws_the_results_and_leaves_matching_controls(compare_page) -> None:  # type: ignore[no-untyped-def]
    current = _current(compare_page, VIEW)
    results, *controls = compare_page.show_view(VIEW, "/compare", SHOWN, *current)
    assert all(c is dash.no_update for c in controls)  # they say so already: nothing set off
    graph = by_id(dash.html.Div(results), "compare-line")
    assert graph.figure["layout"]["title"]["text"] == "<b>电动乘用车销量（辆/万人）</b>"
    assert "常住人口取2020年数据" in texts(dash.html.Div(results))


def test_show_view_puts_the_controls_as_the_url_says(compare_page) -> None:  # type: ignore[no-untyped-def]
    # back from the 同比 view to the one before: the measure and the years follow the URL
    before = _current(compare_page, VIEW + "&measure=yoy&start=2018&end=2020")
    _, *controls = compare_page.show_view(VIEW, "/compare", SHOWN, *before)
    wanted = dict(zip(compare_page.CONTROLS, controls, strict=True))
    assert wanted[("compare-measure", "value")] == "per_capita"
    assert wanted[("compare-years", "min")] is dash.no_update  # same indicator: same ends
    y0, y1 = wanted[("compare-years", "value")]
    assert (y0, y1) != (2018, 2020)
    assert wanted[("compare-indicator", "value")] is dash.no_update
    # another indicator: other years, the slider's ends follow
    other = VIEW.replace("pev_sales", "resident_population").replace("&measure=per_capita", "")
    _, *controls = compare_page.show_view(other, "/compare", SHOWN, *before)
    wanted = dict(zip(compare_page.CONTROLS, controls, strict=True))
    assert wanted[("compare-indicator", "value")] == "resident_population"
    assert wanted[("compare-years", "min")] is not dash.no_update


@pytest.mark.parametrize(
    ("search", "pathname", "shown"),
    [
        (VIEW + "&lang=en", "/compare", SHOWN),  # the router draws the English page
        (VIEW, "/map", SHOWN),  # leaving for another page
        (VIEW, "/compare", None),  # nothing on screen yet
        (VIEW.replace("&rev=1", ""), "/compare", SHOWN),  # back to the current data
    ],
)
def test_show_view_leaves_a_new_page_to_the_router(compare_page, search, pathname, shown) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PreventUpdate):
        compare_page.show_view(search, pathname, shown, *([None] * len(compare_page.CONTROLS)))


# --- boundaries by URL --------------------------------------------------------------------------


def test_boundaries_are_served_cacheable_by_their_digest() -> None:
    server = Flask(__name__)
    register_geo(server)
    client = server.test_client()
    url = boundaries_url("city")
    assert url.startswith("/geo/city.geojson?v=")
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert response.get_json()["features"][0]["id"]
    assert "immutable" in response.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    stale = client.get("/geo/city.geojson?v=old")  # an old link: served, not kept
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "no-cache"
    assert client.get("/geo/county.geojson").status_code == 404
    with pytest.raises(ValueError):
        boundaries_url("county")


def test_the_page_names_its_boundaries_and_exports_carry_them(compare_page, engine) -> None:  # type: ignore[no-untyped-def]
    view = {"indicator": "pev_sales", "regions": "370400,320400", "tab": "map", "rev": "1"}
    out = compare_page.layout(lang="zh", **view)
    traces = by_id(out, "compare-map").figure["data"]
    shapes = [tr["geojson"] for tr in traces if tr["type"] == "choropleth"]
    assert shapes and all(g == boundaries_url("city") for g in shapes)
    from exports.views import resolve_one

    url = "/compare?" + "&".join(f"{k}={v}" for k, v in view.items())
    chart = resolve_one(url, engine, chart="compare-map")
    shapes = [tr.geojson for tr in chart.figure.data if tr.type == "choropleth"]
    assert shapes and all(isinstance(g, dict) and g["features"] for g in shapes)


# --- denominators already indexed -------------------------------------------------------------


def test_normalise_with_an_index_is_normalise_with_a_frame(engine) -> None:
    codes = ["370400", "320400", "120000"]
    df = queries_compare.series(engine, "pev_sales", codes, 2016, 2023, 1)
    for measure in ("per_capita", "share_province", "share_nation"):
        frame_ = queries_compare.denominators(engine, measure, "pev_sales", codes, 1)
        rows = queries_compare.denominator_rows(engine, measure, "pev_sales", codes, 1)
        by_frame = normalise(df, measure, frame_)
        by_index = normalise(df, measure, queries_compare.index_of(rows))
        pd.testing.assert_frame_equal(by_frame, by_index)
    index = denominator_index([("a", "p", 2020, 10.0, "exact"), ("a", "p", 2021, None, "x")])
    assert index == {"a": {2020: (10.0, "exact", "p")}}  # a missing value is no denominator


def test_denominators_of_one_year_are_those_read_from_every_year(engine) -> None:  # type: ignore[no-untyped-def]
    """A ranking or a map divides the figures of one year: the rows of that year (and every
    year of the regions without one) give each region the same denominator as all rows."""
    from store.queries_map import level_codes

    codes = sorted(level_codes("city"))
    for measure in ("per_capita", "per_area", "share_province"):
        every = queries_compare.denominator_rows(engine, measure, "pev_sales", codes, 1)
        for year in (2010, 2015, 2020, 2024):
            df = pd.DataFrame(
                {"entity_code": codes, "year": year, "value": 1.0, "qualifier": "exact"}
            )
            one = queries_compare.denominator_rows(engine, measure, "pev_sales", codes, 1, year)
            expected = normalise(df, measure, queries_compare.index_of(every))
            pd.testing.assert_frame_equal(
                normalise(df, measure, queries_compare.index_of(one)), expected
            )
            if measure == "per_capita" and year == 2010:
                # some cities have a census figure of 2010, the others only that of 2020
                assert {2010, 2020} <= set(expected["denominator_year"].dropna())
                assert len(one) < len(every)


# --- answers kept until the next revision --------------------------------------------------------


def test_query_key_is_one_view_however_written(compare_page) -> None:  # type: ignore[no-untyped-def]
    key = compare_page.query_key
    assert key({"indicator": "x", "lang": "zh", "rev": None, "start": ""}) == (("indicator", "x"),)
    assert key({"regions": "1,2", "indicator": "x"}) == key({"indicator": "x", "regions": "1,2"})
    assert key({"indicator": "x", "lang": "en"}) != key({"indicator": "x"})
    assert key({"indicator": "x", "frame_": {"path": "/compare"}}) == (("indicator", "x"),)


def test_a_view_read_again_sends_no_query(compare_page, engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    from store import queries_compare as qc

    sent: list[str] = []

    def record(conn, cursor, statement, *_: object) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    query = compare_page.query_key(
        {"indicator": "pev_sales", "regions": "370400,120000", "tab": "rank", "rev": "1"}
    )
    first = compare_page.answer(engine, query)
    event.listen(engine, "before_cursor_execute", record)
    try:
        again = compare_page.answer(engine, query)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert again[0] is first[0]  # the same results, kept
    assert [s for s in sent if "FROM revision" not in s] == []  # only the revision asked
    # an error is never kept: the next reader tries again
    calls = []

    def broken(*args: object) -> None:
        calls.append(args)
        raise RuntimeError("database gone")

    monkeypatch.setattr(qc, "series", broken)
    other = compare_page.query_key({"indicator": "pev_sales", "regions": "320400", "rev": "1"})
    for _ in range(2):
        with pytest.raises(RuntimeError):
            compare_page.answer(engine, other)
    assert len(calls) == 2


def test_shared_answers_are_keyed_by_the_code_that_made_them(engine, monkeypatch) -> None:
    """The workers' shared cache outlives a restart: after an upgrade, views drawn by the
    older code must not be handed out until the next commit."""
    from store import cache

    def drawn() -> None: ...

    before = cache.shared_key(drawn, engine, 3, ("x",))
    assert before == cache.shared_key(drawn, engine, 3, ("x",))
    assert len(cache.code_version()) == 16
    monkeypatch.setattr(cache, "code_version", lambda: "upgraded")
    assert cache.shared_key(drawn, engine, 3, ("x",)) != before


def test_a_restore_is_a_new_key_though_its_ids_start_again(engine, monkeypatch) -> None:
    """After ``data restore`` the revision ids start again: revision 3 of the restored data is
    not the revision 3 an answer was kept under, and its time tells them apart."""
    from store import cache

    made: list[str] = []

    def drawn(_engine: object, view: str) -> str:
        made.append(view)
        return f"{view} as of {latest[0]}"

    kept = cache.per_revision(drawn)
    latest = [(3, "2026-11-01 10:00:00")]
    monkeypatch.setattr(cache, "latest_revision", lambda _engine: latest[0])
    assert kept(engine, "v") == kept(engine, "v") and made == ["v"]
    latest[0] = (3, "2026-06-30 09:00:00")  # the restored database's own revision 3
    assert kept(engine, "v") == "v as of (3, '2026-06-30 09:00:00')" and made == ["v", "v"]
    monkeypatch.undo()
    rev, when = cache.latest_revision(engine)  # the real one: an id and a time
    assert rev >= 1 and when[:2] == "20"
