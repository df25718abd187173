"""The 联盟 page's comparison: members by type (now, and over the years), host regions, and
the sums of the members' figures. Each section is a chart with its title, unit, period and
source line, the same line and notes under it on the page, and a table where one helps."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from dash import dcc, html

from analysis.alliances import (
    FIGURE_KINDS,
    alliances_per_region,
    composition,
    is_additive,
    member_sums,
    member_years,
    members_over_time,
    year_basis_counts,
)
from components.alerts import create_alert
from components.alliance_cards import founded_text
from components.figures import COMPACT_GRAPH_CONFIG
from components.tables import create_grid
from figures.alliance import composition_bars, growth_chart, host_bars, sum_bars
from figures.format import format_quantity
from i18n import pick, t
from store.periods import parse_period


def _sep(lang: str) -> str:
    return "；" if lang == "zh" else "; "


#: a wrapped cell's lines as close as text lines, not a row height apart
WRAPPED_CELL = {"lineHeight": "1.4", "paddingTop": "7px", "paddingBottom": "7px"}


def wrap_headers(columns: list[dict]) -> list[dict]:
    """Columns whose long headers wrap instead of being cut off; where a column wraps its
    cells (long alliance names on a phone), their lines stay together."""
    wraps = any(c.get("wrapText") for c in columns)  # then every cell alike, lines aligned
    return [
        {**c, "wrapHeaderText": True, "autoHeaderHeight": True}
        | ({"cellStyle": WRAPPED_CELL} if wraps else {})
        for c in columns
    ]


def source_line(titles: list[tuple[str, str]], lang: str) -> str:
    """数据来源：甲；乙 — each source once, in the page's language."""
    listed = list(dict.fromkeys(pick(lang, z or "", e or "") for z, e in titles if z or e))
    return t("common.source_line", lang, sources="；".join(listed) or "—")


def _section(
    key: str, figure: object, line: str, notes: list[str], lang: str, *extra: object
) -> html.Section:
    """A chart, its source line under it (Chinese semicolons between sources in Chinese only),
    its notes and what else the section holds."""
    return html.Section(
        [
            dcc.Graph(
                id=f"alliances-{key}", figure=figure, config=COMPACT_GRAPH_CONFIG, className="chart"
            ),
            html.P(
                line.replace("；", "; ") if lang == "en" else line,
                className="small text-muted mt-2 mb-1",
                id=f"alliances-{key}-source",
            ),
            *[html.P(n, className="small text-muted mb-1") for n in notes if n],
            *extra,
        ],
        className="mb-4",
        id=f"alliances-{key}-section",
    )


def _member_sources(members: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(members["source_title_zh"], members["source_title_en"]))


def create_composition(counted: pd.DataFrame, names: Mapping[str, str], lang: str) -> html.Section:
    """Counted members of each alliance by type, now."""
    line = source_line(_member_sources(counted), lang)
    note = t("alliances.counted_note", lang)
    figure = composition_bars(
        composition(counted),
        names,
        lang,
        title=t("alliances.composition_title", lang),
        subtitle=t("alliances.composition_subtitle", lang),
        source_line=line,
        note=note,
    )
    return _section("composition", figure, line, [note], lang)


def create_growth(
    counted: pd.DataFrame,
    alliances: pd.DataFrame,
    reported: pd.DataFrame,
    names: Mapping[str, str],
    lang: str,
) -> html.Section:
    """Counted members of each alliance at the end of each year, by type; the page and the
    chart say which date places each member in time."""
    dated = member_years(counted, alliances)
    over_time = members_over_time(dated)
    basis = year_basis_counts(dated)
    undated = [
        names[c]
        for c in names
        if c in set(dated["alliance_code"])
        and dated.loc[dated["alliance_code"] == c, "year"].isna().all()
    ]
    basis_note = t("alliances.growth_basis", lang, joined=basis["joined"], founded=basis["founded"])
    notes = [basis_note]
    if basis["unknown"]:
        notes.append(
            t(
                "alliances.growth_undated",
                lang,
                count=basis["unknown"],
                alliances=("、" if lang == "zh" else "; ").join(undated) or "—",
            )
        )
    notes.append(t("alliances.growth_stay", lang))
    said = reported.copy()
    line = source_line(
        _member_sources(counted) + list(zip(said["source_title_zh"], said["source_title_en"])),
        lang,
    )
    years = sorted({int(y) for y in over_time["year"]}) if not over_time.empty else []
    period = (
        t("alliances.period_years", lang, start=years[0], end=years[-1])
        if years
        else t("common.none", lang)
    )
    figure = growth_chart(
        over_time,
        said,
        names,
        lang,
        title=t("alliances.growth_title", lang),
        subtitle=t("alliances.growth_subtitle", lang, period=period),
        source_line=line,
        note=" ".join(notes[:2]),
    )
    if not said.empty:
        notes.append(t("alliances.reported_note", lang))
    return _section("growth", figure, line, notes, lang)


