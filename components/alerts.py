"""The one shape every error takes in front of a user."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import dash_bootstrap_components as dbc
from dash import html

from i18n import t

log = logging.getLogger(__name__)


def create_alert(
    message: str, *, color: str = "warning", title: str | None = None, alert_id: str | None = None
) -> dbc.Alert:
    """A bootstrap alert with an optional bold title; text only, never HTML from data."""
    children = [html.Strong(title), html.Br()] if title else []
    kwargs = {"id": alert_id} if alert_id else {}
    return dbc.Alert([*children, message], color=color, className="my-3", **kwargs)


def create_error_alert(reason: str, lang: str) -> dbc.Alert:
    return create_alert(
        t("common.error_body", lang, reason=reason),
        color="danger",
        title=t("common.error_title", lang),
        alert_id="error-alert",
    )


def guarded(render: Callable[..., object]) -> Callable[..., object]:
    """Wrap a layout or callback body: an unexpected error becomes an alert, logged in full."""

    @functools.wraps(render)
    def wrapper(*args: object, **kwargs: object) -> object:
        try:
            return render(*args, **kwargs)
        except Exception as exc:
            log.exception("render failed: %s", render.__qualname__)
            lang = str(kwargs.get("lang", "zh"))
            return create_error_alert(f"{type(exc).__name__}: {str(exc)[:200]}", lang)

    return wrapper
