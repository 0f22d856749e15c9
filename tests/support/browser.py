"""Playwright with Debian's Chromium; every browser test fails on console errors and on any
request that leaves 127.0.0.1."""

import os
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Page, Request

ALLOWED_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"],
    }


# A test marked `expected_http_error` visits pages that answer 4xx on purpose: Chromium's
# console line about that status is then not an error of the page.
HTTP_ERROR_LINE = re.compile(
    r"^Failed to load resource: the server responded with a status of 4\d\d")


@pytest.fixture
def guarded_page(page: Page, db: Any, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page on a freshly seeded database that records console errors and off-host requests;
    the test fails on either."""
    errors: list[str] = []
    outside: list[str] = []
    expected_4xx = request.node.get_closest_marker("expected_http_error") is not None

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not (expected_4xx and HTTP_ERROR_LINE.match(message.text)):
            errors.append(message.text)

    def on_request(request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:")) and host not in ALLOWED_HOSTS:
            outside.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", on_request)
    yield page
    assert not errors, f"console errors: {errors}"
    assert not outside, f"requests left 127.0.0.1: {outside}"


def log_in_as(page: Page, base_url: str, username: str, password: str) -> None:
    """Log a curator in through the login form (the keyboard submits it)."""
    page.goto(base_url + "/admin/login?next=%2Fadmin")
    page.fill("#username", username)
    page.fill("#password", password)
    page.press("#password", "Enter")
    page.wait_for_url(base_url + "/admin")
