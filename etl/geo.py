"""Build the map boundaries (data/geo/*.geojson) from the census-city WKT of leiii/census.

    .venv/bin/python -m etl.geo [--shared ../shared] [--out data/geo]

Reads the 369 prefecture-level boundaries, keeps the units that are regions of
data/shipped/regions.csv, simplifies them as one coverage (neighbours keep a shared border, no
slivers or overlaps), rounds coordinates, dissolves them into provinces and writes
``cities.geojson`` and ``provinces.geojson``. Feature ``id`` = the region's GB/T 2260 code:

- cities.geojson: the 333 prefecture-level cities (370400 枣庄市); the four municipalities as
  themselves, under their province code (110000 北京市, which the WKT lists as 110100 市辖区);
  the county-level units governed directly by a province (419001 济源市, 429004 仙桃市, Hainan's
  counties, Xinjiang's corps cities) under their county code, so that the map has no holes.
- provinces.geojson: the 31 provinces, municipalities and autonomous regions (370000 山东省).

Both files also draw 810000 Hong Kong and 820000 Macau (from the WKT) and 710000 Taiwan, which
the WKT lacks: from Natural Earth's 1:10m countries (public domain), kept in
``data/geo/source/natural-earth-10m-taiwan.geojson`` (``--natural-earth countries-10m.json`` of
the world-atlas npm package makes it again). Output is byte-identical on re-runs. Shapely is
needed here only: the app reads the committed GeoJSON as plain JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import shapely
from shapely import wkt

from etl.regions import Region, boundary_code, load_regions, read_city_geo

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = REPO_ROOT / "data" / "geo"
TOLERANCE = 0.06  # shapely.coverage_simplify: about the side of the triangles removed, in degrees
GRID = 0.01  # coordinates on a 0.01° grid (about 1 km): 2 decimals in the file
MAX_BYTES = 400_000  # each file is sent to the browser with every map: keep it small
NATURAL_EARTH = OUT_DIR / "source" / "natural-earth-10m-taiwan.geojson"
# Natural Earth's admin-0 units (ISO 3166-1 numeric ids in world-atlas) → region code
NATURAL_EARTH_UNITS = {"158": "710000"}
NATURAL_EARTH_NOTE = (
    "Natural Earth 1:10m Admin 0 Countries, version 4.1.0 (public domain), as TopoJSON in the "
    "world-atlas npm package 2.0.2 (countries-10m.json, ISC licence © Michael Bostock)"
)


def city_units(shared: Path, regions: dict[str, Region]) -> dict[str, shapely.Geometry]:
    """Region code → boundary of every census-city unit that is a region, sorted by code."""
    units: dict[str, shapely.Geometry] = {}
    for row in read_city_geo(shared).itertuples():
        code = boundary_code(row.city_code, regions)
        if code is None or not row.coord:
            continue
        if code in units:
            raise ValueError(f"two boundaries for region {code} ({row.city})")
        units[code] = shapely.make_valid(wkt.loads(row.coord))
    return dict(sorted(units.items()))


def topojson_geometry(topology: dict, geometry: dict) -> shapely.Geometry:
    """A (Multi)Polygon of a quantized TopoJSON topology as a MultiPolygon: each arc's points
    are deltas on the topology's grid, ``~i`` is arc ``i`` reversed, and consecutive arcs of
    a ring share their joining point."""
    (kx, ky), (dx, dy) = topology["transform"]["scale"], topology["transform"]["translate"]

    def arc(index: int) -> list[tuple[float, float]]:
        x = y = 0
        points = []
        for px, py in topology["arcs"][index if index >= 0 else ~index]:
            x, y = x + px, y + py
            points.append((x * kx + dx, y * ky + dy))
        return points if index >= 0 else points[::-1]

    def ring(indexes: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indexes:
            points.extend(arc(index)[1 if points else 0 :])
        return points

    kind, arcs = geometry["type"], geometry["arcs"]
    polygons = arcs if kind == "MultiPolygon" else [arcs]
    if kind not in {"Polygon", "MultiPolygon"}:
        raise ValueError(f"expected a Polygon or MultiPolygon, found {kind}")
    return shapely.MultiPolygon(
        [shapely.Polygon(ring(rings[0]), [ring(r) for r in rings[1:]]) for rings in polygons]
    )


def extract_natural_earth(topojson: Path, regions: dict[str, Region]) -> str:
    """``NATURAL_EARTH``'s text: the ``NATURAL_EARTH_UNITS`` of world-atlas' countries-10m.json
    as GeoJSON features (id: region code), coordinates as the topology has them."""
    topology = json.loads(topojson.read_text(encoding="utf-8"))
    found = {  # 5 decimals (1 m): the topology's grid is no finer than 10 m
        NATURAL_EARTH_UNITS[g["id"]]: shapely.transform(topojson_geometry(topology, g), _round5)
        for g in topology["objects"]["countries"]["geometries"]
        if g.get("id") in NATURAL_EARTH_UNITS
    }
    missing = set(NATURAL_EARTH_UNITS.values()) - set(found)
    if missing:
        raise ValueError(f"{topojson}: no unit for {sorted(missing)}")
    lines = ",\n".join(_feature(code, geom, regions) for code, geom in sorted(found.items()))
    return (
        f'{{"type":"FeatureCollection","source":{json.dumps(NATURAL_EARTH_NOTE)},'
        '"features":[\n' + lines + "\n]}\n"
    )


def _round5(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, 5)


def natural_earth_units(path: Path = NATURAL_EARTH) -> dict[str, shapely.Geometry]:
    """Region code → boundary of the units the WKT lacks (``NATURAL_EARTH``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        f["id"]: shapely.make_valid(shapely.geometry.shape(f["geometry"])) for f in data["features"]
    }


