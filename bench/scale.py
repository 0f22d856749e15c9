"""Scale budgets (issue 15), started by hand (`make bench-scale`), not part of `make test`.

For each factor (1x, 10x, 100x by default) it builds a fresh temporary database (SQLite in a
temporary folder; with `--postgres`, the throwaway server tests/with_postgres.sh names in
DATABASE_URL, emptied first: never run that against a real one), migrates, seeds, grows the
seed synthetically to that factor (countries, commitments with citations, sources with text,
mentions: copies of the seed's own records under synthetic countries), then makes curator
edits through the real app (in-process, HTTP forms with CSRF) and prints, as figures with
their budget:

- bytes per edit: what one edit adds to the revision table, and to the database as a whole
  (SQLite: used pages; PostgreSQL: pg_database_size, no VACUUM, so the row versions an edit
  leaves dead count too), plus each edit's share of the whole-dataset checkpoint written every
  CHECKPOINT_EVERY-th revision; the budget applies to the mean growth plus that share;
- edit latency: the curator's POST until its 303 (median);
- cache warming: how long after the edit's 303 this worker had warmed the expensive answers
  (app/web/warming.py; `--no-warming` turns it off, to see what a cold first request costs);
- first request after an edit (once warming is done) and warm (median) latency of every
  public page, export and API;
- this process's RSS after the edits and page views (the app runs in it, like one worker).

Every figure is printed beside its budget with PASS or FAIL (informational figures say so).
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_TMP = tempfile.mkdtemp(prefix="ct-scale-")
os.environ.update({"DATA_DIR": _TMP, "SECRET_KEY": secrets.token_urlsafe(32),
                   "PRERENDER_CARDS": "false", "RATE_LIMIT_WRITES_PER_MINUTE": "1000000",
                   "LOG_LEVEL": "WARNING"})
if "--postgres" not in sys.argv:
    os.environ["DATABASE_URL"] = f"sqlite:///{_TMP}/scale.db"
os.environ["WARM_CACHES"] = "false" if "--no-warming" in sys.argv else "true"

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app.config import get_settings  # noqa: E402
from app.db import get_engine  # noqa: E402
from app.models import Citation, Commitment, Country, Mention, Revision, Source  # noqa: E402
from app.services.auth import create_user  # noqa: E402
from app.services.dataset import dataset_at, publish_revision  # noqa: E402
from app.services.pagecache import pages, revision_key  # noqa: E402
from app.services.revstore import CHECKPOINT_EVERY  # noqa: E402
from app.web.pagememo import PageMemoMiddleware  # noqa: E402
from app.web.warming import Warmer  # noqa: E402
from tests.support.admin import PASSWORD, log_in  # noqa: E402
from tests.support.database import migrate_fresh, reset_and_seed  # noqa: E402

PATHS = ["/", "/countries/fr", "/api/countries", "/api/countries/fr", "/sources", "/api/sources",
         "/events", "/changes", "/changes.json", "/countries.csv", "/revisions",
         "/data", "/data/coalition-tracker.zip", "/data/coalition-tracker.json", "/embed/map",
         "/embed/countries/fr", "/countries/fr/history", "/about"]
BUDGETS = {"bytes_per_edit": 50_000, "edit_ms": 150.0, "first_ms": 500.0, "warm_ms": 50.0,
           "rss_mib": 300.0}


@dataclass
class Figures:
    factor: int
    counts: dict[str, int]
    revision_bytes: list[int]
    database_bytes: list[int]
    edit_ms: list[float]
    first_ms: dict[str, list[float]]
    warm_ms: dict[str, list[float]]
    rss_mib: float
    warming_ms: list[float]
    checkpoint_bytes: int = 0


def synthetic_codes(taken: set[str]) -> list[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [a + b for a in letters for b in letters if a + b not in taken]


def grow(session: Session, factor: int) -> None:
    """Add (factor - 1) copies of the seed's countries, sources, commitments and mentions."""
    countries = session.exec(select(Country)).all()
    sources = session.exec(select(Source)).all()
    commitments = session.exec(select(Commitment)).all()
    citations = session.exec(select(Citation)).all()
    mentions = session.exec(select(Mention)).all()
    codes = iter(synthetic_codes({c.code for c in countries}))
    for copy in range(1, factor):
        new_sources = _copy_sources(session, sources, copy)
        for country in countries:
            code = next(codes, None)
            if code is None:  # two-letter codes run out: reuse the last copy's countries
                code = country.code
            else:
                session.add(Country(code=code, name=f"{country.name} {copy}",
                                    in_europe=country.in_europe, role=country.role))
                session.flush()
            _copy_commitments(session, commitments, citations, country.code, code, new_sources)
            for mention in mentions:
                if mention.country_code == country.code:
                    session.add(Mention(country_code=code, quote=mention.quote,
                                        source_id=new_sources[mention.source_id]))
    publish_revision(session=session, summary=f"grown to {factor}x", user_id=None, events=[])
    session.commit()


