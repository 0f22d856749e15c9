"""The dashboard's map views (issue 13), in Chromium on a desktop and at 390 px: two dates compared
on the map (marked by outline and symbol, "from → to" in the hover, a list, reached from
/changes), legend toggles that dim the other stances, the sortable table, the history rules
(typing replaces, a committed change pushes, one change fires one request) and a phone map
sized by its aspect ratio."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.support.dashboard import (
    hover_on_map,
    results_requests,
    serious_axe_violations,
    wait_for_map,
)

pytestmark = pytest.mark.browser

WIDTHS = [1280, 390]
SINCE, UNTIL = "2025-06-01", "2026-01-06"

PATH_STYLE = """(loc) => {
  const path = Array.from(document.querySelectorAll('#map path.choroplethlocation'))
    .find((p) => p.__data__ && p.__data__.loc === loc);
  const style = getComputedStyle(path);
  return {width: parseFloat(style.strokeWidth), opacity: parseFloat(style.opacity)};
}"""


@pytest.fixture(params=WIDTHS, ids=["desktop", "phone"])
def sized_page(request: pytest.FixtureRequest, guarded_page: Page) -> Page:
    guarded_page.set_viewport_size({"width": request.param, "height": 900})
    return guarded_page



def history_length(page: Page) -> int:
    length: int = page.evaluate("() => window.history.length")
    return length


def path_style(page: Page, alpha3: str) -> dict[str, float]:
    style: dict[str, float] = page.evaluate(PATH_STYLE, alpha3)
    return style


def wait_until_drawn(page: Page, alpha3: str, *, dimmed: bool) -> None:
    """Plotly restyles after the results are swapped in: wait (bounded) for the country's shape
    to be dimmed, or not, rather than reading it once."""
    test = "<" if dimmed else "=="
    bound = "0.5" if dimmed else "1"
    check = f"({PATH_STYLE})(loc).opacity {test} {bound}"
    predicate = f"(loc) => {{ try {{ return {check}; }} catch (e) {{ return false; }} }}"
    page.wait_for_function(predicate, arg=alpha3, timeout=10_000)


def wait_for_outline(page: Page, alpha3: str, *, width: float) -> None:
    """Plotly redraws the outlines after the results are swapped in: wait (bounded) for the
    country's border to reach `width`, rather than reading it once."""
    check = f"({PATH_STYLE})(loc).width == {width}"
    predicate = f"(loc) => {{ try {{ return {check}; }} catch (e) {{ return false; }} }}"
    page.wait_for_function(predicate, arg=alpha3, timeout=10_000)


