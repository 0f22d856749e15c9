"""What a first visit to a page costs: every response Chromium receives for it (compressed body
plus headers, as served), for the page-weight tests and bench/pages.py."""

from dataclasses import dataclass

from playwright.sync_api import Page, Request

KB = 1000
# Budgets of issue 14: a country page (no Plotly) and the dashboard (Plotly and cut outlines).
COUNTRY_PAGE_BUDGET = 150 * KB
DASHBOARD_BUDGET = 500 * KB


@dataclass
class Visit:
    responses: list[tuple[str, int]]

    @property
    def total(self) -> int:
        return sum(size for _, size in self.responses)

    def urls(self) -> list[str]:
        return [url for url, _ in self.responses]


def first_visit(page: Page, url: str, *, ready: str | None = None) -> Visit:
    """Load `url` in a fresh page (empty cache), wait for `ready` (a selector) and network
    quiet, and sum what was received."""
    visit = Visit(responses=[])

    def finished(request: Request) -> None:
        sizes = request.sizes()
        visit.responses.append((request.url, sizes["responseBodySize"]
                                + sizes["responseHeadersSize"]))

    page.on("requestfinished", finished)
    page.goto(url, wait_until="load")
    if ready:
        page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", finished)
    return visit