def _copy_sources(session: Session, sources: list[Source], copy: int) -> dict[int, int]:
    made = {}
    for source in sources:
        row = Source(title=f"{source.title} ({copy})", outlet=source.outlet,
                     author=source.author, published=source.published,
                     url=f"{source.url or 'https://example.org/'}?copy={copy}",
                     text=source.text)
        session.add(row)
        session.flush()
        made[source.id or 0] = row.id or 0
    return made


def _copy_commitments(session: Session, commitments: list[Commitment],
                      citations: list[Citation], old: str, new: str,
                      sources: dict[int, int]) -> None:
    for commitment in commitments:
        if commitment.country_code != old:
            continue
        fields = commitment.model_dump(exclude={"id", "country_code", "event_id",
                                                "dispute_citation_id"})
        row = Commitment(**fields, country_code=new)
        session.add(row)
        session.flush()
        session.add_all(Citation(commitment_id=row.id or 0, source_id=sources[c.source_id],
                                 quote=c.quote, speaker=c.speaker, attribution=c.attribution)
                        for c in citations if c.commitment_id == commitment.id)


def counts(session: Session) -> dict[str, int]:
    return {model.__name__.lower(): len(session.exec(select(model.id)).all())  # type: ignore
            for model in (Commitment, Citation, Source, Mention)} | {
        "country": len(session.exec(select(Country.code)).all())}


def database_size(session: Session) -> int:
    if session.get_bind().dialect.name == "postgresql":
        return int(session.exec(text("SELECT pg_database_size(current_database())")).one()[0])
    size = session.exec(text("PRAGMA page_count")).one()[0]
    free = session.exec(text("PRAGMA freelist_count")).one()[0]
    return int((size - free) * session.exec(text("PRAGMA page_size")).one()[0])


def revision_bytes(session: Session, number: int) -> int:
    row = session.get(Revision, number)
    return len((row.snapshot or "") + (row.delta or "")) if row else 0


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def edit(client: TestClient, csrf: str, session: Session, step: int) -> float:
    """One curator edit through the form: rename France (its version read fresh)."""
    session.expire_all()
    country = session.get(Country, "FR")
    assert country is not None
    form = {"csrf_token": csrf, "version": str(country.version), "name": f"France {step}",
            "role": country.role, "in_europe": "on"}
    started = time.perf_counter()
    response = client.post("/admin/countries/fr", data=form, follow_redirects=False)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 303, (response.status_code, response.text[:300])
    return elapsed


def measure(factor: int, edits: int) -> Figures:
    engine = get_engine()
    migrate_fresh(engine)
    reset_and_seed(engine, get_settings().seed_dir)
    pages.clear()
    with Session(engine) as session:
        grow(session, factor)
        create_user(session=session, username="bench", password=PASSWORD)
        session.commit()
        from app.main import create_app

        with TestClient(create_app()) as client:
            curator = log_in(client, "bench")
            return _run(client, curator.csrf, session, factor, edits)


def warmer_of(client: TestClient) -> Warmer | None:
    """The app's cache warmer (None when WARM_CACHES is off)."""
    layer = client.app.middleware_stack  # type: ignore[attr-defined]
    while layer is not None and not isinstance(layer, PageMemoMiddleware):
        layer = getattr(layer, "app", None)
    return layer.warmer if layer is not None else None


def wait_warmed(warmer: Warmer | None, started: float) -> float:
    """Milliseconds from `started` until `warmer` has warmed the latest revision (bounded)."""
    latest = revision_key(get_engine())
    while warmer is not None and warmer.warmed != latest and time.perf_counter() - started < 60:
        time.sleep(0.005)
    return (time.perf_counter() - started) * 1000


