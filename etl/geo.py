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

Hong Kong and Macau are in the WKT but not in the region table, so they are left out; the WKT
has no Taiwan. Output is byte-identical on re-runs. Shapely is needed here only: the app reads
the committed GeoJSON as plain JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import shapely
from shapely import wkt

from etl.regions import Region, geo_region_code, load_regions, read_city_geo

REPO_ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = REPO_ROOT / "data" / "geo"
TOLERANCE = 0.06  # shapely.coverage_simplify: about the side of the triangles removed, in degrees
GRID = 0.01  # coordinates on a 0.01° grid (about 1 km): 2 decimals in the file
MAX_BYTES = 400_000  # each file is sent to the browser with every map: keep it small


def city_units(shared: Path, regions: dict[str, Region]) -> dict[str, shapely.Geometry]:
    """Region code → boundary of every census-city unit that is a region, sorted by code."""
    units: dict[str, shapely.Geometry] = {}
    for row in read_city_geo(shared).itertuples():
        code = geo_region_code(row.city_code, regions)
        if code is None or not row.coord:
            continue  # 810000 Hong Kong, 820000 Macau: not in the region table
        if code in units:
            raise ValueError(f"two boundaries for region {code} ({row.city})")
        units[code] = shapely.make_valid(wkt.loads(row.coord))
    return dict(sorted(units.items()))


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
    cities = simplify(city_units(shared, regions))
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
    args = parser.parse_args(argv)
    if not (args.shared / "reference").is_dir():
        parser.error(f"no reference/ folder under {args.shared}")
    for name, size in build(args.shared, args.out).items():
        print(f"wrote {args.out / name} ({size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
