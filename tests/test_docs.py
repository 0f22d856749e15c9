"""Every setting is documented in .env.example; the README shows the two set-up commands."""

import re

from app.config import PROJECT_ROOT, Settings


def test_every_setting_is_documented_in_env_example() -> None:
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (PROJECT_ROOT / ".env.example")
                                .read_text(), re.M))
    expected = {name.upper() for name in Settings.model_fields}
    assert expected - documented == set(), "undocumented settings"
    compose_only = {"POSTGRES_PASSWORD"}  # docker-compose.yml reads it, the app does not
    assert documented - expected - compose_only == set(), "documented settings that do not exist"


def test_readme_shows_setup_and_test_commands() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme


def test_ci_calls_make_test() -> None:
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text()
