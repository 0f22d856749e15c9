"""Cache warming after a publish (issue 15): the first request after an edit for the expensive
answers (change list, downloads, sources API) is a page-cache hit, whichever way this worker
learns of the new revision; a newer revision supersedes the one being warmed. Checked through
the page cache's state, never through timing."""

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select
from starlette.types import Receive, Scope, Send

from app.config import get_settings
from app.db import get_engine
from app.models import Country
from app.services.dataset import publish_revision
from app.services.hooks import notify_published
from app.services.pagecache import pages, revision_key
from app.web import warming
from app.web.pagememo import PageMemoMiddleware
from app.web.warming import WARM_PATHS, Warmer


def _publish(session: Session, name: str) -> int:
    session.exec(select(Country).where(Country.code == "FR")).one().name = name
    number = publish_revision(session=session, summary=name, user_id=None, events=[]).id
    session.commit()
    return number or 0


@pytest.fixture
def warm_client(db: Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("WARM_CACHES", "true")
    get_settings.cache_clear()
    from app.main import create_app

    pages.clear()
    try:
        with TestClient(create_app()) as client:
            yield client
    finally:
        monkeypatch.delenv("WARM_CACHES")
        get_settings.cache_clear()


@pytest.fixture
def warmer(warm_client: TestClient) -> Warmer:
    """This app's warmer (created with its middleware, known once it answered a request)."""
    warm_client.get("/about")  # its first revision check: the latest revision is warmed
    layer = warm_client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(layer, PageMemoMiddleware):
        layer = layer.app
    assert layer.warmer is not None and layer.warmer in set(warming._warmers)
    return layer.warmer


def _wait_warmed(warmer: Warmer, number: int) -> None:
    """Until `warmer` has warmed revision `number` (bounded: 60 s)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if warmer.warmed is not None and warmer.warmed[0] == number:
            return
        time.sleep(0.05)
    raise AssertionError(f"revision {number} was not warmed")


def _misses(client: TestClient, paths: tuple[str, ...]) -> set[object]:
    """The page-cache keys the GETs of `paths` added (a hit adds none)."""
    before = set(pages._entries)
    for path in paths:
        assert client.get(path).status_code == 200, path
    return set(pages._entries) - before


def test_a_save_in_this_worker_warms_the_expensive_answers(
        db: Session, warm_client: TestClient, warmer: Warmer) -> None:
    _wait_warmed(warmer, 1)
    number = _publish(db, "France (warmed)")
    notify_published(number)  # what a curator's save does after its commit
    _wait_warmed(warmer, number)
    assert _misses(warm_client, WARM_PATHS) == set()
    assert "France (warmed)" in warm_client.get("/countries.csv").text
    assert _misses(warm_client, ("/sources",))  # not warmed: its first request renders it


def test_a_revision_published_elsewhere_is_warmed_at_the_first_check(
        db: Session, warm_client: TestClient, warmer: Warmer) -> None:
    _wait_warmed(warmer, 1)
    number = _publish(db, "France (elsewhere)")  # no hook: as if another process saved it
    warm_client.get("/about")  # the revision check that sees it starts the warming
    _wait_warmed(warmer, number)
    assert _misses(warm_client, WARM_PATHS) == set()
    pinned = warm_client.get("/changes.json", params={"rev": 1})
    assert pinned.status_code == 200 and '"revision":1' in pinned.text.replace(" ", "")


def test_a_newer_revision_supersedes_the_one_being_warmed(db: Session) -> None:
    asked: list[str] = []
    warmer = Warmer(engine_of=get_engine, base_url="http://127.0.0.1:8000",
                    paths=("/one", "/two", "/three"))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        asked.append(scope["path"])
        if asked == ["/one"]:  # a save lands while the first path is warmed
            _publish(db, "France (newer)")
            warmer._wanted.set()  # what notice() does (its thread is not started here)

    warmer.ask(app)
    assert _in_a_thread(warmer) is False and asked == ["/one"] and warmer.warmed is None
    warmer._wanted.clear()
    assert _in_a_thread(warmer) is True and asked == ["/one", "/one", "/two", "/three"]
    assert warmer.warmed == revision_key(get_engine())
    assert _in_a_thread(warmer) is False  # nothing new: nothing asked


def _in_a_thread(warmer: Warmer) -> bool:
    """One pass, in a thread of its own like the warmer's (this one may run an event loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(warmer.warm_latest).result(timeout=60)


def test_an_idle_warming_thread_ends_and_a_later_notice_starts_another(
        db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(warming, "IDLE_SECONDS", 0.05)
    asked: list[str] = []
    warmer = Warmer(engine_of=get_engine, base_url="http://127.0.0.1:8000", paths=("/one",))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        asked.append(scope["path"])

    warmer.ask(app)
    for round_ in (1, 2):
        if round_ == 2:
            _publish(db, "France (later)")
        warmer.notice()
        _wait_warmed(warmer, revision_key(get_engine())[0])  # type: ignore[index]
        deadline = time.monotonic() + 10
        while warmer._thread is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert warmer._thread is None and asked == ["/one"] * round_