def open_filters(page: Page) -> None:
    """On a phone the filters fold behind "Filter"."""
    toggle = page.locator(".filter-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


# --- 1. compare two dates ------------------------------------------------------------------

def test_changes_page_links_to_the_map_marking_what_changed(sized_page: Page,
                                                           base_url: str) -> None:
    page = sized_page
    expected: list[dict[str, Any]] = page.request.get(
        f"{base_url}/index.json?since={SINCE}&as_of={UNTIL}").json()["date_changes"]
    assert {"FR", "HU"} <= {change["code"] for change in expected}
    page.goto(f"/changes?from={SINCE}&to={UNTIL}")
    page.get_by_role("link", name="See these changes on the map").click()
    page.wait_for_url(re.compile(rf"/\?as_of={UNTIL}&since={SINCE}$"))
    wait_for_map(page)
    changes = page.locator(".date-changes li")
    expect(changes).to_have_count(len(expected))
    france = page.locator('.date-changes li[data-code="FR"]')
    expect(france.locator(".badge")).to_have_text(["No commitment recorded", "Troops"])
    assert path_style(page, "FRA")["width"] == 3  # outlined, not by colour alone
    assert path_style(page, "NLD")["width"] < 1  # unchanged: the usual thin border
    symbols = page.locator("#map .scattergeo path.point")
    assert symbols.count() >= sum(1 for c in expected if c["on_map"] and c["code"] != "RU")
    page.locator("#map").scroll_into_view_if_needed()
    hover_on_map(page, 2.5, 46.5)
    expect(page.locator("#map .hoverlayer .hovertext")).to_contain_text(
        "No commitment recorded → Troops")
    expect(page.locator("#share-view-url")).to_have_value(re.compile(f"since={SINCE}"))
    assert serious_axe_violations(page) == []


def test_comparing_from_the_form_pushes_one_entry_and_one_request(guarded_page: Page) -> None:
    page = guarded_page
    page.goto(f"/?as_of={UNTIL}")
    wait_for_map(page)
    sent, before = results_requests(page), history_length(page)
    page.fill("#since", SINCE)
    page.wait_for_url(re.compile(f"since={SINCE}"))
    expect(page.locator(".date-changes h3")).to_contain_text("Changed between")
    wait_for_outline(page, "FRA", width=3)
    assert len(sent) == 1, sent
    assert history_length(page) == before + 1


@pytest.mark.expected_http_error
def test_a_comparison_date_after_the_date_shown_is_refused_with_a_message(
        guarded_page: Page) -> None:
    guarded_page.goto(f"/?as_of={SINCE}&since={UNTIL}")
    expect(guarded_page.locator("#results .error")).to_contain_text("is after the date shown")
    expect(guarded_page.locator(".date-changes")).to_have_count(0)


# --- 2. legend toggles dim the other stances ------------------------------------------------

def test_legend_toggle_filters_by_stance_and_dims_the_others(sized_page: Page) -> None:
    page = sized_page
    page.goto("/")
    wait_for_map(page)
    opposed = page.locator("ul.legend").get_by_role("button", name=re.compile("^Opposed "))
    expect(opposed).to_have_attribute("aria-pressed", "false")
    sent, before = results_requests(page), history_length(page)
    opposed.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile("stance=opposed"))
    opposed = page.locator("ul.legend").get_by_role("button", name=re.compile("^Opposed "))
    expect(opposed).to_have_attribute("aria-pressed", "true")
    expect(opposed).to_be_focused()
    expect(page.locator("#stance")).to_have_value("opposed")
    expect(page.locator("table.countries tbody tr")).to_have_count(2)
    wait_until_drawn(page, "FRA", dimmed=True)
    assert path_style(page, "HUN")["opacity"] == 1
    partner = page.locator(".partners li", has_text="United States")
    expect(partner).to_have_class(re.compile("is-dimmed"))
    expect(partner).to_contain_text("(other stance)")
    assert len(sent) == 1 and history_length(page) == before + 1
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.locator("ul.legend").get_by_role("button", name=re.compile("^Opposed "))
           ).to_have_attribute("aria-pressed", "false")
    wait_until_drawn(page, "FRA", dimmed=False)
    expect(page.locator(".partners li.is-dimmed")).to_have_count(0)
    assert serious_axe_violations(page) == []


# --- 3. the sortable table ----------------------------------------------------------------

def shown_codes(page: Page) -> list[str]:
    codes: list[str] = page.locator("table.countries tbody tr").evaluate_all(
        "(rows) => rows.map((row) => row.dataset.code)")
    return codes


def test_table_sorts_by_each_column_and_keeps_the_order_in_the_address(
        sized_page: Page, base_url: str) -> None:
    page = sized_page
    page.goto("/")
    wait_for_map(page)
    expect(page.locator("table.countries th").first).to_have_attribute("aria-sort", "ascending")
    for column, label in [("sources", "Sources"), ("latest", "Latest statement"),
                          ("stance", "Stance and main conditions")]:
        page.locator("table.countries thead").get_by_role("link", name=label).click()
        page.wait_for_url(re.compile(f"sort={column}"))
        rows = page.request.get(f"{base_url}/index.json?sort={column}").json()["countries"]
        assert shown_codes(page) == [row["code"] for row in rows]
        page.locator("table.countries thead").get_by_role("link", name=label).click()
        page.wait_for_url(re.compile(f"sort=-{column}"))
        header = page.locator("table.countries th[aria-sort]")
        expect(header).to_have_attribute("aria-sort", "descending")
        expect(header.get_by_role("link")).to_be_focused()
        rows = page.request.get(f"{base_url}/index.json?sort=-{column}").json()["countries"]
        assert shown_codes(page) == [row["code"] for row in rows]
    open_filters(page)
    page.select_option("#stance", "troops")  # a filter keeps the order
    page.wait_for_url(re.compile("stance=troops&sort=-stance"))
    page.reload()
    expect(page.locator("table.countries th[aria-sort]")).to_have_attribute(
        "aria-sort", "descending")


