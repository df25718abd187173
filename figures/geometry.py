"""Plain geometry of the app's GeoJSON boundaries (``data/geo``): extents, the inset's
regions, subsets, where a name goes. Pure functions on dicts, no plotly."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pandas as pd

# Polygons lying wholly south of this latitude (the islands of the South China Sea) are left to
# the inset; the main map's extent is that of everything else.
MAIN_SOUTH = 18.0
INSET_LON = (106.0, 123.0)
INSET_LAT = (3.0, 23.0)
PAD = 0.5  # degrees around the main map's extent


def _polygons(geometry: Mapping) -> Iterator[list]:
    """The rings of each polygon of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]


def _bbox(rings: list) -> tuple[float, float, float, float]:
    lons = [p[0] for p in rings[0]]
    lats = [p[1] for p in rings[0]]
    return min(lons), min(lats), max(lons), max(lats)


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
    ring = max(
        (rings[0] for rings in _polygons(feature["geometry"])),
        key=lambda r: abs(_ring_area(r)),
    )
    area = _ring_area(ring)
    if area == 0:
        return float(ring[0][0]), float(ring[0][1])
    cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]]):
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * area), cy / (6 * area)


def _ring_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, [*ring[1:], ring[0]])) / 2
