"""The dashboard's views (issue 13) through the app and its services: two dates compared from one
per-revision dataset, stance dimming, the table's sort (validated, in the address) and a map
figure sized by its container."""

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Stance
from app.services.countries import stance_changes
from app.services.dataset import dataset_at
from app.services.mapmarks import DIMMED_OPACITY, TableSort
from app.services.pageviews import dashboard

SINCE, UNTIL = date(2025, 6, 1), date(2026, 1, 6)


def view(session: Session, **kwargs: Any) -> Any:
    dataset = dataset_at(session=session, revision=None)
    assert dataset is not None
    return dataset, dashboard(dataset=dataset, as_of=UNTIL, today=date.today(), **kwargs)


def traces_of(figure: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Alpha-3 code -> the choropleth trace drawing it (the last one, as drawn on top)."""
    return {a3: trace for trace in figure["data"] if trace["type"] == "choropleth"
            for a3 in trace["locations"]}


def test_date_changes_agree_with_the_changes_page(db: Session) -> None:
    dataset, shown = view(db, since=SINCE)
    expected = stance_changes(dataset=dataset, start=SINCE, end=UNTIL)
    assert [c.code for c in shown.date_changes] == [c.country.code for c in expected]
    assert all(c.before_key != c.after_key for c in shown.date_changes)
    france = next(c for c in shown.date_changes if c.code == "FR")
    assert (france.before_label, france.after_label) == ("No commitment recorded", "Troops")


def test_changed_countries_are_outlined_marked_and_say_from_to(db: Session) -> None:
    _, shown = view(db, since=SINCE)
    traces = traces_of(shown.figure)
    france = traces["FRA"]
    width = france["marker"]["line"]["width"][france["locations"].index("FRA")]
    assert width == 3.0
    assert "No commitment recorded → Troops" in france["text"][france["locations"].index("FRA")]
    marks = [t for t in shown.figure["data"] if t.get("name") == "changed"]
    assert len(marks) == 1 and "FRA" in marks[0]["locations"]
    assert marks[0]["marker"]["symbol"] == "diamond"  # a shape, not colour alone
    _, plain = view(db)
    assert not [t for t in plain.figure["data"] if t.get("name") == "changed"]
    assert plain.date_changes == []


def test_a_stance_filter_dims_the_other_traces_but_not_the_host(db: Session) -> None:
    _, shown = view(db, stance=Stance.opposed)
    traces = traces_of(shown.figure)
    assert traces["HUN"]["marker"]["opacity"] == 1.0
    assert traces["FRA"]["marker"]["opacity"] == DIMMED_OPACITY
    assert traces["UKR"]["marker"]["opacity"] == 1.0
    assert traces["NOR"]["marker"]["opacity"] == DIMMED_OPACITY  # not tracked


def test_the_figure_has_no_fixed_height(db: Session) -> None:
    _, shown = view(db)
    assert "height" not in shown.figure["layout"]
    assert shown.figure["layout"]["autosize"] is True


def test_each_sort_orders_the_rows(db: Session) -> None:
    rows = {sort: view(db, sort=sort)[1].countries for sort in TableSort}
    names = [row.name for row in rows[TableSort.name]]
    assert names == sorted(names, key=str.casefold)
    assert [row.name for row in rows[TableSort.name_desc]] == names[::-1]
    counts = [row.source_count for row in rows[TableSort.sources_desc]]
    assert counts == sorted(counts, reverse=True)
    dated = [row.latest_date for row in rows[TableSort.latest] if row.latest_date]
    assert dated == sorted(dated)
    assert rows[TableSort.latest][-1].latest_date is None  # undated last, both ways
    assert rows[TableSort.latest_desc][-1].latest_date is None
    stances = [row.stance for row in rows[TableSort.stance]]
    assert stances.index(Stance.troops) < stances.index(Stance.opposed)


def test_sort_and_since_are_in_the_address_and_validated(client: TestClient) -> None:
    body = client.get("/index.json", params={"sort": "-sources", "since": "2025-06-01",
                                             "as_of": "2026-01-06"}).json()
    assert body["sort"] == "-sources" and body["since"] == "2025-06-01"
    fragment = client.get("/", params={"sort": "-sources", "since": "2025-06-01"},
                          headers={"HX-Request": "true"})
    assert fragment.headers["HX-Push-Url"] == "/?since=2025-06-01&sort=-sources"
    bad = client.get("/index.json", params={"sort": "colour"})
    assert bad.status_code == 422 and "is not a table order" in bad.json()["detail"]
    later = client.get("/index.json", params={"since": "2026-01-06", "as_of": "2025-06-01"})
    assert later.status_code == 422 and "after the date shown" in later.json()["detail"]
    page = client.get("/", params={"sort": "colour"})
    assert page.status_code == 422 and "is not a table order" in page.text
    assert 'aria-sort="ascending"' in page.text  # the table is still shown, by name


def test_changes_page_links_to_the_comparison_on_the_map(client: TestClient) -> None:
    html = client.get("/changes", params={"from": "2025-06-01", "to": "2026-01-06"}).text
    assert 'href="/?as_of=2026-01-06&amp;since=2025-06-01"' in html
    mapped = client.get("/", params={"as_of": "2026-01-06", "since": "2025-06-01"}).text
    assert 'class="date-changes"' in mapped
    assert "/changes?from=2025-06-01&amp;to=2026-01-06" in mapped
