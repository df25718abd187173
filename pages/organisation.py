"""成员单位: one member of the alliances — its type, its region, the alliances it belongs to
(each a link back), and its own figures with their sources.

The view is in the URL: ``/organisation?name=天津力神电池股份有限公司&kind=enterprise``
(``kind`` tells apart two organisations of one name; without it, a single match is shown),
``lang``, ``rev`` (figures as they stood at that revision).
"""

from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from components.alerts import create_alert, guarded
from components.alliance_cards import alliance_href, as_written, colon, organisation_href
from components.alliance_compare import wrap_headers
from components.shell import create_facts, create_page
from components.tables import create_grid
from components.urls import href, parse_rev
from figures.format import format_quantity
from i18n import norm_lang, pick, t
from store import queries, queries_alliances
from store.db import get_engine
from store.periods import parse_period

PATH = "/organisation"
dash.register_page(
    __name__, path=PATH, title="成员单位 · 电池产业集群统计看板", name="organisation", order=90
)


@guarded
def layout(
    lang: str = "zh",
    name: str | None = None,
    kind: str | None = None,
    rev: str | None = None,
    **_: str,
) -> html.Div:
    lang = norm_lang(lang)
    as_of = parse_rev(rev)
    engine = get_engine()
    params = {"name": name, "kind": kind, "rev": as_of}
    back = html.P(
        dcc.Link(
            t("organisation.back", lang), href=href("/alliances", {"lang": lang, "rev": as_of})
        ),
        className="small",
    )
    found = queries_alliances.organisations(engine, name or "", kind) if name else None
    if found is None or found.empty:
        message = (
            t("organisation.unknown", lang, name=name) if name else t("organisation.none", lang)
        )
        return create_page(
            lang,
            PATH,
            params,
            t("organisation.title", lang),
            create_alert(message, color="info", alert_id="organisation-none"),
            back,
        )
    if len(found) > 1:
        return create_page(lang, PATH, params, str(name), _choose(found, lang, as_of), back)
    org = found.iloc[0]
    params["kind"] = org["kind"]
    memberships = queries_alliances.memberships(
        engine, organisation_ids=[int(org["id"])], as_of=as_of
    )
    alliances = queries_alliances.alliances(engine).set_index("code", drop=False)
    figures = queries_alliances.organisation_figures(engine, [org["name_zh"]], as_of=as_of)
    ind = queries.indicators(engine)
    body: list[object] = [
        _facts(engine, org, memberships, lang),
        html.H2(t("organisation.alliances", lang), className="h5 mt-3"),
        _alliance_list(memberships, alliances, lang, as_of),
        html.H2(t("organisation.figures", lang), className="h5 mt-4"),
        _figures(figures, ind, lang),
        back,
    ]
    title = pick(lang, org["name_zh"], org["name_en"])
    return create_page(lang, PATH, params, title, *body)


def _choose(found: pd.DataFrame, lang: str, rev: int | None) -> html.Div:
    """Several organisations of one name (of different kinds): a link to each."""
    return html.Div(
        [
            html.P(t("organisation.several", lang)),
            html.Ul(
                [
                    html.Li(
                        dcc.Link(
                            f"{pick(lang, o['name_zh'], o['name_en'])} · "
                            f"{t('alliances.orgkind.' + o['kind'], lang)}",
                            href=organisation_href(o["name_zh"], o["kind"], lang, rev),
                        )
                    )
                    for _, o in found.iterrows()
                ]
            ),
        ],
        id="organisation-choose",
    )