def simplify(units: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    """Simplified as one coverage and snapped to ``GRID``: shared borders stay shared."""
    geoms = list(units.values())
    if not shapely.coverage_is_valid(geoms):
        raise ValueError("the boundaries overlap: expected a polygon coverage")
    simple = shapely.set_precision(shapely.coverage_simplify(geoms, TOLERANCE), GRID)
    empty = [code for code, g in zip(units, simple) if g.is_empty]
    if empty:
        raise ValueError(f"simplified to nothing: {empty}")
    return dict(zip(units, simple))


def dissolve(cities: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    """Province code (first two digits + 0000) → union of its units."""
    groups: dict[str, list[shapely.Geometry]] = {}
    for code, geom in cities.items():
        groups.setdefault(code[:2] + "0000", []).append(geom)
    return {code: shapely.union_all(geoms) for code, geoms in sorted(groups.items())}


def _feature(code: str, geom: shapely.Geometry, regions: dict[str, Region]) -> str:
    # d3-geo (plotly.js) takes the clockwise ring as the outside: the reverse of RFC 7946
    oriented = shapely.orient_polygons(geom, exterior_cw=True)
    feature = {
        "type": "Feature",
        "id": code,
        "properties": {"name": regions[code].name_zh},
        "geometry": shapely.geometry.mapping(oriented),
    }
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def feature_collection(geoms: dict[str, shapely.Geometry], regions: dict[str, Region]) -> str:
    """A FeatureCollection with one feature a line (readable diffs), ids = region codes."""
    lines = ",\n".join(_feature(code, geom, regions) for code, geom in geoms.items())
    return '{"type":"FeatureCollection","features":[\n' + lines + "\n]}\n"


def build(shared: Path, out_dir: Path = OUT_DIR) -> dict[str, int]:
    """Write cities.geojson and provinces.geojson; return their sizes in bytes."""
    regions = load_regions(shared)
    units = city_units(shared, regions)
    cities = simplify(units)
    # Taiwan apart: its islands off Fujian need not share the WKT's borders to be drawn
    mainland = shapely.union_all(list(units.values()))
    for code, geom in natural_earth_units().items():
        cities |= simplify({code: shapely.difference(geom, mainland)})
    cities = dict(sorted(cities.items()))
    provinces = dissolve(cities)
    unknown = [c for c in provinces if regions.get(c) is None or regions[c].level != "province"]
    if unknown:
        raise ValueError(f"units in no known province: {unknown}")
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name, geoms in (("cities.geojson", cities), ("provinces.geojson", provinces)):
        data = feature_collection(geoms, regions).encode("utf-8")
        if len(data) > MAX_BYTES:
            raise ValueError(f"{name}: expected at most {MAX_BYTES} bytes, found {len(data)}")
        (out_dir / name).write_bytes(data)
        sizes[name] = len(data)
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO_ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument(
        "--natural-earth",
        type=Path,
        help="world-atlas' countries-10m.json: write NATURAL_EARTH from it first",
    )
    args = parser.parse_args(argv)
    if not (args.shared / "reference").is_dir():
        parser.error(f"no reference/ folder under {args.shared}")
    if args.natural_earth:
        text = extract_natural_earth(args.natural_earth, load_regions(args.shared))
        NATURAL_EARTH.parent.mkdir(parents=True, exist_ok=True)
        NATURAL_EARTH.write_text(text, encoding="utf-8")
        print(f"wrote {NATURAL_EARTH}")
    for name, size in build(args.shared, args.out).items():
        print(f"wrote {args.out / name} ({size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
