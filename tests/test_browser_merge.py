"""Two curators in two browsers edit the same commitment: one-sided changes merge by
themselves, a field both changed is shown side by side and saved only once chosen, and no saved
value is ever lost."""

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from sqlmodel import Session

from app.services.auth import create_user
from tests.support.admin import PASSWORD
from tests.support.browser import HTTP_ERROR_LINE, log_in_as
from tests.support.dashboard import serious_axe_violations

pytestmark = pytest.mark.browser

# The conflict page answers 409 on purpose (Chromium logs that status as a console line).


def api(base_url: str, path: str) -> Any:
    with urllib.request.urlopen(base_url + path, timeout=10) as answer:  # noqa: S310
        return json.load(answer)


@pytest.fixture
def other_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A second curator's browser: its own cookies; fails the test on console errors."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not HTTP_ERROR_LINE.match(message.text):
            errors.append(message.text)

    page.on("console", on_console)
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    yield page
    context.close()
    assert not errors, f"console errors: {errors}"


def save_correction(page: Page, **fields: str) -> None:
    for name, value in fields.items():
        page.fill(f"#correction-{name}", value)
    page.fill("#correction-reason", "Curator's correction")
    page.click("#correction-form button[type=submit]")


@pytest.mark.expected_http_error
def test_two_curators_never_lose_a_saved_value(
    guarded_page: Page, other_page: Page, base_url: str, db: Session
) -> None:
    create_user(session=db, username="carol", password=PASSWORD)
    create_user(session=db, username="dave", password=PASSWORD)
    guarded_page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    carol, dave = guarded_page, other_page
    commitment_id = api(base_url, "/api/countries/fr")["commitments"][0]["id"]
    url = f"{base_url}/admin/commitments/{commitment_id}"
    log_in_as(carol, base_url, "carol", PASSWORD)
    log_in_as(dave, base_url, "dave", PASSWORD)
    carol.goto(url)
    dave.goto(url)

    save_correction(carol, summary="Carol's summary")
    expect(carol.locator("#saved-flash")).to_contain_text("Saved as revision")
    # Dave's page is stale; he changes only the troop numbers: merged on its own.
    save_correction(dave, cond_troop_numbers="Up to 1,000")
    expect(dave.locator("#saved-flash")).to_contain_text("Saved as revision")
    expect(dave.locator("#correction-summary")).to_have_value("Carol's summary")

    # Carol's page is now stale in turn; both change the summary.
    save_correction(carol, summary="Carol's second summary")
    expect(carol.locator("#saved-flash")).to_be_visible()
    save_correction(dave, summary="Dave's summary")
    expect(dave.locator("h1")).to_have_text("Someone else saved a change first")
    expect(dave.locator("#correction-summary")).to_contain_text("Carol's second summary")
    assert serious_axe_violations(dave) == []
    dave.click("#correction-form button[type=submit]")  # no choice made: refused again
    expect(dave.locator("#correction-summary-error")).to_contain_text("choose")
    dave.check("#correction-summary-yours")
    dave.click("#correction-form button[type=submit]")
    expect(dave.locator("#saved-flash")).to_be_visible()

    saved = next(c for c in api(base_url, "/api/countries/fr")["commitments"]
                 if c["id"] == commitment_id)
    assert saved["summary"] == "Dave's summary"
    assert saved["conditions"]["troop_numbers"] == "Up to 1,000"
    dave.click("#saved-flash a")
    expect(dave).to_have_url(base_url + "/countries/fr")
    expect(dave.locator("main")).to_contain_text("Dave's summary")