def _facts(engine, org: pd.Series, memberships: pd.DataFrame, lang: str) -> html.Dl:  # type: ignore[no-untyped-def]
    facts: list[tuple[str, object]] = [
        (t("organisation.kind", lang), t(f"alliances.orgkind.{org['kind']}", lang)),
    ]
    if lang == "en" or not org["name_en"]:
        facts.append((t("organisation.name_zh", lang), org["name_zh"]))
    if lang == "zh" and org["name_en"]:
        facts.append((t("organisation.name_en", lang), org["name_en"]))
    if org["kind"] == "person":
        titles = [
            pick(lang, z, e) for z, e in zip(memberships["title_zh"], memberships["title_en"])
        ]
        titles = [x for x in dict.fromkeys(titles) if x]
        facts.append((t("organisation.person_title", lang), "；".join(titles) or "—"))
    else:
        region = queries_alliances.organisation_region(engine, org["name_zh"], org["kind"])
        if region is None:
            shown: object = t("organisation.region_unknown", lang)
        else:
            shown = [
                dcc.Link(
                    pick(lang, region["name_zh"], region["name_en"]),
                    href=href("/", {"region": region["code"], "lang": lang}),
                    id="organisation-region-link",
                ),
                html.Span(f" {t('organisation.region_from_name', lang)}", className="text-muted"),
            ]
        facts.append((t("common.region", lang), shown))
    facts.append(
        (t("organisation.alliance_count", lang), str(memberships["alliance_code"].nunique()))
    )
    return html.Div(create_facts(facts, 3, "organisation-facts"), id="organisation-facts")


def _alliance_list(
    memberships: pd.DataFrame, alliances: pd.DataFrame, lang: str, rev: int | None
) -> html.Ul:
    items = []
    for _, m in memberships.iterrows():
        a = alliances.loc[m["alliance_code"]] if m["alliance_code"] in alliances.index else None
        name = pick(lang, a["name_zh"], a["name_en"]) if a is not None else m["alliance_code"]
        if m["joined"]:
            joined = t("organisation.joined", lang, date=str(m["joined"]))
        elif a is not None and a["founded"]:
            joined = t("organisation.joined_unknown_founded", lang, date=str(a["founded"]))
        else:
            joined = t("organisation.joined_unknown", lang)
        parts = [t(f"alliances.role.{m['role']}", lang), joined]
        if m["left"]:
            parts.append(t("organisation.left", lang, date=str(m["left"])))
        source = pick(lang, m["source_title_zh"], m["source_title_en"])
        items.append(
            html.Li(
                [
                    dcc.Link(
                        name,
                        href=alliance_href(m["alliance_code"], lang, rev),
                        className="fw-bold organisation-alliance-link",
                    ),
                    html.Div(" · ".join(parts), className="small"),
                    html.Div(
                        [
                            t("common.source", lang),
                            colon(lang),
                            dcc.Link(
                                source,
                                href=href("/sources", {"lang": lang, "source": m["source_key"]}),
                            )
                            if m["source_key"]
                            else "—",
                            as_written(m["sentence"], lang) if m["sentence"] else "",
                        ],
                        className="small text-muted",
                    ),
                ],
                className="mb-2",
            )
        )
    return html.Ul(items, className="list-unstyled", id="organisation-alliances")


def _figures(figures: pd.DataFrame, ind: pd.DataFrame, lang: str) -> object:
    if figures.empty:
        return create_alert(
            t("organisation.no_figures", lang), color="info", alert_id="organisation-no-figures"
        )
    rows = []
    for _, f in figures.iterrows():
        i = ind.loc[f["indicator_code"]]
        rows.append(
            {
                "indicator": pick(lang, i["name_zh"], i["name_en"]),
                "value": format_quantity(float(f["value"]), f["qualifier"], i, lang),
                "period": parse_period(str(f["period"])).label(lang),
                "written": f["value_as_written"] or "—",
                "source": pick(lang, f["source_title_zh"], f["source_title_en"]) or "—",
            }
        )
    columns = [
        {"field": "indicator", "headerName": t("common.indicator", lang), "flex": 2,
         "minWidth": 140},
        {"field": "value", "headerName": t("common.value", lang), "type": "rightAligned",
         "minWidth": 120},
        {"field": "period", "headerName": t("common.period", lang), "minWidth": 110,
         "cellDataType": "text"},
        {"field": "written", "headerName": t("common.as_written", lang), "minWidth": 110},
        {"field": "source", "headerName": t("common.source", lang), "flex": 2, "minWidth": 160},
    ]  # fmt: skip
    return create_grid("organisation-figures", rows, wrap_headers(columns), page_size=20, lang=lang)
