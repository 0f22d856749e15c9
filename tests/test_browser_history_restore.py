"""Back after HTMX navigation on /changes when htmx has no snapshot of the earlier page: htmx asks
the server with HX-History-Restore-Request and must get the whole page back (issue 14.3), not the
results block alone (which would leave a page without its header, search box and form)."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_back_after_htmx_navigation_restores_the_whole_changes_page(guarded_page: Page) -> None:
    page = guarded_page
    page.goto("/changes")
    expect(page.locator("#stance-changes")).to_have_count(1)
    page.fill("#from", "2025-09-01")
    with page.expect_response(re.compile(r"/changes\?")):
        page.locator("form.period-form").evaluate("form => htmx.trigger(form, 'submit')")
    page.wait_for_url(re.compile(r"from=2025-09-01"))
    # No snapshot in htmx's history cache: Back makes htmx ask the server for the page.
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")
    with page.expect_request(lambda r: r.headers.get("hx-history-restore-request") == "true"):
        page.go_back()
    page.wait_for_url(re.compile(r"/changes$"))
    expect(page.locator("form.site-search")).to_have_count(1)
    expect(page.locator("form.period-form")).to_have_count(1)
    expect(page.locator("#stance-changes")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("What changed")
