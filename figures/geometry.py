"""Plain geometry of the app's GeoJSON boundaries (``data/geo``): extents, the inset's
regions, subsets, where a name goes. Pure functions on dicts, no plotly.

A ring is a list of [lon, lat] pairs, as GeoJSON has it, or the same as an (n, 2) array
(``packed``): plotly's JSON encoder hands an array to orjson as it is, where it walks a list
of lists point by point, which for the prefectures' 19 000 points took longer than the rest
of the map.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

import numpy as np
import pandas as pd

from figures.text import CHAR_EM, text_width

# Polygons lying wholly south of this latitude (the islands of the South China Sea) are left to
# the inset; the main map's extent is that of everything else.
MAIN_SOUTH = 18.0
INSET_LON = (106.0, 123.0)
INSET_LAT = (3.0, 23.0)
PAD = 0.5  # degrees around the main map's extent
MEMO = 8  # boundary collections whose extent and inset are remembered
T = TypeVar("T")


def _per_collection(fn: Callable[[Mapping], T]) -> Callable[[Mapping], T]:
    """Remember ``fn(geojson)`` for the last few collections, told apart by identity: the
    app's boundaries are read once per process and never changed, and walking all their points
    again for every map took longer than drawing it. Callers get a copy."""
    memo: dict[int, tuple[Mapping, T]] = {}

    @functools.wraps(fn)
    def wrapper(geojson: Mapping) -> T:
        found = memo.get(id(geojson))
        if found is None or found[0] is not geojson:
            if len(memo) >= MEMO:
                memo.pop(next(iter(memo)))
            found = memo[id(geojson)] = (geojson, fn(geojson))
        return copy.deepcopy(found[1])

    return wrapper


def _polygons(geometry: Mapping) -> Iterator[list]:
    """The rings of each polygon of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]


def _bbox(rings: list) -> tuple[float, float, float, float]:
    ring = rings[0]
    if isinstance(ring, np.ndarray):
        (w, s), (e, n) = ring.min(axis=0), ring.max(axis=0)
        return float(w), float(s), float(e), float(n)
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def packed(geojson: Mapping) -> dict:
    """``geojson`` with every ring an (n, 2) float array (a new collection of new features;
    ``geojson`` is left as it is)."""

    def rings(polygon: list) -> list:
        return [np.asarray(ring, dtype=float) for ring in polygon]

    features = []
    for f in geojson["features"]:
        geometry = f["geometry"]
        coordinates = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            coordinates = rings(coordinates)
        elif geometry["type"] == "MultiPolygon":
            coordinates = [rings(polygon) for polygon in coordinates]
        features.append({**f, "geometry": {"type": geometry["type"], "coordinates": coordinates}})
    return {**geojson, "features": features}


@_per_collection
def extent(geojson: Mapping) -> tuple[list[float], list[float]]:
    """(lon range, lat range) of the main map: every polygon but the far-south islands."""
    boxes = [
        _bbox(rings)
        for f in geojson["features"]
        for rings in _polygons(f["geometry"])
        if _bbox(rings)[3] >= MAIN_SOUTH
    ]
    if not boxes:
        return [70.0, 140.0], [15.0, 55.0]
    w, s, e, n = (f(b[i] for b in boxes) for i, f in enumerate((min, min, max, max)))
    return [w - PAD, e + PAD], [s - PAD, n + PAD]


@_per_collection
def in_inset(geojson: Mapping) -> set[str]:
    """Ids of the features with a polygon inside the inset's box (Hainan, the islands …)."""
    found = set()
    for f in geojson["features"]:
        for rings in _polygons(f["geometry"]):
            w, s, e, n = _bbox(rings)
            if w < INSET_LON[1] and e > INSET_LON[0] and s < INSET_LAT[1] and n > INSET_LAT[0]:
                found.add(str(f["id"]))
                break
    return found


def subset(geojson: Mapping, codes: pd.Series) -> dict:
    """The features of ``codes`` only (a new collection; ``geojson`` is left as it is), so that
    the traces of one map carry each boundary once between them."""
    wanted = set(codes)
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": f["id"], "geometry": f["geometry"]}  # no properties
            for f in geojson["features"]
            if str(f.get("id")) in wanted
        ],
    }


def label_point(feature: Mapping) -> tuple[float, float]:
    """(lon, lat) where a region's name goes: the centroid of its largest polygon's outline
    (shoelace formula), or that outline's first point when it has no area."""
    outlines = [np.asarray(rings[0], dtype=float) for rings in _polygons(feature["geometry"])]
    ring = max(outlines, key=lambda r: abs(_ring_area(r)))
    area = _ring_area(ring)
    if area == 0:
        return float(ring[0, 0]), float(ring[0, 1])
    x, y = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    cross = x * y1 - x1 * y
    return float(((x + x1) * cross).sum() / (6 * area)), float(
        ((y + y1) * cross).sum() / (6 * area)
    )


