"""Resolving the names a government table writes: regions, indicators, the mapping's filters.

One :class:`Names` per sheet caches every lookup (a census sheet repeats 3 000 labels). A name
is matched after OpenCC t2s, NFKC and space removal (``全 市`` = ``全市``), without its
numbering (``（一）``, ``其中：``) or its unit (``产能（万吨）``).
"""

from __future__ import annotations

import difflib

from loaders.layout import Layout
from loaders.reference import LEVEL_RANK, Reference
from loaders.result import Issue, column_letter
from loaders.sheet import LoadOptions, Sheet
from loaders.text import (
    OWN_REGION_WORDS,
    clean_label,
    is_placeholder_region,
    period_of,
    periods_in,
    simplified,
    split_unit,
)
from store.periods import PeriodError, parse_period
from store.regions import alias_key, descendant_prefix

TITLE_NAME_MAX = 14  # longest region name looked for inside a title
SUGGESTED_MAX = 20  # unknown names per sheet that get suggestions from the whole country
_ADMIN_END = tuple("省市区县州盟旗")

# Outcomes of a region lookup.
REGION = "region"  # found
OWN = "own"  # 全市, 合计: the workbook's own region
PLACEHOLDER = "placeholder"  # 市辖区, 省直辖县级行政区划: a statistical unit, not a region
OUTSIDE = "outside"  # found, but not inside the region its parent column names
UNKNOWN = "unknown"
BLANK = "blank"


class Names:
    """Region and indicator lookups with the options' mapping, filters and the own region."""

    def __init__(self, ref: Reference, options: LoadOptions) -> None:
        self.ref = ref
        self.own: str | None = None
        self.mapping: dict[str, str] = {}  # header key → indicator code as the user wrote it
        self.filters: dict[str, tuple[str, frozenset[str], str]] = {}  # key → header, keys, text
        for header, target in options.mapping.items():
            key = alias_key(simplified(str(header)))
            target = str(target)
            if target.startswith("="):
                allowed = frozenset(alias_key(simplified(v)) for v in target[1:].split("|"))
                self.filters[key] = (str(header), allowed, target[1:])
            else:
                self.mapping[key] = target
        self.alternatives: list[str] = []  # after region(): codes equally likely, if several
        self._regions: dict[tuple[str, str | None, bool], tuple[str, str | None, list[str]]] = {}
        self._indicators: dict[str, tuple[str | None, str | None, bool]] = {}
        self._suggested = 0

    def mapped(self, text: str) -> tuple[str | None, bool]:
        """(indicator code, or None when the mapping's target is no indicator; whether mapped)."""
        target = self.mapping.get(alias_key(text))
        if target is None:
            return None, False
        return self.ref.indicator(target), True

    def indicator(self, text: str) -> tuple[str | None, str | None, bool]:
        """(indicator code, unit hint written in the label, whether mapped)."""
        hit = self._indicators.get(text)
        if hit is None:
            code, mapped = self.mapped(text)
            base, hint = split_unit(clean_label(text))
            if not mapped and base != text:
                code, mapped = self.mapped(base)
            if not mapped:
                code = (self.ref.indicator(base) if base else None) or self.ref.indicator(
                    clean_label(text)
                )
            hit = self._indicators[text] = (code, hint, mapped)
        return hit

    def region(
        self, text: str, context: str | None = None, strict: bool = False
    ) -> tuple[str, str | None]:
        """(outcome, code). ``context`` is a parent region: names inside it win; ``strict``
        (a parent column) makes a name found only outside it an OUTSIDE outcome. Sets
        ``alternatives`` when the name fits several regions of the same level equally well."""
        key = alias_key(clean_label(text))
        hit = self._regions.get((key, context, strict))
        if hit is None:
            hit = self._regions[(key, context, strict)] = self._find(key, context, strict)
        self.alternatives = hit[2]
        return hit[0], hit[1]

    def _find(
        self, key: str, context: str | None, strict: bool
    ) -> tuple[str, str | None, list[str]]:
        if not key:
            return BLANK, None, []
        if key in OWN_REGION_WORDS:
            return OWN, None, []
        if is_placeholder_region(key):
            return PLACEHOLDER, None, []
        codes = self.ref.region_keys.get(key)
        if not codes:
            return UNKNOWN, None, []
        pool: list[str] = []
        for ctx in (context, self.own):
            if ctx and not pool:
                prefix = descendant_prefix(ctx)
                pool = [c for c in codes if c.startswith(prefix) and c != ctx]
        if strict and context and not pool and context not in codes:
            return OUTSIDE, self._best(codes), []
        pool = pool or codes
        best = self._best(pool)
        same = [c for c in pool if self._rank(c) == self._rank(best)]
        return REGION, best, same if len(same) > 1 else []

    def _rank(self, code: str) -> int:
        return LEVEL_RANK.get(self.ref.regions[code]["level"], 9)

    def _best(self, codes: list[str]) -> str:
        return min(codes, key=lambda c: (self._rank(c), c))

    def close_regions(self, text: str, context: str | None = None) -> list[str]:
        """Suggestions for an unknown name: among the parent region's own regions when the row
        names one (cheap and to the point), else the whole country for the first few names."""
        if context:
            prefix = descendant_prefix(context)
            inside = {
                r["name_zh"]: None
                for c, r in self.ref.regions.items()
                if c.startswith(prefix) and c != context
            }
            return difflib.get_close_matches(text, list(inside), n=3, cutoff=0.4)
        self._suggested += 1
        return self.ref.close_regions(text) if self._suggested <= SUGGESTED_MAX else []

    def region_in_title(self, title: str) -> str | None:
        """The region a title names (``枣庄市2022年…`` → 370400): the finest, then longest."""
        s = alias_key(title)
        best: tuple[int, int, int] | None = None
        found = None
        for i in range(len(s)):
            for j in range(min(len(s), i + TITLE_NAME_MAX), i + 1, -1):
                sub = s[i:j]
                if sub in self.ref.region_keys and (sub.endswith(_ADMIN_END) or i == 0):
                    code = self._best(self.ref.region_keys[sub])
                    rank = (self._rank(code), j - i, -i)
                    if best is None or rank > best:
                        best, found = rank, code
                    break
        return found

    def indicator_in_title(self, title: str) -> str | None:
        """An indicator whose name (or a mapped header) the title contains, the longest."""
        s = alias_key(title)
        for key, target in self.mapping.items():
            if key and key in s:
                return self.ref.indicator(target)
        found = [
            (len(k), code)
            for code, row in self.ref.indicators.items()
            if len(k := alias_key(str(row["name_zh"]))) >= 3 and k in s
        ]
        return max(found)[1] if found else None


