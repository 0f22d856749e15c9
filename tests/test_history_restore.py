"""HTMX history restore (issue 14.3): a request carrying HX-History-Restore-Request (Back after
HTMX navigation when htmx has no snapshot) gets the whole page; a plain HTMX swap gets the named
block. For every page that answers HTMX with a block."""

import pytest
from fastapi.testclient import TestClient

SWAP = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
PAGES = ("/changes", "/changes?from=2025-09-01", "/data", "/revisions", "/?stance=troops")


@pytest.mark.parametrize("path", PAGES)
def test_history_restore_gets_the_whole_page(client: TestClient, path: str) -> None:
    swapped = client.get(path, headers=SWAP)
    restored = client.get(path, headers=RESTORE)
    again = client.get(path, headers=SWAP)  # kept apart from the restore in every cache
    assert swapped.status_code == restored.status_code == 200
    assert "<html" not in swapped.text and "<html" not in again.text
    assert "<html" in restored.text and 'class="site-search"' in restored.text
    assert restored.text == client.get(path).text
