"""What a commit would change: each figure of an upload against the current data.

An upload adds and changes figures; it never deletes one. A figure is ``changed`` when its
value or qualifier differs from the live figure of the same (entity, indicator, period),
``unchanged`` when both are equal (exactly the test ``store.revisions`` applies when it
commits), else ``added``. ``removed`` is always 0: there is no "replace" mode.

The current figures come in one query, whatever the size of the upload: the live rows of the
upload's entity types and indicators, narrowed to its entity codes when there are few.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, select

from figures.format import format_quantity
from i18n import norm_lang, pick
from loaders.result import LoadResult
from store.models import Observation
from store.periods import PeriodError, parse_period
from store.queries import indicators, live

STATUSES = ("added", "changed", "unchanged", "removed")
COLUMNS = [
    "entity_type",
    "entity_code",
    "region",
    "indicator_code",
    "indicator",
    "period",
    "status",
    "old_value",
    "new_value",
    "old_display",
    "new_display",
    "old_qualifier",
    "new_qualifier",
]
SUMMARY_COLUMNS = ["entity_code", "region", "indicator_code", "indicator", *STATUSES]
_FEW_ENTITIES = 900  # up to this many entity codes, the query names them

Key = tuple[str, str, str, str]  # entity_type, entity_code, indicator_code, period


@dataclass
class Preview:
    """One row per figure of the upload (``COLUMNS``), the counts, and the counts per region
    and indicator (``SUMMARY_COLUMNS``)."""

    frame: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    summary: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=SUMMARY_COLUMNS))

    @property
    def changes(self) -> int:
        return self.counts.get("added", 0) + self.counts.get("changed", 0)


def preview(engine: Engine, result: LoadResult, lang: str | None = "zh") -> Preview:
    """Compare every tidy row of ``result`` with the live figure of its key.

    Values are shown in the indicator's display unit in ``lang`` (``32GWh``, ``16万吨``).
    """
    lang = norm_lang(lang)
    rows = result.rows
    current = _current(engine, rows)
    catalogue = indicators(engine).to_dict("index")
    periods: dict[object, str] = {}
    records = []
    for row in rows:
        etype, ecode = str(row.get("entity_type")), str(row.get("entity_code"))
        icode = str(row.get("indicator_code"))
        period = _period(periods, row.get("period"))
        value, qualifier = row.get("value"), str(row.get("qualifier") or "exact")
        found = current.get((etype, ecode, icode, period))
        if found is None:
            status, old_value, old_qualifier = "added", None, ""
        else:
            old_value, old_qualifier = found
            same = old_value == value and old_qualifier == qualifier
            status = "unchanged" if same else "changed"
        ind = catalogue.get(icode)
        records.append(
            {
                "entity_type": etype,
                "entity_code": ecode,
                "region": pick(
                    lang,
                    str(row.get("entity_name_zh") or ecode),
                    str(row.get("entity_name_en") or ""),
                ),
                "indicator_code": icode,
                "indicator": pick(lang, ind["name_zh"], ind["name_en"]) if ind else icode,
                "period": period,
                "status": status,
                "old_value": old_value,
                "new_value": value,
                "old_display": _display(old_value, old_qualifier, ind, lang),
                "new_display": _display(value, qualifier, ind, lang),
                "old_qualifier": old_qualifier,
                "new_qualifier": qualifier,
            }
        )
    frame = pd.DataFrame(records, columns=COLUMNS)
    counts = dict.fromkeys(STATUSES, 0) | dict(Counter(frame["status"]))
    return Preview(frame, counts, _summary(frame))


def _period(cache: dict[object, str], text: object) -> str:
    """The period as the store keeps it (``2024-08``); text the store cannot read stays as is."""
    found = cache.get(text)
    if found is None:
        try:
            found = parse_period(str(text)).text
        except PeriodError:
            found = str(text)
        cache[text] = found
    return found


def _display(value: object, qualifier: str, ind: dict | None, lang: str) -> str:
    if value is None:
        return ""
    if ind is None or not isinstance(value, int | float):
        return str(value)
    return format_quantity(float(value), qualifier, ind, lang)


def _current(engine: Engine, rows: list[dict[str, object]]) -> dict[Key, tuple[float, str]]:
    """Live figures for the keys of ``rows``: key → (value, qualifier); the oldest if twice."""
    if not rows:
        return {}
    o = Observation.__table__
    types = sorted({str(r.get("entity_type")) for r in rows})
    codes = sorted({str(r.get("entity_code")) for r in rows})
    wanted = sorted({str(r.get("indicator_code")) for r in rows})
    stmt = select(
        o.c.entity_type, o.c.entity_code, o.c.indicator_code, o.c.period, o.c.value, o.c.qualifier
    ).where(live(), o.c.entity_type.in_(types), o.c.indicator_code.in_(wanted))
    if len(codes) <= _FEW_ENTITIES:
        stmt = stmt.where(o.c.entity_code.in_(codes))
    figures: dict[Key, tuple[float, str]] = {}
    with engine.connect() as conn:
        for etype, ecode, icode, period, value, qualifier in conn.execute(stmt.order_by(o.c.id)):
            figures.setdefault((etype, ecode, icode, period), (value, qualifier))
    return figures


def _summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts per region and indicator, in the order the upload first names them."""
    if frame.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    keys = ["entity_code", "region", "indicator_code", "indicator"]
    counts = frame.groupby(keys, sort=False)["status"].value_counts().unstack(fill_value=0)
    counts = counts.reindex(columns=list(STATUSES), fill_value=0).reset_index()
    out = frame[keys].drop_duplicates().merge(counts, on=keys, how="left")
    out[list(STATUSES)] = out[list(STATUSES)].fillna(0).astype(int)
    return out[SUMMARY_COLUMNS].reset_index(drop=True)
