"""Server-rendered SVG maps drawn from the shipped outlines (static/topojson/world_50m.json, with
the border fixes of tools/fix_outlines.py): the country pages' locator map (zoomed to the country,
with a small inset locating it in Europe or the world) and the dashboard's static picture shown
until Plotly has drawn (and when JavaScript is off). No browser and no Plotly: plain geometry.

The projection is equirectangular, stretched by the cosine of the view's middle latitude, which
is close enough to a conformal map at the scale of one country. Rings are clipped to the view
(Sutherland–Hodgman) and rounded to whole pixels so the markup stays small."""

import html
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from app.outlines import Point, Topology, polygons, shipped_outlines, simplified

# A polygon as lon/lat rings (the outer ring first, then its holes).
Rings = list[list[Point]]
LAND_COLOUR = "#DDDDDD"
BORDER_COLOUR = "#FFFFFF"
SEA_COLOUR = "#F4F8FB"
CHOSEN_OUTLINE = "#222222"
SIMPLIFY = 0.4  # pixels: points closer than this to the simplified outline are left out


@dataclass(frozen=True)
class Box:
    """A longitude/latitude window."""

    west: float
    east: float
    south: float
    north: float

    def overlaps(self, other: "Box") -> bool:
        return (self.west <= other.east and other.west <= self.east
                and self.south <= other.north and other.south <= self.north)


EUROPE_BOX = Box(west=-25.0, east=45.0, south=33.0, north=72.0)
WORLD_BOX = Box(west=-180.0, east=180.0, south=-58.0, north=84.0)


@dataclass(frozen=True)
class View:
    """A window drawn into a width x height pixel rectangle (equirectangular, cos-stretched)."""

    box: Box
    width: int
    height: int

    @property
    def stretch(self) -> float:
        return math.cos(math.radians((self.box.south + self.box.north) / 2))

    def project(self, point: Point) -> tuple[float, float]:
        lon, lat = point
        x = (lon - self.box.west) / (self.box.east - self.box.west) * self.width
        y = (self.box.north - lat) / (self.box.north - self.box.south) * self.height
        return x, y


def _bounds(rings: Rings) -> Box:
    lons = [lon for lon, _ in rings[0]]
    lats = [lat for _, lat in rings[0]]
    return Box(west=min(lons), east=max(lons), south=min(lats), north=max(lats))


def _unwrapped(ring: list[Point]) -> list[Point]:
    """A ring crossing the antimeridian (Chukotka, Fiji) drawn east of 180 deg, not across the
    whole map."""
    lons = [lon for lon, _ in ring]
    if max(lons) - min(lons) <= 180:
        return ring
    return [(lon + 360 if lon < 0 else lon, lat) for lon, lat in ring]


@cache
def _all_countries() -> dict[str, tuple[Rings, ...]]:
    """Every country with an id in the shipped outlines: its polygons as lon/lat rings."""
    data = shipped_outlines()
    topology = Topology(data)
    shapes: dict[str, tuple[Rings, ...]] = {}
    for geometry in data["objects"]["countries"]["geometries"]:
        if geometry.get("id"):
            shapes[geometry["id"]] = tuple([_unwrapped(topology.ring(ring)) for ring in polygon]
                                           for polygon in polygons(geometry) if polygon)
    return shapes


@cache
def _country_bounds(alpha3: str) -> tuple[Box, ...]:
    """The lon/lat box of each of a country's polygons (computed once: outlines never change)."""
    return tuple(_bounds(rings) for rings in _all_countries().get(alpha3, ()))


def _visible(alpha3: str, view: "View | ConicView") -> tuple[Rings, ...]:
    """A country's polygons that may show in `view` (the others are not projected at all)."""
    return tuple(rings for rings, box in zip(_all_countries().get(alpha3, ()),
                                             _country_bounds(alpha3), strict=True)
                 if box.overlaps(view.box))


def country_shape(alpha3: str) -> tuple[Rings, ...]:
    """A country's polygons as lon/lat rings, as the locator draws them (() if it has none)."""
    return _all_countries().get(alpha3, ())


def _area(ring: list[Point]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2)
                   in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def focus_box(alpha3: str) -> Box | None:
    """The window around a country's main land (its largest polygon and the islands near it, not
    overseas territories: metropolitan France, not French Guiana)."""
    shape = _all_countries().get(alpha3)
    if not shape:
        return None
    main = _bounds(max(shape, key=lambda rings: _area(rings[0])))
    margin = max(main.east - main.west, main.north - main.south) * 0.3 + 1.0
    near = Box(west=main.west - margin, east=main.east + margin,
               south=main.south - margin, north=main.north + margin)
    parts = [b for b in (_bounds(rings) for rings in shape) if b.overlaps(near)]
    return Box(west=min(b.west for b in parts), east=max(b.east for b in parts),
               south=min(b.south for b in parts), north=max(b.north for b in parts))


