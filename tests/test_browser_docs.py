"""/docs is served from static/ only: it renders every endpoint under the CSP, offline."""

import pytest
from playwright.sync_api import Page, expect


@pytest.mark.browser
def test_api_docs_render_locally_under_the_csp(guarded_page: Page, base_url: str) -> None:
    guarded_page.goto(f"{base_url}/docs")
    expect(guarded_page.locator(".opblock-summary-path").first).to_be_visible(timeout=15000)
    paths = guarded_page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/countries/{code}" in path for path in paths)