def checkpoint_bytes(session: Session) -> int:
    """What a whole-dataset checkpoint of the latest revision weighs (written every
    CHECKPOINT_EVERY-th revision)."""
    dataset = dataset_at(session=session)
    return len(dataset.model_dump_json(exclude={"revision", "published_at"})) if dataset else 0


def _run(client: TestClient, csrf: str, session: Session, factor: int, edits: int) -> Figures:
    reader = TestClient(client.app)  # anonymous: no session cookie
    figures = Figures(factor, counts(session), [], [], [], {p: [] for p in PATHS},
                      {p: [] for p in PATHS}, 0.0, [], checkpoint_bytes(session))
    for path in PATHS:
        reader.get(path)
    warmer = warmer_of(reader)
    for step in range(edits):
        wait_warmed(warmer, time.perf_counter())  # the previous edit's warming is done
        before = database_size(session)
        figures.edit_ms.append(edit(client, csrf, session, step))
        answered = time.perf_counter()
        latest = session.exec(text("SELECT max(id) FROM revision")).one()[0]
        figures.revision_bytes.append(revision_bytes(session, latest))
        figures.database_bytes.append(database_size(session) - before)
        if warmer is not None:
            figures.warming_ms.append(wait_warmed(warmer, answered))
        for path in PATHS:
            figures.first_ms[path].append(timed(lambda p=path: reader.get(p)))
            figures.warm_ms[path].append(statistics.median(
                timed(lambda p=path: reader.get(p)) for _ in range(3)))
    figures.rss_mib = rss_mib()
    return figures


def verdict(value: float, budget: float) -> str:
    return "PASS" if value <= budget else "FAIL"


def engine_name() -> str:
    return "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"


def report(figures: Figures) -> None:
    median, mean = statistics.median, statistics.fmean
    print(f"\n== {figures.factor}x  {engine_name()}  {figures.counts}")
    budget = BUDGETS["bytes_per_edit"]
    share = figures.checkpoint_bytes / CHECKPOINT_EVERY
    growth = mean(figures.database_bytes) + share
    print(f"revision bytes per edit (median)     {median(figures.revision_bytes):>10.0f} B   "
          f"(part of the growth below)")
    print(f"db growth per edit: median {median(figures.database_bytes):.0f} B, mean "
          f"{mean(figures.database_bytes):.0f} B, + checkpoint share {share:.0f} B "
          f"({figures.checkpoint_bytes} B / {CHECKPOINT_EVERY})")
    print(f"db growth per edit (mean + share)    {growth:>10.0f} B   budget {budget} B  "
          f"{verdict(growth, budget)}")
    edit_ms = median(figures.edit_ms)
    print(f"curator edit, end to end (median)    {edit_ms:>10.1f} ms  budget "
          f"{BUDGETS['edit_ms']:.0f} ms  {verdict(edit_ms, BUDGETS['edit_ms'])}")
    if figures.warming_ms:
        print(f"caches warmed after the edit (median) {median(figures.warming_ms):>9.1f} ms  "
              f"(informational: a first request before this renders cold)")
    else:
        print("cache warming off (--no-warming): first requests below render cold")
    for path in PATHS:
        first, warm = median(figures.first_ms[path]), median(figures.warm_ms[path])
        print(f"  {path:32} first after edit {first:8.1f} ms budget {BUDGETS['first_ms']:.0f} "
              f"{verdict(first, BUDGETS['first_ms'])}   warm {warm:7.2f} ms budget "
              f"{BUDGETS['warm_ms']:.0f} {verdict(warm, BUDGETS['warm_ms'])}")
    print(f"RSS after the edits and views        {figures.rss_mib:>10.1f} MiB budget "
          f"{BUDGETS['rss_mib']:.0f} MiB  {verdict(figures.rss_mib, BUDGETS['rss_mib'])}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--factors", default="1,10,100")
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--postgres", action="store_true",
                        help="use (and empty) the throwaway server in DATABASE_URL")
    parser.add_argument("--no-warming", action="store_true",
                        help="turn cache warming off (WARM_CACHES=false): cold first requests")
    args = parser.parse_args()
    for factor in (int(f) for f in args.factors.split(",")):
        report(measure(factor, args.edits))
    return 0


if __name__ == "__main__":
    sys.exit(main())
