"""The one query every public read takes: pages, their `.json` twins, the data downloads and the
API all parse `as_of`, `stance`, `q`, `rev`, `since` and `sort` here, with the same limits and
the same messages.

`parse_read_query` is the only parser; the dependencies below only say which of these names an
address takes (so OpenAPI documents exactly those) and what a refusal does: a `.json` twin, the
API and the downloads answer 422 in the one JSON error shape (`QueryRefused`, handled in
app/errors.py); a page with a filter form keeps the messages and re-renders with them."""

from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import Depends, Query, Request

from app.models import Stance
from app.numbers import MAX_ID, parse_id
from app.services.mapmarks import TableSort
from app.web.responses import FieldError

MAX_PARAM = 100
Choice = TypeVar("Choice", Stance, TableSort)
CHOICES = {"stance": ("a stance", ""),
           "sort": ("a table order", " (“-” first for descending)")}


class QueryRefused(Exception):
    """A query the answer cannot be computed from: 422 with `detail` and one error per field."""

    def __init__(self, errors: tuple[FieldError, ...]) -> None:
        super().__init__(" ".join(error.msg for error in errors))
        self.errors = errors


def today() -> date:
    return date.today()


@dataclass(frozen=True)
class ReadQuery:
    """A public read's parameters, parsed: a refused value is None here and named in `errors`."""

    as_of: date | None = None
    stance: Stance | None = None
    q: str | None = None
    rev: int | None = None
    since: date | None = None
    sort: TableSort | None = None
    errors: tuple[FieldError, ...] = ()

    @property
    def day(self) -> date:
        """The date the answer is for: the asked one, or today."""
        return self.as_of or today()

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(error.msg for error in self.errors)

    def without(self, *names: str) -> "ReadQuery":
        """The same view with these parameters left out (links to a wider view)."""
        gone = set(names)
        return ReadQuery(
            as_of=None if "as_of" in gone else self.as_of,
            stance=None if "stance" in gone else self.stance,
            q=None if "q" in gone else self.q, rev=None if "rev" in gone else self.rev,
            since=None if "since" in gone else self.since,
            sort=None if "sort" in gone else self.sort, errors=self.errors)

    def sorted_by(self, key: str) -> "ReadQuery":
        """The same view in the table order `key` (by name, the default, leaves `sort` out)."""
        return replace(self, sort=None if key == TableSort.name else TableSort(key))

    def query(self) -> str:
        """This view's canonical query string ("" when there is none), in one fixed order."""
        values = (("stance", self.stance), ("q", self.q), ("as_of", self.as_of),
                  ("since", self.since), ("sort", self.sort), ("rev", self.rev))
        pairs = [(name, str(value)) for name, value in values if value not in (None, "")]
        return "?" + urlencode(pairs) if pairs else ""


def _error(name: str, msg: str, kind: str) -> FieldError:
    return FieldError(loc=("query", name), msg=msg, type=kind)


def _date(name: str, text: str, errors: list[FieldError]) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors.append(_error(name, f"{name}: “{text}” is not a date: use YYYY-MM-DD.",
                             "date_parsing"))
        return None
    if day > today():
        errors.append(_error(name, f"{name}: {day.isoformat()} is in the future; positions are "
                             f"recorded only up to today ({today().isoformat()}).", "date_future"))
        return None
    return day


def _choice(name: str, text: str, options: type[Choice], errors: list[FieldError]
            ) -> Choice | None:
    """One of an enum's values (stance, table order), or a message listing them."""
    for option in options:
        if option.value == text:
            return option
    what, hint = CHOICES[name]
    errors.append(_error(name, f"{name}: “{text[:20]}” is not {what}: use one of "
                         f"{', '.join(options)}{hint}.", "enum"))
    return None


def _rev(text: str, errors: list[FieldError]) -> int | None:
    number = parse_id(text)
    if number is None:
        errors.append(_error("rev", f"rev: “{text[:20]}” is not a revision number: use a whole "
                             f"number from 1 to {MAX_ID}.", "revision"))
    return number


def _within_limit(name: str, text: str | None, errors: list[FieldError]) -> str | None:
    """The value, or None when absent, empty (a form sent without JavaScript) or over-long."""
    if text is not None and len(text) > MAX_PARAM:
        errors.append(_error(name, f"{name}: at most {MAX_PARAM} characters.", "string_too_long"))
        return None
    return text or None


def _since(since: date | None, as_of: date | None, errors: list[FieldError]) -> date | None:
    """`since` (the earlier date of a comparison) must not be after the date shown."""
    if since is None or since <= (as_of or today()):
        return since
    errors.append(_error("since", f"since: {since.isoformat()} is after the date shown; pick an "
                         "earlier date to compare with.", "date_order"))
    return None