def create_hosts(
    alliances: pd.DataFrame,
    named_counts: Mapping[str, int],
    reported: pd.DataFrame,
    ind: pd.DataFrame,
    lang: str,
) -> html.Section:
    """Which region hosts each alliance: a chart of alliances per region, and a table."""
    per_region = alliances_per_region(alliances)
    line = source_line(list(zip(alliances["source_title_zh"], alliances["source_title_en"])), lang)
    founded = [int(str(f)[:4]) for f in alliances["founded"] if f]
    undated = int(sum(1 for f in alliances["founded"] if not f))
    period = (
        t("alliances.period_years", lang, start=min(founded), end=max(founded))
        if founded
        else t("alliances.founded_unknown", lang)
    )
    if undated:
        period += _sep(lang) + t("alliances.founded_missing", lang, count=undated)
    figure = host_bars(
        per_region,
        lang,
        title=t("alliances.hosts_title", lang),
        subtitle=t("alliances.hosts_subtitle", lang, period=period),
        source_line=line,
    )
    members_ind = ind.loc["alliance_members"] if "alliance_members" in ind.index else None
    latest = (
        reported.groupby("entity_code").tail(1).set_index("entity_code")
        if not reported.empty
        else None
    )
    rows = []
    for _, a in alliances.iterrows():
        said = "—"
        if latest is not None and a["code"] in latest.index and members_ind is not None:
            r = latest.loc[a["code"]]
            said = format_quantity(float(r["value"]), r["qualifier"], members_ind, lang)
        rows.append(
            {
                "alliance": pick(lang, a["name_zh"], a["name_en"]),
                "code": a["code"],
                "kind": t(f"alliances.kind.{a['kind']}", lang),
                "host": pick(lang, a["host_label_zh"], a["host_label_en"])
                or t("alliances.no_host", lang),
                "province": pick(lang, a["province_zh"], a["province_en"]) or "—",
                "founded": founded_text(a["founded"], lang),
                "named": int(named_counts.get(a["code"], 0)),
                "reported": said,
            }
        )
    columns = [
        {"field": "alliance", "headerName": t("alliances.col.alliance", lang), "flex": 3,
         "minWidth": 150, "wrapText": True, "autoHeight": True},
        {"field": "kind", "headerName": t("alliances.col.kind", lang), "minWidth": 110},
        {"field": "host", "headerName": t("alliances.host", lang), "minWidth": 130},
        {"field": "province", "headerName": t("alliances.col.province", lang), "minWidth": 110},
        {"field": "founded", "headerName": t("alliances.founded", lang), "minWidth": 120,
         "cellDataType": "text"},
        {"field": "named", "headerName": t("alliances.col.named", lang), "minWidth": 110,
         "type": "rightAligned"},
        {"field": "reported", "headerName": t("alliances.col.reported", lang), "minWidth": 120,
         "type": "rightAligned"},
    ]  # fmt: skip
    table = create_grid("alliances-hosts-table", rows, wrap_headers(columns), lang=lang)
    return _section("hosts", figure, line, [], lang, table)


def sum_indicator_options(ind: pd.DataFrame, categories: tuple[str, ...], lang: str) -> list[dict]:
    """The indicators a member's figure can be of: additive ones to choose, the others shown
    but not choosable, marked as not adding up."""
    options = []
    for code, i in ind[ind["category"].isin(categories)].iterrows():
        name = pick(lang, i["name_zh"], i["name_en"])
        if is_additive(i):
            options.append({"label": name, "value": code})
        else:
            options.append(
                {"label": t("alliances.not_additive_option", lang, indicator=name),
                 "value": code, "disabled": True}
            )  # fmt: skip
    return options


