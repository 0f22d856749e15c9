"""One way to serve a public read (issue 14.3): one query parser for pages, their `.json` twins,
the downloads and the API (the same words for the same bad input everywhere), one route function
per page and twin, no route module importing another, and `/api/countries?sort=`."""

import ast
import csv
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from markupsafe import escape

from app.numbers import MAX_ID

ROUTES = Path(__file__).resolve().parents[1] / "app" / "routes"
CACHE_CALLS = ("kept", "serve", "kept_answer", "serve_answer")
READ_NAMES = {"as_of", "stance", "q", "rev", "since", "sort"}
TOMORROW = (date.today() + timedelta(days=1)).isoformat()

# (query, the parameter refused, words its message must hold)
BAD = [
    (f"as_of={TOMORROW}", "as_of", "is in the future"),
    ("as_of=2025-02-30", "as_of", "is not a date"),
    ("stance=bogus", "stance", "is not a stance"),
    ("sort=height", "sort", "is not a table order"),
    ("rev=0", "rev", "is not a revision number"),
    (f"rev={MAX_ID + 1}", "rev", "is not a revision number"),
    ("rev=abc", "rev", "is not a revision number"),
    ("rev=%EF%BC%91", "rev", "is not a revision number"),  # a full-width digit one
    ("q=" + "x" * 101, "q", "at most 100 characters"),
]


