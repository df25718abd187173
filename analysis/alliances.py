"""Alliances compared: members by type over the years, host regions, sums of members' figures.

Pure functions on the frames ``store.queries_alliances`` returns: no I/O.

Who counts as a member: founders, leads and members (``MEMBER_ROLES``). Supporters (支持单位)
back an alliance without joining it and distinguished experts (特聘专家) are engaged by it; both
are listed on the page but never counted.

When a member joined: its joining date when the source gives one, else the alliance's founding
date (a founding member needs no date of its own), else it is not placed in time at all;
``year_basis`` says which (``joined``, ``founded``, ``unknown``) so that a chart can say so.

Sums of members' figures (total cell capacity of the member enterprises) exist only for
additive indicators. The sum keeps the qualifier its terms give it, as every sum of the
dashboard does (``store.queries_projects.sum_with_qualifier``: a lower bound in, a lower bound
out; an approximate term makes it approximate), and the number of members whose figure is known
and missing is carried beside it, never folded into it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from store.queries_projects import sum_with_qualifier

MEMBER_ROLES = ("founder", "lead", "member")
KIND_ORDER = ("enterprise", "university", "institute", "government", "association", "person")
#: organisations whose own figures (capacity, patents …) a sum can add; people have none
FIGURE_KINDS = ("enterprise", "university", "institute", "government", "association")


class NotSummable(ValueError):
    """The indicator does not add up (a share, kinds of mineral, a count that overlaps)."""


def counted(members: pd.DataFrame) -> pd.DataFrame:
    """The members an alliance counts: founders, leads and members (no supporters, experts)."""
    if members.empty:
        return members
    return members[members["role"].isin(MEMBER_ROLES)]


def kind_order(kinds: Iterable[str]) -> list[str]:
    """The kinds present, in the dashboard's order (enterprises first), unknown ones last."""
    present = list(dict.fromkeys(kinds))
    return [k for k in KIND_ORDER if k in present] + sorted(
        k for k in present if k not in KIND_ORDER
    )


def _year(value: object) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    return int(pd.Timestamp(value).year)


def member_years(members: pd.DataFrame, alliances: pd.DataFrame) -> pd.DataFrame:
    """``members`` with ``year`` (when the member joined: its own date, else the alliance's
    founding), ``year_basis`` (``joined``, ``founded`` or ``unknown``) and ``left_year``."""
    out = members.copy()
    founded = {c: _year(f) for c, f in zip(alliances["code"], alliances["founded"])}
    years, bases, left = [], [], []
    for code, joined, gone in zip(out["alliance_code"], out["joined"], out["left"]):
        own, start = _year(joined), founded.get(code)
        if own is not None:
            years.append(own)
            bases.append("joined")
        elif start is not None:
            years.append(start)
            bases.append("founded")
        else:
            years.append(None)
            bases.append("unknown")
        left.append(_year(gone))
    out["year"] = pd.array(years, dtype="Int64")
    out["year_basis"] = bases
    out["left_year"] = pd.array(left, dtype="Int64")
    return out


def members_over_time(dated: pd.DataFrame) -> pd.DataFrame:
    """Members by alliance, year and kind: ``joined`` that year, and ``present`` at the end of
    it (joined that year or before, not left by then).

    ``dated``: ``member_years`` of the counted members; undated ones are left out. Each
    alliance runs from its first year to the last joining or leaving year of all the alliances
    given, so that they share one axis. Columns: alliance_code, year, kind, joined, present.
    """
    columns = ["alliance_code", "year", "kind", "joined", "present"]
    placed = dated[dated["year"].notna()] if not dated.empty else dated
    if placed.empty:
        return pd.DataFrame(columns=columns)
    last = max([int(y) for y in placed["year"]] + [int(y) for y in placed["left_year"].dropna()])
    rows = []
    for code, group in placed.groupby("alliance_code", sort=False):
        kinds = kind_order(group["kind"])
        for year in range(int(group["year"].min()), last + 1):
            stayed = (group["left_year"].isna() | (group["left_year"] > year)).astype(bool)
            present = group[(group["year"] <= year) & stayed]["kind"].value_counts()
            joined = group[group["year"] == year]["kind"].value_counts()
            rows += [(code, year, k, int(joined.get(k, 0)), int(present.get(k, 0))) for k in kinds]
    return pd.DataFrame(rows, columns=columns)


def year_basis_counts(dated: pd.DataFrame) -> dict[str, int]:
    """How many members are placed in time by their own date, by the founding, or not at all."""
    counts = dated["year_basis"].value_counts() if not dated.empty else pd.Series(dtype=int)
    return {b: int(counts.get(b, 0)) for b in ("joined", "founded", "unknown")}


