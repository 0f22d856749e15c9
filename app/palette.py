"""Stance colours: Okabe–Ito, safe for the common forms of colour blindness. One place only."""

from app.models import Stance

STANCE_COLOURS: dict[Stance, str] = {
    Stance.troops: "#0072B2",
    Stance.logistics: "#009E73",
    Stance.political_only: "#E69F00",
    Stance.opposed: "#D55E00",
    Stance.undeclared: "#BBBBBB",
}
HOST_COLOUR = "#F0E442"
# Troops offered only in neighbouring NATO states (not inside Ukraine): Okabe–Ito sky blue.
TROOPS_NEARBY_COLOUR = "#56B4E9"
# Countries on the map that the dataset does not track: the land colour, named in the legend.
NOT_TRACKED_COLOUR = "#EEEEEE"


def _luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """Black or white, whichever reads better on `background` (WCAG AA needs 4.5:1)."""
    dark, light = "#000000", "#FFFFFF"
    return dark if contrast_ratio(background, dark) >= contrast_ratio(background, light) else light


STANCE_TEXT_COLOURS: dict[Stance, str] = {
    stance: text_colour_on(colour) for stance, colour in STANCE_COLOURS.items()
}
HOST_TEXT_COLOUR = text_colour_on(HOST_COLOUR)
TROOPS_NEARBY_TEXT_COLOUR = text_colour_on(TROOPS_NEARBY_COLOUR)
NOT_TRACKED_TEXT_COLOUR = text_colour_on(NOT_TRACKED_COLOUR)