def _refusal(client: TestClient, path: str, name: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 422, (path, answer.status_code, answer.text[:300])
    body = answer.json()
    assert set(body) == {"detail", "errors"}
    assert [error["loc"] for error in body["errors"]] == [["query", name]], path
    return str(body["detail"])


@pytest.mark.parametrize(("query", "name", "words"), BAD)
def test_the_same_bad_value_gets_the_same_message_everywhere(
        client: TestClient, query: str, name: str, words: str) -> None:
    detail = _refusal(client, f"/index.json?{query}", name)
    assert words in detail
    list_paths = ["/api/countries", "/api/countries.csv", "/countries.csv"]
    if name in ("as_of", "rev"):
        list_paths += ["/api/countries/fr", "/countries/fr.json", "/data.json",
                       "/data/coalition-tracker.zip"]
    if name == "rev":
        list_paths += ["/api/events", "/api/sources", "/sources.json", "/events.json"]
    for path in list_paths:
        assert _refusal(client, f"{path}?{query}", name) == detail, path
    page = client.get(f"/?{query}")
    assert page.status_code == 422 and str(escape(detail)) in page.text
    if name in ("as_of", "rev"):
        country = client.get(f"/countries/fr?{query}")
        assert country.status_code == 422 and str(escape(detail)) in country.text


def test_a_comparison_date_after_the_date_shown_is_refused_alike(client: TestClient) -> None:
    query = "since=2025-10-01&as_of=2025-09-01"
    detail = _refusal(client, f"/index.json?{query}", "since")
    assert "after the date shown" in detail
    page = client.get(f"/?{query}")
    assert page.status_code == 422 and str(escape(detail)) in page.text


def test_several_refusals_are_each_named(client: TestClient) -> None:
    body = client.get("/api/countries?stance=bogus&sort=up").json()
    assert [error["loc"] for error in body["errors"]] == [["query", "stance"], ["query", "sort"]]
    assert body["detail"] == " ".join(error["msg"] for error in body["errors"])


def test_good_values_are_read_the_same_everywhere(client: TestClient) -> None:
    """Empty fields (a form sent without JavaScript) mean "no filter"; a typed value is kept."""
    assert client.get("/?as_of=&stance=&q=&sort=&rev=").status_code == 200
    assert client.get("/api/countries?as_of=&stance=&q=").status_code == 200
    page = client.get("/?q=fra&stance=troops&sort=-name")
    assert page.status_code == 200 and 'value="fra"' in page.text
    api = client.get("/api/countries?q=fra&stance=troops&sort=-name").json()
    twin = client.get("/index.json?q=fra&stance=troops&sort=-name").json()
    assert [row["code"] for row in api["countries"]] == [row["code"] for row in twin["countries"]]


def test_api_countries_sorts_like_the_table(client: TestClient) -> None:
    answer = client.get("/api/countries?sort=-latest")
    assert answer.status_code == 200
    body = answer.json()
    assert body["sort"] == "-latest"
    rows = body["countries"]
    dated = [row["latest_date"] for row in rows if row["latest_date"]]
    assert len(dated) >= 3 and dated == sorted(dated, reverse=True)
    first_undated = next(i for i, row in enumerate(rows) if not row["latest_date"])
    assert all(not row["latest_date"] for row in rows[first_undated:])
    ascending = client.get("/api/countries?sort=latest").json()["countries"]
    assert [r["latest_date"] for r in ascending if r["latest_date"]] == sorted(dated)
    table = csv.DictReader(io.StringIO(client.get("/api/countries.csv?sort=-latest").text))
    assert [row["code"] for row in table] == [row["code"] for row in rows]
    by_name = client.get("/api/countries").json()["countries"]
    assert [r["code"] for r in by_name] != [r["code"] for r in rows]


def test_api_countries_documents_sort(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/countries"]["get"]
    params = {param["name"]: param for param in operation["parameters"]}
    assert set(params) == {"as_of", "stance", "q", "rev", "sort"}
    assert "-latest" in params["sort"]["description"]
    assert "422" in operation["responses"]


# --- structure -----------------------------------------------------------------------------

def _route_modules() -> dict[str, ast.Module]:
    trees = {path.stem: ast.parse(path.read_text()) for path in ROUTES.glob("*.py")}
    return {name: tree for name, tree in trees.items()
            if any(isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "router" for target in node.targets)
                for node in tree.body)}


def test_no_route_module_imports_another() -> None:
    modules = _route_modules()
    assert {"pages", "data", "api", "trail", "compare", "search", "embed"} <= set(modules)
    for name, tree in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = node.module.removeprefix("app.routes.")
                assert imported not in modules, f"{name} imports the route module {imported}"
                if node.module == "app.routes":
                    assert not {alias.name for alias in node.names} & set(modules), name


def test_one_parser_for_the_read_parameters() -> None:
    """Only app/routes/query.py declares or parses `as_of`, `stance`, `q`, `rev`, `since`,
    `sort`: no FastAPI `Query(` for them elsewhere, and no parse function elsewhere."""
    for path in ROUTES.glob("*.py"):
        if path.name == "query.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert "parse" not in node.name, f"{path.name}: {node.name}"
                for arg in node.args.args + node.args.kwonlyargs:
                    assert not (arg.arg in READ_NAMES and arg.annotation is not None
                                and "Query(" in ast.unparse(arg.annotation)), \
                        f"{path.name}: {node.name}({arg.arg})"
            if isinstance(node, ast.ClassDef):
                assert "Filters" not in node.name, f"{path.name}: {node.name}"


def _app_routes() -> list[APIRoute]:
    """Every APIRoute of the app (included routers are kept whole: walk into them)."""
    from app.main import create_app

    def walk(routes: list[object]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            inner = getattr(route, "original_router", None)
            if inner is not None:
                yield from walk(list(getattr(inner, "routes", [])))

    found = list(walk(list(create_app().routes)))
    assert len(found) > 60
    return found


def test_every_read_parameter_comes_from_the_one_dependency() -> None:
    """Walk every route's dependencies: wherever one of the names is read from the query
    string, it is read by a dependency defined in app/routes/query.py."""
    seen: set[str] = set()

    def check(dependant: object, path: str) -> None:
        names = {param.name for param in getattr(dependant, "query_params", [])}
        if names & READ_NAMES:
            seen.update(names & READ_NAMES)
            assert getattr(getattr(dependant, "call", None), "__module__", "") == \
                "app.routes.query", (path, names & READ_NAMES)
        for sub in getattr(dependant, "dependencies", []):
            check(sub, path)

    for route in _app_routes():
        if not route.path.startswith("/admin"):
            check(route.dependant, route.path)
    assert seen == READ_NAMES


def test_each_page_and_its_twin_are_one_route_function() -> None:
    routes = {route.path: route for route in _app_routes()}
    pairs = 0
    for path, route in routes.items():
        if not path.endswith(".json") or path.startswith("/api/"):
            continue
        page = "/" if path == "/index.json" else path.removesuffix(".json")
        if page in routes:
            assert routes[page].endpoint is route.endpoint, path
            pairs += 1
    assert pairs >= 13
    for page in ("/", "/countries/{code}", "/sources", "/sources/{source_id}", "/about",
                 "/events", "/events/{slug}", "/data", "/revisions", "/changes",
                 "/countries/{code}/history", "/compare", "/search"):
        twin = "/index.json" if page == "/" else f"{page}.json"
        assert routes[twin].endpoint is routes[page].endpoint, page


def test_no_lambda_is_handed_to_the_cache() -> None:
    """Answers kept per revision are typed objects (`kept_answer`), never lambdas."""
    for name in ("data", "api", "trail", "embed", "pages"):
        tree = ast.parse((ROUTES / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in CACHE_CALLS:
                values = [*node.args, *(keyword.value for keyword in node.keywords)]
                assert not any(isinstance(v, ast.Lambda) for v in values), name
    data = ast.parse((ROUTES / "data.py").read_text())
    assert not any(isinstance(node, ast.Lambda) for node in ast.walk(data))
    for name in ("data", "pages", "trail", "embed", "api"):  # no closure handed down either
        tree = ast.parse((ROUTES / f"{name}.py").read_text())
        for outer in ast.walk(tree):
            if isinstance(outer, ast.FunctionDef):
                inner = [n for n in ast.walk(outer) if isinstance(n, ast.FunctionDef)]
                assert inner == [outer], f"{name}.{outer.name} defines a function inside"


@pytest.mark.parametrize("query", ["q=", "q=%20--%20", "q=" + "x" * 201])
def test_search_refuses_alike_on_the_page_its_twin_and_the_api(client: TestClient,
                                                               query: str) -> None:
    api = client.get(f"/api/search?{query}")
    twin = client.get(f"/search.json?{query}")
    assert api.status_code == twin.status_code == 422
    assert api.json() == twin.json()
    if query != "q=":  # an empty search box is a blank form (200)
        page = client.get(f"/search?{query}")
        assert page.status_code == 422 and str(escape(api.json()["detail"])) in page.text
