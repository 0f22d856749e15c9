"""Back and Forward after HTMX filtering (issue 13): the fields and the results come back as the
address says, and the map stays clickable."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.support.dashboard import click_on_map, wait_for_map

pytestmark = pytest.mark.browser


def test_back_and_forward_restore_fields_results_and_a_clickable_map(guarded_page: Page) -> None:
    page = guarded_page
    page.goto("/")
    wait_for_map(page)
    page.select_option("#stance", "opposed")
    page.wait_for_url(re.compile(r"stance=opposed"))
    expect(page.locator("table.countries tbody tr")).to_have_count(2)
    page.select_option("#stance", "troops")
    page.wait_for_url(re.compile(r"stance=troops"))
    page.go_back()
    page.wait_for_url(re.compile(r"stance=opposed"))
    expect(page.locator("#stance")).to_have_value("opposed")
    expect(page.locator("table.countries tbody tr")).to_have_count(2)
    page.go_back()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("#stance")).to_have_value("")
    page.go_forward()
    page.wait_for_url(re.compile(r"stance=opposed"))
    expect(page.locator("#stance")).to_have_value("opposed")
    wait_for_map(page)
    with page.expect_navigation():
        click_on_map(page, lon=2.5, lat=46.5)
    assert urlsplit(page.url).path == "/countries/fr"
