"""Every string a user reads exists in both languages, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from i18n import catalogue, join_names, norm_lang, pick, t

ROOT = Path(__file__).resolve().parents[1]
KEY_USE = re.compile(r"""\bt\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""")
PREFIX_USE = re.compile(r"""\bt\(\s*f["']([a-z_]+\.[a-z_.]*)\{""")


def _fields(text: str) -> set[str]:
    """Placeholders; ``{reason_en}`` in English pairs with ``{reason}`` in Chinese."""
    return {name.removesuffix("_en") for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_has_both_languages_and_same_placeholders() -> None:
    for key, entry in catalogue().items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert _fields(entry["zh"]) == _fields(entry["en"]), key


def test_keys_used_in_code_exist() -> None:
    keys = set(catalogue())
    sources = [
        p
        for d in ("app.py", "pages", "components", "figures", "store", "cli", "loaders")
        for p in ([ROOT / d] if d.endswith(".py") else (ROOT / d).rglob("*.py"))
    ]
    used, prefixes = set(), set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        used |= set(KEY_USE.findall(text))
        prefixes |= set(PREFIX_USE.findall(text))
    assert used, "no t() calls found"
    prefixes |= {k for k in used if k.endswith(".")}  # t("alliances.role." + role)
    used -= prefixes
    assert not sorted(used - keys)
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in keys), prefix


def test_lang_helpers() -> None:
    assert norm_lang("en-GB") == "en" and norm_lang(None) == "zh" and norm_lang("fr") == "zh"
    assert t("nav.overview", "zh") == "总览" and t("nav.overview", "en") == "Overview"
    assert pick("en", "枣庄市", "") == "枣庄市"
    assert join_names(["枣庄市", "武汉市"], "zh") == "枣庄市、武汉市"
    assert join_names(iter(["Zaozhuang", "Wuhan"]), "en") == "Zaozhuang, Wuhan"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_indicators_have_names_and_units_in_both_languages() -> None:
    import csv

    rows = list(csv.DictReader((ROOT / "data" / "indicators.csv").open(encoding="utf-8")))
    assert len({r["code"] for r in rows}) == len(rows)
    for r in rows:
        for field in (
            "name_zh",
            "name_en",
            "display_zh_unit",
            "display_en_unit",
            "description_zh",
            "description_en",
            "unit",
            "category",
        ):
            assert r[field].strip(), (r["code"], field)
        assert float(r["display_zh_factor"]) > 0 and float(r["display_en_factor"]) > 0


def test_every_issue_code_has_messages() -> None:
    """Issue.make("code") reads issue.<code> from the catalogue: every code must be there."""
    pattern = re.compile(r"""Issue\.make\(\s*["']([a-z0-9-]+)["']""")
    codes = set()
    for path in (ROOT / "loaders").rglob("*.py"):
        codes |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert codes
    assert not sorted(c for c in codes if f"issue.{c}" not in catalogue())


def test_grids_speak_the_page_language() -> None:
    from components.tables import create_grid, grid_locale

    assert grid_locale("zh")["pageSizeSelectorLabel"] == "每页行数："
    assert grid_locale("en")["next"] == "Next"
    grid = create_grid("g", [], [], page_size=10, lang="en")
    assert grid.dashGridOptions["localeText"]["page"] == "Page"
