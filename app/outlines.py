"""Reading the shipped TopoJSON outlines (static/topojson/world_50m.json): which country a point
is drawn in. Used by tools/fix_outlines.py (the border build step) and the tests that keep the
borders internationally recognised."""

import json
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from app.config import PROJECT_ROOT

OUTLINES = PROJECT_ROOT / "static" / "topojson" / "world_50m.json"

Point = tuple[float, float]
XY = TypeVar("XY", tuple[int, int], tuple[float, float])


class Topology:
    """A TopoJSON topology's arcs, decoded (delta-encoded, quantised) on demand."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.arcs: list[list[list[int]]] = data["arcs"]
        self.scale: list[float] = data["transform"]["scale"]
        self.translate: list[float] = data["transform"]["translate"]

    def quantised_arc(self, index: int) -> list[tuple[int, int]]:
        x = y = 0
        points = []
        for dx, dy in self.arcs[index]:
            x, y = x + dx, y + dy
            points.append((x, y))
        return points

    def arc(self, signed: int) -> list[Point]:
        """Longitude/latitude points of arc `signed` (~i is arc i reversed)."""
        (sx, sy), (tx, ty) = self.scale, self.translate
        points = [(x * sx + tx, y * sy + ty)
                  for x, y in self.quantised_arc(signed if signed >= 0 else ~signed)]
        return points[::-1] if signed < 0 else points

    def ring(self, arcs: list[int]) -> list[Point]:
        points: list[Point] = []
        for signed in arcs:
            part = self.arc(signed)
            points.extend(part if not points else part[1:])
        return points


def polygons(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """A geometry's polygons (each a list of rings of arc indices); [] for an empty one."""
    if geometry.get("type") == "Polygon":
        return [geometry["arcs"]]
    if geometry.get("type") == "MultiPolygon":
        parts: list[list[list[int]]] = geometry["arcs"]
        return parts
    return []


def _in_ring(point: Point, ring: list[Point]) -> bool:
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def polygon_contains(topology: Topology, polygon: list[list[int]], point: Point) -> bool:
    """Inside the outer ring and outside every hole (even-odd rule)."""
    outer, *holes = polygon
    return _in_ring(point, topology.ring(outer)) and not any(
        _in_ring(point, topology.ring(hole)) for hole in holes)


def countries_at(data: dict[str, Any], *, lon: float, lat: float) -> list[str | None]:
    """The ids of every country geometry drawn over a point (None for one without an id)."""
    topology = Topology(data)
    return [geometry.get("id") for geometry in data["objects"]["countries"]["geometries"]
            if any(polygon_contains(topology, p, (lon, lat)) for p in polygons(geometry) if p)]


def _off_line(point: XY, start: XY, end: XY) -> float:
    """Distance from `point` to the line start-end (to `start` when the arc is a closed ring)."""
    (x, y), (x1, y1), (x2, y2) = point, start, end
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5
    if length == 0:
        return float(((x - x1) ** 2 + (y - y1) ** 2) ** 0.5)
    return float(abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length)


def simplified(points: list[XY], tolerance: float) -> list[XY]:
    """Douglas–Peucker on one line, its two ends kept (applied to a shared arc, neighbours
    still meet exactly): the points further than `tolerance` from the simplified line."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, -1
        for k in range(first + 1, last):
            distance = _off_line(points[k], points[first], points[last])
            if distance > far:
                far, index = distance, k
        if index > 0 and far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


@cache
def shipped_outlines(path: Path = OUTLINES) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data