def zoom_box(focus: Box, *, aspect: float) -> Box:
    """`focus` padded (at least 3 degrees each way) and widened to `aspect` (width / height in
    pixels), as the equirectangular stretch draws it."""
    pad = max(focus.east - focus.west, focus.north - focus.south) * 0.25 + 1.5
    south, north = max(-85.0, focus.south - pad), min(85.0, focus.north + pad)
    west, east = focus.west - pad, focus.east + pad
    stretch = math.cos(math.radians((south + north) / 2))
    height_deg, width_deg = north - south, (east - west) * stretch
    if width_deg / height_deg < aspect:
        extra = (height_deg * aspect / stretch - (east - west)) / 2
        west, east = west - extra, east + extra
    else:
        extra = ((east - west) * stretch / aspect - height_deg) / 2
        south, north = south - extra, north + extra
    return Box(west=west, east=east, south=south, north=north)


Pixel = tuple[float, float]


def _clip_edge(ring: list[Pixel], inside: Callable[[Pixel], bool],
               cross: Callable[[Pixel, Pixel], Pixel]) -> list[Pixel]:
    """One Sutherland–Hodgman pass: `ring` cut by one half-plane."""
    out: list[Pixel] = []
    for index, current in enumerate(ring):
        previous = ring[index - 1]
        if inside(current):
            if not inside(previous):
                out.append(cross(previous, current))
            out.append(current)
        elif inside(previous):
            out.append(cross(previous, current))
    return out


