"""Cut the shipped outlines to the area the dashboard map shows, for a lighter first visit.

Reads static/topojson/world_50m.json (already redrawn on the recognised borders by
tools/fix_outlines.py) and writes static/topojson/europe/world_50m.json: plotly.js loads
`{topojsonURL}world_50m.json`, so the dashboard points its topojsonURL at the europe/ folder.

The cut is made in TopoJSON's own terms, so the border fixes survive it:
- only the layers the map draws are kept (land, coastlines, countries; the others are empty);
- a polygon or line lying wholly outside the box is dropped (French Guiana, the Americas);
- every arc still used is kept, simplified (Douglas–Peucker, under half a pixel at the map's
  scale; its ends stay), and each of its points pulled onto the box's edge when it lies
  beyond it (a shared arc is cut once, so neighbours still share their border), and runs of
  points along an edge are thinned;
- arcs no longer used are dropped and the rest renumbered.
The box is wider than the view (the conic projection's frame reaches past its lon/lat ranges at
the corners), so nothing drawn inside the map changes beyond the sub-pixel simplification. The
script is deterministic, and tests/test_cut_outlines.py checks that the committed file is what
it writes, that it keeps the recognised borders, and that no ring is turned inside out.

    python tools/cut_outlines.py [--source PATH] [--output PATH]
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.outlines import Topology, simplified  # noqa: E402

SOURCE = ROOT / "static" / "topojson" / "world_50m.json"
OUTPUT = ROOT / "static" / "topojson" / "europe" / "world_50m.json"
# west, east, south, north (degrees): the dashboard view (lon -25..45, lat 33..72) as drawn at
# every width; the conic frame reaches further at its corners (on a phone, 66 N at 97 W and at
# 121 E, and nearly the pole: tests/test_browser_light.py checks the frame lies inside).
CUT_BOX = (-100.0, 125.0, 20.0, 90.0)
# The layers the dashboard draws (app/services/mapdata.py LAND: land, coastlines, borders, and
# the choropleth's countries). The others (ocean, lakes, rivers, subunits) are kept empty.
DRAWN_LAYERS = ("land", "coastlines", "countries")

Quantised = tuple[int, int]
# -168.5 deg, between Chukotka and Alaska, in world_50m's quantised units (0.036 deg, from -180).
BERING_STRAIT = round((-168.5 + 180) / (360 / 9999))
TOLERANCE = 1.0  # quantised units (0.036 deg): under half a pixel on the desktop map
EDGE_STEP = 28  # quantised units: about one degree of longitude, two of latitude


def _quantised_box(topology: Topology, box: tuple[float, float, float, float]
                   ) -> tuple[int, int, int, int]:
    (sx, sy), (tx, ty) = topology.scale, topology.translate
    west, east, south, north = box
    return (int((west - tx) // sx), int((east - tx) // sx) + 1,
            int((south - ty) // sy), int((north - ty) // sy) + 1)


def _clamped(points: list[Quantised], box: tuple[int, int, int, int]) -> list[Quantised]:
    """Points pulled onto the box; repeats and the middle of runs along one edge dropped."""
    west, east, south, north = box
    out: list[Quantised] = []
    for x, y in points:
        point = (_clamped_x(x, west, east), min(max(y, south), north))
        if out and point == out[-1]:
            continue
        if len(out) >= 2 and _on_one_edge(out[-2], out[-1], point, box):
            out[-1] = point
            continue
        out.append(point)
    return _densified(out, box) if len(out) >= 2 else out * 2


def _densified(points: list[Quantised], box: tuple[int, int, int, int]) -> list[Quantised]:
    """Points added along the box's edges every EDGE_STEP units: plotly.js joins points by great
    circles, which would bow a long edge towards the pole (and could turn a ring inside out)."""
    out = points[:1]
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        if _on_box(x1, y1, box) and _on_box(x2, y2, box):
            steps = max(abs(x2 - x1), abs(y2 - y1)) // EDGE_STEP
            out += [(x1 + (x2 - x1) * k // (steps + 1), y1 + (y2 - y1) * k // (steps + 1))
                    for k in range(1, steps + 1)]
        out.append((x2, y2))
    return out


def _on_box(x: int, y: int, box: tuple[int, int, int, int]) -> bool:
    west, east, south, north = box
    return x in (west, east) or y in (south, north)


def _clamped_x(x: int, west: int, east: int) -> int:
    """A longitude beyond the box pulled onto one of its edges. Land drawn across the
    antimeridian (Chukotka at -180 deg beside Russia's 180 deg, Wrangel Island, some Aleutians)
    goes to the east edge with the rest of Asia: the split is in the Bering Strait, which no
    land crosses, so no ring jumps from one edge to the other across the map."""
    if west <= x <= east:
        return x
    return west if BERING_STRAIT <= x < west else east


def _on_one_edge(a: Quantised, b: Quantised, c: Quantised, box: tuple[int, int, int, int]
                 ) -> bool:
    west, east, south, north = box
    return any(a[0] == b[0] == c[0] == edge for edge in (west, east)) or any(
        a[1] == b[1] == c[1] == edge for edge in (south, north))


def _arc_bounds(topology: Topology, index: int) -> tuple[int, int, int, int]:
    points = topology.quantised_arc(index)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), max(xs), min(ys), max(ys)


class Cutter:
    """Which parts of a topology touch the box; the arcs they use."""

    def __init__(self, data: dict[str, Any], box: tuple[float, float, float, float]) -> None:
        self.topology = Topology(data)
        self.box = _quantised_box(self.topology, box)
        self._bounds: dict[int, tuple[int, int, int, int]] = {}

    def touches(self, arcs: list[int]) -> bool:
        """Whether the line or ring made of these (signed) arcs has a bounding box meeting the
        box."""
        if not arcs:
            return False
        found = [self._bounds.setdefault(i, _arc_bounds(self.topology, i))
                 for i in (a if a >= 0 else ~a for a in arcs)]
        west, east, south, north = self.box
        return (min(b[0] for b in found) <= east and max(b[1] for b in found) >= west
                and min(b[2] for b in found) <= north and max(b[3] for b in found) >= south)

    def kept(self, geometry: dict[str, Any]) -> dict[str, Any] | None:
        """The geometry with only its parts touching the box (None when none does)."""
        kind, arcs = geometry.get("type"), geometry.get("arcs")
        if kind == "Polygon":
            return geometry if arcs and self.touches(arcs[0]) else None
        if kind == "LineString":
            return geometry if self.touches(arcs) else None
        if kind in ("MultiPolygon", "MultiLineString"):
            parts = [p for p in arcs if p and self.touches(p[0] if kind == "MultiPolygon" else p)]
            return {**geometry, "arcs": parts} if parts else None
        return None


def _arc_lists(geometry: dict[str, Any]) -> list[list[int]]:
    """Every list of signed arc indices in a geometry (its lines or rings)."""
    kind, arcs = geometry["type"], geometry["arcs"]
    if kind == "LineString":
        return [arcs]
    if kind in ("Polygon", "MultiLineString"):
        return list(arcs)
    return [ring for polygon in arcs for ring in polygon]


def _renumbered(arcs: Any, mapping: dict[int, int]) -> Any:
    if isinstance(arcs, int):
        return mapping[arcs] if arcs >= 0 else ~mapping[~arcs]
    return [_renumbered(part, mapping) for part in arcs]


def _encoded(points: list[Quantised]) -> list[list[int]]:
    return [list(points[0])] + [[x - px, y - py] for (px, py), (x, y)
                                in zip(points, points[1:], strict=False)]


def cut(data: dict[str, Any], box: tuple[float, float, float, float] = CUT_BOX
        ) -> dict[str, Any]:
    """A copy of the topology cut to `box` (the source is left as it was)."""
    cutter = Cutter(data, box)
    objects: dict[str, Any] = {}
    for name, collection in data["objects"].items():
        drawn = collection["geometries"] if name in DRAWN_LAYERS else []
        geometries = [g for g in map(cutter.kept, drawn) if g is not None]
        objects[name] = {**collection, "geometries": geometries}
    used = sorted({a if a >= 0 else ~a for c in objects.values() for g in c["geometries"]
                   for arcs in _arc_lists(g) for a in arcs})
    mapping = {old: new for new, old in enumerate(used)}
    for collection in objects.values():
        collection["geometries"] = [{**g, "arcs": _renumbered(g["arcs"], mapping)}
                                    for g in collection["geometries"]]
    arcs = [_encoded(_clamped(simplified(cutter.topology.quantised_arc(i), TOLERANCE),
                              cutter.box))
            for i in used]
    west, east, south, north = box
    return {**data, "objects": objects, "arcs": arcs, "bbox": [west, south, east, north]}


def cut_text(source: Path = SOURCE) -> str:
    """The cut outlines as the tool writes them (compact JSON)."""
    return json.dumps(cut(json.loads(source.read_text())), separators=(",", ":"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(cut_text(args.source))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
