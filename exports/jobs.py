"""A briefing pack made to be downloaded: both files written under the instance folder.

The briefing page runs ``make_briefing_files`` as a background job; its files live in
``instance/exports/<token>/`` (every worker sees the instance folder) and are served by
``exports.web``. Folders older than a day are removed when the next job starts.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from exports.briefing import BriefingPack, build_pack, region_pack
from exports.registry import renderer
from exports.views import ViewError
from i18n import t
from settings import Settings

KEEP_SECONDS = 24 * 3600
Step = Callable[[int, str], None]  # (percent, what is being done)


@dataclass(frozen=True)
class BriefingFiles:
    token: str
    names: dict[str, str]  # format (pptx, briefing-pdf) → file name in the token's folder
    pack: BriefingPack


def file_stem(title: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", title).strip("_.")[:60] or "briefing"


def clean_old(folder: Path, now: float | None = None) -> None:
    now = time.time() if now is None else now
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        try:
            if child.is_dir() and now - child.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue


def make_briefing_files(
    engine: Engine,
    settings: Settings,
    *,
    region: str | None,
    urls: list[str],
    lang: str,
    as_of: int | None = None,
    step: Step | None = None,
) -> BriefingFiles:
    """Resolve the views (a region's, or ``urls``), then write the PPTX and the PDF."""

    def say(percent: int, key: str, **params: object) -> None:
        if step:
            step(percent, t(key, lang, **params))

    say(2, "briefing.progress.views")

    def resolved(done: int, total: int) -> None:
        say(2 + 18 * done // max(total, 1), "briefing.progress.views")

    if urls:
        pack = build_pack(
            engine,
            urls,
            title=t("briefing.views_title", lang),
            lang=lang,
            settings=settings,
            as_of=as_of,
            progress=resolved,
        )
    elif region:
        pack = region_pack(
            engine, region, lang=lang, settings=settings, as_of=as_of, progress=resolved
        )
    else:
        raise ViewError(t("briefing.pick_something", lang))
    if not pack.views:
        raise ViewError(t("briefing.no_charts", lang))
    base = Path(settings.instance_dir) / "exports"
    clean_old(base)
    token = uuid.uuid4().hex
    folder = base / token
    folder.mkdir(parents=True, exist_ok=True)
    names = {}
    stem = file_stem(pack.title)
    for fmt, start, span, key in (
        ("pptx", 20, 40, "briefing.progress.pptx"),
        ("briefing-pdf", 60, 38, "briefing.progress.pdf"),
    ):

        def slide(
            done: int, total: int, start: int = start, span: int = span, key: str = key
        ) -> None:
            say(start + span * done // max(total, 1), key, done=done, total=total)

        slide(0, len(pack.views))
        r = renderer(fmt)
        name = f"{stem}.{r.extension}"
        (folder / name).write_bytes(r.render(pack, progress=slide))
        names[fmt] = name
    say(100, "briefing.progress.done")
    return BriefingFiles(token, names, pack)