def _at_x(x: float) -> Callable[[Pixel, Pixel], Pixel]:
    return lambda a, b: (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _at_y(y: float) -> Callable[[Pixel, Pixel], Pixel]:
    return lambda a, b: (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def clip(ring: list[Pixel], *, width: int, height: int, margin: float = 2.0) -> list[Pixel]:
    """`ring` clipped to the pixel rectangle grown by `margin` (its cut edges fall outside)."""
    low_x, low_y, high_x, high_y = -margin, -margin, width + margin, height + margin
    for inside, cross in ((lambda p: p[0] >= low_x, _at_x(low_x)),
                          (lambda p: p[0] <= high_x, _at_x(high_x)),
                          (lambda p: p[1] >= low_y, _at_y(low_y)),
                          (lambda p: p[1] <= high_y, _at_y(high_y))):
        if not ring:
            break
        ring = _clip_edge(ring, inside, cross)
    return ring


def _straightened(points: list[Pixel]) -> list[Pixel]:
    """`points` without those lying straight on, and between, their neighbours' line."""
    kept: list[Pixel] = []
    for index, (x, y) in enumerate(points):
        (px, py), (nx, ny) = (kept[-1] if kept else points[-1]), points[(index + 1) % len(points)]
        turn = (x - px) * (ny - y) - (y - py) * (nx - x)
        onward = (x - px) * (nx - x) + (y - py) * (ny - y)
        if turn or onward <= 0:
            kept.append((x, y))
    return kept


def _ring_path(ring: list[Pixel], *, precision: int) -> str:
    """An SVG subpath of rounded points, repeats dropped; "" for one smaller than a pixel."""
    factor = 10 ** precision
    points: list[tuple[float, float]] = []
    for x, y in ring:
        point = (round(x * factor) / factor, round(y * factor) / factor)
        if not points or point != points[-1]:
            points.append(point)
    points = _straightened(points)
    if len(points) < 3:
        return ""
    text = [f"{x:g} {y:g}" for x, y in points]
    return "M" + "L".join(text) + "Z"


def shape_path(shape: tuple[Rings, ...], view: "View | ConicView", *, precision: int = 0) -> str:
    """The SVG path data of one country's polygons in `view` ("" when none of it shows)."""
    parts: list[str] = []
    for rings in shape:
        if not _bounds(rings).overlaps(view.box):
            continue
        for ring in rings:
            pixels = clip([view.project(p) for p in ring], width=view.width, height=view.height)
            if pixels:
                parts.append(_ring_path(simplified(pixels, SIMPLIFY), precision=precision))
    return "".join(parts)


def land_path(view: "View | ConicView", *, leave_out: str = "", precision: int = 0) -> str:
    """Every country drawn in `view` but `leave_out`, as one path (borders drawn by its stroke)."""
    return "".join(shape_path(_visible(code, view), view, precision=precision)
                   for code in sorted(_all_countries()) if code != leave_out)


LOCATOR_WIDTH, LOCATOR_HEIGHT = 400, 300
INSET_WIDTH = 110
SMALL = 8.0  # a country drawn narrower than this (pixels) gets a ring around it


def _pixel_box(box: Box, view: View) -> tuple[float, float, float, float]:
    """x, y, width, height of a lon/lat box in `view`, clamped to the view."""
    x1, y1 = view.project((box.west, box.north))
    x2, y2 = view.project((box.east, box.south))
    x1, y1 = max(0.0, x1), max(0.0, y1)
    x2, y2 = min(float(view.width), x2), min(float(view.height), y2)
    return x1, y1, max(0.0, x2 - x1), max(0.0, y2 - y1)


def _ring_mark(box: Box, view: View, *, radius: float, colour: str) -> str:
    """A dot in a ring on a country too small to see at this scale ("" for a larger one)."""
    x, y, width, height = _pixel_box(box, view)
    if max(width, height) >= SMALL:
        return ""
    cx, cy = f"{x + width / 2:.1f}", f"{y + height / 2:.1f}"
    return (f'<circle class="map-mark" cx="{cx}" cy="{cy}" r="{radius:g}" fill="none" '
            f'stroke="{CHOSEN_OUTLINE}" stroke-width="1.5"/><circle class="map-chosen" '
            f'cx="{cx}" cy="{cy}" r="{radius / 3:g}" fill="{colour}" stroke="{CHOSEN_OUTLINE}" '
            f'stroke-width="0.8"/>')


def _country_layer(view: View, *, alpha3: str, colour: str, width: float) -> str:
    land = land_path(view, leave_out=alpha3)
    chosen = shape_path(_visible(alpha3, view), view)
    return (f'<path class="map-land" fill="{LAND_COLOUR}" stroke="{BORDER_COLOUR}" '
            f'stroke-width="{width / 2:g}" d="{land}"/>'
            f'<path class="map-chosen" fill="{colour}" stroke="{CHOSEN_OUTLINE}" '
            f'stroke-width="{width:g}" d="{chosen}"/>')


def _inset(*, alpha3: str, colour: str, zoom: Box, focus: Box) -> str:
    """A small map locating the zoomed window in Europe (or the world, for a partner beyond)."""
    box = EUROPE_BOX if EUROPE_BOX.overlaps(focus) else WORLD_BOX
    stretch = math.cos(math.radians((box.south + box.north) / 2))
    height = round(INSET_WIDTH * (box.north - box.south) / ((box.east - box.west) * stretch))
    view = View(box=box, width=INSET_WIDTH, height=height)
    x, y, width, frame = _pixel_box(zoom, view)
    left = LOCATOR_WIDTH - INSET_WIDTH - 6
    return (f'<g class="map-inset" transform="translate({left} 6)">'
            f'<rect class="map-sea" width="{INSET_WIDTH}" height="{height}" fill="{SEA_COLOUR}" '
            f'stroke="{CHOSEN_OUTLINE}" stroke-width="1"/>'
            f'<svg width="{INSET_WIDTH}" height="{height}">'
            f'{_country_layer(view, alpha3=alpha3, colour=colour, width=0.6)}'
            f'<rect class="map-window" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
            f'height="{frame:.1f}" fill="none" stroke="{CHOSEN_OUTLINE}" stroke-width="1"/>'
            f'{_ring_mark(focus, view, radius=5, colour=colour)}</svg></g>')


COLOUR_SLOT = "@colour@"  # stands for the country's colour in a cached drawing


@cache
def _locator_drawing(alpha3: str) -> tuple[str, str] | None:
    """Where the country lies ("Europe" or "the world") and the locator's shapes, its colour
    left as COLOUR_SLOT: the geometry (a fraction of a second of CPU) is drawn once per
    process, whatever the country's stance."""
    focus = focus_box(alpha3)
    if focus is None:
        return None
    zoom = zoom_box(focus, aspect=LOCATOR_WIDTH / LOCATOR_HEIGHT)
    view = View(box=zoom, width=LOCATOR_WIDTH, height=LOCATOR_HEIGHT)
    where = "Europe" if EUROPE_BOX.overlaps(focus) else "the world"
    return where, (f'<rect class="map-sea" width="100%" height="100%" fill="{SEA_COLOUR}"/>'
                   f'{_country_layer(view, alpha3=alpha3, colour=COLOUR_SLOT, width=1.2)}'
                   f'{_ring_mark(focus, view, radius=12, colour=COLOUR_SLOT)}'
                   f'{_inset(alpha3=alpha3, colour=COLOUR_SLOT, zoom=zoom, focus=focus)}')


def locator_svg(*, alpha3: str, name: str, colour: str, label: str) -> str | None:
    """An inline SVG locating one country: zoomed to its main land, drawn in `colour` (its
    category, `label`), with an inset; None when the outlines have no shape for `alpha3`.
    Only the drawing is kept (per shape, its colour a slot), so a renamed or restanced country
    is not drawn again and nothing kept here grows with renames."""
    drawn = _locator_drawing(alpha3)
    if drawn is None:
        return None
    where, drawing = drawn
    title = html.escape(f"Map locating {name}")
    desc = html.escape(f"{name} is drawn with a dark outline in the colour of “{label}”, among "
                       f"its neighbours in grey; a small inset shows where it lies in {where}.")
    return (f'<svg class="locator-map" xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {LOCATOR_WIDTH} {LOCATOR_HEIGHT}" '
            f'aria-labelledby="locator-title locator-desc">'
            f'<title id="locator-title">{title}</title><desc id="locator-desc">{desc}</desc>'
            f'{drawing.replace(COLOUR_SLOT, html.escape(colour))}</svg>')


@dataclass(frozen=True)
class ConicView:
    """The dashboard's projection (Lambert conformal conic, standard parallels 40 and 65 deg,
    centred on 12 deg E, as mapdata.EUROPE_VIEW asks of Plotly), fitted to width x height."""

    box: Box
    width: int
    height: int
    parallels: tuple[float, float] = (40.0, 65.0)
    centre: float = 12.0

    @property
    def _cone(self) -> tuple[float, float]:
        first, second = (math.radians(p) for p in self.parallels)
        n = math.log(math.cos(first) / math.cos(second)) / math.log(
            math.tan(math.pi / 4 + second / 2) / math.tan(math.pi / 4 + first / 2))
        return n, math.cos(first) * math.tan(math.pi / 4 + first / 2) ** n / n

    def _raw(self, point: Point, cone: tuple[float, float]) -> tuple[float, float]:
        n, f = cone
        rho = f / math.tan(math.pi / 4 + math.radians(point[1]) / 2) ** n
        angle = n * math.radians(point[0] - self.centre)
        return rho * math.sin(angle), rho * math.cos(angle)

    def extent(self) -> tuple[float, float, float, float]:
        """Left, top, width and height of the box's projected outline (unscaled)."""
        cone, box = self._cone, self.box
        edge = [(box.west + (box.east - box.west) * k / 20, lat) for k in range(21)
                for lat in (box.south, box.north)]
        edge += [(lon, box.south + (box.north - box.south) * k / 20) for k in range(21)
                 for lon in (box.west, box.east)]
        xs, ys = zip(*(self._raw(p, cone) for p in edge), strict=True)
        return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)

    def frame(self) -> tuple[float, float, float]:
        """Left, top and scale fitting the box's projected outline into the pixels."""
        left, top, width, height = self.extent()
        return left, top, min(self.width / width, self.height / height)

    def project(self, point: Point) -> tuple[float, float]:
        left, top, scale = _frame(self)
        x, y = self._raw(point, self._cone)
        return (x - left) * scale, (y - top) * scale


@cache
def _frame(view: ConicView) -> tuple[float, float, float]:
    return view.frame()


MAP_WIDTH = 600


def map_view() -> ConicView:
    """The dashboard view (Europe) at the picture's size, its height following the projection."""
    *_, width, height = ConicView(box=EUROPE_BOX, width=1, height=1).extent()
    return ConicView(box=EUROPE_BOX, width=MAP_WIDTH, height=round(MAP_WIDTH * height / width))


@cache
def picture_path(alpha3: str) -> str:
    """A country's path in the dashboard picture: geometry only, computed once per process (the
    picture's colours follow the data; its shapes never change)."""
    view = map_view()
    return shape_path(_visible(alpha3, view), view)


def warm_picture() -> None:
    """Project every outline for the dashboard picture now (about a second of CPU), so the
    first requests for `/` do not all pay for it at once."""
    for alpha3 in _all_countries():
        picture_path(alpha3)


@cache
def map_picture_svg(*, fills: tuple[tuple[str, str], ...], outlined: tuple[str, ...] = ()
                    ) -> str:
    """The dashboard map as a still picture: every country in view in its colour (`fills`:
    alpha-3 code and colour), the others in the land colour, `outlined` ones (the host) with a
    heavy outline. Decorative beside the labelled map and the table: aria-hidden."""
    view = map_view()
    coloured = dict(fills)
    land = "".join(picture_path(code) for code in sorted(_all_countries())
                   if code not in coloured)
    parts = [f'<path fill="{colour}" stroke="{CHOSEN_OUTLINE}" '
             f'stroke-width="{1.6 if code in outlined else 0.4}" d="{picture_path(code)}"/>'
             for code, colour in sorted(coloured.items(), key=lambda item: item[0] in outlined)]
    return (f'<svg class="map-picture" xmlns="http://www.w3.org/2000/svg" aria-hidden="true" '
            f'focusable="false" viewBox="0 0 {view.width} {view.height}" '
            f'preserveAspectRatio="xMidYMid meet">'
            f'<path class="map-land" fill="#EEEEEE" stroke="{BORDER_COLOUR}" stroke-width="0.5" '
            f'd="{land}"/>{"".join(parts)}</svg>')


@dataclass(frozen=True)
class Caption:
    """The words around a downloaded map: its title, its date line and its source line."""

    title: str
    dated: str
    source: str


TITLE_SIZE, DATED_SIZE, LEGEND_SIZE, SOURCE_SIZE = 21, 15, 13, 11
TEXT_WIDTH = 560  # pixels: the width words may take (the file is MAP_WIDTH wide, 20 px margins)
# Average glyph width in em, generous (DejaVu Sans, the widest fallback font, is about 0.55 and
# its bold 0.63): a line cut by this estimate fits whichever sans-serif font draws it.
REGULAR_EM, BOLD_EM = 0.58, 0.68


def wrapped(text: str, *, size: float, em: float = REGULAR_EM) -> list[str]:
    """`text` cut at spaces into lines that fit TEXT_WIDTH at font `size` (a word longer than a
    line, an address, stands on its own line)."""
    most = max(1, int(TEXT_WIDTH / (size * em)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _lines(lines: list[str], *, css: str, top: float, step: float, attributes: str) -> str:
    """One <text> per line, the first baseline at `top`."""
    return "".join(f'<text class="{css}" x="20" y="{top + step * index:g}" {attributes}>'
                   f'{html.escape(line)}</text>' for index, line in enumerate(lines))


def _legend_svg(legend: tuple[tuple[str, str, int], ...], *, top: int) -> str:
    """Swatches with their labels and counts, one per row under the map (words, not only
    colours)."""
    items = []
    for index, (label, colour, count) in enumerate(legend):
        y = top + index * 22
        items.append(f'<rect x="20" y="{y}" width="14" height="14" fill="{colour}" '
                     f'stroke="{CHOSEN_OUTLINE}" stroke-width="0.6"/><text class="legend" '
                     f'x="40" y="{y + 12}">{html.escape(label)} ({count})</text>')
    return "".join(items)


def map_download_svg(*, picture: str, caption: Caption,
                     legend: tuple[tuple[str, str, int], ...]) -> str:
    """The dashboard map as a standalone SVG file: title, date line, the map, its legend and
    the source line (revision, address, licence), the words wrapped to the file's width."""
    view = map_view()
    title = wrapped(caption.title, size=TITLE_SIZE, em=BOLD_EM)
    source = wrapped(caption.source, size=SOURCE_SIZE)
    dated_top = 30 + 26 * len(title)
    top = dated_top + 18
    legend_top = top + view.height + 16
    source_top = legend_top + len(legend) * 22 + 20
    height = source_top + 15 * (len(source) - 1) + 14
    body = picture.replace(' aria-hidden="true" focusable="false"', "")
    body = body.replace('<svg class="map-picture"', f'<svg x="0" y="{top}" '
                        f'width="{view.width}" height="{view.height}" class="map-picture"', 1)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
            f'width="{view.width}" height="{height}" viewBox="0 0 {view.width} {height}" '
            f'font-family="Arial, Helvetica, sans-serif" font-size="{LEGEND_SIZE}" '
            f'fill="#1a1a1a"><title>{html.escape(caption.title)}</title>'
            f'<rect width="100%" height="100%" fill="#FFFFFF"/>'
            f'{_lines(title, css="title", top=30, step=26, attributes=_TITLE)}'
            f'{_lines([caption.dated], css="dated", top=dated_top, step=0, attributes=_DATED)}'
            f'{body}{_legend_svg(legend, top=legend_top)}'
            f'{_lines(source, css="source", top=source_top, step=15, attributes=_SOURCE)}'
            f'</svg>')


_TITLE = f'font-size="{TITLE_SIZE}" font-weight="bold"'
_DATED = f'font-size="{DATED_SIZE}"'
_SOURCE = f'font-size="{SOURCE_SIZE}" fill="#4d4d4d"'
