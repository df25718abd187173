"""联盟: alliances compared (members by type over the years, host regions, sums of the members'
figures), then each alliance with its facts and members, each member a link to its own page.

The view is in the URL: ``?alliances=a,b`` (the alliances compared; none: all of them),
``indicator=`` (whose members' figures are summed), ``lang``, ``rev``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, html
from dash.exceptions import PreventUpdate

from analysis.alliances import counted
from components.alerts import create_alert, guarded
from components.alliance_cards import create_alliance_card
from components.alliance_compare import (
    create_composition,
    create_growth,
    create_hosts,
    create_sums,
    sum_indicator_options,
)
from components.controls import create_dropdown
from components.export_menu import charts_in, create_export_menu
from components.shell import create_page
from components.urls import parse_rev, search, split_list
from i18n import norm_lang, pick, t
from store import queries, queries_alliances
from store.db import get_engine

PATH = "/alliances"
DEFAULT_INDICATOR = "cell_capacity"
#: categories of indicators an organisation can have figures of (not land area, population …)
SUM_CATEGORIES = ("capacity", "enterprises", "innovation", "investment", "output", "energy")
dash.register_page(
    __name__, path=PATH, title="联盟 · 电池产业集群统计看板", name="alliances", order=2
)


@guarded
def layout(
    lang: str = "zh",
    alliances: str | None = None,
    indicator: str | None = None,
    rev: str | None = None,
    **_: str,
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    every = queries_alliances.alliances(engine)
    wanted = split_list(alliances)
    known = set(every["code"]) if not every.empty else set()
    valid = [c for c in every["code"] if c in wanted]
    chosen = valid or list(every["code"])  # none asked for, or none known: all of them
    ind = queries.indicators(engine)
    code = indicator if indicator in ind.index else DEFAULT_INDICATOR
    params = {
        "alliances": valid or None,
        "indicator": None if code == DEFAULT_INDICATOR else code,
        "rev": as_of,
    }
    body: list[object] = [
        html.P(t("alliances.intro", lang), className="text-muted"),
        _controls(every, params, code, ind, lang),
    ]
    body += [
        create_alert(t("alliances.unknown_alliance", lang, alliance=w))
        for w in wanted
        if w not in known
    ]
    if indicator and indicator not in ind.index:
        body.append(create_alert(t("common.unknown_indicator", lang, indicator=indicator)))
    if not chosen:
        body.append(create_alert(t("alliances.none", lang), color="info"))
        return create_page(lang, PATH, params, t("alliances.title", lang), *body)
    shown = every.set_index("code", drop=False).loc[chosen]
    names = {c: pick(lang, shown.loc[c, "name_zh"], shown.loc[c, "name_en"]) for c in chosen}
    members = queries_alliances.memberships(engine, chosen, as_of=as_of)
    members_now = counted(members)
    figures = queries.observations(engine, entity_type="alliance", entity_codes=chosen, as_of=as_of)
    reported = figures[figures["indicator_code"] == "alliance_members"]
    org_figures = queries_alliances.organisation_figures(
        engine, sorted(set(members_now["name_zh"])), [code], as_of
    )
    named_counts = members_now.groupby("alliance_code").size().to_dict()
    body += [
        html.H2(t("alliances.compare_heading", lang), className="h4 mt-3"),
        create_composition(members_now, names, lang),
        create_growth(members_now, shown, reported, names, lang),
        html.H2(t("alliances.hosts_heading", lang), className="h4 mt-3"),
        create_hosts(shown, named_counts, reported, ind, lang),
        html.H2(t("alliances.sum_heading", lang), className="h4 mt-3", id="alliances-sum-heading"),
        *create_sums(members_now, org_figures, ind.loc[code], names, lang),
        html.H2(t("alliances.each_heading", lang), className="h4 mt-4"),
        *[
            create_alliance_card(
                shown.loc[c],
                members[members["alliance_code"] == c],
                figures[figures["entity_code"] == c],
                ind,
                lang,
                as_of,
            )
            for c in chosen
        ],
        html.P(t("compare.share_link", lang), className="small text-muted"),
    ]
    body.insert(2, create_export_menu(PATH, params, lang, charts_in(body)))
    return create_page(lang, PATH, params, t("alliances.title", lang), *body)


def _controls(
    every: pd.DataFrame, params: dict, code: str, ind: pd.DataFrame, lang: str
) -> dbc.Row:
    alliance_items = [
        {"label": pick(lang, a["name_zh"], a["name_en"]), "value": a["code"]}
        for _, a in every.iterrows()
    ]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(t("alliances.pick", lang), html_for="alliances-pick"),
                    create_dropdown(
                        "alliances-pick",
                        lang,
                        options=alliance_items,
                        value=params["alliances"] or [],
                        multi=True,
                        placeholder=t("alliances.all", lang),
                    ),
                ],
                xs=12,
                md=8,
            ),
            dbc.Col(
                [
                    dbc.Label(t("alliances.sum_indicator", lang), html_for="alliances-indicator"),
                    create_dropdown(
                        "alliances-indicator",
                        lang,
                        options=sum_indicator_options(ind, SUM_CATEGORIES, lang),
                        value=code,
                        clearable=False,
                    ),
                ],
                xs=12,
                md=4,
            ),
        ],
        className="mb-3 g-3",
    )


@callback(
    Output("_pages_location", "search", allow_duplicate=True),
    Input("alliances-pick", "value"),
    Input("alliances-indicator", "value"),
    State("_pages_location", "search"),
    State("page-lang", "data"),
    State("page-rev", "data"),
    prevent_initial_call=True,
)
def update_view(
    picked: list[str] | None,
    indicator: str | None,
    current: str | None,
    lang: str,
    rev: int | None,
) -> str:
    """Any change of the controls becomes the URL; the page redraws from it. When the controls
    first appear they still say what the URL says: nothing changes, no history entry is made."""
    new = search(
        {
            "lang": lang,
            "rev": rev,
            "alliances": picked or [],
            "indicator": None if indicator in (None, "", DEFAULT_INDICATOR) else indicator,
        }
    )
    if _query(new) == _query(current):
        raise PreventUpdate
    return new


def _query(text: str | None) -> dict[str, str]:
    """The parameters of a ``?…`` string as they matter: Chinese is the default language, and
    the alliances compared are a set (a link may list them in any order)."""
    found = {}
    for key, value in parse_qsl((text or "").lstrip("?")):
        if key == "lang" and value == "zh":
            continue
        found[key] = ",".join(sorted(split_list(value))) if key == "alliances" else value
    return found
