"""Finding regions by name, alias, pinyin or code."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000·・]+")
#: 台湾省 香港 澳门: regions drawn on every map of China, outside the mainland's statistics
#: (全国 figures exclude them); a map says so rather than calling them missing data.
#: (etl.regions.OUTSIDE_STATISTICS adds them to the region table.)
OUTSIDE_STATISTICS = frozenset({"710000", "810000", "820000"})


def alias_key(text: str) -> str:
    """The form names are matched in: NFKC, no spaces, lower case (全 市 → 全市)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


def descendant_prefix(code: str) -> str:
    """Codes starting with this prefix lie inside the region (370000 → 37, 370400 → 3704)."""
    if code == "100000":
        return ""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code
