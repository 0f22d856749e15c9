"""docker-compose.yml is validated by a real compose parser (docker-compose from Debian)."""

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from app.config import PROJECT_ROOT, Settings
from tests.support.ops import dockerfile_stages, image_command, image_environment


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


def compose_config() -> dict[str, Any]:
    result = _config({"POSTGRES_PASSWORD": "x", "SECRET_KEY": "y"})
    assert result.returncode == 0, result.stderr
    return dict(yaml.safe_load(result.stdout))


def test_postgres_keeps_its_data_in_a_named_volume() -> None:
    config = compose_config()
    db = config["services"]["db"]
    assert any(v.startswith("pgdata:/var/lib/postgresql/data") for v in db["volumes"])
    assert "pgdata" in config["volumes"]


def test_app_is_configured_only_with_documented_settings() -> None:
    app = compose_config()["services"]["app"]
    settings = {name.upper() for name in Settings.model_fields}
    assert set(app["environment"]) - settings == set()
    assert app["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert int(app["environment"]["WORKERS"]) >= 2
    assert "/readyz" in " ".join(app["healthcheck"]["test"])


def test_image_runs_as_non_root_without_build_tools() -> None:
    build, final = dockerfile_stages()[0], dockerfile_stages()[-1]
    assert len(dockerfile_stages()) >= 2, "multi-stage"
    assert "slim" in final[0]
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    installs = " ".join(line for line in final if "apt-get install" in line)
    assert not any(tool in installs.split() for tool in ("gcc", "build-essential", "make", "g++"))
    assert any("pip install" in line for line in build)
    assert not any("pip install" in line for line in final)


def test_image_command_migrates_seeds_and_serves_several_workers() -> None:
    command = " ".join(image_command())
    assert command.index("app migrate") < command.index("app seed") < command.index("app serve")
    assert int(image_environment()["WORKERS"]) >= 2


def test_every_variable_the_compose_file_reads_is_documented_in_env_example() -> None:
    compose = (PROJECT_ROOT / "docker-compose.yml").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=",
                                (PROJECT_ROOT / ".env.example").read_text(), re.M))
    read = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose))
    assert {"POSTGRES_PASSWORD", "SECRET_KEY"} <= read
    assert read - documented == set()


def test_nginx_fronts_the_app_with_the_repositorys_config() -> None:
    services = compose_config()["services"]
    front, app = services["nginx"], services["app"]
    mounts = " ".join(str(v) if isinstance(v, str) else f"{v['source']}:{v['target']}"
                      for v in front["volumes"])
    assert "deploy/nginx.conf:/etc/nginx/nginx.conf" in mounts
    assert "static:/srv/static" in mounts
    assert "app" in front["depends_on"]
    assert "ports" not in app, "only the front is published"
    assert any(":8080" in str(port) for port in front["ports"])
    config = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    assert "server app:8000;" in config and "alias /srv/static/" in config