@pytest.mark.expected_http_error
def test_a_bad_sort_is_ignored_with_a_message(guarded_page: Page) -> None:
    guarded_page.goto("/?sort=bogus")
    expect(guarded_page.locator("#results .error")).to_contain_text("is not a table order")
    expect(guarded_page.locator("table.countries th").first).to_have_attribute(
        "aria-sort", "ascending")


# --- 4. history: typing replaces, a committed change pushes, one change one request ---------

def test_typing_replaces_the_entry_and_a_committed_change_pushes_one(sized_page: Page) -> None:
    page = sized_page
    page.goto("/")
    wait_for_map(page)
    open_filters(page)
    sent, before = results_requests(page), history_length(page)
    # One input event each (keystrokes slower than the 300 ms pause would each ask, by design;
    # the invariant is one request per change and no new history entry while typing).
    page.fill("#q", "fr")
    page.wait_for_url(re.compile("q=fr$"))
    assert len(sent) == 1, sent
    page.locator("#q").press_sequentially("a")
    page.wait_for_url(re.compile("q=fra$"))
    expect(page.locator("table.countries tbody tr")).to_have_count(1)
    assert history_length(page) == before  # replaced, not pushed
    assert len(sent) == 2, sent
    page.locator("#q").press("Enter")  # nothing new to ask for
    page.locator("#stance").focus()  # the name field's blur is no second request
    page.wait_for_timeout(600)
    assert len(sent) == 2, sent
    page.select_option("#stance", "troops")
    page.wait_for_url(re.compile("stance=troops"))
    assert history_length(page) == before + 1
    assert len(sent) == 3, sent
    page.go_back()
    page.wait_for_url(re.compile(r"/\?q=fra$"))
    expect(page.locator("#q")).to_have_value("fra")


def test_slider_release_pushes_one_entry_with_one_request(guarded_page: Page,
                                                         base_url: str) -> None:
    stops = guarded_page.request.get(f"{base_url}/index.json").json()["change_dates"]
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    sent, before = results_requests(guarded_page), history_length(guarded_page)
    guarded_page.get_by_role("slider", name="Dates on which a stance changed").focus()
    guarded_page.keyboard.press("ArrowLeft")
    guarded_page.wait_for_url(re.compile(f"as_of={stops[-1]}"))
    guarded_page.wait_for_timeout(400)
    assert len(sent) == 1, sent
    assert history_length(guarded_page) == before + 1


# --- 5. the phone map is sized by its aspect ratio ------------------------------------------

DRAWN_SHARE = """() => {
  const map = document.querySelector('#map').getBoundingClientRect();
  let top = Infinity, bottom = -Infinity;
  for (const path of document.querySelectorAll('#map path.choroplethlocation')) {
    const box = path.getBoundingClientRect();
    if (box.height === 0) continue;
    top = Math.min(top, box.top);
    bottom = Math.max(bottom, box.bottom);
  }
  const drawn = Math.min(bottom, map.bottom) - Math.max(top, map.top);
  return {width: map.width, height: map.height, drawn: drawn / map.height};
}"""


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_map_box_follows_the_maps_aspect_ratio(guarded_page: Page, width: int,
                                               height: int) -> None:
    guarded_page.set_viewport_size({"width": width, "height": height})
    guarded_page.goto("/")
    wait_for_map(guarded_page)
    box = guarded_page.evaluate(DRAWN_SHARE)
    assert 1.3 <= box["width"] / box["height"] <= 1.5, box  # no tall empty box
    assert box["drawn"] > 0.95, box  # the map fills its box from top to bottom
    layout_height = guarded_page.evaluate("() => document.querySelector('#map').layout.height")
    assert layout_height is None  # sized by CSS, not by a fixed Plotly height