def composition(members: pd.DataFrame) -> pd.DataFrame:
    """Counted members per alliance and kind, now (members who left are not counted).
    Columns: alliance_code, kind, count; alliances in the order given, kinds in KIND_ORDER."""
    columns = ["alliance_code", "kind", "count"]
    if members.empty:
        return pd.DataFrame(columns=columns)
    now = members[members["left"].isna()] if "left" in members.columns else members
    rows = []
    for code, group in now.groupby("alliance_code", sort=False):
        counts = group["kind"].value_counts()
        rows += [(code, k, int(counts[k])) for k in kind_order(group["kind"])]
    return pd.DataFrame(rows, columns=columns)


def alliances_per_region(alliances: pd.DataFrame) -> pd.DataFrame:
    """How many alliances each host region holds, most first; alliances without a host region
    under an empty code. Columns: region_code, region_label_zh, region_label_en, count,
    alliances (their codes)."""
    columns = ["region_code", "region_label_zh", "region_label_en", "count", "alliances"]
    if alliances.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    codes = alliances["host_region_code"].fillna("")
    for code, group in alliances.groupby(codes, sort=False):
        first = group.iloc[0]
        rows.append(
            (
                code,
                first.get("host_label_zh") or "",
                first.get("host_label_en") or "",
                len(group),
                list(group["code"]),
            )
        )
    out = pd.DataFrame(rows, columns=columns)
    out["_none"] = out["region_code"] == ""
    return (
        out.sort_values(["_none", "count", "region_code"], ascending=[True, False, True])
        .drop(columns="_none")
        .reset_index(drop=True)
    )


def is_additive(indicator: Mapping) -> bool:
    return str(indicator.get("additive")).strip().lower() in {"true", "1", "yes"}


def latest_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Each organisation's latest reported figure (``figures``: observations of one indicator,
    sorted by period as ``store.queries.observations`` returns them)."""
    if figures.empty:
        return figures
    reported = figures[figures["status"].isin(["reported", "derived"])]
    return reported.groupby("entity_code", sort=False).tail(1).reset_index(drop=True)


def member_sums(
    members: pd.DataFrame, figures: pd.DataFrame, indicator: Mapping, alliance_codes: list[str]
) -> pd.DataFrame:
    """Per alliance, the sum of its member organisations' latest figures of ``indicator``.

    ``members``: counted members (people are left out: they have no figures of their own);
    ``figures``: observations of the indicator whose ``entity_code`` is an organisation's
    name (``store.queries_alliances.ORGANISATION``). Raises NotSummable for an indicator that
    is not additive.

    Columns: alliance_code, total (None when no member's figure is known), qualifier, known,
    missing, members, year_from, year_to (of the figures summed), sources (titles, zh and en).
    """
    if not is_additive(indicator):
        raise NotSummable(str(indicator.get("code")))
    latest = latest_figures(figures).set_index("entity_code") if not figures.empty else None
    orgs = members[members["kind"].isin(FIGURE_KINDS)] if not members.empty else members
    rows = []
    for code in alliance_codes:
        names = list(
            dict.fromkeys(orgs.loc[orgs["alliance_code"] == code, "name_zh"])
            if not orgs.empty
            else []
        )
        found = (
            latest.loc[[n for n in names if n in latest.index]]
            if latest is not None
            else pd.DataFrame(columns=["value", "qualifier", "year"])
        )
        total, qualifier = sum_with_qualifier(found["value"], found["qualifier"])
        years = [int(y) for y in found["year"]] if len(found) else []
        sources = (
            list(dict.fromkeys(zip(found["source_title_zh"], found["source_title_en"])))
            if len(found)
            else []
        )
        rows.append(
            {
                "alliance_code": code,
                "total": total,
                "qualifier": qualifier,
                "known": len(found),
                "missing": len(names) - len(found),
                "members": len(names),
                "year_from": min(years) if years else None,
                "year_to": max(years) if years else None,
                "sources": sources,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "alliance_code",
            "total",
            "qualifier",
            "known",
            "missing",
            "members",
            "year_from",
            "year_to",
            "sources",
        ],
    )


def infer_region(name: str, index: Mapping[str, Mapping[str, str]]) -> str | None:
    """The region an organisation's name begins with (天津巴莫科技 → 天津市 120000,
    天津市南开区 → 南开区 120104, 山东省能源局 → 370000), or None.

    ``index``: parent code ("" for the top) → {name or alias → code} of the regions directly
    under it (``store.queries_alliances.region_prefixes``). The longest name wins at each
    level; after a match, the rest of the name is tried against the regions under it.
    """
    found: str | None = None
    rest, parent = name.strip(), ""
    while rest:
        names = index.get(parent, {})
        match = next(
            (n for n in sorted(names, key=len, reverse=True) if rest.startswith(n)),
            None,
        )
        if match is None:
            break
        found = parent = names[match]
        rest = rest[len(match) :]
    return found
