"""联盟: each alliance with its founding date, host region, members by type and experts."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.alerts import guarded
from components.shell import create_facts, create_page
from components.urls import href, parse_rev
from figures.alliance import members_by_kind
from figures.format import format_quantity
from i18n import norm_lang, pick, t
from store import queries
from store.db import get_engine

PATH = "/alliances"
MIN_MEMBERS_FOR_CHART = 3  # fewer named members say more as a list than as bars
dash.register_page(
    __name__, path=PATH, title="联盟 · 电池产业集群统计看板", name="alliances", order=2
)


@guarded
def layout(lang: str = "zh", rev: str | None = None, **_: str) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    alliances = queries.alliances(engine)
    members = queries.members(engine)
    figures = queries.observations(engine, entity_type="alliance", as_of=as_of)
    ind = queries.indicators(engine)
    cards = [
        _card(
            a,
            members[members["alliance_code"] == a["code"]] if not members.empty else members,
            figures[figures["entity_code"] == a["code"]],
            ind,
            lang,
        )
        for _, a in alliances.iterrows()
    ]
    return create_page(lang, PATH, {"rev": as_of}, t("alliances.title", lang), *cards)


def _card(
    a: pd.Series, members: pd.DataFrame, figures: pd.DataFrame, ind: pd.DataFrame, lang: str
) -> dbc.Card:
    name = pick(lang, a["name_zh"], a["name_en"])
    source = pick(lang, a["source_title_zh"], a["source_title_en"])
    facts = [
        (t("alliances.founded", lang), str(a["founded"]) if a["founded"] else "—"),
        (t("alliances.host", lang), pick(lang, a["host_name_zh"] or "—", a["host_name_en"])),
    ]
    for _, f in figures.iterrows():
        facts.append(
            (
                pick(
                    lang,
                    ind.loc[f["indicator_code"], "name_zh"],
                    ind.loc[f["indicator_code"], "name_en"],
                ),
                f"{format_quantity(f['value'], f['qualifier'], ind.loc[f['indicator_code']], lang)}"
                f"（{t('common.as_written', lang)}：{f['value_as_written']}）",
            )
        )
    named = members[members["role"] != "expert"] if not members.empty else members
    experts = members[members["role"] == "expert"] if not members.empty else members
    body = [
        html.Div(t(f"alliances.kind.{a['kind']}", lang), className="badge text-bg-info mb-2"),
        html.P(pick(lang, a["description_zh"], a["description_en"]), className="mb-2"),
        create_facts(facts, 4, "alliance-facts"),
    ]
    if len(named) >= MIN_MEMBERS_FOR_CHART:
        body.append(
            dcc.Graph(
                figure=members_by_kind(
                    named,
                    lang,
                    title=t("alliances.members_by_type", lang),
                    source_line=t("common.source_line", lang, sources=source),
                ),
                config={"displaylogo": False, "responsive": True},
                className="chart",
            )
        )
    if not named.empty:
        body += [
            html.H4(t("alliances.named_members", lang), className="h6 mt-3"),
            html.Ul(
                [
                    html.Li(
                        [
                            pick(lang, m["name_zh"], m["name_en"]),
                            html.Span(
                                f" · {t('alliances.role.' + m['role'], lang)} · "
                                f"{t('alliances.orgkind.' + m['kind'], lang)}",
                                className="text-muted small",
                            ),
                        ]
                    )
                    for _, m in named.iterrows()
                ],
                className="member-list",
            ),
        ]
    else:
        body.append(html.P(t("alliances.none_named", lang), className="text-muted"))
    if not experts.empty:
        body += [
            html.H4(t("alliances.experts", lang), className="h6 mt-3"),
            html.Ul(
                [
                    html.Li(
                        [
                            pick(lang, m["name_zh"], m["name_en"]),
                            html.Span(
                                f" · {pick(lang, m['title_zh'], m['title_en'])}",
                                className="text-muted small",
                            ),
                        ]
                    )
                    for _, m in experts.iterrows()
                ],
                className="expert-list",
            ),
        ]
    body.append(
        html.P(
            [
                t("common.source", lang),
                "：",
                dcc.Link(source, href=href("/sources", {"lang": lang, "source": a["source_key"]})),
            ],
            className="small text-muted mb-0",
        )
    )
    return dbc.Card(
        [dbc.CardHeader(html.H2(name, className="h5 mb-0")), dbc.CardBody(body)],
        className="mb-4 alliance-card",
        id=a["code"],
    )
