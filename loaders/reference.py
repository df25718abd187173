"""The names a loader can resolve against: regions and indicators, as plain lookups.

The store builds one from the database; a loader never opens a connection itself.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from store.regions import alias_key

LEVEL_RANK = {"nation": 0, "province": 1, "city": 2, "county": 3}


@dataclass
class Reference:
    regions: dict[str, dict[str, str]] = field(default_factory=dict)  # code → row
    region_keys: dict[str, list[str]] = field(default_factory=dict)  # alias key → codes
    indicators: dict[str, dict[str, object]] = field(default_factory=dict)  # code → row
    indicator_keys: dict[str, str] = field(default_factory=dict)  # name key → code
    alliances: dict[str, str] = field(default_factory=dict)  # name key (alias_key) → code
    # (region, indicator) → {year: value}: what the store holds, for plausibility checks
    history: dict[tuple[str, str], dict[int, float]] = field(default_factory=dict)
    # every name as given, with its key
    _names: list[tuple[str, str]] = field(default_factory=list, repr=False, compare=False)
    _exact: dict[str, tuple[str, str, str]] | None = field(default=None, repr=False, compare=False)

    def add_region(
        self, code: str, name_zh: str, name_en: str, level: str, aliases: list[str]
    ) -> None:
        self.regions[code] = {"code": code, "name_zh": name_zh, "name_en": name_en, "level": level}
        self._exact = None
        for name in {code, name_zh, name_en, *aliases}:
            key = alias_key(name)
            self._names.append((name, key))
            codes = self.region_keys.setdefault(key, [])
            if code not in codes:
                codes.append(code)

    def add_indicator(self, row: dict[str, object]) -> None:
        code = str(row["code"])
        self.indicators[code] = row
        for name in (code, row["name_zh"], row["name_en"]):
            self.indicator_keys[alias_key(str(name))] = code

    def region(self, text: str) -> str | None:
        return self._best(self.region_keys.get(alias_key(text)))

    def _best(self, codes: list[str] | None) -> str | None:
        """Of the regions a name may mean, the highest level, then the lowest code."""
        if not codes:
            return None
        if len(codes) == 1:
            return codes[0]
        return min(codes, key=lambda c: (LEVEL_RANK.get(self.regions[c]["level"], 9), c))

    def exact_regions(self) -> dict[str, tuple[str, str, str]]:
        """(code, name_zh, name_en) of the region each known name gives (``region``), by the
        name exactly as given (code, names, aliases): a reader of many cells looks a cell up
        here before normalising it. Made once (the store makes it while a file is parsed)."""
        if self._exact is None:
            exact = {}
            for name, key in self._names:
                code = self._best(self.region_keys.get(key)) if name == name.strip() else None
                if code is not None:
                    reg = self.regions[code]
                    exact[name] = (code, reg["name_zh"], reg["name_en"])
            self._exact = exact
        return self._exact

    def indicator(self, text: str) -> str | None:
        return self.indicator_keys.get(alias_key(text))

    def alliance(self, text: str) -> str | None:
        """The alliance named (Chinese or English name, or code) ``text``, or None."""
        return self.alliances.get(alias_key(text))

    def close_regions(self, text: str, n: int = 3) -> list[str]:
        keys = difflib.get_close_matches(alias_key(text), list(self.region_keys), n=n)
        return [self.regions[self.region(k)]["name_zh"] for k in keys]

    def close_indicators(self, text: str, n: int = 3) -> list[str]:
        keys = difflib.get_close_matches(alias_key(text), list(self.indicator_keys), n=n)
        return list(
            dict.fromkeys(str(self.indicators[self.indicator_keys[k]]["name_zh"]) for k in keys)
        )

    def tidy_row(
        self,
        region: str,
        indicator: str,
        period: str,
        value: float,
        qualifier: str,
        written: str,
        source: str,
        **extra: object,
    ) -> dict[str, object]:
        """One tidy row (DESIGN.md's columns) with names from the lookups; ``extra`` adds the
        private ``_row``/``_column``/``_sheet``/``_factor`` keys a loader knows."""
        reg, ind = self.regions[region], self.indicators[indicator]
        return {
            "entity_type": "region",
            "entity_code": region,
            "entity_name_zh": reg["name_zh"],
            "entity_name_en": reg["name_en"],
            "indicator_code": indicator,
            "indicator_name_zh": ind["name_zh"],
            "indicator_name_en": ind["name_en"],
            "period": period,
            "value": value,
            "unit": ind["unit"],
            "qualifier": qualifier,
            "value_as_written": written,
            "source": source,
            **extra,
        }