class SheetFacts:
    """What a sheet says as a whole: its own region, period and indicator, taken from the
    options, the title or the sheet name; each inference is reported as an ``inferred`` info."""

    def __init__(
        self, sheet: Sheet, layout: Layout, names: Names, options: LoadOptions, issues: list[Issue]
    ) -> None:
        self.sheet, self.layout, self.names = sheet, layout, names
        self.options, self.issues = options, issues

    def _inferred(self, what: str, value: str, where: tuple[int, int, str] | None) -> None:
        words = {"region": ("地区", "region"), "period": ("时期", "period")}
        zh, en = words.get(what, ("指标", "indicator"))
        row, col, cell = where or (-1, 0, self.sheet.name)
        self.issues.append(
            Issue.make(
                "inferred",
                severity="info",
                sheet=self.sheet.name,
                row=row + 1 if where else None,
                column=column_letter(col) if where else "",
                cell=cell,
                what=zh,
                what_en=en,
                origin="标题" if where else "工作表名",
                origin_en="the title" if where else "the sheet name",
                value=value,
            )
        )

    def own_region(self) -> str | None:
        """``options.default_region`` (a name or code), else a region the title names."""
        ref = self.names.ref
        if self.options.default_region:
            text = simplified(self.options.default_region.strip())
            code = text if text in ref.regions else ref.region(text)
            if code is None:
                close = ref.close_regions(text)
                self.issues.append(
                    Issue.make(
                        "unknown-region", sheet=self.sheet.name, cell=text, suggestions=close
                    )
                )
            return code
        for where in self.layout.titles:
            code = self.names.region_in_title(where[2])
            if code:
                self._inferred("region", ref.regions[code]["name_zh"], where)
                return code
        return None

    def period(self) -> tuple[str | None, list[str]]:
        """(period, periods the title names): the one period of the title, else of the sheet
        name, else ``options.default_period``."""
        found: list[str] = []
        first = None
        for where in self.layout.titles:
            for p in periods_in(where[2]):
                if p not in found:
                    found.append(p)
                    first = first or where
        if len(found) == 1:
            self._inferred("period", found[0], first)
            return found[0], found
        name = simplified(self.sheet.name.strip())
        in_name = [p] if (p := period_of(name)) else periods_in(name)
        if len(in_name) == 1:
            self._inferred("period", in_name[0], None)
            return in_name[0], found
        if self.options.default_period:
            text = self.options.default_period.strip()
            try:
                return parse_period(period_of(text) or text).text, found
            except PeriodError:
                self.issues.append(Issue.make("bad-period", sheet=self.sheet.name, cell=text))
        return None, found

    def indicator(self) -> str | None:
        """The mapping of the sheet name or title, an indicator the title names, else the
        mapping's only indicator."""
        names = self.names
        for text in (self.sheet.name, *(t for _, _, t in self.layout.titles)):
            code, mapped = names.mapped(simplified(text))
            if mapped and code:
                return code
        for where in self.layout.titles:
            code = names.indicator_in_title(where[2])
            if code:
                self._inferred("indicator", str(names.ref.indicators[code]["name_zh"]), where)
                return code
        targets = {names.ref.indicator(v) for v in names.mapping.values()}
        return targets.pop() if len(targets) == 1 else None