# A name's box on the whole-country map, in degrees: a character about 1.4° wide, a line 1.6°
# high (12 px text; the country is about 520 px across its 62° of longitude on a desktop),
# 0.3° from its point. A phone's smaller map still crowds names; a desktop's does not.
CHAR_DEGREES = 1.4
LINE_DEGREES = 1.6
GAP_DEGREES = 0.3
LABEL_POSITIONS = ("top center", "bottom center", "middle right", "middle left")


def label_positions(points: list[tuple[float, float]], names: list[str]) -> list[str]:
    """Where each name is written around its point (plotly's ``textposition``): above it, or,
    where that would cover a name written already (two neighbouring cities), below it, to its
    right or to its left; where every place is taken, the one that covers least. Names are
    placed north first."""
    placed: list[tuple[float, float, float, float]] = []
    chosen = [LABEL_POSITIONS[0]] * len(points)
    for i in sorted(range(len(points)), key=lambda i: -points[i][1]):
        (x, y), width = points[i], CHAR_DEGREES * max(len(names[i]), 1)
        boxes = [(p, _label_box(x, y, width, p)) for p in LABEL_POSITIONS]
        # the first free place, else the least covered (min keeps the earlier of a tie)
        position, box = min(boxes, key=lambda b: sum(_overlap(b[1], o) for o in placed))
        chosen[i] = position
        placed.append(box)
    return chosen


def albers(
    lon: float, lat: float, parallels: tuple[float, float] = (25, 47), centre: float = 105
) -> tuple[float, float]:
    """(x, y) of a point in the Albers equal-area conic projection the maps are drawn in
    (plotly's "conic equal area"), on the unit sphere, y growing north."""
    p1, p2 = math.radians(parallels[0]), math.radians(parallels[1])
    n = (math.sin(p1) + math.sin(p2)) / 2
    c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
    rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
    theta = n * math.radians(lon - centre)
    return rho * math.sin(theta), -rho * math.cos(theta)


def names_kept(
    points: list[tuple[float, float]],
    names: list[str],
    positions: list[str],
    extent: tuple[tuple[float, float], tuple[float, float]],
    plot: tuple[float, float],
    font_px: float = 12,
    parallels: tuple[float, float] = (25, 47),
    centre: float = 105,
) -> list[bool]:
    """Which names to write where each is placed (``label_positions``) on a picture nobody
    can hover or zoom: north first, a name that would cover one kept already is left out
    (the browser does the same on the page, with the sizes it measures). ``extent``: the
    map's (lon, lat) ranges, fitted into ``plot`` (width, height in pixels) as plotly does;
    ``parallels`` and ``centre``: the map's Albers projection (``albers``)."""
    (w0, w1), (s0, s1) = extent
    edge = [(w0 + (w1 - w0) * i / 20, lat) for i in range(21) for lat in (s0, s1)]
    edge += [(lon, s0 + (s1 - s0) * i / 20) for i in range(21) for lon in (w0, w1)]
    xs, ys = zip(*(albers(lon, lat, parallels, centre) for lon, lat in edge))
    px = min(plot[0] / (max(xs) - min(xs)), plot[1] / (max(ys) - min(ys)))
    kept = [False] * len(points)
    boxes: list[tuple[float, float, float, float]] = []
    for i in sorted(range(len(points)), key=lambda i: -points[i][1]):
        x, y = (v * px for v in albers(*points[i], parallels, centre))
        width = (text_width(names[i]) + 1) * font_px * CHAR_EM  # half a character apart
        box = _label_box(x, y, width, positions[i], font_px * 1.25, font_px * 0.3)
        if names[i] and not any(_overlap(box, other) for other in boxes):
            kept[i] = True
            boxes.append(box)
    return kept


def _label_box(
    x: float,
    y: float,
    width: float,
    position: str,
    h: float = LINE_DEGREES,
    gap: float = GAP_DEGREES,
) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a name written at ``position`` around (x, y)."""
    if position == "top center":
        return x - width / 2, y + gap, x + width / 2, y + gap + h
    if position == "bottom center":
        return x - width / 2, y - gap - h, x + width / 2, y - gap
    if position == "middle right":
        return x + gap, y - h / 2, x + gap + width, y + h / 2
    return x - gap - width, y - h / 2, x - gap, y + h / 2


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """The area two boxes share (0: none)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _ring_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float((x * np.roll(y, -1) - np.roll(x, -1) * y).sum() / 2)
