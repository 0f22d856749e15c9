"""No lost update: edit forms carry their base, and a save is merged three ways with what was
saved since (untouched fields take the latest values, one-sided changes merge, fields both
changed must be chosen explicitly). The forms are read from the pages as a browser posts them."""

from typing import Any

from sqlmodel import Session

from app.models import Commitment, Source
from app.services.merging import Clash, base_field, reconcile, three_way
from tests.support.admin import Curator
from tests.support.forms import form_fields


def open_correction(curator: Curator, commitment_id: int) -> dict[str, str]:
    page = curator.client.get(f"/admin/commitments/{commitment_id}")
    return form_fields(page.text, "correction-form")


def post(curator: Curator, url: str, fields: dict[str, str]) -> Any:
    return curator.client.post(url, data={**fields, "csrf_token": curator.csrf},
                               follow_redirects=False)


def france(curator: Curator) -> int:
    return int(curator.client.get("/api/countries/fr").json()["commitments"][0]["id"])


def both_open(first: Curator, second: Curator) -> tuple[int, dict[str, str], dict[str, str]]:
    """France's first commitment, its correction form opened by both curators."""
    commitment_id = france(first)
    return (commitment_id, open_correction(first, commitment_id),
            open_correction(second, commitment_id))


def stored(db: Session, commitment_id: int) -> Commitment:
    db.expire_all()
    commitment = db.get(Commitment, commitment_id)
    assert commitment is not None
    return commitment


def test_one_sided_changes_merge_and_untouched_fields_take_the_latest(
    curator: Curator, second_curator: Curator, db: Session
) -> None:
    commitment_id = france(curator)
    alice, bob = open_correction(curator, commitment_id), open_correction(second_curator,
                                                                          commitment_id)
    assert alice["base"] and alice["version"] == bob["version"]
    first = post(curator, f"/admin/commitments/{commitment_id}",
                 {**alice, "summary": "Alice's summary", "reason": "wording"})
    assert first.status_code == 303 and "?saved=" in first.headers["location"]
    # Bob's form is stale: he changed only the troop numbers; the summary he never touched
    # still holds the old value in his form and must not be written back.
    second = post(second_curator, f"/admin/commitments/{commitment_id}",
                  {**bob, "cond_troop_numbers": "Up to 1,000", "reason": "numbers"})
    assert second.status_code == 303, second.text
    row = stored(db, commitment_id)
    assert row.summary == "Alice's summary" and row.cond_troop_numbers == "Up to 1,000"


def test_fields_both_changed_must_be_chosen_explicitly(
    curator: Curator, second_curator: Curator, db: Session
) -> None:
    commitment_id, alice, bob = both_open(curator, second_curator)
    url = f"/admin/commitments/{commitment_id}"
    assert post(curator, url, {**alice, "summary": "Alice's summary", "firmness": "tentative",
                               "reason": "a"}).status_code == 303
    clash = post(second_curator, url, {**bob, "summary": "Bob's summary", "cond_other": "Bob",
                                       "reason": "b"})
    assert clash.status_code == 409
    assert "Alice&#39;s summary" in clash.text and "Bob&#39;s summary" in clash.text
    assert stored(db, commitment_id).summary == "Alice's summary"  # nothing saved yet
    conflict = form_fields(clash.text, "correction-form")
    assert conflict["pending"] == "summary" and conflict["firmness"] == "tentative"
    assert conflict["cond_other"] == "Bob"
    unchosen = post(second_curator, url, conflict)  # resubmitting as is: refused again
    assert unchosen.status_code == 409 and "choose the latest saved value or yours" in unchosen.text
    assert stored(db, commitment_id).summary == "Alice's summary"
    done = post(second_curator, url, {**conflict, "choose.summary": "yours"})
    assert done.status_code == 303, done.text
    row = stored(db, commitment_id)
    assert (row.summary, row.firmness, row.cond_other) == ("Bob's summary", "tentative", "Bob")