def create_sums(
    counted: pd.DataFrame,
    figures: pd.DataFrame,
    indicator: pd.Series,
    names: Mapping[str, str],
    lang: str,
) -> list[object]:
    """The sum of each alliance's member organisations' figures of ``indicator``, or why there
    is none: not additive, or no member's figure known."""
    ind_name = pick(lang, indicator["name_zh"], indicator["name_en"])
    if not is_additive(indicator):
        return [
            create_alert(
                t("alliances.not_additive", lang, indicator=ind_name),
                color="info",
                alert_id="alliances-sum-none",
            )
        ]
    sums = member_sums(counted, figures, indicator, list(names))
    known = sums[sums["known"] > 0]
    sources = [s for lst in known["sources"] for s in lst]
    line = source_line(sources, lang)
    years = [int(y) for y in known["year_from"]] + [int(y) for y in known["year_to"]]
    unit = indicator["display_en_unit" if lang == "en" else "display_zh_unit"]
    out: list[object] = []
    if known.empty:
        out.append(
            create_alert(
                t(
                    "alliances.sum_none_any",
                    lang,
                    indicator=ind_name,
                    members=_distinct_organisations(counted),
                ),
                color="info",
                alert_id="alliances-sum-none",
            )
        )
    else:
        period = (
            t("alliances.period_years", lang, start=min(years), end=max(years))
            if min(years) != max(years)
            else parse_period(str(min(years))).label(lang)
        )
        notes = [t("alliances.sum_note", lang)]
        if (known["qualifier"] != "exact").any():
            notes.append(t("qualifier.note", lang))
        figure = sum_bars(
            sums,
            names,
            indicator,
            lang,
            title=t("alliances.sum_title", lang),
            subtitle=t(
                "alliances.sum_subtitle", lang, indicator=ind_name, unit=unit, period=period
            ),
            source_line=line,
            note=notes[0],
        )
        out.append(_section("sums", figure, line, notes, lang))
    out.append(_sums_table(sums, indicator, names, lang))
    return out


def _distinct_organisations(counted: pd.DataFrame) -> int:
    """Member organisations of the chosen alliances, each once (枣庄市 founded three)."""
    orgs = counted[counted["kind"].isin(FIGURE_KINDS)]
    return len(set(zip(orgs["name_zh"], orgs["kind"])))


def _sums_table(
    sums: pd.DataFrame, indicator: pd.Series, names: Mapping[str, str], lang: str
) -> object:
    rows = []
    for _, s in sums.iterrows():
        total = (
            format_quantity(float(s["total"]), s["qualifier"], indicator, lang)
            if s["known"]
            else t("alliances.sum_unknown", lang)
        )
        years = "—"
        if s["known"]:
            start, end = int(s["year_from"]), int(s["year_to"])
            years = str(start) if start == end else f"{start}—{end}"
        rows.append(
            {
                "alliance": names[s["alliance_code"]],
                "total": total,
                "known": int(s["known"]),
                "missing": int(s["missing"]),
                "years": years,
                "sources": "；".join(
                    dict.fromkeys(pick(lang, z or "", e or "") for z, e in s["sources"])
                )
                or "—",
            }
        )
    columns = [
        {"field": "alliance", "headerName": t("alliances.col.alliance", lang), "flex": 3,
         "minWidth": 150, "wrapText": True, "autoHeight": True},
        {"field": "known", "headerName": t("alliances.col.known", lang), "minWidth": 100,
         "type": "rightAligned"},
        {"field": "missing", "headerName": t("alliances.col.missing", lang), "minWidth": 100,
         "type": "rightAligned"},
        {"field": "total", "headerName": t("alliances.col.total", lang), "minWidth": 150,
         "type": "rightAligned"},
        {"field": "years", "headerName": t("alliances.col.years", lang), "minWidth": 110,
         "cellDataType": "text"},
        {"field": "sources", "headerName": t("common.source", lang), "flex": 2, "minWidth": 160},
    ]  # fmt: skip
    return create_grid("alliances-sums-table", rows, wrap_headers(columns), lang=lang)
