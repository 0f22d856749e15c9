"""Every field rule: the form comes back (422) with the message at its field and every typed value;
the same messages come back field by field from the HTMX validate endpoints."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from app.models import AuditEvent, Source
from app.services.validation import ISO_ALPHA2, check_quote, message
from tests.support.admin import Curator, field_error


def commitment_form(curator: Curator, **fields: str) -> dict[str, str]:
    return {"csrf_token": curator.csrf, "version": "1", "kind": "logistics",
            "date": "2026-01-10", "summary": "Typed summary", "source_id": "1",
            "quote": "A typed quote", **fields}


TOMORROW = (date.today() + timedelta(days=1)).isoformat()

COMMITMENT_CASES = [
    ({"date": TOMORROW}, "date", message("date_future")),
    ({"date": "10/01/2026"}, "date", message("date_format")),
    ({"date": ""}, "date", message("required")),
    ({"quote": "   "}, "quote", message("quote_empty")),
    ({"kind": "maybe"}, "kind", message("choice")),
    ({"summary": ""}, "summary", message("required")),
    ({"source_id": "999"}, "source_id", message("source_unknown")),
    ({"source_id": "new", "new_source_title": ""}, "new_source_title", message("required")),
    ({"source_id": "new", "new_source_title": "T", "new_source_url": "javascript:alert(1)"},
     "new_source_url", message("url")),
    ({"source_id": "new", "new_source_title": "T", "new_source_text": "Other words entirely."},
     "quote", message("quote_missing")),
    ({"cond_troop_numbers": "9" * 201}, "cond_troop_numbers", message("too_long", limit=200)),
]


@pytest.mark.parametrize(("fields", "field", "expected"), COMMITMENT_CASES)
def test_each_commitment_rule_rerenders_the_form(curator: Curator, db: Session,
                                                 fields: dict[str, str], field: str,
                                                 expected: str) -> None:
    form = commitment_form(curator, **fields)
    response = curator.client.post("/admin/countries/dk/commitments", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "commitment", field) == expected
    assert ">Typed summary</textarea>" in response.text or form["summary"] == ""
    assert ">A typed quote</textarea>" in response.text or form["quote"] != "A typed quote"
    assert db.exec(select(AuditEvent)).all()[-1].action == "seed"  # nothing saved


@pytest.mark.parametrize(("fields", "field", "expected"), COMMITMENT_CASES)
def test_htmx_validates_each_field_as_typed(curator: Curator, fields: dict[str, str],
                                            field: str, expected: str) -> None:
    response = curator.client.post(
        "/admin/countries/dk/commitments/validate", data=commitment_form(curator, **fields),
        headers={"HX-Request": "true", "X-CSRF-Token": curator.csrf})
    assert response.status_code == 200
    assert "<html" not in response.text  # the form's block only
    assert field_error(response.text, "commitment", field) == expected


def test_inputs_carry_the_inline_validation_attributes(curator: Curator) -> None:
    html = curator.client.get("/admin/countries/dk").text
    assert 'hx-post="/admin/countries/dk/commitments/validate"' in html
    assert 'hx-trigger="change"' in html  # checked on leaving a field, not while typing
    assert 'hx-select="#commitment-date-error"' in html
    assert "<script>" not in html and "onclick" not in html


def test_quote_must_be_in_the_stored_text_of_an_existing_source(curator: Curator,
                                                                db: Session) -> None:
    source = Source(title="Stored", text="The minister said: \u201cwe will send engineers\u201d.")
    db.add(source)
    db.commit()
    missing = curator.client.post("/admin/countries/dk/commitments", data=commitment_form(
        curator, source_id=str(source.id), quote="we will send tanks"))
    assert field_error(missing.text, "commitment", "quote") == message("quote_missing")
    inline = curator.client.post(
        "/admin/countries/dk/commitments/validate",
        data=commitment_form(curator, source_id=str(source.id), quote="we will send tanks"),
        headers={"HX-Request": "true", "X-CSRF-Token": curator.csrf})
    assert field_error(inline.text, "commitment", "quote") == message("quote_missing")
    found = curator.client.post("/admin/countries/dk/commitments", data=commitment_form(
        curator, source_id=str(source.id), quote='"we will  send engineers"'),
        follow_redirects=False)
    assert found.status_code == 303


def test_quote_rule_ignores_sources_without_text() -> None:
    assert check_quote("anything", source_text=None) is None
    assert check_quote("", source_text=None) == message("quote_empty")


@pytest.mark.parametrize(("code", "expected"), [("zz", message("code_unknown")),
                                                ("fr", message("code_taken")),
                                                ("", message("required"))])
def test_country_code_rules(curator: Curator, code: str, expected: str) -> None:
    form = {"csrf_token": curator.csrf, "code": code, "name": "Typed name", "role": "member"}
    response = curator.client.post("/admin/countries", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "country", "code") == expected
    assert 'value="Typed name"' in response.text
    inline = curator.client.post("/admin/countries/validate", data=form,
                                 headers={"HX-Request": "true"})
    assert field_error(inline.text, "country", "code") == expected


def test_iso_list_is_complete_and_strict() -> None:
    assert len(ISO_ALPHA2) == 250 and {"FR", "GB", "UA", "XK"} <= ISO_ALPHA2
    assert not {"UK", "EU", "ZZ"} & ISO_ALPHA2


def test_source_rules(curator: Curator) -> None:
    form = {"csrf_token": curator.csrf, "title": "", "url": "ftp://x", "published": TOMORROW,
            "text": "Kept text"}
    response = curator.client.post("/admin/sources", data=form)
    assert response.status_code == 422
    assert field_error(response.text, "source", "title") == message("required")
    assert field_error(response.text, "source", "url") == message("url")
    assert field_error(response.text, "source", "published") == message("date_future")
    assert ">Kept text</textarea>" in response.text


@pytest.mark.parametrize(("path", "form", "fields", "field", "expected"), [
    ("/admin/commitments/1/validate", "correction", {"date": TOMORROW}, "date",
     message("date_future")),
    ("/admin/sources/validate", "source", {"url": "ftp://x"}, "url", message("url")),
    ("/admin/sources/1/validate", "source", {"title": " "}, "title", message("required")),
    ("/admin/countries/fr/validate", "country", {"name": ""}, "name", message("required")),
])
def test_every_form_validates_inline(curator: Curator, path: str, form: str,
                                     fields: dict[str, str], field: str, expected: str) -> None:
    response = curator.client.post(path, data=fields,
                                   headers={"HX-Request": "true", "X-CSRF-Token": curator.csrf})
    assert response.status_code == 200 and "<html" not in response.text
    assert field_error(response.text, form, field) == expected
