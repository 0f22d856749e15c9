"""A curator turns a new article (written for this test, not a seed article) into two cited
commitments from the annotate view, and the public pages show them."""

import json
import re
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from app.services.auth import create_user
from tests.support.admin import PASSWORD
from tests.support.browser import log_in_as
from tests.test_annotate import ARTICLE, QUOTE

pytestmark = pytest.mark.browser

SELECT = """([start, end]) => {
  const sentence = Array.from(document.querySelectorAll('#article .sentence'))
    .filter((s) => Number(s.dataset.start) <= start).pop();
  start -= Number(sentence.dataset.start);
  end -= Number(sentence.dataset.start);
  const walker = document.createTreeWalker(sentence, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node;
  while ((node = walker.nextNode())) {
    const length = node.textContent.length;
    if (start >= seen && start <= seen + length) range.setStart(node, start - seen);
    if (end >= seen && end <= seen + length) { range.setEnd(node, end - seen); break; }
    seen += length;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def api(base_url: str, path: str) -> Any:
    with urllib.request.urlopen(base_url + path, timeout=10) as answer:  # noqa: S310
        return json.load(answer)


def paste_the_article(page: Page, base_url: str) -> int:
    page.goto(base_url + "/admin/sources/new")
    page.fill("#source-title", "Leaders weigh a force for Ukraine")
    page.fill("#source-outlet", "Test Wire")
    page.fill("#source-published", "2026-01-20")
    page.fill("#source-text", ARTICLE)
    page.click("#source-form button[type=submit]")
    expect(page.locator("#saved-flash")).to_be_visible()
    sources = api(base_url, "/api/sources")["sources"]
    return int(next(s["id"] for s in sources if s["title"] == "Leaders weigh a force for Ukraine"))


def record(page: Page, *, kind: str, summary: str) -> None:
    page.select_option("#annotate-kind", kind)
    page.fill("#annotate-date", "2026-01-20")
    page.fill("#annotate-summary", summary)
    page.click("#annotate-form button[type=submit]")
    expect(page.locator("#saved-flash")).to_contain_text("Saved as revision")


def test_an_article_becomes_two_cited_commitments(guarded_page: Page, base_url: str,
                                                  db: Session) -> None:
    create_user(session=db, username="carol", password=PASSWORD)
    page = guarded_page
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    log_in_as(page, base_url, "carol", PASSWORD)
    source_id = paste_the_article(page, base_url)
    page.goto(f"{base_url}/admin/sources/{source_id}/annotate")
    expect(page.locator("#article mark.hl-country").first).to_be_visible()

    start = ARTICLE.index(QUOTE)
    page.evaluate(SELECT, [start, start + len(QUOTE)])
    page.click("#cite-selection")
    expect(page.locator("#annotate-quote")).to_have_text(QUOTE)
    expect(page.locator("#annotate-attribution")).to_have_value("direct")
    expect(page.locator("#annotate-speaker")).to_have_value("Keir Starmer")
    expect(page.locator("#annotate-country")).to_have_value("GB")
    record(page, kind="troops", summary="The UK would put troops in Ukraine after a ceasefire")
    expect(page.locator("#article .hl-cited").first).to_be_visible()  # now marked as used

    page.select_option("#sentence-choice", index=2)  # "Denmark will send logistics teams…"
    page.click("#sentence-form button[type=submit]")
    expect(page.locator("#annotate-country")).to_have_value("DK")
    expect(page.locator("#annotate-attribution")).to_have_value("outlet")
    record(page, kind="logistics", summary="Denmark will send logistics teams")

    page.goto(base_url + "/countries/gb")
    expect(page.locator("main")).to_contain_text(QUOTE)
    page.goto(base_url + "/countries/dk")
    expect(page.locator("main")).to_contain_text(re.compile("Denmark will send logistics teams"))
