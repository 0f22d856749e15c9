"""Accessibility: axe-core (vendored, tests/assets/axe.min.js) finds no serious or critical
violation on the dashboard, a filtered dashboard, a country page, sources and the codebook."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.support.dashboard import serious_axe_violations, wait_for_map

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/", "/?stance=troops&as_of=2025-12-31", "/countries/fr",
                                  "/countries/ua", "/sources", "/sources/1", "/about",
                                  "/countries/de", "/events",
                                  "/events/paris-summit-2026-01-06"])
def test_no_serious_or_critical_violations(guarded_page: Page, path: str) -> None:
    guarded_page.goto(path)
    if path == "/" or path.startswith("/?"):
        wait_for_map(guarded_page)
    assert serious_axe_violations(guarded_page) == []


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus(guarded_page: Page) -> None:
    guarded_page.goto("/")
    guarded_page.keyboard.press("Tab")
    focused = guarded_page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    guarded_page.keyboard.press("Enter")
    expect(guarded_page).to_have_url(re.compile(r"#main$"))
