"""URLs that carry a view's whole state in their query string."""

from __future__ import annotations

from urllib.parse import urlencode

from i18n import norm_lang


def href(path: str, params: dict[str, object] | None = None, **changes: object) -> str:
    """``path`` with ``params`` updated by ``changes``; empty values are dropped; lists → a,b."""
    merged = {**(params or {}), **changes}
    clean: dict[str, str] = {}
    for key, value in merged.items():
        if isinstance(value, list | tuple):
            value = ",".join(str(v) for v in value)
        if value is None or value == "":
            continue
        if key == "lang" and norm_lang(str(value)) == "zh":
            continue
        clean[key] = str(value)
    return f"{path}?{urlencode(clean)}" if clean else path


def search(params: dict[str, object]) -> str:
    """The ``?…`` part only (empty string for no parameters)."""
    url = href("", params)
    return url if url.startswith("?") else ""


def parse_rev(value: str | int | None) -> int | None:
    """The ``rev`` URL parameter ("as of revision N"): a positive whole number, else None."""
    try:
        rev = int(str(value))
    except (TypeError, ValueError):
        return None
    return rev if rev > 0 else None


def parse_int(value: str | None) -> int | None:
    """A whole-number URL parameter (a year), else None."""
    try:
        return int(value) if value else None
    except ValueError:
        return None


def split_list(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]
