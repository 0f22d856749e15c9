"""In a real browser: choosing a citation's attribution re-checks the speaker at once (inline),
and the event and disputed country pages render cleanly on a desktop and a 390 px phone."""

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.services.auth import create_user
from app.services.validation import message
from tests.support.admin import PASSWORD
from tests.support.dashboard import serious_axe_violations

pytestmark = pytest.mark.browser


def test_choosing_an_attribution_checks_the_speaker_inline(
    guarded_page: Page, base_url: str, db: Session
) -> None:
    create_user(session=db, username="dora", password=PASSWORD)
    page = guarded_page
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(base_url + "/admin/login?next=%2Fadmin")
    page.fill("#username", "dora")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    expect(page).to_have_url(base_url + "/admin")
    page.goto(base_url + "/admin/countries/hu")
    page.fill("#commitment-speaker", "Viktor Orbán")
    page.select_option("#commitment-attribution", "outlet")
    expect(page.locator("#commitment-speaker-error")).to_have_text(message("speaker_refused"))
    page.select_option("#commitment-attribution", "reported")
    expect(page.locator("#commitment-speaker-error")).to_have_text("")
    assert serious_axe_violations(page) == []


@pytest.mark.parametrize("width", [1200, 390])
@pytest.mark.parametrize("path", ["/events/paris-summit-2026-01-06", "/countries/de"])
def test_evidence_pages_render_on_desktop_and_phone(
    guarded_page: Page, base_url: str, path: str, width: int
) -> None:
    guarded_page.set_viewport_size({"width": width, "height": 844})
    guarded_page.goto(base_url + path)
    expect(guarded_page.locator("main")).to_contain_text("Reported by")
    expect(guarded_page.locator("main")).to_contain_text("reported:")
    if path.startswith("/countries"):
        expect(guarded_page.locator(".dispute")).to_contain_text("The other account")
    assert serious_axe_violations(guarded_page) == []
