"""The shipped country outlines draw internationally recognised borders (tools/fix_outlines.py):
an outline update that brings a de-facto border back fails here."""

import json

import pytest

from app.outlines import countries_at, shipped_outlines
from tools.fix_outlines import fix

# (place, longitude, latitude, the country it must be drawn in)
RECOGNISED = [
    ("Simferopol, Crimea", 34.10, 44.95, "UKR"),
    ("Sevastopol", 33.52, 44.60, "UKR"),
    ("Kerch, Crimea", 36.47, 45.36, "UKR"),
    ("Kyiv", 30.52, 50.45, "UKR"),
    ("Donetsk", 37.80, 48.00, "UKR"),
    ("Luhansk", 39.30, 48.57, "UKR"),
    ("Rostov-on-Don", 39.70, 47.23, "RUS"),
    ("Taman peninsula", 36.72, 45.21, "RUS"),
    ("Kyrenia, Northern Cyprus", 33.32, 35.34, "CYP"),
    ("Nicosia, north of the line", 33.36, 35.19, "CYP"),
    ("Famagusta", 33.94, 35.12, "CYP"),
    ("Limassol", 33.04, 34.68, "CYP"),
    ("Sukhumi, Abkhazia", 41.02, 43.00, "GEO"),
    ("Tskhinvali, South Ossetia", 43.96, 42.23, "GEO"),
    ("Tiraspol, Transnistria", 29.60, 46.84, "MDA"),
    ("Stepanakert", 46.75, 39.82, "AZE"),
    ("Hargeisa, Somaliland", 44.06, 9.56, "SOM"),
    ("Pristina", 21.17, 42.67, "XKX"),
    ("Laayoune, Western Sahara", -13.20, 27.15, "ESH"),
    ("Smara, Western Sahara", -11.67, 26.74, "ESH"),
    ("Western Sahara, inland from Dakhla", -15.00, 23.50, "ESH"),
    ("Just north of 27 40' N", -12.00, 27.85, "MAR"),
    ("Guelmim", -10.06, 28.99, "MAR"),
    ("Paris", 2.35, 48.86, "FRA"),
]


@pytest.mark.parametrize(("place", "lon", "lat", "country"), RECOGNISED,
                         ids=[row[0] for row in RECOGNISED])
def test_each_place_lies_in_exactly_its_recognised_country(
    place: str, lon: float, lat: float, country: str
) -> None:
    assert countries_at(shipped_outlines(), lon=lon, lat=lat) == [country], place


def test_no_country_shape_is_left_without_a_code_in_europe() -> None:
    """A shape without an id cannot be coloured or hovered (Northern Cyprus was one)."""
    for lon, lat in [(33.32, 35.34), (21.17, 42.67), (34.10, 44.95)]:
        assert None not in countries_at(shipped_outlines(), lon=lon, lat=lat)


def test_the_build_step_is_idempotent_on_the_shipped_file() -> None:
    """Re-running tools/fix_outlines.py on the committed file changes nothing."""
    data = shipped_outlines()
    assert fix(json.loads(json.dumps(data))) == data
