"""The dependency audit fails on a reported vulnerability and counts what it could not audit."""

from tests.audit_dependencies import summarise


def test_a_reported_vulnerability_is_listed_with_its_fix() -> None:
    report = [
        {"name": "jinja2", "version": "3.1.4",
         "vulns": [{"id": "GHSA-q2x7-8rv6-6q7h", "fix_versions": ["3.1.5"]}]},
        {"name": "fastapi", "version": "0.165.0", "vulns": []},
        {"name": "uvicorn", "skip_reason": "Dependency not found on PyPI and could not be audited"},
    ]
    vulnerable, skipped, audited = summarise(report)
    assert vulnerable == ["jinja2 3.1.4: GHSA-q2x7-8rv6-6q7h (fix: 3.1.5)"]
    assert skipped == ["uvicorn"]
    assert audited == 2


def test_a_clean_report_has_nothing_to_list() -> None:
    assert summarise([{"name": "fastapi", "version": "0.165.0", "vulns": []}]) == ([], [], 1)