def parse_read_query(*, as_of: str | None = None, stance: str | None = None,
                     q: str | None = None, rev: str | None = None, since: str | None = None,
                     sort: str | None = None) -> ReadQuery:
    """The one parser: every value bounded, every refusal a field message."""
    errors: list[FieldError] = []
    texts = {name: _within_limit(name, text, errors) for name, text in
             (("as_of", as_of), ("stance", stance), ("q", q), ("rev", rev), ("since", since),
              ("sort", sort))}
    day = _date("as_of", texts["as_of"], errors) if texts["as_of"] else None
    earlier = _date("since", texts["since"], errors) if texts["since"] else None
    return ReadQuery(
        as_of=day,
        stance=_choice("stance", texts["stance"], Stance, errors) if texts["stance"] else None,
        q=(texts["q"] or "").strip() or None,
        rev=_rev(texts["rev"], errors) if texts["rev"] else None,
        since=_since(earlier, day, errors),
        sort=_choice("sort", texts["sort"], TableSort, errors) if texts["sort"] else None,
        errors=tuple(errors))


# --- what each kind of address takes (documented in OpenAPI), and what a refusal does -------

AsOfParam = Annotated[str | None, Query(
    description="Stances as they stood on this date (YYYY-MM-DD, not after today); today when "
                "omitted", examples=["2025-09-04"])]
StanceParam = Annotated[str | None, Query(
    description=f"Only countries with this stance: {', '.join(Stance)}")]
NameParam = Annotated[str | None, Query(
    description=f"Name contains (at most {MAX_PARAM} characters)")]
RevParam = Annotated[str | None, Query(
    description=f"Answer from this dataset revision (1 to {MAX_ID}); latest when omitted")]
SinceParam = Annotated[str | None, Query(
    description="Mark countries whose stance changed since this date (YYYY-MM-DD, not after "
                "`as_of`)")]
SortParam = Annotated[str | None, Query(
    description=f"Row order, as the dashboard table's: {', '.join(TableSort)} "
                "(`-` first: descending); by name when omitted")]


def refused(query: ReadQuery) -> ReadQuery:
    """The query, or QueryRefused (422 in the one JSON error shape) when a value was refused."""
    if query.errors:
        raise QueryRefused(query.errors)
    return query


def is_twin(request: Request) -> bool:
    """Whether this request is for a page's JSON twin (`X.json`) rather than the page `X`."""
    return request.url.path.endswith(".json")


def shown_on_page(request: Request, query: ReadQuery) -> ReadQuery:
    """A page with a filter form shows the messages beside the fields; its twin refuses."""
    return refused(query) if is_twin(request) else query


def dashboard_query(request: Request, as_of: AsOfParam = None, stance: StanceParam = None,
                    q: NameParam = None, rev: RevParam = None, since: SinceParam = None,
                    sort: SortParam = None) -> ReadQuery:
    return shown_on_page(request, parse_read_query(as_of=as_of, stance=stance, q=q, rev=rev,
                                                   since=since, sort=sort))


def dated_page_query(request: Request, as_of: AsOfParam = None,
                     rev: RevParam = None) -> ReadQuery:
    return shown_on_page(request, parse_read_query(as_of=as_of, rev=rev))


def list_query(as_of: AsOfParam = None, stance: StanceParam = None, q: NameParam = None,
               rev: RevParam = None, sort: SortParam = None) -> ReadQuery:
    return refused(parse_read_query(as_of=as_of, stance=stance, q=q, rev=rev, sort=sort))


def dated_query(as_of: AsOfParam = None, rev: RevParam = None) -> ReadQuery:
    return refused(parse_read_query(as_of=as_of, rev=rev))


def pinned_query(rev: RevParam = None) -> ReadQuery:
    return refused(parse_read_query(rev=rev))


def asked_date(as_of: AsOfParam = None) -> date | None:
    """`as_of` alone (share cards, embeds)."""
    return refused(parse_read_query(as_of=as_of)).as_of


SEARCH_WORDS = ("Words to look for (every word must match, as a prefix; at most 200 characters); "
                "an empty or wordless query is refused with 422")
# The limits are documented (minLength, maxLength) but judged by app/services/search.py, so the
# API, the page and its twin refuse a query with the same words.
SEARCH_LIMITS = {"minLength": 1, "maxLength": 200}


def search_words(q: Annotated[str | None, Query(description=SEARCH_WORDS)] = None) -> str:
    """The search box's `q` as typed ("" when absent), for the page and its twin."""
    return q or ""


def required_search_words(
        q: Annotated[str, Query(description=SEARCH_WORDS, json_schema_extra=SEARCH_LIMITS)]
) -> str:
    """`q` for /api/search, where it is required."""
    return q


DashboardQuery = Annotated[ReadQuery, Depends(dashboard_query)]
DatedPageQuery = Annotated[ReadQuery, Depends(dated_page_query)]
ListQuery = Annotated[ReadQuery, Depends(list_query)]
DatedQuery = Annotated[ReadQuery, Depends(dated_query)]
PinnedQuery = Annotated[ReadQuery, Depends(pinned_query)]
SearchWords = Annotated[str, Depends(search_words)]
RequiredSearchWords = Annotated[str, Depends(required_search_words)]
