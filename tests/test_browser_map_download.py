"""Downloading the map (issue 14) in a real browser, at desktop and phone widths: the dashboard's
PNG and SVG links are labelled, reached and followed with the keyboard, give the files named
for the revision and date shown, and follow the date when it changes without a reload; the SVG
file's words fit inside it as Chromium draws them. Fails on console errors and on any request
leaving 127.0.0.1 (tests/support/browser.py)."""

import time
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from app.services.mapimage import SCALE
from tests.support.images import png_size

pytestmark = pytest.mark.browser

WIDTHS = [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]


def wait_until_drawn(page: Page, url: str) -> None:
    """The card worker draws a picture asked for once: ask, then wait (bounded) for it."""
    deadline = time.monotonic() + 90
    while True:
        answer = page.request.get(url)
        assert answer.status == 200 and answer.headers["content-type"] == "image/png"
        if answer.headers["cache-control"] != "no-store":
            return
        assert time.monotonic() < deadline, "the map picture was not drawn within 90 s"
        time.sleep(0.5)


def download_with_keyboard(page: Page, name: str) -> tuple[str, bytes]:
    """Focus the link named `name` with the keyboard's Tab order and press Enter."""
    link = page.get_by_role("link", name=name)
    link.focus()
    expect(link).to_be_focused()
    with page.expect_download() as started:
        page.keyboard.press("Enter")
    download = started.value
    path = download.path()
    assert path is not None
    with open(path, "rb") as file:
        return download.suggested_filename, file.read()


@pytest.mark.parametrize("viewport", WIDTHS, ids=["desktop", "phone"])
def test_the_map_downloads_as_png_and_svg_from_the_dashboard(
        guarded_page: Page, viewport: dict[str, int]) -> None:
    guarded_page.set_viewport_size(viewport)  # type: ignore[arg-type]
    guarded_page.goto("/")
    png_link = guarded_page.get_by_role("link", name="Download the map as PNG")
    expect(png_link).to_be_visible()
    expect(png_link).to_have_attribute("href", "/cards/map-download.png")
    box = png_link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= viewport["width"]
    wait_until_drawn(guarded_page, "/cards/map-download.png")
    name, png = download_with_keyboard(guarded_page, "Download the map as PNG")
    assert name == f"coalition-tracker-map-rev1-{date.today().isoformat()}.png"
    svg_name, svg = download_with_keyboard(guarded_page, "Download the map as SVG")
    assert svg_name == name.removesuffix(".png") + ".svg"
    width, height = png_size(png)
    assert width == 600 * SCALE and f'height="{height // SCALE}"'.encode() in svg[:400]


def test_the_links_follow_the_date_shown(guarded_page: Page) -> None:
    guarded_page.goto("/")
    guarded_page.fill("#as_of", "2025-12-31")
    guarded_page.press("#as_of", "Enter")
    png_link = guarded_page.get_by_role("link", name="Download the map as PNG")
    expect(png_link).to_have_attribute("href", "/cards/map-download.png?as_of=2025-12-31")
    expect(guarded_page.get_by_role("link", name="Download the map as SVG")).to_have_attribute(
        "href", "/cards/map-download.svg?as_of=2025-12-31")
    wait_until_drawn(guarded_page, "/cards/map-download.png?as_of=2025-12-31")
    name, _png = download_with_keyboard(guarded_page, "Download the map as PNG")
    assert name == "coalition-tracker-map-rev1-2025-12-31.png"


FONTS = ["Arial, Helvetica, sans-serif", "DejaVu Sans"]  # as written; the Docker image's font


@pytest.mark.parametrize("family", FONTS, ids=["as-written", "dejavu"])
def test_the_svg_files_words_fit_inside_it(guarded_page: Page, base_url: str, family: str
                                           ) -> None:
    answer = guarded_page.request.get(base_url + "/cards/map-download.svg?as_of=2025-12-31")
    svg = answer.text().split("?>", 1)[1]  # an attachment: drawn here inside a blank page
    assert f'font-family="{FONTS[0]}"' in svg
    svg = svg.replace(f'font-family="{FONTS[0]}"', f'font-family="{family}"')
    guarded_page.set_content(f"<!doctype html><body style='margin:0'>{svg}</body>")
    overflow = guarded_page.evaluate("""() => {
        const svg = document.querySelector('body > svg'), width = svg.width.baseVal.value;
        const height = svg.height.baseVal.value;
        return [...svg.querySelectorAll(':scope > text')].map((text) => {
            const box = text.getBBox();
            return {words: text.textContent, right: box.x + box.width, bottom: box.y + box.height,
                    width, height};
        }).filter((t) => t.right > t.width - 10 || t.bottom > t.height);
    }""")
    assert overflow == []
    lines = guarded_page.eval_on_selector_all("body > svg > text", "els => els.length")
    assert lines >= 12  # title, date line, 8 legend entries, source line