def test_choosing_theirs_keeps_the_first_save(
    curator: Curator, second_curator: Curator, db: Session
) -> None:
    commitment_id, alice, bob = both_open(curator, second_curator)
    url = f"/admin/commitments/{commitment_id}"
    post(curator, url, {**alice, "summary": "Alice's summary", "reason": "a"})
    clash = post(second_curator, url, {**bob, "summary": "Bob's summary", "reason": "b"})
    conflict = form_fields(clash.text, "correction-form")
    assert post(second_curator, url, {**conflict, "choose.summary": "theirs"}).status_code == 303
    assert stored(db, commitment_id).summary == "Alice's summary"


def test_source_and_country_edits_merge(curator: Curator, second_curator: Curator,
                                        db: Session) -> None:
    alice = form_fields(curator.client.get("/admin/sources/1").text, "source-form")
    bob = form_fields(second_curator.client.get("/admin/sources/1").text, "source-form")
    assert post(curator, "/admin/sources/1", {**alice, "title": "Alice's title"}).status_code == 303
    assert post(second_curator, "/admin/sources/1",
                {**bob, "note": "Bob's note"}).status_code == 303
    db.expire_all()
    source = db.get(Source, 1)
    assert source is not None and (source.title, source.note) == ("Alice's title", "Bob's note")
    alice = form_fields(curator.client.get("/admin/countries/fr").text, "country-form")
    bob = form_fields(second_curator.client.get("/admin/countries/fr").text, "country-form")
    assert post(curator, "/admin/countries/fr", {**alice, "name": "French Republic"}
                ).status_code == 303
    del bob["in_europe"]  # Bob unticks "In Europe"; the name he never touched stays Alice's
    assert post(second_curator, "/admin/countries/fr", bob).status_code == 303
    country = curator.client.get("/api/countries/fr").json()
    assert country["name"] == "French Republic" and country["in_europe"] is False


def test_a_form_without_a_base_that_is_stale_must_choose_every_difference(
    curator: Curator
) -> None:
    edit = {"version": "1", "name": "France", "role": "member", "in_europe": "on"}
    assert post(curator, "/admin/countries/fr", {**edit, "name": "Francia"}).status_code == 303
    stale = post(curator, "/admin/countries/fr", {**edit, "role": "partner"})
    assert stale.status_code == 409
    conflict = form_fields(stale.text, "country-form")
    assert set(conflict["pending"].split(",")) == {"name", "role"}


# ---- the merge itself, as a pure function -------------------------------------------------


def test_three_way_rules() -> None:
    base = {"a": "1", "b": "1", "c": "1", "d": "1", "e": "x\ny"}
    theirs = {"a": "2", "b": "1", "c": "2", "d": "2", "e": "x\ny"}
    form = {"a": "1", "b": "3", "c": "3", "d": "2", "e": "x\r\ny\r\n"}
    merge = three_way(base=base, theirs=theirs, form=form)
    assert merge.values == {"a": "2", "b": "3", "c": "3", "d": "2", "e": "x\ny"}
    assert merge.clashes == (Clash(name="c", theirs="2", yours="3", unchosen=False),)


def test_reconcile_replaces_the_version_and_honours_choices() -> None:
    form = {"base": base_field({"a": "1"}), "a": "3", "version": "1", "pending": "a",
            "choose.a": "theirs"}
    merge = reconcile(form=form, theirs={"a": "1"}, version=4, submitted_version=1)
    assert merge.clean and merge.values["a"] == "1" and merge.values["version"] == "4"
    unchosen = reconcile(form={**form, "choose.a": ""}, theirs={"a": "1"}, version=4,
                         submitted_version=1)
    assert unchosen.clashes[0].unchosen
    garbage = reconcile(form={"base": "{not json", "a": "3", "version": "4"},
                        theirs={"a": "1"}, version=4, submitted_version=4)
    assert garbage.clean and garbage.values["a"] == "3"
