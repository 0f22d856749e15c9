"""A curator's journey in a real browser: log in, change Denmark's stance with a new citation
(with inline validation on the way), watch the map colour and the country page change, log out."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.models import Stance
from app.services.auth import create_user
from app.services.mapdata import STANCE_COLOURS
from tests.support.admin import PASSWORD
from tests.support.dashboard import serious_axe_violations

pytestmark = pytest.mark.browser

DENMARK_FILL = """() => {
  const path = Array.from(document.querySelectorAll('#map path.choroplethlocation'))
    .find((p) => p.__data__ && p.__data__.loc === 'DNK');
  return path ? getComputedStyle(path).fill : null;
}"""


def rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


def map_fill_of_denmark(page: Page, base_url: str) -> str:
    page.goto(base_url + "/")
    page.locator("#map[data-drawn-revision]").wait_for()
    fill = page.evaluate(DENMARK_FILL)
    assert fill, "Denmark is not drawn on the map"
    return str(fill)


def log_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/admin/countries/dk")
    expect(page).to_have_url(base_url + "/admin/login?next=%2Fadmin%2Fcountries%2Fdk")
    page.fill("#username", "carol")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")  # the keyboard submits the form
    expect(page).to_have_url(base_url + "/admin/countries/dk")


def empty_form_shows_the_error_summary(page: Page) -> None:
    """A save with problems comes back with a summary at the top, focused, linking each field."""
    expect(page.locator("#commitment-date")).to_have_value("")  # never today by default
    page.click("#commitment-form button[type=submit]")
    summary = page.locator("#commitment-form [data-error-summary]")
    expect(summary).to_be_focused()
    summary.locator('a[href="#commitment-summary"]').click()
    expect(page.locator("#commitment-summary")).to_be_focused()


def record_troops_with_a_new_source(page: Page) -> None:
    expect(page.locator("#commitment-new-source")).to_be_hidden()
    page.select_option("#commitment-kind", "troops")
    page.fill("#commitment-date", "2099-01-01")
    page.dispatch_event("#commitment-date", "change")
    expect(page.locator("#commitment-date-error")).to_contain_text("in the future")
    assert serious_axe_violations(page) == []
    page.fill("#commitment-date", "2026-01-12")
    page.dispatch_event("#commitment-date", "change")
    expect(page.locator("#commitment-date-error")).to_have_text("")
    page.fill("#commitment-summary", "Denmark will send a battalion after a ceasefire")
    page.select_option("#commitment-source_id", "new")
    expect(page.locator("#commitment-new-source")).to_be_visible()
    page.fill("#commitment-new_source_title", "Copenhagen commits troops")
    page.fill("#commitment-new_source_outlet", "Test Wire")
    page.fill("#commitment-quote", "Danish soldiers will be part of the force")
    page.click("#commitment-form button[type=submit]")


@pytest.mark.expected_http_error  # the empty form is refused with 422 on purpose
def test_curator_changes_a_stance_and_the_public_site_follows(
    guarded_page: Page, base_url: str, db: Session
) -> None:
    create_user(session=db, username="carol", password=PASSWORD)
    page = guarded_page
    # No favicon is served yet; Chromium's automatic request for it is not part of this journey.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    assert map_fill_of_denmark(page, base_url) == rgb(STANCE_COLOURS[Stance.undeclared])

    log_in(page, base_url)
    empty_form_shows_the_error_summary(page)
    record_troops_with_a_new_source(page)
    expect(page).to_have_url(re.compile(re.escape(base_url) + r"/admin/countries/dk\?saved=\d+$"))
    expect(page.locator("#saved-flash")).to_contain_text("Saved as revision")
    expect(page.locator("main")).to_contain_text("Stance today: Troops")

    assert map_fill_of_denmark(page, base_url) == rgb(STANCE_COLOURS[Stance.troops])
    expect(page.locator('tr[data-code="DK"] .badge')).to_have_text("Troops")
    page.goto(base_url + "/countries/dk")
    expect(page.locator("main")).to_contain_text("Danish soldiers will be part of the force")
    expect(page.locator("main")).to_contain_text("Copenhagen commits troops")
    page.click("text=History of changes to Denmark")
    expect(page.locator("main")).to_contain_text("Curator added a commitment")
    expect(page.locator("main")).to_contain_text("“Danish soldiers will be part of the force”")
    assert serious_axe_violations(page) == []

    page.goto(base_url + "/admin")
    page.click("text=Log out")
    expect(page).to_have_url(base_url + "/admin/login")
    page.goto(base_url + "/admin")
    expect(page).to_have_url(base_url + "/admin/login?next=%2Fadmin")
