"""One JSON error shape (issue 14.3): every refusal of the API, the pages' `.json` twins and the
middleware is `{"detail": str, "errors": [...]}`, whichever layer refused it."""

import pytest
from fastapi.testclient import TestClient

REFUSED = [
    ("/api/countries?stance=bogus", 422),  # FastAPI's validation
    ("/index.json?stance=bogus", 422),  # the pages' filter parser
    ("/index.json?as_of=2999-01-01", 422),
    ("/api/countries?as_of=2999-01-01", 422),
    ("/countries/zz.json", 404),  # rendered into the page cache
    ("/api/countries/zz", 404),  # HTTPException
    ("/api/events/nothing-here", 404),
    ("/api/search?q=", 422),
    ("/search.json?q=", 422),
    ("/compare.json?c=fr", 422),
    ("/index.json?rev=999999", 404),
    ("/api/countries?rev=999999", 404),
    ("/api/nothing", 404),
]


@pytest.mark.parametrize(("path", "status"), REFUSED)
def test_every_json_refusal_has_one_shape(client: TestClient, path: str, status: int) -> None:
    answer = client.get(path)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list)
    assert all(set(e) == {"loc", "msg", "type"} for e in body["errors"])


def test_middleware_refusals_have_the_same_shape(client: TestClient) -> None:
    answer = client.post("/admin/login", content=b"x" * (2 * 2**20),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413
    assert set(answer.json()) == {"detail", "errors"}
