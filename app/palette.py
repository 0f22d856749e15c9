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
