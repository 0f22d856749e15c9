"""Nothing the reader sees may mislead (issue 10), in Chromium on a desktop and at 390 px:
categories, dates, pinned revisions, shared links, corrections. `guarded_page` fails a test on any
console error or request leaving 127.0.0.1."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, col, select

from app.dates import format_date
from app.models import Commitment, User
from app.routes.admin_forms import commitment_values
from app.services.auth import create_user
from app.services.dataset import dataset_at
from app.services.editing.commitments import correct_commitment
from app.services.editing.common import ValidationFailed
from app.services.editing.countries import mark_reviewed
from tests.support.dashboard import wait_for_map

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]
# plotly.js draws each shape with the subplot's projection: the projected point is in the shape's
# own coordinates, and its screen CTM gives the point to move the mouse to.
SCREEN_AT = """([lon, lat]) => {
    const gd = document.querySelector('#map'), sp = gd._fullLayout.geo._subplot;
    const [px, py] = sp.projection([lon, lat]);
    const point = new DOMPoint(px, py).matrixTransform(
        gd.querySelector('.choroplethlocation').getScreenCTM());
    return [point.x, point.y];
}"""


def curator_user(db: Session) -> User:
    create_user(session=db, username="carol", password="correct horse battery")
    return db.exec(select(User).where(User.username == "carol")).one()


def expect_hover(page: Page, lon: float, lat: float, text: str) -> None:
    """Hovering a longitude/latitude shows a label starting with `text`."""
    x, y = page.evaluate(SCREEN_AT, [lon, lat])
    page.mouse.move(x, y)
    expect(page.locator("#map .hoverlayer .hovertext")).to_have_text(
        re.compile("^" + re.escape(text)))


@pytest.fixture(params=WIDTHS, ids=["desktop", "phone"])
def sized_page(request: pytest.FixtureRequest, guarded_page: Page) -> Page:
    guarded_page.set_viewport_size({"width": request.param, "height": 900})
    return guarded_page


# --- 2. categories ---------------------------------------------------------------------------

def test_legend_names_every_category_with_its_definition_on_hover_and_tap(
    sized_page: Page
) -> None:
    sized_page.goto("/")
    wait_for_map(sized_page)
    legend = sized_page.locator("ul.legend")
    for label in ["No commitment recorded", "Not tracked", "Host country",
                  "Troops, in neighbouring NATO states only", "Troops"]:
        entry = legend.get_by_role("button", name=re.compile(f"^{re.escape(label)} "))
        expect(entry).to_be_visible()
    expect(legend).not_to_contain_text("Undeclared")
    term = legend.get_by_role("button", name=re.compile("^No commitment recorded "))
    definition = sized_page.locator("#legend-def-undeclared")
    expect(definition).to_be_hidden()
    term.hover()
    expect(definition).to_be_visible()
    expect(definition).to_contain_text("does not mean the country said nothing")
    sized_page.mouse.move(1, 1)
    legend.get_by_role("button", name=re.compile("^Not tracked ")).click()  # a tap focuses it
    expect(sized_page.locator("#legend-def-not_tracked")).to_be_visible()
    expect(sized_page.locator("#legend-def-not_tracked")).to_contain_text("not in the dataset")


def test_map_hover_says_not_tracked_host_and_troop_sub_type(guarded_page: Page) -> None:
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    expect_hover(guarded_page, 9.0, 61.0, "Not tracked")  # Norway
    expect_hover(guarded_page, 30.5, 50.4, "Ukraine: Host country")
    expect_hover(guarded_page, 10.0, 51.0, "Germany: Troops, in neighbouring NATO states only")
    expect_hover(guarded_page, 2.5, 46.5, "France: Troops, latest statement")


def test_table_shows_host_sub_type_and_condition_chips(sized_page: Page) -> None:
    sized_page.goto("/")
    expect(sized_page.locator('tr[data-code="UA"] .badge')).to_have_text("Host country")
    expect(sized_page.locator('tr[data-code="DE"] .badge')).to_have_text(
        "Troops, in neighbouring NATO states only")
    expect(sized_page.locator('tr[data-code="DE"] .chip')).to_contain_text(
        ["Neighbouring NATO states only"])
    expect(sized_page.locator("table.countries")).not_to_contain_text("Undeclared")


def test_host_page_states_the_role_once_and_no_stance(sized_page: Page) -> None:
    sized_page.goto("/countries/ua")
    head = sized_page.locator(".country-head")
    expect(head.locator(".badge")).to_have_count(1)
    expect(head.locator(".badge")).to_have_text("Host country")
    expect(head).not_to_contain_text("No commitment recorded")
    expect(head).not_to_contain_text("Undeclared")


# --- 3. dates --------------------------------------------------------------------------------

def test_dashboard_dates_say_what_they_mean(sized_page: Page, base_url: str) -> None:
    commitments = [c for c in sized_page.request.get(f"{base_url}/data/coalition-tracker.json")
                   .json()["tables"]["commitments"] if not c.get("retracted_at")]
    newest = max(commitments, key=lambda c: c["date"])
    sized_page.goto("/")
    facts = sized_page.locator(".date-facts")
    expected = format_date(date.fromisoformat(newest["date"]), newest["date_precision"])
    expect(facts).to_contain_text(f"Latest recorded statement: {expected}")
    expect(facts).to_contain_text("Positions last reviewed: not yet reviewed")
    expect(sized_page.locator(".stale-notice")).to_contain_text("more than 90 days old")
    expect(sized_page.locator("main")).not_to_contain_text("Stances as of")
    field = sized_page.locator("#as_of")
    earliest = min(c["date"] for c in sized_page.request.get(
        f"{base_url}/data/coalition-tracker.json").json()["tables"]["commitments"])
    assert field.get_attribute("min") == earliest
    assert field.get_attribute("max") == date.today().isoformat()


@pytest.mark.expected_http_error
def test_a_future_date_is_refused_at_the_field(sized_page: Page, base_url: str) -> None:
    sized_page.goto("/?as_of=2999-01-01")
    expect(sized_page.locator("#as_of-error")).to_contain_text("in the future")
    assert sized_page.locator("#as_of").get_attribute("aria-invalid") == "true"
    api = sized_page.request.get(f"{base_url}/api/countries?as_of=2999-01-01")
    assert api.status == 422 and "future" in api.json()["detail"]
    twin = sized_page.request.get(f"{base_url}/countries/fr.json?as_of=2999-01-01")
    assert twin.status == 422 and "future" in twin.json()["detail"]
    sized_page.goto("/countries/fr?as_of=2999-01-01")
    expect(sized_page.locator("#country-as-of-error")).to_contain_text("in the future")


def test_a_past_date_says_position_on_and_counts_later_commitments(
    sized_page: Page, base_url: str
) -> None:
    later = len([c for c in sized_page.request.get(f"{base_url}/api/countries/fr").json()
                 ["commitments"] if c["date"] > "2025-09-01" and not c["retracted"]])
    sized_page.goto("/countries/fr?as_of=2025-09-01")
    expect(sized_page.locator(".stance-line")).to_contain_text("Position on 1 Sep 2025")
    expect(sized_page.locator(".later")).to_contain_text(f"{later} later commitment")
    sized_page.locator(".later a").click()
    sized_page.wait_for_url(re.compile(r"/countries/fr$"))
    sized_page.goto("/?as_of=2025-09-01")
    expect(sized_page.locator("h2.as-of")).to_have_text("Position on 1 Sep 2025")
    expect(sized_page.locator(".later")).to_contain_text("later commitment")


def test_month_precision_dates_read_jan_2026(guarded_page: Page, db: Session) -> None:
    row = db.exec(select(Commitment).where(Commitment.country_code == "PL")).first()
    assert row is not None
    user = curator_user(db)
    values = {**commitment_values(
        commitment=next(c for c in dataset_at(session=db).commitments if c.id == row.id),
        version=1), "date": "2026-02-01", "date_precision": "month", "reason": "Month only"}
    correct_commitment(session=db, user=user, commitment_id=row.id or 0, values=values,
                               today=date.today())
    guarded_page.goto("/")
    expect(guarded_page.locator('tr[data-code="PL"] time')).to_have_text("Feb 2026")
    guarded_page.goto("/countries/pl")
    expect(guarded_page.locator(f"#commitment-{row.id} h3 time")).to_have_text("Feb 2026")


# --- 4. pinned revisions ---------------------------------------------------------------------

def test_an_older_revision_shows_the_banner_and_the_twin_names_the_latest(
    sized_page: Page, base_url: str, db: Session
) -> None:
    mark_reviewed(session=db, user=curator_user(db))
    sized_page.goto("/countries/fr?rev=1")
    banner = sized_page.locator(".pinned-banner")
    expect(banner).to_contain_text("You are viewing revision 1 of 2, published")
    expect(banner.get_by_role("link", name="current version")).to_have_attribute(
        "href", "/countries/fr")
    expect(banner.get_by_role("link", name="what changed")).to_have_attribute(
        "href", re.compile(r"^/changes\?from=\d{4}-\d\d-\d\d$"))
    sized_page.goto("/countries/fr")
    expect(sized_page.locator(".pinned-banner")).to_have_count(0)
    expect(sized_page.locator(".date-facts")).not_to_contain_text("not yet reviewed")
    for twin in ["/index.json?rev=1", "/countries/fr.json?rev=1", "/about.json?rev=1"]:
        assert sized_page.request.get(base_url + twin).json()["latest_revision"] == 2


# --- 5. shared links -------------------------------------------------------------------------

def test_share_tags_describe_the_dated_view(guarded_page: Page, base_url: str) -> None:
    then = guarded_page.request.get(f"{base_url}/api/countries/de?as_of=2025-09-01").json()
    guarded_page.goto("/countries/de?as_of=2025-09-01")

    def meta(prop: str) -> str:
        return guarded_page.locator(f'meta[property="{prop}"]').get_attribute("content") or ""

    label = "No commitment recorded" if then["stance"] == "undeclared" else then["stance"]
    assert meta("og:title").startswith(f"Germany: {label} on 1 Sep 2025")
    assert meta("og:url").endswith("/countries/de?as_of=2025-09-01")
    assert meta("og:image").endswith("/cards/countries/de.png?as_of=2025-09-01")
    canonical = guarded_page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == meta("og:url")
    assert "1 Sep 2025" in meta("og:description")


def test_share_this_view_copies_the_filtered_address(sized_page: Page) -> None:
    sized_page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sized_page.goto("/")
    wait_for_map(sized_page)
    if sized_page.get_by_role("button", name="Filter").is_visible():  # phones fold the filters
        sized_page.get_by_role("button", name="Filter").click()
    sized_page.locator("#stance").select_option("troops")
    sized_page.wait_for_url(re.compile(r"\?stance=troops$"))
    button = sized_page.get_by_role("button", name="Copy link to this view")
    expect(sized_page.locator("#share-view-url")).to_have_value(re.compile(r"\?stance=troops$"))
    button.click()
    copied = sized_page.evaluate("navigator.clipboard.readText()")
    assert copied == sized_page.url and copied.endswith("?stance=troops")


# --- 6. corrections and the trail ------------------------------------------------------------

def test_a_correction_shows_its_date_and_reason_and_reads_in_plain_words(
    guarded_page: Page, db: Session
) -> None:
    row = db.exec(select(Commitment).where(Commitment.country_code == "FR")
                  .order_by(col(Commitment.id))).first()
    assert row is not None
    record = next(c for c in dataset_at(session=db).commitments if c.id == row.id)
    values = {**commitment_values(commitment=record, version=1),
              "cond_after_ceasefire": "yes" if record.conditions.after_ceasefire is not True
              else "no", "reason": "The article says after a ceasefire"}
    with pytest.raises(ValidationFailed):  # a correction needs its reason
        correct_commitment(session=db, user=curator_user(db),
                                   commitment_id=row.id or 0, values={**values, "reason": ""},
                                   today=date.today())
    db.rollback()
    correct_commitment(session=db, user=db.exec(select(User)).one(),
                               commitment_id=row.id or 0, values=values, today=date.today())
    guarded_page.goto("/countries/fr")
    expect(guarded_page.locator(f"#commitment-{row.id} .correction")).to_have_text(
        f"Corrected {format_date(date.today())}: The article says after a ceasefire")
    guarded_page.goto("/changes")
    trail = guarded_page.locator("ol.trail")
    expect(trail).to_contain_text("Only after a ceasefire")
    expect(trail).not_to_contain_text("cond_after_ceasefire")
    expect(trail).not_to_contain_text("empty")
    expect(trail.locator(".trail-headline").first).to_contain_text("France: Troops commitment of")


def test_changes_opens_on_a_window_with_changes(sized_page: Page) -> None:
    sized_page.goto("/changes")
    expect(sized_page.locator("ul.stance-changes li").first).to_be_visible()
    expect(sized_page.locator(".last-change")).to_contain_text("latest recorded change")
    sized_page.goto("/changes?from=2020-01-01&to=2020-02-01")
    expect(sized_page.locator("#stance-changes")).to_contain_text("The last change was on")


PUBLIC_PAGES = ["/", "/countries/fr", "/countries/ua", "/sources", "/sources/1", "/about",
                "/changes", "/countries/fr/history", "/data", "/revisions"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_links_its_atom_feed(guarded_page: Page, path: str) -> None:
    guarded_page.goto(path)
    feeds = guarded_page.locator('link[rel="alternate"][type="application/atom+xml"]')
    expect(feeds).to_have_count(1)
    href = feeds.get_attribute("href") or ""
    assert href.endswith(".atom")
    assert guarded_page.request.get(href if href.startswith("http") else
                                    guarded_page.url.split("/", 3)[0] + "//" +
                                    guarded_page.url.split("/", 3)[2] + href).ok


@pytest.mark.expected_http_error
def test_unknown_addresses_answer_an_html_404_page_but_api_keeps_json(
    sized_page: Page, base_url: str
) -> None:
    response = sized_page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(sized_page.locator("h1")).to_have_text("Page not found")
    expect(sized_page.get_by_role("main").get_by_role("searchbox")).to_be_visible()
    expect(sized_page.get_by_role("link", name=re.compile("The map"))).to_be_visible()
    api = sized_page.request.get(f"{base_url}/api/no-such-thing",
                                 headers={"Accept": "text/html"})
    assert api.status == 404 and api.json()["detail"]
