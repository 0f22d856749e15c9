"""docker-compose.yml is validated by a real compose parser (docker-compose from Debian)."""

import shutil
import subprocess

import pytest

from app.config import PROJECT_ROOT


def _config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is missing: `make test` installs it (tests/system_deps.sh)")
    return subprocess.run(  # noqa: S603
        [binary, "-f", str(PROJECT_ROOT / "docker-compose.yml"), "config"],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env}, check=False,
    )


def test_compose_file_is_valid_and_wires_app_to_healthy_postgres() -> None:
    result = _config({"POSTGRES_PASSWORD": "x", "SECRET_KEY": "y"})
    assert result.returncode == 0, result.stderr
    assert "service_healthy" in result.stdout
    assert "pg_isready" in result.stdout


def test_compose_refuses_to_start_without_secrets() -> None:
    result = _config({})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr or "POSTGRES_PASSWORD" in result.stderr
