"""Settings: derived defaults and no default secret."""

from app.config import Settings


def test_public_base_url_follows_host_and_port_unless_set() -> None:
    assert Settings(public_base_url="", host="127.0.0.1", port=9000).public_base_url == (
        "http://127.0.0.1:9000")
    assert Settings(public_base_url="https://tracker.example.org/").public_base_url == (
        "https://tracker.example.org")


def test_secret_key_has_no_default() -> None:
    assert Settings.model_fields["secret_key"].default is None
