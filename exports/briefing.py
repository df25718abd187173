"""简报包: a region's charts (or a saved set of views) gathered for a press briefing.

``region_urls`` picks the views of a region (its 产业链, its signed projects, then its indicators
with the longest series first); ``build_pack`` resolves them into a ``BriefingPack`` that the
pptx and briefing-pdf renderers turn into slides: a title slide, one slide per chart with a
sentence of key figures written from the data, and a sources slide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from components.urls import href
from exports.meta import ChartView, strip_label
from exports.views import ViewError, as_of_text, bureau_name, logo_uri, resolve, split_url
from i18n import norm_lang, pick, t
from settings import Settings
from store import queries

MAX_CHARTS = 6  # a briefing is read in minutes: six charts at most
#: indicators a battery-cluster briefing leads with, in this order (then any other)
CATEGORY_ORDER = ("capacity", "output", "investment", "innovation", "enterprises", "energy")

Progress = Callable[[int, int], None]


@dataclass
class BriefingPack:
    """Everything the slides say, in one language."""

    title: str
    subtitle: str
    as_of: str
    bureau: str
    made_on: str
    lang: str
    views: list[ChartView] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # views that showed no chart, and why
    logo: str = ""

    @property
    def cover(self) -> list[str]:
        """The title slide's lines under the title. The bureau is left out when none is set:
        it is then the dashboard, which the subtitle names already."""
        lines = [self.subtitle]
        if self.bureau != t("app.title", self.lang):
            lines.append(self.bureau)
        return [*lines, t("briefing.made_on", self.lang, date=self.made_on), self.as_of]

    @property
    def sources(self) -> list[str]:
        """Every source named by a chart of the pack, once, in the order met."""
        found: list[str] = []
        for view in self.views:
            for part in strip_label(view.meta.source).split("；"):
                if part.strip() and part.strip() not in found:
                    found.append(part.strip())
        return found

    @property
    def notes(self) -> list[str]:
        found: list[str] = []
        for view in self.views:
            for note in view.meta.note.split("\n"):
                if note.strip() and note.strip() not in found:
                    found.append(note.strip())
        return found


def region_urls(
    engine: Engine,
    region_code: str,
    lang: str = "zh",
    as_of: int | None = None,
    limit: int = MAX_CHARTS,
) -> list[str]:
    """The views of a region's briefing, at most ``limit``: its 产业链 chart, its signed
    projects when it has some, then one 地区对比 chart per other indicator it has figures of —
    series of several years first, the cluster's categories before the others."""
    from store.queries_chain import chain_indicator_codes

    base = {"lang": lang, "rev": as_of}
    urls = [href("/chain", base, regions=region_code)]
    if has_projects(engine, region_code, as_of):
        urls.append(href("/projects", base, region=region_code))
    history = queries.region_history(engine, region_code, as_of)
    in_chain = set(chain_indicator_codes())
    history = history[~history["indicator_code"].isin(in_chain)]
    if not history.empty:
        catalogue = queries.indicators(engine)
        counts = history.groupby("indicator_code")["year"].nunique()
        rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}

        def order(code: str) -> tuple[int, int, int, str]:
            category = str(catalogue.loc[code, "category"]) if code in catalogue.index else ""
            several = 0 if counts[code] > 1 else 1
            return (several, rank.get(category, len(rank)), -int(counts[code]), code)

        for code in sorted(counts.index, key=order):
            tab = None if counts[code] > 1 else "bar"
            urls.append(href("/compare", base, indicator=code, regions=region_code, tab=tab))
    return urls[:limit]


def has_projects(engine: Engine, region_code: str, as_of: int | None) -> bool:
    """Whether 招商项目 has something for the region: projects, or an event's totals."""
    from store.queries_projects import event_totals, filter_projects, projects
    from store.regions import descendant_prefix

    everything = projects(engine, as_of)
    if not everything.empty and not filter_projects(everything, region=region_code).empty:
        return True
    totals = event_totals(engine, as_of)
    prefix = descendant_prefix(region_code)
    return bool(totals["region_code"].fillna("").str.startswith(prefix).any())


def build_pack(
    engine: Engine,
    urls: list[str],
    *,
    title: str,
    lang: str = "zh",
    settings: Settings | None = None,
    as_of: int | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> BriefingPack:
    """Resolve each view (its first chart); a view that shows none is listed, not fatal.

    Every view is drawn in the pack's language, and of revision ``as_of`` when one is given,
    whatever its URL says: a link copied from a page seen in Chinese makes an English slide
    in an English pack.
    """
    lang = norm_lang(lang)
    pack = BriefingPack(
        title=title,
        subtitle=t("briefing.pack_subtitle", lang),
        as_of=as_of_text(engine, as_of, lang),
        bureau=bureau_name(settings, lang),
        made_on=(today or dt.date.today()).isoformat(),
        lang=lang,
        logo=logo_uri(settings),
    )
    for i, url in enumerate(urls):
        try:
            view = resolve(in_pack(url, lang, as_of), engine, settings)[0]
        except ViewError as exc:
            pack.skipped.append(f"{url}：{exc.message}")
        else:
            if view.figure is not None:
                pack.views.append(view)
        if progress:
            progress(i + 1, len(urls))
    return pack


def in_pack(url: str, lang: str, as_of: int | None) -> str:
    """``url`` in the pack's language (and of revision ``as_of``, when one is given)."""
    path, params = split_url(url)
    return href(path, params, lang=lang, rev=params.get("rev") if as_of is None else as_of)


def region_pack(
    engine: Engine,
    region_code: str,
    *,
    lang: str = "zh",
    settings: Settings | None = None,
    as_of: int | None = None,
    limit: int = MAX_CHARTS,
    progress: Progress | None = None,
) -> BriefingPack:
    """The briefing of one region: ``region_urls`` resolved."""
    region = queries.regions(engine, [region_code])
    if region.empty:
        raise ViewError(t("common.unknown_region", lang, region=region_code))
    name = pick(lang, region["name_zh"].iloc[0], region["name_en"].iloc[0])
    urls = region_urls(engine, region_code, lang, as_of, limit)
    return build_pack(
        engine,
        urls,
        title=t("briefing.pack_title", lang, region=name),
        lang=lang,
        settings=settings,
        as_of=as_of,
        progress=progress,
    )


def pack_frame(pack: BriefingPack) -> pd.DataFrame:
    """One row a slide: title and key-figure sentence (what the slides say, for a quick check)."""
    return pd.DataFrame(
        [(v.meta.title, v.sentence) for v in pack.views], columns=["title", "sentence"]
    )
