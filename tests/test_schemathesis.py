"""Schemathesis over /openapi.json against the live server (issue 9, point 4): every documented
GET operation, with generated and boundary inputs (huge and Unicode numbers, odd dates, NUL
bytes), answers without a 5xx, with a documented status, content type and body schema."""

import subprocess
import sys
from pathlib import Path

from sqlmodel import Session

from tests.support.server import LiveServer

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance")


def test_every_get_operation_holds_its_schema(live_server: LiveServer, db: Session,
                                             tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    result = subprocess.run(  # noqa: S603
        [str(st), "run", f"{live_server.url}/openapi.json", "--include-method", "GET",
         "--checks", CHECKS, "--phases", "coverage,fuzzing", "--max-examples", "25",
         "--workers", "2", "--request-timeout", "30", "--no-color"],
        capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout
