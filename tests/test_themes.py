"""The dark colour scheme and the print stylesheet (issue 14): computed from static/css/app.css,
so a colour change that breaks AA contrast or makes two stances look alike fails here."""

import re
from itertools import combinations

import pytest

from app.config import PROJECT_ROOT
from app.models import Stance
from app.palette import STANCE_COLOURS, contrast_ratio
from app.services.mapdata import PALETTE

CSS = (PROJECT_ROOT / "static" / "css" / "app.css").read_text()


def _block(media: str) -> str:
    start = CSS.index(f"@media ({media})" if ":" in media else f"@media {media}")
    depth, end = 0, CSS.index("{", start)
    for end in range(end, len(CSS)):  # noqa: B020 - the loop finds the block's closing brace
        depth += {"{": 1, "}": -1}.get(CSS[end], 0)
        if depth == 0:
            break
    return CSS[start:end]


def _variables(block: str) -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", block)
    assert root, "no :root in the block"
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))


DARK = _variables(_block("prefers-color-scheme: dark"))
LIGHT = _variables(CSS[:CSS.index("}") + 1])


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a #RRGGBB colour."""
    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    xyz = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, (
        0.2126 * r + 0.7152 * g + 0.0722 * b), (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _distance(first: str, second: str) -> float:
    return float(sum((p - q) ** 2 for p, q in zip(_lab(first), _lab(second), strict=True)) ** 0.5)


@pytest.mark.parametrize("theme", [LIGHT, DARK], ids=["light", "dark"])
def test_text_meets_aa_on_paper_and_soft_panels(theme: dict[str, str]) -> None:
    for name in ("ink", "muted", "accent"):
        for ground in ("paper", "soft"):
            assert contrast_ratio(theme[name], theme[ground]) >= 4.5, (name, ground)
    assert contrast_ratio(theme["focus"], theme["paper"]) >= 3
    assert contrast_ratio(theme["line"], theme["paper"]) >= 1.3


def test_dark_scheme_is_dark() -> None:
    assert contrast_ratio(DARK["paper"], "#000000") < 1.5
    assert "color-scheme: dark" in _block("prefers-color-scheme: dark")


@pytest.mark.parametrize("key", sorted(PALETTE))
def test_every_map_colour_stands_out_from_the_dark_paper(key: str) -> None:
    background, text = PALETTE[key]
    assert contrast_ratio(background, DARK["paper"]) >= 3, key  # WCAG 1.4.11, graphics
    assert contrast_ratio(background, text) >= 4.5, key  # badge text


def test_stance_colours_stay_distinguishable_in_both_schemes() -> None:
    colours = [STANCE_COLOURS[s] for s in Stance] + [PALETTE["host"][0],
                                                     PALETTE["troops_nearby"][0]]
    for first, second in combinations(colours, 2):
        assert _distance(first, second) > 20, (first, second)  # clearly different (CIE76)
    for colour in colours:
        assert _distance(colour, DARK["paper"]) > 40 and _distance(colour, DARK["soft"]) > 40


def test_print_hides_navigation_and_controls_and_prints_link_targets() -> None:
    block = _block("print")
    for selector in (".site-header", ".filters", ".share", ".embed-this", "button", "form"):
        assert selector in block.split("display: none")[0], selector
    assert 'content: " <" attr(href) ">"' in block
