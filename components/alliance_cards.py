"""One card per alliance: what it is, its facts and figures, and its members, each a link to
the member's own page (/organisation)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.shell import create_facts
from components.urls import href
from figures.format import format_quantity
from i18n import colon, pick, t

ALLIANCES_PATH = "/alliances"
ORGANISATION_PATH = "/organisation"


def organisation_href(name_zh: str, kind: str, lang: str, rev: int | None = None) -> str:
    """A member's page: its Chinese name (how sources and workbooks name it) and kind (the
    two together are what makes an organisation unique)."""
    return href(ORGANISATION_PATH, {"name": name_zh, "kind": kind, "lang": lang, "rev": rev})


def alliance_href(code: str, lang: str, rev: int | None = None) -> str:
    """The 联盟 page showing this one alliance: its charts and its card."""
    return href(ALLIANCES_PATH, {"alliances": code, "lang": lang, "rev": rev})


def as_written(text: str, lang: str) -> str:
    """（原文：40 余家） in Chinese, " (As written: 40 余家)" in English."""
    if lang == "zh":
        return f"（{t('common.as_written', lang)}：{text}）"
    return f" ({t('common.as_written', lang)}: {text})"


def founded_text(value: object, lang: str) -> str:
    return str(value) if value else t("alliances.founded_unknown", lang)


def create_alliance_card(
    a: pd.Series,
    members: pd.DataFrame,
    figures: pd.DataFrame,
    ind: pd.DataFrame,
    lang: str,
    rev: int | None,
) -> dbc.Card:
    """An alliance's card; ``members``: its memberships (``store.queries_alliances``)."""
    name = pick(lang, a["name_zh"], a["name_en"])
    source = pick(lang, a["source_title_zh"] or "", a["source_title_en"] or "")
    facts: list[tuple[str, object]] = [
        (t("alliances.founded", lang), founded_text(a["founded"], lang)),
        (t("alliances.host", lang), pick(lang, a["host_label_zh"], a["host_label_en"]) or "—"),
    ]
    for _, f in figures.iterrows():
        i = ind.loc[f["indicator_code"]]
        facts.append(
            (
                pick(lang, i["name_zh"], i["name_en"]),
                format_quantity(f["value"], f["qualifier"], i, lang)
                + as_written(f["value_as_written"], lang),
            )
        )
    named = members[members["role"] != "expert"]
    experts = members[members["role"] == "expert"]
    body: list[object] = [
        html.Div(t(f"alliances.kind.{a['kind']}", lang), className="badge text-bg-info mb-2"),
        html.P(pick(lang, a["description_zh"], a["description_en"]), className="mb-2"),
        create_facts(facts, 4, "alliance-facts"),
    ]
    if named.empty:
        body.append(html.P(t("alliances.none_named", lang), className="text-muted"))
    else:
        body += [
            html.H3(t("alliances.named_members", lang), className="h6 mt-3"),
            html.Ul(
                [
                    _member_item(m, lang, rev, detail=_role_kind(m, lang))
                    for _, m in named.iterrows()
                ],
                className="member-list",
            ),
        ]
    if not experts.empty:
        body += [
            html.H3(t("alliances.experts", lang), className="h6 mt-3"),
            html.Ul(
                [
                    _member_item(m, lang, rev, detail=pick(lang, m["title_zh"], m["title_en"]))
                    for _, m in experts.iterrows()
                ],
                className="expert-list",
            ),
        ]
    body.append(
        html.P(
            [
                t("common.source", lang),
                colon(lang),
                dcc.Link(source, href=href("/sources", {"lang": lang, "source": a["source_key"]}))
                if a["source_key"]
                else "—",
            ],
            className="small text-muted mb-0",
        )
    )
    return dbc.Card(
        [dbc.CardHeader(html.H2(name, className="h5 mb-0")), dbc.CardBody(body)],
        className="mb-4 alliance-card",
        id=a["code"],
    )


def _role_kind(m: pd.Series, lang: str) -> str:
    return f"{t('alliances.role.' + m['role'], lang)} · {t('alliances.orgkind.' + m['kind'], lang)}"


def _member_item(m: pd.Series, lang: str, rev: int | None, detail: str) -> html.Li:
    return html.Li(
        [
            dcc.Link(
                pick(lang, m["name_zh"], m["name_en"]),
                href=organisation_href(m["name_zh"], m["kind"], lang, rev),
                className="member-link",
            ),
            html.Span(f" · {detail}", className="text-muted small") if detail else None,
        ]
    )
