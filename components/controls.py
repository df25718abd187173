"""Form controls that speak the page's language."""

from __future__ import annotations

from dash import dcc

from i18n import catalogue

_LABEL_KEYS = (
    "select_all",
    "deselect_all",
    "selected_count",
    "search",
    "clear_search",
    "clear_selection",
    "no_options_found",
)


def dropdown_labels(lang: str) -> dict[str, str]:
    """The dropdown's own texts ("3 selected", "Search" …) from the catalogue, unformatted."""
    return {k: catalogue()[f"dropdown.{k}"][lang] for k in _LABEL_KEYS}


def create_dropdown(component_id: str, lang: str, **kwargs: object) -> dcc.Dropdown:
    return dcc.Dropdown(id=component_id, labels=dropdown_labels(lang), **kwargs)
